"""Quality gates: is there a person, is the view frontal, are the legs in frame and visible."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from valgus.assessment import quality_warnings as qw
from valgus.assessment.track import Track
from valgus.errors import NoPersonDetectedError, OutOfFrameError, UnsuitableViewError
from valgus.kinematics.angles import leg_length_px
from valgus.results import QualityWarning, View

FloatArray = NDArray[np.float64]

MIN_DETECTED_FRACTION = 0.2
MIN_DETECTED_S = 1.0
# View bands on the estimated yaw between the camera axis and the subject's facing direction.
# The reference asks for a view within about 45 deg of perpendicular for frontal-plane
# angles (Kinovea validity, Puig-Divi 2019; docs/evidence.md §10). Our own rendered
# squats are stricter for valgus at depth: at the bottom of a 90-deg squat each degree of
# camera yaw moves the knee-inside-the-toes measure (MKD) by about 0.15 % of leg length and
# FPPA by about 2 deg, in opposite directions for the two legs (docs/method.md). So the
# per-leg verdict is given up to an estimated 15 deg (about 20 deg true: the estimate reads
# low near frontal), with a warning above 10 deg.
FRONTAL_MAX_YAW_DEG = 10.0
USABLE_MAX_YAW_DEG = 15.0
# The knee over the foot's line (squats, single-leg squats) takes the foot's direction and the
# knee's forward travel as the camera sees them, so camera yaw drops out of it: on rendered
# squats it held to within its stated error up to 20 deg of yaw either way (an estimate of up
# to 32 deg here, which reads high on one side), and the feet's own yaw cue
# (FEET_YAW_MAX_DEG, movements/squat.py) stops it beyond (docs/accuracy.md "Knee over the foot").
KOF_MAX_YAW_DEG = 40.0
SIDE_MIN_YAW_DEG = 60.0
MIN_LEG_VISIBILITY = 0.5
# Frontal shoulder width / torso length for MediaPipe landmarks (calibrated on rendered
# frontal squats, docs/method.md); the 2D width ratio shrinks with cos(yaw).
FRONTAL_SHOULDER_TORSO_RATIO = 0.68


@dataclass(frozen=True)
class ViewEstimate:
    view: View
    yaw_deg: float | None


def check_person(track: Track, /) -> None:
    """Raise NoPersonDetectedError when nobody is found in enough of the video."""
    frac = float(track.detected.mean())
    dur = float(track.time_s[-1] - track.time_s[0])
    if frac < MIN_DETECTED_FRACTION or frac * dur < MIN_DETECTED_S:
        raise NoPersonDetectedError(
            f"no person found in {100 * (1 - frac):.0f}% of the video. Film the whole body, "
            "from head to feet, in good light, with one person in view."
        )


def _pair_yaw_world(track: Track, part: str, frames: NDArray[np.bool_]) -> FloatArray:
    """Signed yaw (deg) of the left-right axis of a body part in the 3D landmarks."""
    d = track.point3d(f"left_{part}") - track.point3d(f"right_{part}")
    return np.asarray(np.degrees(np.arctan2(d[frames, 2], np.abs(d[frames, 0]))), dtype=np.float64)


def _yaw_from_width(track: Track, frames: NDArray[np.bool_]) -> FloatArray:
    """Unsigned yaw (deg) from shoulder width / torso length, which shrinks with cos(yaw)."""
    ls, rs = track.point("left_shoulder"), track.point("right_shoulder")
    lh, rh = track.point("left_hip"), track.point("right_hip")
    width = np.linalg.norm(ls - rs, axis=1)
    torso = np.linalg.norm((ls + rs) / 2 - (lh + rh) / 2, axis=1)
    ratio = np.clip(width / torso / FRONTAL_SHOULDER_TORSO_RATIO, 0.0, 1.0)
    return np.asarray(np.degrees(np.arccos(ratio[frames])), dtype=np.float64)


def _median(values: FloatArray) -> float | None:
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else None


def estimate_view(track: Track, frames: NDArray[np.bool_], /) -> ViewEstimate:
    """Yaw of the subject relative to the camera, from two independent cues.

    Cue 1 (main): the depth difference of the hips and of the shoulders in the model's 3D
    landmarks, signed, median over frames. Cue 2: projected shoulder width relative to torso
    length, which shrinks with cos(yaw); it cannot see small angles (cos 15 deg = 0.97), so
    it only joins (averaged) when it reads more than 20 deg, where it steadies side views.
    """
    world = [_median(_pair_yaw_world(track, part, frames)) for part in ("hip", "shoulder")]
    world_ok = [w for w in world if w is not None]
    width = _median(_yaw_from_width(track, frames))
    if not world_ok and width is None:
        return ViewEstimate("unknown", None)
    yaw = abs(float(np.mean(world_ok))) if world_ok else float(width or 0.0)
    if world_ok and width is not None and width > 20.0:
        yaw = 0.5 * (yaw + width)
    if yaw <= FRONTAL_MAX_YAW_DEG:
        view: View = "frontal"
    elif yaw < SIDE_MIN_YAW_DEG:
        view = "oblique"
    else:
        view = "side"
    return ViewEstimate(view, round(yaw, 1))


def _unsuitable(est: ViewEstimate) -> UnsuitableViewError:
    where = "from the side" if est.view == "side" else "at a strong angle"
    return UnsuitableViewError(
        f"the camera sees the body {where} (about {est.yaw_deg:.0f} degrees off frontal); "
        f"knees caving in cannot be judged from this view. {qw.REFILM}"
    )


def refuse_side_view(est: ViewEstimate, /) -> None:
    """Raise at once for a clear side view (before looking for reps)."""
    if est.view == "side":
        raise _unsuitable(est)


def view_warnings(
    est: ViewEstimate, /, *, limit: float = USABLE_MAX_YAW_DEG
) -> list[QualityWarning]:
    """Raise for a side view; say what an oblique view allows. limit: the largest estimated
    yaw at which the movement's knee measure is judged (KOF_MAX_YAW_DEG for the knee over
    the foot's line, which allows for yaw; USABLE_MAX_YAW_DEG for MKD)."""
    refuse_side_view(est)
    if est.yaw_deg is None:
        return [qw.view_unknown()]
    if est.yaw_deg > limit:
        return [qw.strong_oblique_view(est.yaw_deg, limit)]
    if est.view == "oblique":
        kof = limit > USABLE_MAX_YAW_DEG
        return [qw.oblique_view_foot_line(est.yaw_deg) if kof else qw.oblique_view(est.yaw_deg)]
    return []


def check_framing(
    track: Track, frames: NDArray[np.bool_], /, *, where: str = "of the squat frames"
) -> list[QualityWarning]:
    """Raise when the feet or knees are cut off in most of the rep frames; warn when in some."""
    margin = 0.01
    out: dict[str, float] = {}
    for part in ("knee", "ankle", "heel", "foot_index"):
        for side in ("left", "right"):
            p = track.point(f"{side}_{part}")[frames]
            p = p[np.isfinite(p).all(axis=1)]  # missing points are a visibility matter
            if not len(p):
                continue
            x_in = (p[:, 0] >= -margin * track.width) & (p[:, 0] <= (1 + margin) * track.width)
            y_in = (p[:, 1] >= -margin * track.height) & (p[:, 1] <= (1 + margin) * track.height)
            out[f"{side}_{part}"] = float(np.mean(~(x_in & y_in)))
    if not out:
        return []
    worst = max(out, key=lambda k: out[k])
    if out[worst] > 0.5:
        what = "feet" if "knee" not in worst else "knees"
        raise OutOfFrameError(
            f"the {what} are outside the picture in {100 * out[worst]:.0f}% {where}. Step back or tilt the phone so the whole body, feet included, stays in frame."
        )
    if out[worst] > 0.05:
        return [qw.partly_out_of_frame(worst, out[worst], where)]
    return []


def view_allows_valgus(est: ViewEstimate, /, *, limit: float = USABLE_MAX_YAW_DEG) -> bool:
    return est.yaw_deg is not None and est.yaw_deg <= limit


def leg_visible(track: Track, side: str, frames: NDArray[np.bool_], /) -> bool:
    """True when hip, knee and ankle of one leg are clearly visible during the reps."""
    return all(
        float(np.median(track.conf(f"{side}_{part}")[frames])) >= MIN_LEG_VISIBILITY
        for part in ("hip", "knee", "ankle")
    )


# The hips of one person move at most a few leg lengths a second in these tests (a drop-jump
# landing: ~2.5 m/s, about 3 leg lengths a second). Between two frames with a person, a hip
# jump beyond JUMP_BASE_LEGS plus JUMP_SPEED_LEGS_PER_S of elapsed time, or the leg's
# length in the image changing by more than JUMP_SCALE within JUMP_SCALE_MAX_S, is not body
# motion: the pose model moved to someone else or lost the body for a moment. DERIVED.
JUMP_BASE_LEGS = 0.3
JUMP_SPEED_LEGS_PER_S = 4.0
JUMP_SCALE = 1.3
JUMP_SCALE_MAX_S = 0.1


def body_jumps(time_s: FloatArray, xy: FloatArray, names: list[str], /) -> list[float]:
    """Times (s) at which the tracked body jumps (raw landmarks xy: (T, 2, K) px)."""
    p = {n: xy[:, :, k] for k, n in enumerate(names)}
    hips = (p["left_hip"] + p["right_hip"]) / 2
    legs = np.mean(
        [leg_length_px(p[f"{s}_hip"], p[f"{s}_knee"], p[f"{s}_ankle"]) for s in ("left", "right")],
        axis=0,
    )
    ok = np.flatnonzero(np.isfinite(hips).all(axis=1) & np.isfinite(legs) & (legs > 0))
    if ok.size < 2:
        return []
    step = np.linalg.norm(np.diff(hips[ok], axis=0), axis=1) / float(np.median(legs[ok]))
    dt = np.diff(time_s[ok])
    scale = np.abs(np.log(legs[ok][1:] / legs[ok][:-1]))
    jump = (step > JUMP_BASE_LEGS + JUMP_SPEED_LEGS_PER_S * dt) | (
        (scale > np.log(JUMP_SCALE)) & (dt <= JUMP_SCALE_MAX_S)
    )
    return [float(t) for t in time_s[ok][1:][jump]]
