"""`valgus demo`: render a squat with known valgus, analyze it, show the result next to the truth."""

from __future__ import annotations

from pathlib import Path

import typer

from valgus.cli import common
from valgus.cli.analyze import _Progress
from valgus.cli.errors import handled


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
    from valgus.cli.render import render_text
    from valgus.services import demo as demo_service

    console, err = common.out(), common.err()
    console.print(
        f"Rendering a 3-rep squat with known knee valgus to {demo_service.video_path(out)} ..."
    )
    with handled(), _Progress(err, enabled=err.is_terminal) as progress:
        result = demo_service.run(out, progress=progress)
    render_text(result.analysis.result, console)
    console.print("\n[bold]Truth from the renderer[/] (deepest frame, mean over reps):")
    for t in result.truth:
        console.print(
            f"  {t.side.value}: drawn {t.drawn_valgus_deg:g} deg of valgus beyond "
            f"knees-over-toes; true knee inside the foot's line "
            f"{100 * t.true_knee_over_foot:.1f}% of leg (measured "
            f"{100 * (t.measured_knee_over_foot or 0):.1f}%), true FPPA "
            f"{t.true_fppa_deg:+.1f} deg (measured {t.measured_fppa_deg or 0:+.1f})"
        )
    for kind, p in result.files.items():
        console.print(f"[dim]{kind}: {p}[/]")
