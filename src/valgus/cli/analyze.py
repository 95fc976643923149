"""`valgus analyze`: one video or pose file in, a summary (or JSON) out."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

from valgus.cli import common
from valgus.cli.errors import handled
from valgus.cli.movement_names import MOVEMENT_HELP


def analyze(
    path: Path = typer.Argument(
        ...,
        help="Video (MP4, MOV...), a saved *.poses.nc file, or marker motion capture (.trc, .c3d).",
    ),
    movement: str = typer.Option(
        "squat",
        "--movement",
        "-m",
        help=MOVEMENT_HELP,
    ),
    side: str = typer.Option(
        "auto",
        "--side",
        help="Single-leg squat: the standing leg (left, right), or auto (the leg seen standing).",
    ),
    sex: str | None = typer.Option(
        None,
        "--sex",
        help="Drop jump: female or male, to compare the landing with the matching norms "
        "(Herrington & Munro 2010). Without it the women's range is used.",
    ),
    mirrored: bool = typer.Option(
        False,
        "--mirrored",
        help="The video is a mirror image (some phones' front cameras): left and right are "
        "swapped back so that each leg carries its own name.",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    out: Path | None = typer.Option(
        None,
        "--out",
        "-o",
        help="Folder for results, pose data and per-frame CSV (default: ./valgus-results/NAME).",
    ),
    save: bool = typer.Option(True, "--save/--no-save", help="Write the result files."),
    filmed: str | None = typer.Option(
        None,
        "--date",
        help="The day it was filmed, YYYY-MM-DD, for the history [default: the video's own "
        "creation time, else today].",
    ),
    person: str | None = typer.Option(
        None,
        "--person",
        help="Also store the analysis and its pose data in the history database under this "
        "person (see `valgus person add`).",
    ),
    person_box: str | None = typer.Option(
        None,
        "--person-box",
        help="Others in the picture (a gym): the person to measure, as x,y,width,height in "
        "pixels of the first frame (upright). The model then follows that person only.",
    ),
) -> None:
    """Analyze a movement test filmed from the front: per leg, whether and how much the knee
    caves in (squat, heel-raised squat, single-leg squat, drop jump)."""
    from valgus import api
    from valgus.cli.render import render_text
    from valgus.services import analyses

    err = common.err()
    with (
        handled(as_json=as_json, interrupted="interrupted; nothing was written."),
        ExitStack() as stack,
    ):
        from valgus.pose.person_box import Box

        box = Box.parse(person_box) if person_box is not None else None
        db = stack.enter_context(common.database()) if person is not None else None
        progress = stack.enter_context(_Progress(err, enabled=not as_json and err.is_terminal))
        run = analyses.analyze(
            path,
            movement=movement,
            options=api.Options(side=side, sex=sex, mirrored=mirrored),
            out=out,
            save=save,
            person=person,
            db=db,
            filmed=common.parse_date(filmed) if filmed else None,
            progress=progress,
            person_box=box,
        )
    if as_json:
        sys.stdout.write(json.dumps(run.analysis.result.model_dump(mode="json")) + "\n")
        return
    console = common.out()
    render_text(run.analysis.result, console)
    for kind, p in run.files.items():
        console.print(f"[dim]{kind}: {p}[/]")
    if run.stored is not None:
        again = "already " if run.stored.already_stored else ""
        console.print(f"[dim]{again}stored in the history of {run.person}[/]")
    if "analysis" in run.files:
        console.print(f"Pictures and a report: valgus report {run.files['analysis']} [--pdf]")


class _Progress:
    """A progress bar on stderr for long videos; a no-op callback otherwise."""

    def __init__(self, console: Console, *, enabled: bool) -> None:
        self.enabled = enabled
        self.bar = (
            Progress(
                TextColumn("pose model"),
                BarColumn(),
                TextColumn("{task.completed}/{task.total} frames"),
                TimeRemainingColumn(),
                console=console,
                transient=True,
            )
            if enabled
            else None
        )
        self.task: TaskID | None = None

    def __enter__(self) -> _Progress:
        if self.bar is not None:
            self.bar.start()
            self.task = self.bar.add_task("frames", total=None)
        return self

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()

    def __call__(self, done: int, total: int) -> None:
        if self.bar is not None and self.task is not None and (done % 10 == 0 or done == total):
            self.bar.update(self.task, completed=done, total=max(total, done))
