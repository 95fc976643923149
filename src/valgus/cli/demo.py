"""`valgus demo`: render a squat with known valgus, analyze it, show the result next to the truth."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

from valgus import api
from valgus.cli.analyze import _Progress
from valgus.cli.render import render_text
from valgus.errors import ValgusError
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

DEMO_SQUAT = SquatParams(
    reps=3,
    rep_s=2.5,
    depth_deg=90.0,
    valgus_left_deg=40.0,
    valgus_right_deg=5.0,
    pattern="bottom_only",
    seed=7,
)


def demo(
    out: Path = typer.Option(
        Path("valgus-results") / "demo",
        "--out",
        "-o",
        help="Folder for the demo video, its truth file and the results.",
    ),
) -> None:
    """Render a synthetic squat (left knee caving in, right knee nearly straight), analyze it
    with the real pose model and compare with the known truth."""
    console, err = Console(soft_wrap=True), Console(stderr=True)
    video = out / "demo-squat.mp4"
    console.print(f"Rendering a 3-rep squat with known knee valgus to {video} ...")
    try:
        truth = render_squat(video, DEMO_SQUAT, CameraParams(), RenderParams(seed=7))
        with _Progress(err, enabled=err.is_terminal) as progress:
            analysis = api.analyze_video(video, progress=progress)
        paths = api.save_analysis(analysis, out, stem="demo-squat")
        from valgus.report.build import build_report

        paths["report"] = build_report(analysis, out, stem="demo-squat", video=video).html
    except (ValgusError, OSError) as e:
        err.print(f"valgus: demo failed: {e}", highlight=False)
        raise typer.Exit(1) from e
    render_text(analysis.result, console)
    console.print("\n[bold]Truth from the renderer[/] (deepest frame, mean over reps):")
    for side in ("left", "right"):
        reps = [r[side] for r in truth["reps"]]
        mkd = sum(r["mkd"] for r in reps) / len(reps)
        fppa = sum(r["fppa_deg"] for r in reps) / len(reps)
        got = getattr(analysis.result.summary, side)
        console.print(
            f"  {side}: drawn {getattr(DEMO_SQUAT, f'valgus_{side}_deg'):g} deg of valgus beyond "
            f"knees-over-toes; true knee inside the toe line {100 * mkd:.1f}% of leg "
            f"(measured {100 * (got.mkd.mean or 0):.1f}%), true FPPA {fppa:+.1f} deg "
            f"(measured {got.fppa_deg.mean or 0:+.1f})"
        )
    for kind, p in {"video": video, **paths}.items():
        console.print(f"[dim]{kind}: {p}[/]")
