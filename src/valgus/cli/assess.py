"""`valgus assess`: red-flag screen, then the drivers, from analyses and self-test answers.

Answers come from an answers file (--answers, TOML or JSON), then flags (which override it),
then prompts for what is still missing when run in a terminal.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tomllib
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from valgus.assessment.drivers import Assessment, MovementResult, assess, read_analysis
from valgus.assessment.redflags import OTTAWA_KEYS, QUESTIONS, needed_questions
from valgus.assessment.selftests import BAND_ORDER, GUIDES, Answers, RedFlagAnswers
from valgus.errors import AnalysisFileError, AnswersError, RedFlagError, ValgusError
from valgus.results import ErrorInfo, ErrorResult

RED_FLAG_HELP = "A red flag that applies (repeat): " + ", ".join(QUESTIONS) + "."


def fail(e: ValgusError, *, as_json: bool) -> None:
    """One line on stderr (and an error object on stdout with --json), then the exit code."""
    Console(stderr=True).print(f"valgus: {e}", highlight=False, soft_wrap=True, markup=False)
    if as_json:
        payload = ErrorResult(error=ErrorInfo(code=e.code, message=str(e)))
        sys.stdout.write(payload.model_dump_json() + "\n")
    raise typer.Exit(e.exit_code)


def read_answers_file(path: Path) -> dict[str, Any]:
    """Parse an answers file: TOML (.toml) or JSON (anything else). Raises AnswersError."""
    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as err:
        raise AnswersError(f"cannot read the answers file {path}: {err}") from err
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise AnswersError(f"answers file {path} is not valid {kind}: {err}") from err
    if not isinstance(data, dict):
        raise AnswersError(f"answers file {path} must hold one object/table at the top level")
    return data


def validate_answers(data: dict[str, Any], *, name: str = "answers") -> Answers:
    """Answers from a plain dict; the first problem as one line. Raises AnswersError."""
    try:
        return Answers.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        got = first.get("input")
        shown = "" if isinstance(got, dict) else f" (got {got!r})"
        raise AnswersError(f"{name}: {where}: {first['msg']}{shown}") from err


def read_analyses(paths: list[Path]) -> list[MovementResult]:
    out = []
    for p in paths:
        try:
            data = json.loads(p.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
            raise AnalysisFileError(f"cannot read the analysis {p}: {err}") from err
        out.append(read_analysis(data, name=str(p)))
    return out


def _set(data: dict[str, Any], path: str, value: object) -> None:
    """Set data[a][b][c] for path 'a.b.c' when value is not None."""
    if value is None:
        return
    *parents, leaf = path.split(".")
    node = data
    for key in parents:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise AnswersError(f"answers: {key} must be a table/object")
        node = child
    node[leaf] = value


def merge_flags(data: dict[str, Any], flags: dict[str, object]) -> dict[str, Any]:
    """Overlay command-line values (dotted paths, None = not given) on the file's answers."""
    merged = json.loads(json.dumps(data))  # deep copy, never mutate the input
    for path, value in flags.items():
        _set(merged, path, value)
    return merged


def _mark_red_flags(data: dict[str, Any], yes: list[str], none_apply: bool) -> None:
    for key in yes:
        if key not in QUESTIONS:
            raise AnswersError(
                f"--red-flag {key!r} is unknown; choose from: {', '.join(QUESTIONS)}"
            )
        _set(data, f"red_flags.{key}", True)
    if none_apply:
        table = data.setdefault("red_flags", {})
        for key in QUESTIONS:
            if key in OTTAWA_KEYS and table.get("recent_injury") is not True:
                continue
            table.setdefault(key, False)


def _prompt_missing(data: dict[str, Any], console: Console) -> None:
    """Ask, in plain words, whatever is still missing (interactive terminals only)."""
    console.print("[bold]Safety questions first[/] (yes/no). Any 'yes' means: see a clinician.")
    while True:
        rf = RedFlagAnswers.model_validate(data.get("red_flags", {}))
        todo = needed_questions(rf)
        if not todo:
            break
        key = todo[0]
        _set(data, f"red_flags.{key}", typer.confirm(QUESTIONS[key], default=False))
    tests = data.setdefault("self_tests", {})
    if "pain_0_10" not in tests:
        console.print(GUIDES["pain_0_10"])
        tests["pain_0_10"] = typer.prompt("Knee pain 0-10", type=int)
    for key, unit in (("knee_to_wall_cm", "cm"), ("navicular_drop_mm", "mm")):
        if key not in tests:
            console.print(f"\n{GUIDES[key]}")
            for side in ("left", "right"):
                answer = typer.prompt(
                    f"  {side} ({unit}, Enter to skip)", default="", show_default=False
                )
                if answer.strip():
                    tests.setdefault(key, {})[side] = answer.strip()
    prefs = data.setdefault("preferences", {})
    eq = prefs.setdefault("equipment", {})
    if "bands" not in eq:
        colours = typer.prompt(
            f"\nBand colours you have ({', '.join(BAND_ORDER)}; comma-separated, Enter for none)",
            default="",
            show_default=False,
        )
        eq["bands"] = [c.strip().lower() for c in colours.split(",") if c.strip()]
    if "roller_or_ball" not in eq:
        eq["roller_or_ball"] = typer.confirm("Do you have a foam roller or a ball?", default=False)
    if "minutes_per_session" not in prefs:
        prefs["minutes_per_session"] = typer.prompt("Minutes per session", default=20, type=int)


def collect_answers(
    answers_file: Path | None,
    flags: dict[str, object],
    *,
    red_flags_yes: list[str],
    no_red_flags: bool,
    interactive: bool,
) -> Answers:
    data = read_answers_file(answers_file) if answers_file else {}
    data = merge_flags(data, flags)
    _mark_red_flags(data, red_flags_yes, no_red_flags)
    if interactive:
        _prompt_missing(data, Console(stderr=True))
    return validate_answers(data, name=str(answers_file) if answers_file else "answers")


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
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Safety screen, then what may drive the knees caving in: foot, ankle, hip or control.

    Exit status 8 when a red flag is reported (see a clinician; no program).
    """
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
    try:
        day = _parse_date(date)
        answers = collect_answers(
            answers_file,
            flags,
            red_flags_yes=red_flag or [],
            no_red_flags=no_red_flags,
            interactive=interactive,
        )
        result = assess(read_analyses(analyses or []), answers, date=day)
        if result.red_flags.status == "incomplete":
            raise AnswersError(
                "answer the red-flag questions first: "
                + ", ".join(result.red_flags.unanswered)
                + " (in the answers file's [red_flags] table, with --red-flag KEY for a yes, "
                "or --no-red-flags when none applies)"
            )
    except ValgusError as e:
        fail(e, as_json=as_json)
        return
    except KeyboardInterrupt:
        raise typer.Exit(130) from None
    if as_json:
        sys.stdout.write(result.model_dump_json() + "\n")
    else:
        render_assessment(result, Console())
    if result.red_flags.status == "refer":
        raise typer.Exit(RedFlagError.exit_code)


def _parse_date(text: str | None) -> dt.date:
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise AnswersError(f"date must be YYYY-MM-DD, got {text!r}") from err


WEIGHT_STYLE = {"likely": "bold yellow", "possible": "yellow", "none": "dim"}


def render_assessment(a: Assessment, console: Console) -> None:
    rf = a.red_flags
    if rf.status == "refer":
        console.print(f"[bold red]See a clinician.[/] {rf.message}", highlight=False)
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
