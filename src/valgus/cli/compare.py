"""`valgus compare FIRST.json SECOND.json`: a clear change in valgus, or not."""

from __future__ import annotations

import sys
from pathlib import Path

import typer

from valgus.cli import common
from valgus.cli.errors import handled


def compare_command(
    first: Path = typer.Argument(..., help="The first analysis (e.g. the flat squat)."),
    second: Path = typer.Argument(..., help="The second (e.g. the heel-raised squat)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Say per leg whether valgus clearly changed between two analyses (e.g. flat vs
    heel-raised squat, or two dates), beyond the measurement's smallest detectable change."""
    from valgus.services import comparisons

    with handled(as_json=as_json):
        result = comparisons.compare_files(first, second)
    if as_json:
        sys.stdout.write(result.model_dump_json() + "\n")
        return
    out = common.out()
    out.print(f"[bold]{result.first}[/] -> [bold]{result.second}[/]")
    for leg in result.legs:
        out.print(f"- {leg.description}")
    for line in result.interpretation:
        out.print(f"- {line}")
    out.print(f"[dim]{result.statement}[/]")
