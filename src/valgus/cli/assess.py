"""`valgus assess`: red-flag screen, then the drivers, from analyses and self-test answers.

Answers come from an answers file (--answers, TOML or JSON), then flags (which override it),
then prompts for what is still missing when run in a terminal (a bad value is asked again).
The assessment is saved to a file (and to the person's history with --person); in a
terminal it offers to build the program at once.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from valgus.assessment.questions import QUESTIONS
from valgus.cli import common
from valgus.cli.errors import handled
from valgus.errors import AnswersError, RedFlagError

if TYPE_CHECKING:
    from valgus.assessment.drivers import Assessment

RED_FLAG_HELP = "A red flag that applies (repeat): " + ", ".join(QUESTIONS) + "."


def _valid(data: dict[str, Any], path: str) -> str | None:
    """The problem with the answer at `path` (dotted), or None when it is acceptable."""
    from valgus.services import answers as answers_service

    probe = answers_service.merge_values(data, {})
    probe.setdefault("self_tests", {}).setdefault("pain_0_10", 0)
    try:
        answers_service.validate_answers(probe)
    except AnswersError as err:
        where = str(err).removeprefix("answers: ")
        return where if where.startswith(path) else None
    return None


def _ask(data: dict[str, Any], path: str, ask: Any, console: Console) -> None:
    """Prompt until the answer at `path` is acceptable."""
    from valgus.services import answers as answers_service

    while True:
        answers_service.set_path(data, path, ask())
        problem = _valid(data, path)
        if problem is None:
            return
        console.print(f"[yellow]{problem}: please try again[/]", highlight=False)


def _prompt_missing(data: dict[str, Any], console: Console) -> None:
    """Ask, in plain words, whatever is still missing (interactive terminals only)."""
    from valgus.assessment.redflags import needed_questions
    from valgus.assessment.selftests import BAND_ORDER, GUIDES, RedFlagAnswers
    from valgus.services import answers as answers_service

    console.print(
        "[bold]Safety questions first[/] (yes/no). A 'yes' to any of them (after an injury: "
        "to any of its follow-up questions) means: see a clinician."
    )
    while True:
        rf = RedFlagAnswers.model_validate(data.get("red_flags", {}))
        todo = needed_questions(rf)
        if not todo:
            break
        question = todo[0]
        answers_service.set_path(
            data, f"red_flags.{question}", typer.confirm(QUESTIONS[question], default=False)
        )
    tests = data.setdefault("self_tests", {})
    if "pain_0_10" not in tests:
        console.print(GUIDES["pain_0_10"])
        _ask(
            data, "self_tests.pain_0_10", lambda: typer.prompt("Knee pain 0-10", type=int), console
        )
    for key, unit in (("knee_to_wall_cm", "cm"), ("navicular_drop_mm", "mm")):
        if key not in tests:
            console.print(f"\n{GUIDES[key]}")
            for side in ("left", "right"):
                _ask(
                    data,
                    f"self_tests.{key}.{side}",
                    lambda side=side, unit=unit: (
                        typer.prompt(
                            f"  {side} ({unit}, Enter to skip)", default="", show_default=False
                        ).strip()
                        or None
                    ),
                    console,
                )
    prefs = data.setdefault("preferences", {})
    eq = prefs.setdefault("equipment", {})
    if "bands" not in eq:
        _ask(
            data,
            "preferences.equipment.bands",
            lambda: [
                c.strip().lower()
                for c in typer.prompt(
                    f"\nBand colours you have ({', '.join(BAND_ORDER)}; comma-separated, Enter "
                    "for none)",
                    default="",
                    show_default=False,
                ).split(",")
                if c.strip()
            ],
            console,
        )
    if "roller_or_ball" not in eq:
        eq["roller_or_ball"] = typer.confirm("Do you have a foam roller or a ball?", default=False)
    if "minutes_per_session" not in prefs:
        _ask(
            data,
            "preferences.minutes_per_session",
            lambda: typer.prompt("Minutes per session", default=20, type=int),
            console,
        )


def assess_command(
    analyses: list[Path] = typer.Argument(
        None, help="Analysis JSON files from `valgus analyze --json` (squat, heel-raised...)."
    ),
    answers_file: Path | None = typer.Option(
        None, "--answers", help="Answers file (TOML or JSON); flags override it."
    ),
    ktw_left: float | None = typer.Option(None, help="Knee-to-wall distance, left, cm."),
    ktw_right: float | None = typer.Option(None, help="Knee-to-wall distance, right, cm."),
    nd_left: float | None = typer.Option(None, help="Navicular drop, left, mm."),
    nd_right: float | None = typer.Option(None, help="Navicular drop, right, mm."),
    fpi_left: int | None = typer.Option(None, help="Foot Posture Index (FPI-6), left."),
    fpi_right: int | None = typer.Option(None, help="Foot Posture Index (FPI-6), right."),
    abd_left: float | None = typer.Option(None, help="Hip abduction strength, left, % BW."),
    abd_right: float | None = typer.Option(None, help="Hip abduction strength, right, % BW."),
    er_left: float | None = typer.Option(None, help="Hip external rotation, left, % BW."),
    er_right: float | None = typer.Option(None, help="Hip external rotation, right, % BW."),
    endurance_left: float | None = typer.Option(None, help="Side-lying abduction, left."),
    endurance_right: float | None = typer.Option(None, help="Side-lying abduction, right."),
    endurance_unit: str | None = typer.Option(None, help="seconds or reps."),
    pain: int | None = typer.Option(None, "--pain", help="Knee pain 0-10."),
    sex: str | None = typer.Option(None, help="female, male or other."),
    age_band: str | None = typer.Option(None, help="under-18, 18-34, 35-54 or 55+."),
    sport: bool | None = typer.Option(None, "--sport/--no-sport", help="Plays a sport."),
    band: list[str] = typer.Option(None, "--band", help="A band colour you have (repeat)."),
    roller: bool | None = typer.Option(None, "--roller/--no-roller", help="Roller or ball."),
    step: bool | None = typer.Option(None, "--step/--no-step", help="A step or 5 cm board."),
    minutes: int | None = typer.Option(None, "--minutes", help="Minutes per session."),
    red_flag: list[str] = typer.Option(None, "--red-flag", help=RED_FLAG_HELP),
    no_red_flags: bool = typer.Option(
        False, "--no-red-flags", help="None of the red-flag questions applies (all answered no)."
    ),
    guide: bool = typer.Option(False, "--guide", help="Explain each self-test and exit."),
    no_input: bool = typer.Option(False, "--no-input", help="Never prompt."),
    date: str | None = typer.Option(None, "--date", help="Assessment date YYYY-MM-DD (today)."),
    person: str | None = typer.Option(
        None, "--person", help="Also keep the assessment in this person's history."
    ),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Where to save the assessment [default: ./valgus-results/assessment-DATE.json].",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Safety screen, then what may drive the knees caving in: foot, ankle, hip or control.

    Exit status 8 when a red flag is reported (see a clinician; no program).
    """
    from valgus.assessment.selftests import GUIDES
    from valgus.services import answers as answers_service
    from valgus.services import assessments, documents

    if guide:
        for key, text in GUIDES.items():
            typer.echo(f"{key}:\n  {text}\n")
        return
    flags: dict[str, object] = {
        "self_tests.knee_to_wall_cm.left": ktw_left,
        "self_tests.knee_to_wall_cm.right": ktw_right,
        "self_tests.navicular_drop_mm.left": nd_left,
        "self_tests.navicular_drop_mm.right": nd_right,
        "self_tests.fpi6.left": fpi_left,
        "self_tests.fpi6.right": fpi_right,
        "self_tests.hip_abduction_pct_bw.left": abd_left,
        "self_tests.hip_abduction_pct_bw.right": abd_right,
        "self_tests.hip_external_rotation_pct_bw.left": er_left,
        "self_tests.hip_external_rotation_pct_bw.right": er_right,
        "self_tests.hip_abduction_endurance.left": endurance_left,
        "self_tests.hip_abduction_endurance.right": endurance_right,
        "self_tests.hip_abduction_endurance.unit": endurance_unit,
        "self_tests.pain_0_10": pain,
        "self_tests.sex": sex,
        "self_tests.age_band": age_band,
        "self_tests.sport": sport,
        "preferences.equipment.bands": band or None,
        "preferences.equipment.roller_or_ball": roller,
        "preferences.equipment.step_or_board": step,
        "preferences.minutes_per_session": minutes,
    }

    interactive = not no_input and not as_json and sys.stdin.isatty()
    with handled(as_json=as_json):
        day = common.parse_date(date)
        # The analyses first: a video given by mistake is said before any question is asked.
        results = documents.read_analysis_files(analyses or [])
        data = answers_service.gather(
            answers_file, flags, red_flags_yes=red_flag or [], no_red_flags=no_red_flags
        )
        if interactive:
            _prompt_missing(data, Console(stderr=True))
        answers = answers_service.validate_answers(
            data, name=str(answers_file) if answers_file else "answers"
        )
        result = assessments.run(results, answers, date=day)
        saved = assessments.save(result, out or assessments.default_path(day))
        if person is not None:
            with common.database() as db:
                assessments.store_for(db, person, result)
    if as_json:
        sys.stdout.write(result.model_dump_json() + "\n")
    else:
        render_assessment(result, Console())
        common.out().print(f"[dim]assessment saved: {saved}[/]")
        if result.drivers is not None and result.drivers.valgus_status == "present":
            target = f"--person {person}" if person is not None else str(saved)
            common.out().print(
                f"Next: valgus program {target}   (self-test guide: valgus assess --guide)"
            )
        if person is not None:
            common.out().print(f"[dim]stored in the history of {person}[/]")
    if assessments.refers(result):
        raise typer.Exit(RedFlagError.exit_code)
    if interactive and result.drivers is not None and result.drivers.valgus_status == "present":
        _offer_program(result, saved, person)


def _offer_program(result: Assessment, saved: Path, person: str | None) -> None:
    """In a terminal: build the program from this assessment now, if the person wants."""
    if not typer.confirm("\nBuild the corrective program from this assessment now?", default=True):
        common.out().print(f"Later: valgus program {saved}")
        return
    from valgus.cli.program import show_program

    show_program(result, person=person, start=dt.date.today())


WEIGHT_STYLE = {"likely": "bold yellow", "possible": "yellow", "none": "dim"}


def render_assessment(a: Assessment, console: Console) -> None:
    rf = a.red_flags
    if rf.status == "refer":
        console.print(f"[bold red]{rf.message}[/]", highlight=False)
        for f in rf.flags:
            console.print(f"  - {f.reason} [dim]({f.urgency}; {f.source})[/]", highlight=False)
        console.print(f"\n[dim]{a.statement}[/]")
        return
    console.print(f"[green]Safety screen:[/] {rf.message}", highlight=False)
    report = a.drivers
    if report is None:
        return
    for v in report.valgus:
        if v.description:
            console.print(f"  [{v.movement}] {v.description}", highlight=False)
    table = Table(title="What may contribute (observations, not a diagnosis)")
    table.add_column("driver")
    table.add_column("weight")
    table.add_column("evidence (measure, value, rule, source; measurement error)")
    for d in report.drivers:
        lines = [
            f"{e.measure}{' ' + e.side if e.side else ''}: {e.value}; {e.rule} [dim]({e.source}"
            + (f"; {e.error}" if e.error else "")
            + ")[/]"
            for e in d.evidence
        ]
        if d.not_measured:
            lines.append(f"[dim]not measured: {', '.join(d.not_measured)}[/]")
        style = WEIGHT_STYLE[d.weight]
        table.add_row(d.label, f"[{style}]{d.weight}[/]", "\n".join(lines) or "-")
    console.print(table)
    for d in report.drivers:
        if d.weight != "none":
            console.print(f"- {d.summary}", highlight=False)
    for n in report.notes:
        console.print(f"[dim]note: {n}[/]", highlight=False)
    console.print("\n[bold]Next steps[/]")
    for s in report.next_steps:
        console.print(f"  - {s}", highlight=False)
    console.print(f"\n[dim]{a.statement}[/]")
