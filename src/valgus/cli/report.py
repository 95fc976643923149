"""`valgus report`: pictures and a self-contained HTML report for one analysis."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TypeVar

import typer
from pydantic import BaseModel
from rich.console import Console

from valgus import api
from valgus.assessment.drivers import Assessment
from valgus.errors import AnalysisFileError, InputError, ValgusError
from valgus.io.poses import POSES_SUFFIX, load_poses
from valgus.program.prescription import Program
from valgus.storage import Database, store
from valgus.storage.store import History

_M = TypeVar("_M", bound=BaseModel)


def _poses_for(path: Path) -> tuple[Path, str]:
    """The pose file and stem for an analysis JSON, a pose file or a results folder."""
    if path.is_dir():
        found = sorted(path.glob(f"*{POSES_SUFFIX}"))
        if len(found) != 1:
            raise InputError(
                f"{path} holds {len(found)} pose files; name one "
                f"(*{POSES_SUFFIX} or *.analysis.json)."
            )
        path = found[0]
    name = path.name
    for suffix in (".analysis.json", POSES_SUFFIX):
        if name.endswith(suffix):
            stem = name[: -len(suffix)]
            return path.with_name(stem + POSES_SUFFIX), stem
    raise InputError(
        f"{path}: give a results folder, NAME.analysis.json or NAME{POSES_SUFFIX} "
        "(written by `valgus analyze`)."
    )


def _settings(poses_path: Path, stem: str) -> tuple[str, api.Options]:
    """Rerun the analysis as it was made: movement and options from NAME.analysis.json."""
    saved = poses_path.with_name(stem + ".analysis.json")
    try:
        data = json.loads(saved.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return "squat", api.Options()
    return api.settings_of(data) if isinstance(data, dict) else ("squat", api.Options())


def _read(path: Path, model: type[_M]) -> _M:
    """A JSON document written by `valgus assess` / `valgus program`, validated."""
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as e:
        raise AnalysisFileError(
            f"{path} is not a readable {model.__name__.lower()} file ({e.__class__.__name__}); "
            f"write it with `valgus {model.__name__.lower().replace('assessment', 'assess')} --json`."
        ) from e


def _history(name: str) -> History:
    """The person's history, read through the store API."""
    with Database() as db:
        return store.history(db, name)


def report(
    result: Path = typer.Argument(..., help="Results folder, NAME.analysis.json or NAME.poses.nc."),
    video: Path | None = typer.Option(
        None,
        "--video",
        help="The video, if it has moved "
        "(key frames are drawn on it) [default: the path recorded].",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Folder for the report [default: next to the results]."
    ),
    blur: bool = typer.Option(True, "--blur/--no-blur", help="Blur faces in every picture."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write NAME.report.pdf."),
    assessment: Path | None = typer.Option(
        None, "--assessment", help="Add the red-flag screen and the drivers (valgus assess --json)."
    ),
    program: Path | None = typer.Option(
        None, "--program", help="Add the program with each drill (valgus program --json)."
    ),
    annotated: bool = typer.Option(
        False,
        "--annotated-video",
        help="Also write NAME.annotated.mp4: legs drawn, live measures, rep counter.",
    ),
    person: str | None = typer.Option(
        None,
        "--person",
        help="Add this person's trend across assessments from the history database "
        "(VALGUS_DATABASE_URL or the default SQLite file).",
    ),
) -> None:
    """Write NAME.report.html (self-contained, opens offline) and the pictures: key frame of
    each rep with the legs drawn, best/worst rep per leg, measures over time."""
    from valgus.report.build import build_report

    err = Console(stderr=True)
    try:
        history = _history(person) if person else None  # an unknown person fails early
        poses_path, stem = _poses_for(result)
        poses = load_poses(poses_path)
        movement, options = _settings(poses_path, stem)
        analysis = api.analyze_poses(poses, movement=movement, options=options)
        source = video or Path(str(poses.attrs.get("source", "")))
        files = build_report(
            analysis,
            out or poses_path.parent,
            stem=stem,
            video=source if source.name else None,
            blur_faces=blur,
            annotated_video=annotated,
            pdf=pdf,
            assessment=_read(assessment, Assessment) if assessment else None,
            program=_read(program, Program) if program else None,
            history=history,
        )
    except ValgusError as e:
        err.print(f"valgus: {e}", highlight=False, soft_wrap=True)
        raise typer.Exit(e.exit_code) from None
    console = Console(soft_wrap=True)
    console.print(f"report: {files.html}")
    for p in files.pictures:
        kind = {".mp4": "video", ".pdf": "pdf"}.get(p.suffix, "picture")
        console.print(f"[dim]{kind}: {p}[/]")
