"""The safety rules that stand before any program or dose, on every path (command line,
Python, web). Pure: records in, a decision out.

1. A program needs an assessment whose red-flag screen cleared: any red flag means "see a
   clinician" and no program; an unanswered question means the screen is not done
   (docs/evidence.md §7).
2. For a person, the latest assessment decides (by date, then the order stored): a red
   flag there blocks any new program and any next dose, whatever older assessments said.
3. A stop rule met in a workout log (pain at or above 6/10, or pain lasting to the next
   day) stays in force until the person is assessed again with a clear screen on a later
   day, or a clinician's clearance dated that day or later is recorded. Dates are days,
   so a stop on the day of an assessment counts as after it (the safe side).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from valgus.assessment.drivers import Assessment
from valgus.errors import AnswersError, RedFlagError


def check_program_allowed(assessment: Assessment, /) -> None:
    """Rule 1 above. Raises RedFlagError (a red flag) or AnswersError (screen not complete)."""
    rf = assessment.red_flags
    if rf.status == "refer":
        raise RedFlagError(f"no program: a red flag was reported. {rf.message}")
    if rf.status != "clear" or assessment.drivers is None:
        raise AnswersError(
            "no program: the red-flag questions were not all answered "
            f"({', '.join(rf.unanswered)}); run `valgus assess` again and answer them"
        )


@dataclass(frozen=True)
class Stop:
    """A stop rule met in a logged workout."""

    date: dt.date
    reason: str


@dataclass(frozen=True)
class Clearance:
    """A clinician's clearance to resume, as recorded."""

    date: dt.date
    by: str


@dataclass(frozen=True)
class Standing:
    """Whether a person may get a program or a next dose now, and if not why."""

    allowed: bool
    reason: str
    code: str  # "clear" | "no_assessment" | "red_flag" | "incomplete" | "stopped"


def person_standing(
    assessments: Sequence[Assessment],
    stops: Sequence[Stop],
    clearances: Sequence[Clearance],
    /,
) -> Standing:
    """Rules 2 and 3 over a person's records (assessments oldest first as stored)."""
    if not assessments:
        return Standing(False, "no assessment yet: run `valgus assess` first", "no_assessment")
    latest = max(enumerate(assessments), key=lambda ia: (ia[1].date, ia[0]))[1]
    try:
        check_program_allowed(latest)
    except RedFlagError:
        return Standing(
            False,
            f"the latest assessment ({latest.date}) reported a red flag: see a clinician. "
            f"{latest.red_flags.message}",
            "red_flag",
        )
    except AnswersError as err:
        return Standing(False, f"the latest assessment ({latest.date}): {err}", "incomplete")
    open_stops = [
        s for s in stops if s.date >= latest.date and not any(c.date >= s.date for c in clearances)
    ]
    if open_stops:
        first = min(open_stops, key=lambda s: s.date)
        return Standing(
            False,
            f"a stop rule has been in force since {first.date}: {first.reason} It stays until "
            "a clinician clears you (record it with `valgus person clear`) or a new "
            "assessment clears the safety screen.",
            "stopped",
        )
    return Standing(True, "the latest assessment cleared the safety screen", "clear")


def require(standing: Standing, /) -> None:
    """Raise RedFlagError (or AnswersError for an unfinished screen) unless allowed."""
    if standing.allowed:
        return
    if standing.code in ("incomplete", "no_assessment"):
        raise AnswersError(f"no program or dose: {standing.reason}")
    raise RedFlagError(f"no program or dose: {standing.reason}")
