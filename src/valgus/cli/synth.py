"""`valgus synth`: render a synthetic squat video with known knee angles (and its truth file)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat, truth_path
from valgus.synth.camera import SIZES


def _size(value: str) -> tuple[int, int]:
    if value not in SIZES:
        raise typer.BadParameter(
            f"expected one of {', '.join(SIZES)}, got {value!r}", param_hint="--size"
        )
    return SIZES[value]


def synth(
    out: Annotated[
        Path, typer.Argument(help="Output video (.mp4); OUT.truth.json is written next to it.")
    ],
    valgus_deg_left: Annotated[
        float,
        typer.Option(
            "--valgus-left",
            min=-30,
            max=45,
            help="Left knee valgus: frontal FPPA at the bottom, degrees (+ = knee in).",
        ),
    ] = 0.0,
    valgus_deg_right: Annotated[
        float,
        typer.Option(
            "--valgus-right",
            min=-30,
            max=45,
            help="Right knee valgus: frontal FPPA at the bottom, degrees (+ = knee in).",
        ),
    ] = 0.0,
    pattern: Annotated[
        str, typer.Option(help="When the valgus appears: bottom_only or throughout.")
    ] = "bottom_only",
    view_deg: Annotated[
        float,
        typer.Option(
            "--view",
            min=-180,
            max=180,
            help="Camera yaw, degrees: 0 = front, 90 = the subject's left side.",
        ),
    ] = 0.0,
    reps: Annotated[int, typer.Option(min=1, max=50, help="Number of repetitions.")] = 3,
    depth_deg: Annotated[
        float, typer.Option("--depth", min=5, max=130, help="Knee flexion at the bottom, degrees.")
    ] = 90.0,
    rep_s: Annotated[float, typer.Option(min=0.5, max=30, help="Seconds per rep.")] = 3.0,
    arms: Annotated[str, typer.Option(help="Arm position: forward or overhead.")] = "forward",
    size: Annotated[
        str,
        typer.Option(help="Frame size of the displayed video: 720x1280, 1080x1920 or 2160x3840."),
    ] = "720x1280",
    fps: Annotated[float, typer.Option(min=5, max=240, help="Frames per second.")] = 30.0,
    rotation: Annotated[
        int,
        typer.Option(
            help="Store frames rotated, with metadata saying to turn them this many degrees "
            "clockwise (0, 90, 180, 270), like a phone video."
        ),
    ] = 0,
    noise: Annotated[
        float,
        typer.Option(
            min=0, max=50, help="Gaussian image noise, standard deviation in 8-bit levels."
        ),
    ] = 0.0,
    camera_height_m: Annotated[
        float, typer.Option("--camera-height", min=0.1, max=3.0, help="Camera height, metres.")
    ] = 0.9,
    distance_m: Annotated[
        float,
        typer.Option(
            "--distance", min=1.0, max=20.0, help="Camera distance from the subject, metres."
        ),
    ] = 3.0,
    seed: Annotated[int, typer.Option(help="Random seed (sway, noise).")] = 0,
) -> None:
    """Render a squat with known knee valgus, and write its ground truth next to it."""
    if pattern not in ("bottom_only", "throughout"):
        raise typer.BadParameter("expected bottom_only or throughout", param_hint="--pattern")
    if arms not in ("forward", "overhead"):
        raise typer.BadParameter("expected forward or overhead", param_hint="--arms")
    if rotation not in (0, 90, 180, 270):
        raise typer.BadParameter("expected 0, 90, 180 or 270", param_hint="--rotation")
    if out.suffix.lower() != ".mp4":
        raise typer.BadParameter(f"the output must end in .mp4, got {out.name!r}", param_hint="OUT")
    width, height = _size(size)
    try:
        squat = SquatParams(
            reps=reps,
            rep_s=rep_s,
            depth_deg=depth_deg,
            pattern=pattern,  # type: ignore[arg-type]
            valgus_left_deg=valgus_deg_left,
            valgus_right_deg=valgus_deg_right,
            arms=arms,
            seed=seed,
        )  # type: ignore[arg-type]
        camera = CameraParams(
            yaw_deg=view_deg,
            height_m=camera_height_m,
            distance_m=distance_m,
            width_px=width,
            height_px=height,
        )
        render = RenderParams(fps=fps, rotation_deg=rotation, noise_std=noise, seed=seed)
    except ValueError as err:
        raise typer.BadParameter(str(err)) from err
    try:
        truth = render_squat(out, squat, camera, render)
    except OSError as err:
        typer.echo(f"Cannot write {out}: {err}", err=True)
        raise typer.Exit(code=3) from err
    v = truth["video"]
    typer.echo(
        f"Wrote {out} ({v['frames']} frames, {v['width']}x{v['height']}, {v['fps']:g} fps)"
        f" and {truth_path(out)}"
    )
