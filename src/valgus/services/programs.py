"""The corrective program: drills for the drivers found, dated sessions, re-assessment
dates and stop rules; only past the safety gate (assessment/safety.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from valgus.assessment.drivers import Assessment
from valgus.assessment.safety import check_program_allowed
from valgus.errors import AnswersError, NotFoundError, RedFlagError
from valgus.io import atomic
from valgus.io.results import writing
from valgus.program.catalogue import load_catalogue
from valgus.program.ics import program_to_ics
from valgus.program.prescription import Program, prescribe
from valgus.services import safety
from valgus.storage import Database, store

MINUTES_RANGE = (5, 120)  # a session's length a person may ask for


@dataclass(frozen=True)
class Schedule:
    """How the program is laid out in time (defaults: docs/evidence.md §8)."""

    start: dt.date
    weeks: int = 6
    sessions_per_week: int = 3
    reassess_every_weeks: int = 3
    minutes: int | None = None  # overrides the minutes per session in the answers
    general: bool = False  # a general program even when no valgus was seen


def build(assessment: Assessment, schedule: Schedule, /) -> Program:
    """The program for one assessment. Raises RedFlagError (a red flag: see a clinician),
    AnswersError (screen unfinished, minutes out of range), InputError (settings)."""
    check_program_allowed(assessment)
    prefs = assessment.answers.preferences
    if schedule.minutes is not None:
        lo, hi = MINUTES_RANGE
        if not lo <= schedule.minutes <= hi:
            raise AnswersError(f"minutes per session must be {lo}-{hi}, got {schedule.minutes}")
        prefs = prefs.model_copy(update={"minutes_per_session": schedule.minutes})
    return prescribe(
        assessment,
        load_catalogue(),
        start=schedule.start,
        weeks=schedule.weeks,
        sessions_per_week=schedule.sessions_per_week,
        reassess_every_weeks=schedule.reassess_every_weeks,
        preferences=prefs,
        general=schedule.general,
    )


def build_for_person(
    db: Database, person: str, schedule: Schedule, /, *, assessment: Assessment | None = None
) -> Program:
    """The program for a person, stored in their history: from `assessment` (stored in
    their history first), else their latest stored assessment. Refused while their latest
    assessment reports a red flag or a stop rule stands (services/safety.py)."""
    if assessment is not None:
        store.add_assessment(db, person, assessment)
    safety.require(db, person)
    source = assessment or store.latest_assessment(db, person)
    assert source is not None  # require() refuses a person without an assessment
    program = build(source, schedule)
    store.add_program(db, person, program)
    return program


def attach(db: Database, person: str, program: Program, /) -> store.Stored:
    """Store a program made elsewhere, through the same gate."""
    safety.require(db, person)
    return store.add_program(db, person, program)


def current(db: Database, person: str, /) -> Program:
    """The person's latest program, to show, print or put in a calendar: through the same
    gate as building one (RedFlagError or AnswersError while it is shut, NotFoundError
    when there is none)."""
    safety.require(db, person)
    program = store.latest_program(db, person)
    if program is None:
        raise NotFoundError(f"{person} has no program yet")
    return program


def withheld_from_report(
    db: Database | None, person: str | None, assessment: Assessment | None, /
) -> str | None:
    """Why a program given to a report must be left out of it (None: it may be shown). The
    person's gate when the report names a person, else the assessment's red-flag screen; a
    program with neither is not shown (nothing says it is safe to follow)."""
    try:
        if person is not None and db is not None:
            safety.require(db, person)
        elif assessment is not None:
            check_program_allowed(assessment)
        else:
            return (
                "a program is shown with the safety screen it was built after: add --person "
                "NAME (their history) or --assessment FILE"
            )
    except (RedFlagError, AnswersError) as err:
        return str(err)
    return None


def save(program: Program, path: Path, /) -> Path:
    with writing(path):
        return atomic.write_text(path, program.model_dump_json(indent=2))


def write_calendar(program: Program, path: Path, /) -> Path:
    """The program's sessions and re-assessments as an iCalendar file."""
    data = program_to_ics(program, stamp=dt.datetime.now(dt.UTC).replace(microsecond=0))
    with writing(path):
        return atomic.write_bytes(path, data)
