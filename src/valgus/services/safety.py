"""The safety gate over a person's history: the one check every path to a program or a
next dose calls (assessment/safety.py holds the rules)."""

from __future__ import annotations

from valgus.assessment import safety as rules
from valgus.storage import Database, store


def standing(db: Database, person: str, /) -> rules.Standing:
    """Whether `person` may get a program or a next dose now, and if not why."""
    records = store.safety_records(db, person)
    return rules.person_standing(records.assessments, records.stops, records.clearances)


def require(db: Database, person: str, /) -> None:
    """Raise RedFlagError (or AnswersError) unless `person` may get a program or a dose."""
    rules.require(standing(db, person))
