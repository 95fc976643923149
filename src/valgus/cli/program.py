"""`valgus program`: the dated corrective program from an assessment (a file, answers, or a
person's latest assessment), saved to a file and, with --person, to their history."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from valgus.cli import common
from valgus.cli.errors import handled
from valgus.errors import InputError

if TYPE_CHECKING:
    from valgus.assessment.drivers import Assessment
    from valgus.program.prescription import Program


def program_command(
    assessment_file: Path | None = typer.Argument(
        None, help="Assessment JSON from `valgus assess` (its saved file or --json)."
    ),
    answers_file: Path | None = typer.Option(
        None, "--answers", help="Or build from an answers file directly (TOML or JSON)."
    ),
    analysis: list[Path] = typer.Option(
        None, "--analysis", help="With --answers: an analysis JSON (repeat)."
    ),
    person: str | None = typer.Option(
        None,
        "--person",
        help="Store the program in this person's history; without a file, build it from "
        "their latest assessment.",
    ),
    start: str | None = typer.Option(None, "--start", help="First session YYYY-MM-DD (today)."),
    weeks: int = typer.Option(6, "--weeks", help="Program length, 6-8 weeks."),
    sessions_per_week: int = typer.Option(3, "--sessions-per-week", help="2 or 3."),
    reassess_every: int = typer.Option(3, "--reassess-every", help="Re-assess every 2-4 weeks."),
    minutes: int | None = typer.Option(None, "--minutes", help="Override minutes per session."),
    general: bool = typer.Option(
        False, "--general", help="A general program even when no valgus was seen."
    ),
    ics: Path | None = typer.Option(None, "--ics", help="Also write the program as a calendar."),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Where to save the program [default: ./valgus-results/program-START.json].",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Build the corrective program: drills for the drivers found, dated sessions, re-assessment
    dates and stop rules. Refuses (exit 8) when the assessment reported a red flag."""
    from valgus.services import programs

    with handled(as_json=as_json):
        first_day = common.parse_date(start, option="--start")
        schedule = programs.Schedule(
            start=first_day,
            weeks=weeks,
            sessions_per_week=sessions_per_week,
            reassess_every_weeks=reassess_every,
            minutes=minutes,
            general=general,
        )
        given = (
            None
            if person is not None and assessment_file is None and answers_file is None
            else _assessment(assessment_file, answers_file, analysis or [], first_day)
        )
        if person is not None:
            with common.database() as db:
                program = programs.build_for_person(db, person, schedule, assessment=given)
        else:
            assert given is not None
            program = programs.build(given, schedule)
        saved = programs.save(program, out or _default_path(program))
        if ics is not None:
            programs.write_calendar(program, ics)
    if as_json:
        sys.stdout.write(program.model_dump_json() + "\n")
        return
    _print(program, saved, ics, person)


def _default_path(program: Program) -> Path:
    return Path("valgus-results") / f"program-{program.start.isoformat()}.json"


def _print(program: Program, saved: Path, ics: Path | None, person: str | None) -> None:
    render_program(program, Console())
    console = common.out()
    console.print(f"[dim]program saved: {saved}[/]")
    if ics is not None:
        console.print(f"[dim]calendar: {ics}[/]")
    if person is not None:
        console.print(f"[dim]stored in the history of {person}[/]")
        first = program.drills[0].id if program.drills else "DRILL"
        console.print(f"Log each workout: valgus log {person} {first} --sets 2 --reps 10 --pain 0")


def show_program(assessment: Assessment, *, person: str | None, start: dt.date) -> None:
    """Build, save and show the program for a fresh assessment (from `valgus assess`)."""
    from valgus.services import programs

    with handled():
        schedule = programs.Schedule(start=start)
        if person is not None:
            with common.database() as db:
                program = programs.build_for_person(db, person, schedule, assessment=assessment)
        else:
            program = programs.build(assessment, schedule)
        saved = programs.save(program, _default_path(program))
    _print(program, saved, None, person)


def _assessment(
    assessment_file: Path | None, answers_file: Path | None, analyses: list[Path], day: dt.date
) -> Assessment:
    from valgus.services import answers as answers_service
    from valgus.services import assessments, documents

    if (assessment_file is None) == (answers_file is None):
        raise InputError(
            "give an assessment file, --answers FILE, or --person NAME (their latest assessment)"
        )
    if assessment_file is not None:
        return documents.read_assessment_file(assessment_file)
    data = answers_service.gather(answers_file, {})
    return assessments.run(
        analyses, answers_service.validate_answers(data, name=str(answers_file)), date=day
    )


def render_program(p: Program, console: Console) -> None:
    followed = ", ".join(d.replace("_", " ") for d in p.drivers_followed) or "none (general)"
    console.print(
        f"[bold]Corrective program[/] {p.start} to {p.end}: {p.weeks} weeks, "
        f"{p.sessions_per_week} sessions a week, about {p.estimated_minutes:.0f} of your "
        f"{p.minutes_per_session} min. Follows: {followed}.",
        highlight=False,
    )
    table = Table(title="Each session, in this order")
    table.add_column(
        "id (for valgus log)",
        no_wrap=True,
        min_width=len(max((d.id for d in p.drills), key=len, default="")),
    )
    for col in ("drill", "start at", "range", "min", "for"):
        table.add_column(col)
    for d in p.drills:
        serves = ", ".join(s.replace("_", " ") for s in d.serves)
        table.add_row(d.id, d.name, d.start, d.dose, f"{d.minutes:g}", serves)
    console.print(table)
    weeks = Table(title="Dates")
    weeks.add_column("week")
    weeks.add_column("sessions")
    for w in range(1, p.weeks + 1):
        days = [s.date.strftime("%a %d %b") for s in p.sessions if s.week == w]
        weeks.add_row(str(w), ", ".join(days))
    console.print(weeks)
    console.print(
        "[bold]Re-assess[/] (same camera set-up): "
        + ", ".join(d.strftime("%a %d %b %Y") for d in p.reassess),
        highlight=False,
    )
    for c in p.changes:
        console.print(f"[yellow]changed:[/] {c}", highlight=False)
    console.print("\n[bold]Stop rules[/]")
    for r in p.stop_rules:
        console.print(f"  - {r}", highlight=False)
    for n in p.notes:
        console.print(f"[dim]note: {n}[/]", highlight=False)
    console.print(f"\n[dim]{p.statement}[/]")
