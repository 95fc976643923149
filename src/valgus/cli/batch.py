"""`valgus batch`: screen a team from a manifest, on this machine's cores or a Dask cluster."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from valgus.cli import common
from valgus.cli.errors import handled

if TYPE_CHECKING:
    from valgus.services.batch import ItemResult
    from valgus.services.batch import Progress as BatchProgress
    from valgus.services.team import Entry


def batch(
    manifest: Path = typer.Argument(
        ...,
        help="CSV with a header row: person,movement,file (optional date, side, sex, "
        "mirrored); or a folder of videos (person from each file's name, movement squat).",
    ),
    out: Path = typer.Option(
        Path("valgus-results") / "batch",
        "--out",
        "-o",
        help="Folder for the results and the team sheet.",
    ),
    workers: int = typer.Option(
        0, "--workers", help="Recordings analyzed at once on this machine (0: one per core)."
    ),
    scheduler: str | None = typer.Option(
        None,
        "--scheduler",
        help="A Dask distributed scheduler, tcp://HOST:PORT: its workers do the analyses "
        "(they need the same file paths and a database they can reach, docs/scaling.md).",
    ),
) -> None:
    """Analyze every recording of a manifest, store each in its person's history, and write
    team.csv and team.html (who needs attention first, what to film again). A rerun skips
    what is done. Exit status 1 when some recordings failed."""
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    from valgus.services import batch as batch_service
    from valgus.services import team
    from valgus.storage import default_url

    err = common.err()
    with handled(interrupted="interrupted: what finished is stored; run it again to do the rest."):
        items = batch_service.read_manifest(manifest)
        url = os.environ.get("VALGUS_DATABASE_URL") or default_url()
        runner: batch_service.Runner = (
            batch_service.DaskRunner(scheduler)
            if scheduler
            else batch_service.LocalRunner(workers or batch_service.default_workers())
        )
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[failed]} failed"),
            TimeRemainingColumn(),
            console=err,
            transient=True,
            disable=not err.is_terminal,
        )
        with bar:
            task = bar.add_task("recordings", total=len(items), failed=0)

            def on_item(p: batch_service.Progress, r: batch_service.ItemResult) -> None:
                bar.update(task, advance=1, failed=p.failed)

            try:
                done = batch_service.run(
                    items, runner=runner, database_url=url, out=out.resolve(), on_item=on_item
                )
            finally:
                runner.close()
        rows = team.sheet([_entry(r, out) for r in done.results])
        csv_path, html_path = team.write(rows, out)
    _print(done, csv_path, html_path)
    if done.failed:
        raise typer.Exit(1)


def _entry(r: ItemResult, out: Path) -> Entry:
    from valgus.services import team

    report = os.path.relpath(r.report, out.resolve()) if r.report is not None else ""
    i = r.item
    return team.Entry(i.person, i.movement, str(i.file), r.result, _why(r), report)


def _why(r: ItemResult) -> str | None:
    """A failed item's error: its code (as in the JSON error object) and its message."""
    if r.error_message is None:
        return None
    return f"{r.error_code}: {r.error_message}" if r.error_code else r.error_message


def _print(done: BatchProgress, csv_path: Path, html_path: Path) -> None:
    from rich.table import Table

    table = Table(title="Batch")
    for col in ("row", "person", "movement", "file", "status", "left", "right / why not"):
        table.add_column(col)
    for r in done.results:
        summary = (r.result or {}).get("summary", {})
        left = summary.get("left", {}).get("band", "-")
        right = summary.get("right", {}).get("band") if r.result else _why(r)
        row = (str(r.item.row), r.item.person, r.item.movement, r.item.file.name, r.status)
        table.add_row(*row, left, right or "-")
    out = common.out()
    out.print(table)
    out.print(
        f"{done.done} analyzed, {done.skipped} done before, {done.failed} failed of "
        f"{done.total}. Team sheet: {html_path} and {csv_path}"
    )
