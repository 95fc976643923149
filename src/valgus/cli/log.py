"""`valgus log`: one workout in, the next dose (or why progression stops) out."""

from __future__ import annotations

import datetime as dt
import json
import sys

import typer
from pydantic import ValidationError
from rich.console import Console

from valgus.cli.assess import fail
from valgus.errors import AnswersError, InputError, ValgusError
from valgus.program.catalogue import load_catalogue
from valgus.storage import Database, store


def log_command(
    name: str = typer.Argument(..., help="The person (see `valgus person list`)."),
    exercise: str = typer.Argument(
        ..., help="Exercise id from the program, e.g. banded_clamshell."
    ),
    sets: int = typer.Option(..., "--sets", help="Sets done."),
    reps: int = typer.Option(..., "--reps", help="Reps per set."),
    pain: int = typer.Option(..., "--pain", help="Knee pain during or after, 0-10."),
    band: str | None = typer.Option(None, "--band", help="Band colour used, if any."),
    pain_next_day: bool = typer.Option(
        False, "--pain-next-day", help="The pain lasted to the next day (log it the day after)."
    ),
    form_ok: bool = typer.Option(True, "--form-ok/--form-poor", help="Was the form good?"),
    day: str | None = typer.Option(None, "--date", help="YYYY-MM-DD (today)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Log a workout; applies the program's progression and stop rules and says the next dose."""
    try:
        try:
            date = dt.date.fromisoformat(day) if day else dt.date.today()
        except ValueError as err:
            raise InputError(f"--date must be YYYY-MM-DD, got {day!r}") from err
        try:
            entry = store.WorkoutEntry(
                date=date,
                exercise_id=exercise,
                sets=sets,
                reps=reps,
                band=band,
                pain_0_10=pain,
                pain_next_day=pain_next_day,
                form_ok=form_ok,
            )
        except ValidationError as err:
            first = err.errors()[0]
            field = {"pain_0_10": "pain"}.get(str(first["loc"][0]), str(first["loc"][0]))
            raise AnswersError(f"--{field}: {first['msg']}") from err
        with Database() as db:
            decision = store.log_workout(db, name, entry, catalogue=load_catalogue())
    except ValgusError as e:
        fail(e, as_json=as_json)
        return
    dose = None if decision.dose is None else str(decision.dose)
    if as_json:
        payload = {"action": decision.action, "next_dose": dose, "reason": decision.reason}
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    line = f"stop: {decision.reason}" if dose is None else f"next: {dose}. {decision.reason}"
    Console().print(line, highlight=False)
