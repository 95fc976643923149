"""`valgus analyze`: one video or pose file in, a summary (or JSON) out."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeRemainingColumn

from valgus import api
from valgus.cli.render import render_text
from valgus.errors import ValgusError
from valgus.io.poses import POSES_SUFFIX
from valgus.results import ErrorInfo, ErrorResult


def _stem(path: Path) -> str:
    name = path.name
    return name[: -len(POSES_SUFFIX)] if name.endswith(POSES_SUFFIX) else path.stem


def analyze(
    path: Path = typer.Argument(
        ...,
        help="Video (MP4, MOV...), a saved *.poses.nc file, or marker motion capture (.trc, .c3d).",
    ),
    movement: str = typer.Option(
        "squat",
        "--movement",
        "-m",
        help="Movement filmed: squat, heel-raised-squat, single-leg-squat, drop-jump, or auto "
        "(recognise it, or say it cannot).",
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
    person: str | None = typer.Option(
        None,
        "--person",
        help="Also store the analysis and its pose data in the history database under this "
        "person (see `valgus person add`).",
    ),
) -> None:
    """Analyze a movement test filmed from the front: per leg, whether and how much the knee
    caves in (squat, heel-raised squat, single-leg squat, drop jump)."""
    err = Console(stderr=True)
    try:
        if person is not None:
            _check_person(person)
        with _Progress(err, enabled=not as_json and err.is_terminal) as progress:
            analysis = api.analyze_file(
                path,
                movement=movement,
                options=api.Options(side=side, sex=sex, mirrored=mirrored),
                progress=progress,
            )
        paths = (
            api.save_analysis(
                analysis, out or Path("valgus-results") / _stem(path), stem=_stem(path)
            )
            if save
            else {}
        )
        if person is not None:
            _store(analysis, person)
    except ValgusError as e:
        _fail(e, as_json=as_json, console=err)
    except KeyboardInterrupt:
        err.print("interrupted; nothing was written.")
        raise typer.Exit(130) from None
    if as_json:
        sys.stdout.write(json.dumps(analysis.result.model_dump(mode="json")) + "\n")
        return
    console = Console(soft_wrap=True)  # paths and sentences unbroken in pipes
    render_text(analysis.result, console)
    for kind, p in paths.items():
        console.print(f"[dim]{kind}: {p}[/]")
    if person is not None:
        console.print(f"[dim]stored in the history of {person}[/]", highlight=False)
    if "analysis" in paths:
        console.print(
            f"Pictures and a report: valgus report {paths['analysis']} [--pdf]", highlight=False
        )


def _check_person(name: str) -> None:
    from valgus.storage import Database, store

    with Database() as db:
        store.check_person(db, name)


def _store(analysis: api.Analysis, name: str) -> None:
    """One transaction after the analysis finished: nothing is stored from a run cut short."""
    from valgus.storage import Database, store

    with Database() as db:
        store.add_analysis(db, name, analysis.result, poses_nc=store.poses_to_bytes(analysis.poses))


def _fail(e: ValgusError, *, as_json: bool, console: Console) -> None:
    message = str(e)
    console.print(f"valgus: {message}", highlight=False, soft_wrap=True)
    if as_json:
        payload = ErrorResult(error=ErrorInfo(code=e.code, message=message))
        sys.stdout.write(payload.model_dump_json() + "\n")
    raise typer.Exit(e.exit_code)


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
        self.task: int | None = None

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
