"""`valgus synth`: render a synthetic movement video with known knee angles (and its truth).

Movements: those the renderer draws (synth/options.py). Options that do not apply to the
chosen movement are refused with one line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def _size(value: str) -> tuple[int, int]:
    from valgus.synth.camera import SIZES

    if value not in SIZES:
        raise typer.BadParameter(
            f"expected one of {', '.join(SIZES)}, got {value!r}", param_hint="--size"
        )
    return SIZES[value]


def synth(
    out: Annotated[
        Path, typer.Argument(help="Output video (.mp4); OUT.truth.json is written next to it.")
    ],
    movement: Annotated[
        str,
        typer.Option(help="squat, heel-raised-squat, single-leg-squat or drop-jump."),
    ] = "squat",
    valgus_deg_left: Annotated[
        float | None,
        typer.Option(
            "--valgus-left",
            min=-30,
            max=45,
            help="Left knee valgus beyond knee-over-foot, frontal degrees, at the bottom "
            "(squats) or at peak landing flexion (drop jump). + = knee in. Default 0. "
            "Single-leg squat: the left knee's when the left leg stands (default --valgus).",
        ),
    ] = None,
    valgus_deg_right: Annotated[
        float | None,
        typer.Option(
            "--valgus-right",
            min=-30,
            max=45,
            help="Right knee valgus, as --valgus-left. Default 0.",
        ),
    ] = None,
    valgus_deg: Annotated[
        float | None,
        typer.Option(
            "--valgus",
            min=-30,
            max=45,
            help="Single-leg squat: the stance knee's valgus at the bottom, degrees. Default 0.",
        ),
    ] = None,
    pattern: Annotated[
        str | None,
        typer.Option(help="When the valgus appears: bottom_only (default) or throughout."),
    ] = None,
    side: Annotated[
        str | None,
        typer.Option(
            help="Single-leg squat stance leg: left (default), right, both (left then right) "
            "or alternate (left, right, left, ... one rep each)."
        ),
    ] = None,
    pelvic_drop_deg: Annotated[
        float | None,
        typer.Option(
            "--pelvic-drop",
            help="Single-leg squat: contralateral pelvic drop at the bottom, degrees "
            "(+ = the lifted side's hip lower). Default 0.",
        ),
    ] = None,
    trunk_lean_deg: Annotated[
        float | None,
        typer.Option(
            "--trunk-lean",
            help="Single-leg squat: lateral trunk lean at the bottom, degrees "
            "(+ = toward the stance side). Default 0.",
        ),
    ] = None,
    lifted_foot: Annotated[
        str | None,
        typer.Option(
            help="Single-leg squat: the lifted foot behind (default), front (knee bent) or "
            "pistol (the leg held straight out in front)."
        ),
    ] = None,
    heel_raise_m: Annotated[
        float | None,
        typer.Option(
            "--heel-raise", help="Heel-raised squat: board height under the heels, m (0.05)."
        ),
    ] = None,
    box_height_m: Annotated[
        float | None,
        typer.Option("--box-height", help="Drop jump: box height, m (0.30)."),
    ] = None,
    trials: Annotated[
        int | None, typer.Option(help="Drop jump: number of trials, 1-3 (1).")
    ] = None,
    jump_height_m: Annotated[
        float | None,
        typer.Option("--jump-height", help="Drop jump: height of the rebound jump, m (0.25)."),
    ] = None,
    view_deg: Annotated[
        float,
        typer.Option(
            "--view",
            min=-180,
            max=180,
            help="Camera yaw, degrees: 0 = front, 90 = the subject's left side.",
        ),
    ] = 0.0,
    reps: Annotated[
        int | None,
        typer.Option(min=1, max=50, help="Repetitions (squat 3, single-leg squat 5 per side)."),
    ] = None,
    depth_deg: Annotated[
        float | None,
        typer.Option(
            "--depth",
            help="Knee flexion at the bottom, degrees (squat 90, single-leg squat 60); "
            "drop jump: peak landing flexion (80).",
        ),
    ] = None,
    rep_s: Annotated[
        float | None,
        typer.Option(min=0.5, max=30, help="Seconds per rep (squat 3, single-leg squat 2.5)."),
    ] = None,
    arms: Annotated[
        str | None,
        typer.Option(help="Arms: forward or overhead (squat), forward or hips (single-leg)."),
    ] = None,
    toe_out_deg: Annotated[
        float | None,
        typer.Option(
            "--toe-out",
            help="Feet turned out from straight ahead, degrees (squat 10, single-leg squat 5).",
        ),
    ] = None,
    stance_width: Annotated[
        float | None,
        typer.Option(
            "--stance-width",
            help="Squat: ankles apart, in hip-joint widths (1.3; 2.0 is a wide stance).",
        ),
    ] = None,
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
    """Render a movement with known knee valgus, and write its ground truth next to it."""
    from valgus.synth import CameraParams, RenderParams, render_movement, truth_path
    from valgus.synth.options import MOVEMENTS, movement_params, option_problems

    if movement not in MOVEMENTS:
        raise typer.BadParameter(f"expected one of {', '.join(MOVEMENTS)}", param_hint="--movement")
    if pattern is not None and pattern not in ("bottom_only", "throughout"):
        raise typer.BadParameter("expected bottom_only or throughout", param_hint="--pattern")
    if rotation not in (0, 90, 180, 270):
        raise typer.BadParameter("expected 0, 90, 180 or 270", param_hint="--rotation")
    if out.suffix.lower() != ".mp4":
        raise typer.BadParameter(f"the output must end in .mp4, got {out.name!r}", param_hint="OUT")
    given = {
        "--valgus-left": valgus_deg_left,
        "--valgus-right": valgus_deg_right,
        "--valgus": valgus_deg,
        "--pattern": pattern,
        "--reps": reps,
        "--rep-s": rep_s,
        "--arms": arms,
        "--toe-out": toe_out_deg,
        "--stance-width": stance_width,
        "--side": side,
        "--pelvic-drop": pelvic_drop_deg,
        "--trunk-lean": trunk_lean_deg,
        "--lifted-foot": lifted_foot,
        "--heel-raise": heel_raise_m,
        "--box-height": box_height_m,
        "--trials": trials,
        "--jump-height": jump_height_m,
    }
    problems = option_problems(movement, given)
    if problems:
        raise typer.BadParameter("; ".join(problems))
    width, height = _size(size)
    options = {
        "valgus_left": valgus_deg_left,
        "valgus_right": valgus_deg_right,
        "valgus": valgus_deg,
        "pattern": pattern,
        "side": side,
        "pelvic_drop": pelvic_drop_deg,
        "trunk_lean": trunk_lean_deg,
        "lifted_foot": lifted_foot,
        "heel_raise": heel_raise_m,
        "box_height": box_height_m,
        "trials": trials,
        "jump_height": jump_height_m,
        "reps": reps,
        "depth": depth_deg,
        "rep_s": rep_s,
        "arms": arms,
        "toe_out": toe_out_deg,
        "stance_width": stance_width,
        "seed": seed,
    }
    try:
        params = movement_params(movement, options)
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
        truth = render_movement(out, params, camera, render)
    except OSError as err:
        typer.echo(f"Cannot write {out}: {err}", err=True)
        raise typer.Exit(code=3) from err
    v = truth["video"]
    typer.echo(
        f"Wrote {out} ({movement}, {v['frames']} frames, {v['width']}x{v['height']}, "
        f"{v['fps']:g} fps) and {truth_path(out)}"
    )
