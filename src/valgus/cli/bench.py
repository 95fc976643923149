"""`valgus bench ...`: benchmarks that print a table (not tests)."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

bench_app = typer.Typer(
    help="Benchmarks: accuracy against rendered ground truth.", no_args_is_help=True
)


@bench_app.command("accuracy")
def accuracy(
    out: Path | None = typer.Option(None, "--out", help="Also write the report (Markdown) here."),
    quick: bool = typer.Option(False, "--quick", help="3 cases instead of the full sweep."),
) -> None:
    """Render squats with known valgus, analyze them, and tabulate the errors."""
    from valgus.bench.accuracy import main

    err = Console(stderr=True)
    text = main(out, quick, lambda msg: err.print(msg, highlight=False))
    typer.echo(text)
