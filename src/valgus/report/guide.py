"""The filming guide picture of a movement test, drawn by the project's renderer: the person
as the phone should see them (camera at hip height, 2-3 m away, square to the body, the whole
body and the feet in frame), at the deepest point of a rep, with the set-up written on it."""

from __future__ import annotations

from functools import cache

import cv2
import numpy as np

from valgus.report.draw import fit_text_scale, png_bytes, put_label
from valgus.synth.body import body_dims
from valgus.synth.camera import CameraParams
from valgus.synth.options import movement_params
from valgus.synth.render import RenderParams, background, draw_blocks, draw_frame
from valgus.synth.squat import generate_movement

SET_UP = ("phone at hip height, 2-3 m away", "square to the body", "whole body and feet in frame")


def _params(movement: str) -> object:
    blank: dict[str, object] = {
        k: None
        for k in (
            "reps",
            "rep_s",
            "depth",
            "pattern",
            "valgus_left",
            "valgus_right",
            "valgus",
            "arms",
            "side",
            "pelvic_drop",
            "trunk_lean",
            "lifted_foot",
            "heel_raise",
            "box_height",
            "trials",
            "jump_height",
        )
    }
    return movement_params(movement, blank | {"seed": 1, "reps": None})


@cache
def filming_guide_png(movement: str, /) -> bytes:
    """PNG of the movement as filmed (KeyError for a movement the renderer cannot draw)."""
    params = _params(movement)
    camera, render = CameraParams(), RenderParams(seed=1)
    motion = generate_movement(params, render.fps)  # type: ignore[arg-type]
    hips = [k for k, n in enumerate(motion.names) if n.endswith("_hip")]
    i = int(np.argmin(motion.points[:, hips, 1].mean(axis=1)))  # the hips at their lowest (y up)
    bg = background(camera, render)
    if motion.blocks:
        bg = draw_blocks(bg, motion.blocks, camera)
    points = {n: motion.points[i, k] for k, n in enumerate(motion.names)}
    img = draw_frame(
        points, camera, body_dims(params.height_m), render, bg, np.random.default_rng(1)
    )  # type: ignore[attr-defined]
    img = cv2.resize(img, (img.shape[1] // 2, img.shape[0] // 2), interpolation=cv2.INTER_AREA)
    scale = fit_text_scale(list(SET_UP), width_px=img.shape[1] - 20, preferred=0.7)
    y = 10 + 30 * scale
    for line in SET_UP:
        img = put_label(img, line, (8, y), (255, 255, 255), scale=scale)
        y += 40 * scale
    return png_bytes(img)
