"""`valgus compare FIRST.json SECOND.json`: a clear change in valgus, or not."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console

from valgus.assessment.compare import compare
from valgus.assessment.drivers import MovementResult, read_analysis
from valgus.errors import AnalysisFileError, ValgusError
from valgus.results import ErrorInfo, ErrorResult


def _load(path: Path) -> MovementResult:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise AnalysisFileError(f"{path} does not exist") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise AnalysisFileError(
            f"{path} is not readable JSON ({e}); give NAME.analysis.json from valgus analyze"
        ) from None
    return read_analysis(data, name=str(path))


def compare_command(
    first: Path = typer.Argument(..., help="The first analysis (e.g. the flat squat)."),
    second: Path = typer.Argument(..., help="The second (e.g. the heel-raised squat)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Say per leg whether valgus clearly changed between two analyses (e.g. flat vs
    heel-raised squat, or two dates), beyond the measurement's smallest detectable change."""
    err = Console(stderr=True)
    try:
        result = compare(_load(first), _load(second), first=first.name, second=second.name)
    except ValgusError as e:
        err.print(f"valgus: {e}", highlight=False, soft_wrap=True)
        if as_json:
            sys.stdout.write(
                ErrorResult(error=ErrorInfo(code=e.code, message=str(e))).model_dump_json() + "\n"
            )
        raise typer.Exit(e.exit_code) from None
    if as_json:
        sys.stdout.write(result.model_dump_json() + "\n")
        return
    out = Console(soft_wrap=True, highlight=False)
    out.print(f"[bold]{result.first}[/] -> [bold]{result.second}[/]")
    for leg in result.legs:
        out.print(f"- {leg.description}")
    for line in result.interpretation:
        out.print(f"- {line}")
    out.print(f"[dim]{result.statement}[/]")
