"""`valgus program`: the dated corrective program from an assessment (or straight from answers)."""

from __future__ import annotations

import datetime as dt
import json
import os
import sys
from pathlib import Path

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from valgus.assessment.drivers import Assessment, assess
from valgus.cli.assess import collect_answers, fail, read_analyses
from valgus.errors import AnalysisFileError, AnswersError, InputError, ValgusError
from valgus.program.catalogue import load_catalogue
from valgus.program.ics import program_to_ics
from valgus.program.prescription import Program, prescribe
from valgus.validation import first_problem


def read_assessment(path: Path) -> Assessment:
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise AnalysisFileError(f"cannot read the assessment {path}: {err}") from err
    try:
        return Assessment.model_validate(data)
    except ValidationError as err:
        raise AnalysisFileError(
            f"{path} is not a valgus assessment ({first_problem(err)}); give the JSON "
            "written by `valgus assess --json`"
        ) from err


def _write_ics(program: Program, path: Path) -> None:
    data = program_to_ics(program, stamp=dt.datetime.now(dt.UTC).replace(microsecond=0))
    tmp = path.with_name(path.name + ".tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError as err:
        raise InputError(f"cannot write the calendar file {path}: {err}") from err


def program_command(
    assessment_file: Path | None = typer.Argument(
        None, help="Assessment JSON from `valgus assess --json`."
    ),
    answers_file: Path | None = typer.Option(
        None, "--answers", help="Or build from an answers file directly (TOML or JSON)."
    ),
    analysis: list[Path] = typer.Option(
        None, "--analysis", help="With --answers: an analysis JSON (repeat)."
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
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Build the corrective program: drills for the drivers found, dated sessions, re-assessment
    dates and stop rules. Refuses (exit 8) when the assessment reported a red flag."""
    try:
        first_day = _parse_start(start)
        assessment = _load(assessment_file, answers_file, analysis or [], first_day)
        prefs = assessment.answers.preferences
        if minutes is not None:
            prefs = prefs.model_copy(update={"minutes_per_session": minutes})
            if not 5 <= minutes <= 120:
                raise AnswersError(f"--minutes must be 5-120, got {minutes}")
        program = prescribe(
            assessment,
            load_catalogue(),
            start=first_day,
            weeks=weeks,
            sessions_per_week=sessions_per_week,
            reassess_every_weeks=reassess_every,
            preferences=prefs,
            general=general,
        )
        if ics is not None:
            _write_ics(program, ics)
    except ValgusError as e:
        fail(e, as_json=as_json)
        return
    if as_json:
        sys.stdout.write(program.model_dump_json() + "\n")
        return
    render_program(program, Console())
    if ics is not None:
        Console().print(f"[dim]calendar: {ics}[/]")


def _parse_start(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise InputError(f"--start must be YYYY-MM-DD, got {text!r}") from err


def _load(
    assessment_file: Path | None, answers_file: Path | None, analyses: list[Path], day: dt.date
) -> Assessment:
    if (assessment_file is None) == (answers_file is None):
        raise InputError("give either an assessment JSON file or --answers FILE (not both)")
    if assessment_file is not None:
        return read_assessment(assessment_file)
    answers = collect_answers(
        answers_file, {}, red_flags_yes=[], no_red_flags=False, interactive=False
    )
    return assess(read_analyses(analyses), answers, date=day)


def render_program(p: Program, console: Console) -> None:
    followed = ", ".join(d.replace("_", " ") for d in p.drivers_followed) or "none (general)"
    console.print(
        f"[bold]Corrective program[/] {p.start} to {p.end}: {p.weeks} weeks, "
        f"{p.sessions_per_week} sessions a week, about {p.estimated_minutes:.0f} of your "
        f"{p.minutes_per_session} min. Follows: {followed}.",
        highlight=False,
    )
    table = Table(title="Each session, in this order")
    for col in ("drill", "start at", "range", "min", "for"):
        table.add_column(col)
    for d in p.drills:
        serves = ", ".join(s.replace("_", " ") for s in d.serves)
        table.add_row(d.name, d.start, d.dose, f"{d.minutes:g}", serves)
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
