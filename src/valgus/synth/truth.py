"""Ground truth of a synthetic squat, from the TRUE projected 2D points. Pure (no I/O).

Every measure uses the project's own definitions in :mod:`valgus.kinematics.angles`,
applied to the points as the camera projects them (before drawing), so a pipeline
that recovers the drawn joints perfectly would report exactly these numbers.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

import numpy as np
from numpy.typing import NDArray

from valgus.kinematics.angles import flexion_deg_3d as _flexion
from valgus.kinematics.angles import (
    fppa_deg,
    kasr,
    leg_length_px,
    medial_knee_displacement,
    nksd,
)
from valgus.synth.camera import CameraParams, project
from valgus.synth.motion import SIDES, Motion, SquatParams, frontal_fppa

FloatArray = NDArray[np.float64]

TRUTH_SCHEMA = "valgus.synth.truth"
TRUTH_SCHEMA_VERSION = 1

# Points written to the truth file: MediaPipe landmark names only.
TRUTH_POINTS: tuple[str, ...] = (
    "nose", "left_eye", "right_eye", "left_ear", "right_ear", "mouth_left", "mouth_right",
    "left_shoulder", "right_shoulder", "left_elbow", "right_elbow", "left_wrist",
    "right_wrist", "left_hip", "right_hip", "left_knee", "right_knee", "left_ankle",
    "right_ankle", "left_heel", "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip

SIDE_MEASURES = ("fppa_deg", "fppa_frontal_deg", "mkd", "knee_flexion_deg")


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def side_series(motion: Motion, xy: dict[str, FloatArray], side: str) -> dict[str, FloatArray]:
    """Per-frame measures (n,) of one leg: projected and frontal FPPA, MKD, 3D flexion."""
    o = _other(side)
    hip, knee, ankle = xy[f"{side}_hip"], xy[f"{side}_knee"], xy[f"{side}_ankle"]
    leg0 = float(leg_length_px(hip[0], knee[0], ankle[0]))
    p3 = motion.point
    return {
        "fppa_deg": fppa_deg(hip, knee, ankle, xy[f"{o}_hip"]),
        "fppa_frontal_deg": frontal_fppa(
            p3(f"{side}_hip"), p3(f"{side}_knee"), p3(f"{side}_ankle"), p3(f"{o}_hip")
        ),
        "mkd": medial_knee_displacement(knee, xy[f"{side}_foot_index"], xy[f"{o}_hip"], hip, leg0),
        "knee_flexion_deg": _flexion(p3(f"{side}_hip"), p3(f"{side}_knee"), p3(f"{side}_ankle")),
    }


def truth_series(motion: Motion, cam: CameraParams) -> dict[str, Any]:
    """All per-frame truth arrays: 2D points, 3D points, per-side measures, KASR, NKSD."""
    xy = {n: project(motion.point(n), cam)[0] for n in TRUTH_POINTS}
    sides = {s: side_series(motion, xy, s) for s in SIDES}
    return {
        "xy": xy,
        "sides": sides,
        "kasr": kasr(xy["left_knee"], xy["right_knee"], xy["left_ankle"], xy["right_ankle"]),
        "nksd": nksd(xy["left_knee"], xy["right_knee"], xy["left_hip"], xy["right_hip"]),
    }


def _r(x: float) -> float | None:
    """Round to 3 decimals; NaN becomes None (valid JSON)."""
    return None if not np.isfinite(x) else round(float(x), 3)


def _frame_record(motion: Motion, series: dict[str, Any], i: int) -> dict[str, Any]:
    rec: dict[str, Any] = {
        "t_s": _r(motion.t_s[i]),
        "points_2d": {n: [_r(v) for v in series["xy"][n][i]] for n in TRUTH_POINTS},
        "points_3d": {n: [_r(v) for v in motion.point(n)[i]] for n in TRUTH_POINTS},
    }
    for s in SIDES:
        rec[s] = {m: _r(series["sides"][s][m][i]) for m in SIDE_MEASURES}
    rec["kasr"] = _r(series["kasr"][i])
    rec["nksd"] = _r(series["nksd"][i])
    rec["depth"] = _r(motion.depth[i])
    return rec


def _frame_at(t_s: FloatArray, time_s: float) -> int:
    return int(np.argmin(np.abs(t_s - time_s)))


def _rep_record(motion: Motion, series: dict[str, Any], k: int) -> dict[str, Any]:
    start, _, end = motion.reps[k]
    window = np.flatnonzero((motion.t_s >= start) & (motion.t_s < end))
    bottom = int(window[np.argmax(motion.depth[window])]) if window.size else 0
    # Mid-descent as the analysis defines it: the first frame whose hip drop reaches half
    # of the bottom's (valgus.kinematics.reps.mid_descent_index).
    pelvis_y = motion.point("pelvis")[:, 1]
    drop = pelvis_y[window[0]] - pelvis_y
    descent = window[(window <= bottom) & (drop[window] >= 0.5 * drop[bottom])]
    mid = int(descent[0]) if descent.size else bottom
    rec: dict[str, Any] = {
        "index": k,
        "start_s": _r(start),
        "bottom_s": _r(motion.t_s[bottom]),
        "end_s": _r(end),
        "bottom_frame": bottom,
        "mid_descent_frame": mid,
    }
    for s in SIDES:
        m = series["sides"][s]
        rec[s] = {name: _r(m[name][bottom]) for name in SIDE_MEASURES}
        rec[s]["fppa_mid_descent_deg"] = _r(m["fppa_deg"][mid])
        rec[s]["fppa_frontal_mid_descent_deg"] = _r(m["fppa_frontal_deg"][mid])
        j = SIDES.index(s)
        rec[s]["fppa_frontal_target_deg"] = _r(motion.fppa_target_deg[bottom, j])
        rec[s]["fppa_frontal_neutral_deg"] = _r(motion.fppa_neutral_deg[bottom, j])
        rec[s]["valgus_frontal_deg"] = _r(
            motion.fppa_frontal_deg[bottom, j] - motion.fppa_neutral_deg[bottom, j]
        )
    rec["kasr"] = _r(series["kasr"][bottom])
    rec["nksd"] = _r(series["nksd"][bottom])
    return rec


def build_truth(
    motion: Motion,
    squat: SquatParams,
    cam: CameraParams,
    render: dict[str, Any],
    video: dict[str, Any],
) -> dict[str, Any]:
    """The truth document (JSON-ready dict) for a rendered squat.

    render: the render parameters as a dict; video: {path, fps, frames, width, height,
    rotation}.
    """
    series = truth_series(motion, cam)
    return {
        "schema": TRUTH_SCHEMA,
        "schema_version": TRUTH_SCHEMA_VERSION,
        "params": {"squat": asdict(squat), "camera": asdict(cam), "render": render},
        "video": video,
        "frames": [_frame_record(motion, series, i) for i in range(motion.t_s.size)],
        "reps": [_rep_record(motion, series, k) for k in range(len(motion.reps))],
    }
