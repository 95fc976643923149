"""Left/right swap detection for a person facing (or facing away from) the camera.

Pose models sometimes exchange the labels of the two legs for a few frames.
In a frontal view the subject's left and right limbs keep a fixed order along
the image x axis, so a frame whose order disagrees with the rest of the video
is a swap. Two levels are checked:

1. whole body: hips and shoulders flipped together in a short run of frames;
2. lower legs: knees/ankles/heels/toes on the opposite side from their own hip.

Pairs closer than a small fraction of the leg length are left alone (their
order is not informative, e.g. in a side view).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]

LOWER_LEG = ("knee", "ankle", "heel", "foot_index")
MIN_SEPARATION = 0.05  # of leg length: below this, left/right order is not informative
# Lower legs are checked against the hips only where the hips are clearly apart (a frontal
# hip width is about 0.2 leg lengths); in oblique views the legs overlap and cross.
MIN_HIP_SEPARATION = 0.1
MAX_BODY_FLIP_RUN_S = 1.0


@dataclass(frozen=True)
class SwapReport:
    body_frames: BoolArray  # (time,) whole-body labels exchanged
    leg_frames: BoolArray  # (time,) lower-leg labels exchanged (after the body fix)
    facing_sign: (
        int  # +1: subject's left on the image right (facing the camera), -1 otherwise, 0 unknown
    )

    @property
    def n_swapped(self) -> int:
        return int(np.count_nonzero(self.body_frames | self.leg_frames))


def _order(x: FloatArray, names: list[str], part: str, scale: float) -> FloatArray:
    """+1/-1: sign of x_left - x_right for a part; 0 where too close or missing."""
    dx = x[:, names.index(f"left_{part}")] - x[:, names.index(f"right_{part}")]
    out = np.sign(dx)
    out[~(np.abs(dx) > MIN_SEPARATION * scale)] = 0
    return np.asarray(out, dtype=np.float64)


def _short_runs(flags: BoolArray, max_len: int) -> BoolArray:
    padded = np.concatenate(([False], flags, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    out = np.zeros_like(flags)
    for start, stop in zip(edges[::2], edges[1::2], strict=True):
        if stop - start <= max_len:
            out[start:stop] = True
    return out


def detect_swaps(
    x_px: FloatArray, names: list[str], time_s: FloatArray, /, *, scale_px: float
) -> SwapReport:
    """Find swapped frames from image x coordinates (time, keypoint)."""
    body = _order(x_px, names, "hip", scale_px) + _order(x_px, names, "shoulder", scale_px)
    facing = int(np.sign(np.sum(np.sign(body))))
    fps = 1.0 / float(np.median(np.diff(time_s)))
    if facing == 0:
        none = np.zeros(len(time_s), dtype=bool)
        return SwapReport(none, none.copy(), 0)
    body_flip = _short_runs(np.sign(body) == -facing, int(MAX_BODY_FLIP_RUN_S * fps))
    fixed = apply_swaps(x_px[:, None, :], names, body_flip, parts=None)[:, 0, :]
    hips = _order(fixed, names, "hip", scale_px * MIN_HIP_SEPARATION / MIN_SEPARATION)
    leg_votes = sum(_order(fixed, names, part, scale_px) for part in LOWER_LEG)
    leg_flip = (hips == facing) & (np.sign(leg_votes) == -facing)
    return SwapReport(body_flip, np.asarray(leg_flip), facing)


def apply_swaps(
    values: FloatArray, names: list[str], frames: BoolArray, /, *, parts: tuple[str, ...] | None
) -> FloatArray:
    """Exchange left/right keypoints in the given frames. values (time, ..., keypoint).

    parts: body parts to exchange (e.g. LOWER_LEG); None exchanges every left/right pair.
    """
    out = values.copy()
    for i, name in enumerate(names):
        if not name.startswith("left_"):
            continue
        part = name[len("left_") :]
        if parts is not None and part not in parts:
            continue
        j = names.index("right_" + part)
        out[frames, ..., i] = values[frames, ..., j]
        out[frames, ..., j] = values[frames, ..., i]
    return out
