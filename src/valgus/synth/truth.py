"""Ground truth of a synthetic movement, from the TRUE projected 2D points. Pure (no I/O).

Every measure uses the project's own definitions in :mod:`valgus.kinematics.angles`,
applied to the points as the camera projects them (before drawing), so a pipeline
that recovers the drawn joints perfectly would report exactly these numbers. The
``*_frontal_*`` variants apply the same definitions to a perfectly frontal orthographic
view of the 3D points (x right = the subject's left, y down), the view in which the
motion generators set their requested angles.

Layout per movement (docs/synthetic-truth.md): every file has ``frames``; squats and
heel-raised squats have ``reps`` per rep and side; single-leg squats ``reps`` with the
stance leg, pelvic drop and trunk lean; drop jumps ``trials`` with the events and the
measures at initial contact and at peak knee flexion.
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
    pelvic_drop_deg,
    trunk_lean_deg,
)
from valgus.synth.camera import CameraParams, project
from valgus.synth.drop_jump import DropJumpParams
from valgus.synth.motion import SIDES, Motion, SquatParams, frontal_fppa
from valgus.synth.single_leg import SingleLegSquatParams

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
MovementParams = SquatParams | SingleLegSquatParams | DropJumpParams
# The key under "params" that holds the movement's parameters.
PARAMS_KEY = {
    SquatParams: "squat",
    SingleLegSquatParams: "single_leg_squat",
    DropJumpParams: "drop_jump",
}


def _other(side: str) -> str:
    return "right" if side == "left" else "left"


def side_series(
    motion: Motion, xy: dict[str, FloatArray], side: str, leg_frame: int = 0
) -> dict[str, FloatArray]:
    """Per-frame measures (n,) of one leg: projected and frontal FPPA, MKD, 3D flexion.

    MKD is normalised by the projected leg length at leg_frame (a straight-legged stance).
    """
    o = _other(side)
    hip, knee, ankle = xy[f"{side}_hip"], xy[f"{side}_knee"], xy[f"{side}_ankle"]
    f = leg_frame
    leg0 = float(leg_length_px(hip[f], knee[f], ankle[f]))
    p3 = motion.point
    return {
        "fppa_deg": fppa_deg(hip, knee, ankle, xy[f"{o}_hip"]),
        "fppa_frontal_deg": frontal_fppa(
            p3(f"{side}_hip"), p3(f"{side}_knee"), p3(f"{side}_ankle"), p3(f"{o}_hip")
        ),
        "mkd": medial_knee_displacement(knee, xy[f"{side}_foot_index"], xy[f"{o}_hip"], hip, leg0),
        "knee_flexion_deg": _flexion(p3(f"{side}_hip"), p3(f"{side}_knee"), p3(f"{side}_ankle")),
    }


def frontal_xy(points: FloatArray) -> FloatArray:
    """A perfectly frontal orthographic view of 3D points (..., 3): (x, -y), y down."""
    return np.asarray(np.stack([points[..., 0], -points[..., 1]], axis=-1), dtype=np.float64)


def single_leg_series(xy: dict[str, FloatArray], stance: str) -> dict[str, FloatArray]:
    """Pelvic drop and trunk lean (n,) with `stance` as the stance side, from 2D points."""
    o = _other(stance)
    return {
        "pelvic_drop_deg": pelvic_drop_deg(xy[f"{stance}_hip"], xy[f"{o}_hip"]),
        "trunk_lean_deg": trunk_lean_deg(
            xy[f"{stance}_hip"], xy[f"{o}_hip"], xy[f"{stance}_shoulder"], xy[f"{o}_shoulder"]
        ),
    }


def truth_series(motion: Motion, cam: CameraParams) -> dict[str, Any]:
    """All per-frame truth arrays: 2D points, 3D points, per-side measures, KASR, NKSD;
    for a single-leg squat also pelvic drop and trunk lean per stance side (projected
    and frontal)."""
    xy = {n: project(motion.point(n), cam)[0] for n in TRUTH_POINTS}
    leg_frame = motion.t_s.size - 1 if motion.movement == "drop-jump" else 0
    sides = {s: side_series(motion, xy, s, leg_frame) for s in SIDES}
    out: dict[str, Any] = {
        "xy": xy,
        "sides": sides,
        "kasr": kasr(xy["left_knee"], xy["right_knee"], xy["left_ankle"], xy["right_ankle"]),
        "nksd": nksd(xy["left_knee"], xy["right_knee"], xy["left_hip"], xy["right_hip"]),
    }
    if motion.movement == "single-leg-squat":
        front = {n: frontal_xy(motion.point(n)) for n in TRUTH_POINTS}
        out["single_leg"] = {
            s: {
                "projected": single_leg_series(xy, s),
                "frontal": single_leg_series(front, s),
            }
            for s in SIDES
        }
    return out


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
    if motion.movement == "single-leg-squat":
        stance = motion.labels[i]
        rec["stance"] = stance
        for name in ("pelvic_drop_deg", "trunk_lean_deg"):
            frontal = name.replace("_deg", "_frontal_deg")
            if stance in SIDES:
                sl = series["single_leg"][stance]
                rec[name], rec[frontal] = _r(sl["projected"][name][i]), _r(sl["frontal"][name][i])
            else:
                rec[name] = rec[frontal] = None
    elif motion.movement == "drop-jump":
        rec["phase"] = motion.labels[i]
        rec["sole_height_m"] = _r(motion.series["sole_y_m"][i])
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


def _sls_rep_record(
    motion: Motion, series: dict[str, Any], k: int, params: SingleLegSquatParams
) -> dict[str, Any]:
    """A single-leg squat rep: the stance leg at the bottom, pelvic drop, trunk lean."""
    start, _, end = motion.reps[k]
    side = motion.rep_sides[k]
    j = SIDES.index(side)
    window = np.flatnonzero((motion.t_s >= start) & (motion.t_s < end))
    bottom = int(window[np.argmax(motion.depth[window])]) if window.size else 0
    # Mid-descent: the first frame whose stance-hip drop reaches half of the bottom's.
    hip_y = motion.point(f"{side}_hip")[:, 1]
    drop = hip_y[window[0]] - hip_y
    descent = window[(window <= bottom) & (drop[window] >= 0.5 * drop[bottom])]
    mid = int(descent[0]) if descent.size else bottom
    m = series["sides"][side]
    stance = {name: _r(m[name][bottom]) for name in SIDE_MEASURES}
    stance["fppa_mid_descent_deg"] = _r(m["fppa_deg"][mid])
    stance["fppa_frontal_mid_descent_deg"] = _r(m["fppa_frontal_deg"][mid])
    stance["fppa_frontal_target_deg"] = _r(motion.fppa_target_deg[bottom, j])
    stance["fppa_frontal_neutral_deg"] = _r(motion.fppa_neutral_deg[bottom, j])
    stance["valgus_frontal_deg"] = _r(
        motion.fppa_frontal_deg[bottom, j] - motion.fppa_neutral_deg[bottom, j]
    )
    sl = series["single_leg"][side]
    return {
        "index": k,
        "stance_side": side,
        "start_s": _r(start),
        "bottom_s": _r(motion.t_s[bottom]),
        "end_s": _r(end),
        "bottom_frame": bottom,
        "mid_descent_frame": mid,
        "stance": stance,
        "pelvic_drop_deg": _r(sl["projected"]["pelvic_drop_deg"][bottom]),
        "pelvic_drop_frontal_deg": _r(sl["frontal"]["pelvic_drop_deg"][bottom]),
        "trunk_lean_deg": _r(sl["projected"]["trunk_lean_deg"][bottom]),
        "trunk_lean_frontal_deg": _r(sl["frontal"]["trunk_lean_deg"][bottom]),
        "requested": {
            "depth_deg": params.depth_deg,
            "valgus_deg": params.stance_valgus_deg(side),
            "pattern": params.pattern,
            "pelvic_drop_deg": params.pelvic_drop_deg,
            "trunk_lean_deg": params.trunk_lean_deg,
        },
    }


def _instant(motion: Motion, series: dict[str, Any], i: int, with_target: bool) -> dict[str, Any]:
    """Both legs' measures, KASR and NKSD at frame i (drop jump events)."""
    rec: dict[str, Any] = {"frame": i, "t_s": _r(motion.t_s[i])}
    for j, s in enumerate(SIDES):
        rec[s] = {name: _r(series["sides"][s][name][i]) for name in SIDE_MEASURES}
        if with_target:
            rec[s]["fppa_frontal_target_deg"] = _r(motion.fppa_target_deg[i, j])
            rec[s]["fppa_frontal_neutral_deg"] = _r(motion.fppa_neutral_deg[i, j])
            rec[s]["valgus_frontal_deg"] = _r(
                motion.fppa_frontal_deg[i, j] - motion.fppa_neutral_deg[i, j]
            )
    rec["kasr"] = _r(series["kasr"][i])
    rec["nksd"] = _r(series["nksd"][i])
    return rec


def _trial_record(
    motion: Motion, series: dict[str, Any], k: int, params: DropJumpParams
) -> dict[str, Any]:
    """A drop-jump trial: exact event times, and the measures at the contact frame (the
    first frame at or after initial contact) and at the frame of peak knee flexion
    (largest mean of the two legs' 3D flexion between contact and take-off)."""
    ev = motion.events[k]
    t = motion.t_s
    after = np.flatnonzero(t >= ev["contact_s"] - 1e-9)
    contact = int(after[0]) if after.size else t.size - 1
    ground = np.flatnonzero((t >= ev["contact_s"]) & (t <= ev["take_off_s"]))
    flex = (
        series["sides"]["left"]["knee_flexion_deg"] + series["sides"]["right"]["knee_flexion_deg"]
    ) / 2
    peak = int(ground[np.argmax(flex[ground])]) if ground.size else contact
    rec: dict[str, Any] = {"index": k}
    rec.update({name: _r(v) for name, v in ev.items()})
    rec["fall_s"] = _r(ev["contact_s"] - ev["drop_s"])
    rec["ground_contact_s"] = _r(ev["take_off_s"] - ev["contact_s"])
    rec["flight_s"] = _r(ev["second_contact_s"] - ev["take_off_s"])
    rec["contact_frame"] = contact
    rec["peak_flexion_frame"] = peak
    rec["at_contact"] = _instant(motion, series, contact, with_target=True)
    rec["at_peak_flexion"] = _instant(motion, series, peak, with_target=True)
    rec["requested"] = {
        "box_height_m": params.box_height_m,
        "valgus_left_deg": params.valgus_left_deg,
        "valgus_right_deg": params.valgus_right_deg,
        "contact_flexion_deg": params.contact_flexion_deg,
        "peak_flexion_deg": params.peak_flexion_deg,
        "jump_height_m": params.jump_height_m,
    }
    return rec


def build_truth(
    motion: Motion,
    params: MovementParams,
    cam: CameraParams,
    render: dict[str, Any],
    video: dict[str, Any],
) -> dict[str, Any]:
    """The truth document (JSON-ready dict) for a rendered movement.

    render: the render parameters as a dict; video: {path, fps, frames, width, height,
    rotation}. Squats keep the original layout (``params.squat``, ``reps`` per side);
    every file also says its ``movement`` and lists the scene ``blocks``.
    """
    series = truth_series(motion, cam)
    out: dict[str, Any] = {
        "schema": TRUTH_SCHEMA,
        "schema_version": TRUTH_SCHEMA_VERSION,
        "movement": motion.movement,
        "params": {
            PARAMS_KEY[type(params)]: asdict(params),
            "camera": asdict(cam),
            "render": render,
        },
        "video": video,
        "blocks": [b.as_dict() for b in motion.blocks],
        "frames": [_frame_record(motion, series, i) for i in range(motion.t_s.size)],
    }
    if isinstance(params, SingleLegSquatParams):
        out["reps"] = [_sls_rep_record(motion, series, k, params) for k in range(len(motion.reps))]
    elif isinstance(params, DropJumpParams):
        out["reps"] = []
        out["trials"] = [
            _trial_record(motion, series, k, params) for k in range(len(motion.events))
        ]
    else:
        out["reps"] = [_rep_record(motion, series, k) for k in range(len(motion.reps))]
    return out


def true_knee_over_foot(truth: dict[str, Any]) -> list[dict[str, float]]:
    """Per rep and leg at the deepest frame, from the renderer's 3D points (x = the subject's
    left, y up): the knee's horizontal distance from the vertical plane through the ankle
    along the heel-to-2nd-toe direction, + toward the other hip, / the standing 3D leg."""
    frames = truth["frames"]
    first = frames[0]["points_3d"]
    out = []
    for rep in truth["reps"]:
        pts = frames[rep["bottom_frame"]]["points_3d"]
        row = {}
        for side, other in (("left", "right"), ("right", "left")):

            def p(name: str, at: dict[str, Any] = pts) -> FloatArray:
                return np.asarray(at[name], dtype=np.float64)

            leg = np.linalg.norm(
                p(f"{side}_hip", first) - p(f"{side}_knee", first)
            ) + np.linalg.norm(p(f"{side}_knee", first) - p(f"{side}_ankle", first))
            foot = p(f"{side}_foot_index") - p(f"{side}_heel")
            foot[1] = 0.0
            foot /= np.linalg.norm(foot)
            normal = np.array([foot[2], 0.0, -foot[0]])
            if normal @ (p(f"{other}_hip") - p(f"{side}_hip")) < 0:
                normal = -normal
            row[side] = float((p(f"{side}_knee") - p(f"{side}_ankle")) @ normal / leg)
        out.append(row)
    return out
