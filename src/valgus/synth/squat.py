"""Render a synthetic movement to an MP4 plus its ground-truth JSON (the I/O layer of synth)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from valgus.io.video_out import video_writer
from valgus.synth.body import body_dims
from valgus.synth.camera import CameraParams
from valgus.synth.drop_jump import DropJumpParams, generate_drop_jump
from valgus.synth.motion import Motion, SquatParams, generate_squat
from valgus.synth.render import RenderParams, background, draw_blocks, draw_frame
from valgus.synth.single_leg import SingleLegSquatParams, generate_single_leg_squat
from valgus.synth.truth import MovementParams, build_truth


def truth_path(video_path: Path) -> Path:
    """OUT.mp4 -> OUT.truth.json, next to the video."""
    return video_path.with_suffix(".truth.json")


DEFAULT_CAMERA = CameraParams()
DEFAULT_RENDER = RenderParams()


def _jsonable(params: Any) -> dict[str, Any]:
    """asdict() of a parameter dataclass with tuples as lists (as JSON reads them back)."""
    return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(params).items()}


def generate_movement(params: MovementParams, fps: float = 30.0) -> Motion:
    """The motion of any movement's parameters (squat, single-leg squat, drop jump)."""
    if isinstance(params, SingleLegSquatParams):
        return generate_single_leg_squat(params, fps)
    if isinstance(params, DropJumpParams):
        return generate_drop_jump(params, fps)
    return generate_squat(params, fps)


def render_movement(
    out_path: Path,
    params: MovementParams,
    camera: CameraParams = DEFAULT_CAMERA,
    render: RenderParams = DEFAULT_RENDER,
) -> dict[str, Any]:
    """Render a movement to out_path (MP4) and write OUT.truth.json; returns the truth dict.

    params: SquatParams (heel_raise_m > 0 for the heel-raised squat),
    SingleLegSquatParams or DropJumpParams. Frames are drawn and encoded one at a time
    (memory does not grow with length).
    """
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    motion = generate_movement(params, render.fps)
    dims = body_dims(params.height_m)
    bg = background(camera, render)
    if motion.blocks:
        bg = draw_blocks(bg, motion.blocks, camera)
    rng = np.random.default_rng(render.seed)
    with video_writer(
        out_path,
        width=camera.width_px,
        height=camera.height_px,
        fps=render.fps,
        rotation_deg=render.rotation_deg,
        crf=render.crf,
    ) as write:
        for i in range(motion.t_s.size):
            points = {n: motion.points[i, k] for k, n in enumerate(motion.names)}
            write(draw_frame(points, camera, dims, render, bg, rng))
    video = {
        "path": out_path.name,
        "fps": render.fps,
        "frames": int(motion.t_s.size),
        "width": camera.width_px,
        "height": camera.height_px,
        "rotation": render.rotation_deg,
    }
    truth = build_truth(motion, params, camera, _jsonable(render), video)
    truth_path(out_path).write_text(json.dumps(truth, separators=(",", ":")))
    return truth


def render_squat(
    out_path: Path,
    squat: SquatParams,
    camera: CameraParams = DEFAULT_CAMERA,
    render: RenderParams = DEFAULT_RENDER,
) -> dict[str, Any]:
    """Render a squat (flat or heel-raised) and its truth file; see :func:`render_movement`."""
    return render_movement(out_path, squat, camera, render)


def render_single_leg_squat(
    out_path: Path,
    sls: SingleLegSquatParams,
    camera: CameraParams = DEFAULT_CAMERA,
    render: RenderParams = DEFAULT_RENDER,
) -> dict[str, Any]:
    """Render single-leg squats and their truth file; see :func:`render_movement`."""
    return render_movement(out_path, sls, camera, render)


def render_drop_jump(
    out_path: Path,
    jump: DropJumpParams,
    camera: CameraParams = DEFAULT_CAMERA,
    render: RenderParams = DEFAULT_RENDER,
) -> dict[str, Any]:
    """Render drop vertical jumps and their truth file; see :func:`render_movement`."""
    return render_movement(out_path, jump, camera, render)
