"""`valgus log`: one workout in, the next dose (or why progression stops) out."""

from __future__ import annotations

import json
import sys

import typer

from valgus.cli import common
from valgus.cli.errors import handled


def log_command(
    name: str = typer.Argument(..., help="The person (see `valgus person list`)."),
    exercise: str = typer.Argument(
        ...,
        help="Drill id from the program (its table, report or calendar), e.g. banded_clamshell.",
    ),
    sets: int = typer.Option(..., "--sets", help="Sets done."),
    reps: int = typer.Option(..., "--reps", help="Reps per set."),
    pain: int = typer.Option(..., "--pain", help="Knee pain during or after, 0-10."),
    band: str | None = typer.Option(
        None, "--band", help="Band colour used (a banded drill without it keeps your last band)."
    ),
    pain_next_day: bool = typer.Option(
        False, "--pain-next-day", help="The pain lasted to the next day (log it the day after)."
    ),
    form_ok: bool = typer.Option(True, "--form-ok/--form-poor", help="Was the form good?"),
    symptom: list[str] = typer.Option(
        [],
        "--symptom",
        help="A stop symptom since the session (repeat for more): locking, giving_way, "
        "swelling, night_pain. Any one stops the program until you are re-assessed or a "
        "clinician clears you.",
    ),
    day: str | None = typer.Option(None, "--date", help="YYYY-MM-DD (today)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Log a workout; applies the program's progression and stop rules and says the next dose."""
    from valgus.services import workouts

    with handled(as_json=as_json):
        date = common.parse_date(day)
        entry = workouts.entry(
            prefix="--",
            date=date,
            exercise_id=exercise,
            sets=sets,
            reps=reps,
            band=band,
            pain_0_10=pain,
            pain_next_day=pain_next_day,
            form_ok=form_ok,
            symptoms=symptom,
        )
        with common.database() as db:
            logged = workouts.log(db, name, entry)
    decision = logged.decision
    dose = None if decision.dose is None else str(decision.dose)
    if as_json:
        payload = {
            "action": decision.action,
            "next_dose": dose,
            "reason": decision.reason,
            "note": logged.band_note,
        }
        sys.stdout.write(json.dumps(payload) + "\n")
        return
    console = common.out()
    if logged.band_note:
        console.print(f"[dim]{logged.band_note}[/]")
    if dose is not None:
        console.print(f"next: {dose}. {decision.reason}")
    else:
        console.print(f"{'stop' if decision.action == 'stop' else 'no dose'}: {decision.reason}")
