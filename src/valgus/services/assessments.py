"""Assess: the red-flag screen first, then what may drive the knees caving in, from the
analyses and the self-test answers; keep it (a file, a person's history)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from valgus.assessment.drivers import Assessment, MovementResult, assess
from valgus.assessment.selftests import Answers
from valgus.errors import AnswersError
from valgus.io import atomic
from valgus.io.results import writing
from valgus.services.documents import read_analysis_files
from valgus.storage import Database, store


def run(
    analyses: list[Path] | list[MovementResult],
    answers: Answers,
    /,
    *,
    date: dt.date | None = None,
) -> Assessment:
    """The assessment of these analyses (files or read results) and answers, dated `date`
    (today). Raises AnswersError while red-flag questions are unanswered: the screen
    comes first, and an unfinished screen is not an assessment."""
    results = [
        a if isinstance(a, MovementResult) else read_analysis_files([a])[0] for a in analyses
    ]
    result = assess(results, answers, date=date or dt.date.today())
    if result.red_flags.status == "incomplete":
        raise AnswersError(
            "answer the red-flag questions first: "
            + ", ".join(result.red_flags.unanswered)
            + " (in the answers file's [red_flags] table, with --red-flag KEY for a yes, "
            "or --no-red-flags when none applies)"
        )
    return result


def refers(assessment: Assessment, /) -> bool:
    """The screen found a red flag: see a clinician, no program."""
    return assessment.red_flags.status == "refer"


def save(assessment: Assessment, path: Path, /) -> Path:
    """Write the assessment as JSON (what `valgus program` and `person attach` read)."""
    with writing(path):
        return atomic.write_text(path, assessment.model_dump_json(indent=2))


def default_path(date: dt.date, /, *, folder: Path = Path("valgus-results")) -> Path:
    return folder / f"assessment-{date.isoformat()}.json"


def store_for(db: Database, person: str, assessment: Assessment, /) -> None:
    """Keep the assessment in the person's history."""
    store.add_assessment(db, person, assessment)


def for_person(
    db: Database, person: str, answers: Answers, /, *, date: dt.date | None = None
) -> Assessment:
    """Assess a person from their latest stored analysis of each movement and the answers
    given; the assessment is kept in their history."""
    from valgus.assessment.drivers import read_analysis

    results = [
        read_analysis(r, name=f"{person}'s analysis") for r in store.latest_results(db, person)
    ]
    assessment = run(results, answers, date=date)
    store.add_assessment(db, person, assessment)
    return assessment
