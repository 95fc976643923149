"""`valgus report`: pictures and a self-contained HTML report for one analysis."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from valgus import api
from valgus.errors import InputError, ValgusError
from valgus.io.poses import POSES_SUFFIX, load_poses


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
    annotated: bool = typer.Option(
        False,
        "--annotated-video",
        help="Also write NAME.annotated.mp4: legs drawn, live measures, rep counter.",
    ),
) -> None:
    """Write NAME.report.html (self-contained, opens offline) and the pictures: key frame of
    each rep with the legs drawn, best/worst rep per leg, measures over time."""
    from valgus.report.build import build_report

    err = Console(stderr=True)
    try:
        poses_path, stem = _poses_for(result)
        poses = load_poses(poses_path)
        analysis = api.analyze_poses(poses)
        source = video or Path(str(poses.attrs.get("source", "")))
        files = build_report(
            analysis,
            out or poses_path.parent,
            stem=stem,
            video=source if source.name else None,
            blur_faces=blur,
            annotated_video=annotated,
            pdf=pdf,
        )
    except ValgusError as e:
        err.print(f"valgus: {e}", highlight=False, soft_wrap=True)
        raise typer.Exit(e.exit_code) from None
    console = Console()
    console.print(f"report: {files.html}")
    for p in files.pictures:
        kind = {".mp4": "video", ".pdf": "pdf"}.get(p.suffix, "picture")
        console.print(f"[dim]{kind}: {p}[/]")
