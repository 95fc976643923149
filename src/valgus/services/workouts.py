"""Log a workout: checked against the person's program, through the safety gate, then the
progression and stop rules say the next dose (program/progression.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from valgus.assessment import safety as rules
from valgus.assessment.selftests import BAND_ORDER
from valgus.errors import AnswersError, InputError
from valgus.program.catalogue import load_catalogue
from valgus.program.progression import Decision, Dose, LoggedSession, next_dose
from valgus.services import safety
from valgus.storage import Database, store
from valgus.storage.store import WorkoutEntry


def entry(*, prefix: str = "", **fields: Any) -> WorkoutEntry:
    """A workout entry from its fields; a value out of range is one clear line naming the
    field (prefix: "--" for the CLI's options)."""
    try:
        return WorkoutEntry(**fields)
    except ValidationError as err:
        first = err.errors()[0]
        field = {"pain_0_10": "pain"}.get(str(first["loc"][0]), str(first["loc"][0]))
        raise AnswersError(f"{prefix}{field}: {first['msg']}") from err


@dataclass(frozen=True)
class Logged:
    """A stored workout and what comes next."""

    decision: Decision
    band_note: str | None  # the band was taken from the last log (none was given)


def _check(db: Database, person: str, entry: WorkoutEntry, today: dt.date) -> None:
    if entry.date > today:
        raise InputError(
            f"the date {entry.date} is in the future; log a workout on or after the day it was done"
        )
    if entry.band is not None and entry.band not in BAND_ORDER:
        raise InputError(
            f"unknown band colour {entry.band!r}; choose from: {', '.join(BAND_ORDER)}"
        )
    program = store.latest_program(db, person)
    if program is None:
        raise InputError(
            f"{person} has no program yet: build one with `valgus program --person {person}` "
            "before logging workouts"
        )
    drills = [d.id for d in program.drills]
    if entry.exercise_id not in drills:
        raise InputError(
            f"{entry.exercise_id!r} is not in {person}'s program; log one of: {', '.join(drills)}"
        )


def _with_band(db: Database, person: str, entry: WorkoutEntry) -> tuple[WorkoutEntry, str | None]:
    """A banded drill logged without a band keeps the last band used (the dose must not
    silently drop to no band)."""
    exercise = load_catalogue().get(entry.exercise_id)
    if entry.band is not None or "band" not in exercise.equipment:
        return entry, None
    last = store.last_band(db, person, entry.exercise_id)
    if last is None:
        return entry, None
    note = f"no --band given: logged with the {last} band you used last time"
    return entry.model_copy(update={"band": last}), note


def log(
    db: Database, person: str, entry: WorkoutEntry, /, *, today: dt.date | None = None
) -> Logged:
    """Store a workout and decide the next dose. Refused (InputError) for a person without
    a program, a drill not in it, an unknown band colour or a future date. While the safety
    gate is shut (red flag, stop rule in force) the workout is still stored, and the
    decision is "blocked", with the reason (only a workout's own stop rule starts a stop)."""
    _check(db, person, entry, today or dt.date.today())
    entry, band_note = _with_band(db, person, entry)
    standing = safety.standing(db, person)
    exercise = load_catalogue().get(entry.exercise_id)

    def decide(logged: list[LoggedSession], owned_bands: tuple[str, ...]) -> Decision:
        decision = next_dose(logged, exercise, owned_bands=owned_bands)
        if standing.allowed:
            return decision
        if decision.action == "stop":  # this workout met a stop rule of its own
            return decision
        return Decision("blocked", None, standing.reason)

    return Logged(store.log_workout(db, person, entry, decide=decide), band_note)


def standing(db: Database, person: str, /) -> rules.Standing:
    return safety.standing(db, person)


@dataclass(frozen=True)
class DrillToday:
    """One drill of the program, with the dose to do next and why."""

    exercise_id: str
    name: str
    dose: Dose | None  # None: no dose now (a stop, or the safety gate)
    note: str


def session_plan(
    db: Database, person: str, /, *, doses: list[store.DoseOut] | None = None
) -> list[DrillToday]:
    """The person's program drills with the next dose of each (from its logs, as `valgus log`
    said after the latest one; the bottom of the range and the starting band before any).
    doses: the person's history's, when the caller has read it already."""
    program = store.latest_program(db, person)
    if program is None:
        return []
    catalogue = load_catalogue()
    if doses is None:
        doses = store.history(db, person).doses
    latest = {d.exercise_id: d for d in doses}
    plan = []
    for drill in program.drills:
        done = latest.get(drill.id)
        if done is None:
            bottom = catalogue.get(drill.id).dosage
            dose: Dose | None = Dose(bottom.sets[0], bottom.reps[0], drill.band)
            note = "First session: start at the bottom of the range."
        else:
            dose = None if done.next_dose is None else Dose.parse(done.next_dose)
            note = done.reason
        plan.append(DrillToday(drill.id, drill.name, dose, note))
    return plan


def log_session(
    db: Database, person: str, entries: list[WorkoutEntry], /, *, today: dt.date | None = None
) -> list[Logged]:
    """A session ticked off: every drill done, logged as `log` logs one (all checked before
    any is stored: one refused drill stores none)."""
    if not entries:
        raise InputError("tick at least one drill you did")
    day = today or dt.date.today()
    for entry in entries:
        _check(db, person, entry, day)
    return [log(db, person, entry, today=day) for entry in entries]
