"""Squat motion generator: per-frame 3D joint positions with a known valgus. Pure numpy.

Frame: x = subject's left, y = up, z = forward (toward the camera in a frontal view),
metres, floor at y = 0, origin on the floor midway between the ankles.

How valgus is made: the feet stay on the floor; the pelvis descends on a sagittal
path set by the knee flexion (shank and thigh inclinations); each knee lies on the
circle where the thigh sphere (about the hip) and the shank sphere (about the ankle)
intersect. Its place on that circle is an angle psi about the hip-ankle axis;
psi > 0 swings it medially. valgus 0 means the knee tracks over the foot (it stays
in the vertical plane of the foot's long axis, the coaching ideal "knees over
toes"); a perfectly frontal orthographic camera then sees the neutral FPPA, which is
0 standing and slightly negative (lateral) at depth with the toes turned out. At
each frame psi is solved (1D root find) so that the orthographic frontal FPPA equals
target(t) = neutral FPPA(t) + valgus_deg * profile(depth fraction); where the
geometry cannot reach the target (a straight leg only has FPPA 0) it is clamped and
the achieved value recorded.

Heel raise (``heel_raise_m`` > 0, the heel-raised squat; 5 cm, docs/evidence.md §10, after
Padua et al. 2012, J Athl Train 47(5):525, who used a 2-in / 5.08 cm lift): each foot
is a rigid plate pitched heel-up about the front end of its sole, which stays on the
floor, so the rear of the heel rests on the front top edge of a board of that height
(:func:`valgus.synth.scene.heel_board`). The ankles stay at x = +-half stance, z = 0.

Other movements reuse these pieces: :mod:`valgus.synth.single_leg` (single-leg squat)
and :mod:`valgus.synth.drop_jump` (drop vertical jump) build a timeline, a pelvis/trunk
path and feet placement, and place the knees with the same solver (:func:`place_knee`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

from valgus.errors import InputError
from valgus.kinematics.angles import fppa_deg
from valgus.schema import SIDE_NAMES
from valgus.synth.body import (
    BodyDims,
    body_dims,
    foot_at_ankle,
    foot_axes,
    foot_points,
    head_points,
    sole_front_m,
    sole_length_m,
    unit,
)
from valgus.synth.scene import Block, heel_board

FloatArray = NDArray[np.float64]
Pattern = Literal["bottom_only", "throughout"]
Arms = Literal["forward", "overhead", "hips"]

SIDES = SIDE_NAMES
SIDE_SIGN = {"left": 1.0, "right": -1.0}

# Share of knee flexion taken by the shank's forward tilt (ankle dorsiflexion);
# the rest is the thigh's inclination. ~0.42 gives ~38 deg dorsiflexion at 90 deg.
SHANK_SHARE = 0.42
# Trunk forward lean as a share of the thigh's inclination from vertical.
TRUNK_LEAN_SHARE = 0.6


@dataclass(frozen=True)
class SquatParams:
    """A bilateral bodyweight squat. Angles in degrees, times in seconds."""

    reps: int = 3
    rep_s: float = 3.0
    pause_before_s: float = 1.0
    pause_after_s: float = 1.0
    depth_deg: float = 90.0
    stance_width: float = 1.3
    toe_out_deg: float = 10.0
    valgus_left_deg: float = 0.0
    valgus_right_deg: float = 0.0
    pattern: Pattern = "bottom_only"
    arms: Arms = "forward"
    height_m: float = 1.75
    sway_mm: float = 3.0
    seed: int = 0
    heel_raise_m: float = 0.0

    def __post_init__(self) -> None:
        problems = squat_param_problems(self)
        if problems:
            raise InputError("; ".join(problems))

    @property
    def duration_s(self) -> float:
        """Total duration of the movement."""
        return self.pause_before_s + self.reps * self.rep_s + self.pause_after_s


def squat_param_problems(p: SquatParams) -> list[str]:
    """Human-readable problems with a parameter set (empty when valid)."""
    out = []
    if p.reps < 1:
        out.append(f"reps must be >= 1, got {p.reps}")
    if p.rep_s <= 0.3:
        out.append(f"rep_s must be > 0.3 s, got {p.rep_s}")
    if p.pause_before_s < 0 or p.pause_after_s < 0:
        out.append("pauses must be >= 0 s")
    if not 5.0 <= p.depth_deg <= 130.0:
        out.append(f"depth_deg must be in 5..130, got {p.depth_deg}")
    if not 0.5 <= p.stance_width <= 3.0:
        out.append(f"stance_width must be in 0.5..3 hip widths, got {p.stance_width}")
    if not -20.0 <= p.toe_out_deg <= 45.0:
        out.append(f"toe_out_deg must be in -20..45, got {p.toe_out_deg}")
    for side in SIDES:
        v = getattr(p, f"valgus_{side}_deg")
        if not -30.0 <= v <= 45.0:
            out.append(f"valgus_{side}_deg must be in -30..45, got {v}")
    if p.pattern not in ("bottom_only", "throughout"):
        out.append(f"pattern must be 'bottom_only' or 'throughout', got {p.pattern!r}")
    if p.arms not in ("forward", "overhead"):
        out.append(f"arms must be 'forward' or 'overhead', got {p.arms!r}")
    out += body_param_problems(p.height_m, p.sway_mm)
    if not 0.0 <= p.heel_raise_m <= 0.10:
        out.append(f"heel_raise_m must be in 0..0.10 m, got {p.heel_raise_m}")
    return out


def body_param_problems(height_m: float, sway_mm: float) -> list[str]:
    """Problems with the body height and pelvis sway shared by every movement."""
    out = []
    if not 1.2 <= height_m <= 2.2:
        out.append(f"height_m must be in 1.2..2.2, got {height_m}")
    if not 0.0 <= sway_mm <= 50.0:
        out.append(f"sway_mm must be in 0..50, got {sway_mm}")
    return out


@dataclass(frozen=True)
class Motion:
    """Generated motion. n frames, k named points.

    points: (n, k, 3) metres in the body frame; names: k point names (MediaPipe names
    where one exists, plus 'pelvis', 'neck', 'head', 'head_top').
    depth: (n,) fraction 0..1 of the bottom knee flexion.
    fppa_target_deg / fppa_frontal_deg: (n, 2) [left, right] requested and achieved
    orthographic frontal FPPA; fppa_neutral_deg: (n, 2) the frontal FPPA the knee would
    have tracking over the foot. achieved - neutral = the valgus the motion carries.
    reps: per rep (start_s, bottom_s, end_s).
    movement: "squat", "heel-raised-squat", "single-leg-squat" or "drop-jump".
    labels: per frame, the stance side of a single-leg squat ('left', 'right', 'both')
    or the phase of a drop jump; empty for squats.
    series: movement-specific per-frame arrays (n,), e.g. requested pelvic drop.
    blocks: static scene objects (drop box, heel board).
    events: per trial, named event times (s) (drop jump).
    rep_sides: per rep, the stance side (single-leg squat).
    """

    t_s: FloatArray
    names: tuple[str, ...]
    points: FloatArray
    depth: FloatArray
    fppa_target_deg: FloatArray
    fppa_frontal_deg: FloatArray
    fppa_neutral_deg: FloatArray
    reps: list[tuple[float, float, float]] = field(default_factory=list)
    movement: str = "squat"
    labels: tuple[str, ...] = ()
    series: dict[str, FloatArray] = field(default_factory=dict)
    blocks: tuple[Block, ...] = ()
    events: list[dict[str, float]] = field(default_factory=list)
    rep_sides: tuple[str, ...] = ()

    def point(self, name: str) -> FloatArray:
        """(n, 3) trajectory of one point."""
        return self.points[:, self.names.index(name), :]


def depth_timeline(params: SquatParams, fps: float) -> tuple[FloatArray, FloatArray]:
    """Frame times (n,) and depth fraction (n,): sin^2 per rep, 0 standing, 1 bottom."""
    n = max(1, round(params.duration_s * fps))
    t = np.arange(n) / fps
    tau = (t - params.pause_before_s) / params.rep_s
    in_reps = (tau >= 0) & (tau < params.reps)
    depth = np.where(in_reps, np.sin(np.pi * np.mod(tau, 1.0)) ** 2, 0.0)
    return t, depth


def rep_times(params: SquatParams) -> list[tuple[float, float, float]]:
    """(start_s, bottom_s, end_s) of each rep."""
    out = []
    for k in range(params.reps):
        start = params.pause_before_s + k * params.rep_s
        out.append((start, start + params.rep_s / 2, start + params.rep_s))
    return out


def valgus_profile(depth: FloatArray, pattern: Pattern) -> FloatArray:
    """Share (0..1) of the full valgus reached at a depth fraction (of the hip drop).

    'bottom_only': 0 up to half depth, then a smoothstep to 1 at the bottom.
    'throughout': linear to 1 by 35 % depth, then full.
    """
    d = np.clip(np.asarray(depth, dtype=np.float64), 0.0, 1.0)
    if pattern == "bottom_only":
        x = np.clip((d - 0.5) / 0.5, 0.0, 1.0)
        return np.asarray(x * x * (3 - 2 * x), dtype=np.float64)
    return np.asarray(np.minimum(1.0, d / 0.35), dtype=np.float64)


def frontal_fppa(
    hip: FloatArray, knee: FloatArray, ankle: FloatArray, other_hip: FloatArray
) -> FloatArray:
    """FPPA a perfectly frontal orthographic camera sees, from 3D points (..., 3)."""

    def xy(p: FloatArray) -> FloatArray:
        return np.asarray(p[..., :2], dtype=np.float64)

    return fppa_deg(xy(hip), xy(knee), xy(ankle), xy(other_hip))


def knee_circle(
    hip: FloatArray, ankle: FloatArray, thigh: float, shank: float, medial: FloatArray
) -> tuple[FloatArray, float, FloatArray, FloatArray]:
    """Centre, radius and in-plane basis (e1 forward, e2 medial) of the knee circle."""
    d_vec = ankle - hip
    d = float(np.linalg.norm(d_vec))
    u = d_vec / d
    d = min(d, thigh + shank)
    a = (thigh**2 - shank**2 + d**2) / (2 * d)
    radius = float(np.sqrt(max(0.0, thigh**2 - a**2)))
    fwd = np.array([0.0, 0.0, 1.0])
    e1 = unit(fwd - np.dot(fwd, u) * u)
    e2 = np.cross(u, e1)
    if np.dot(e2, medial) < 0:
        e2 = -e2
    return hip + a * u, radius, e1, e2


def place_knee(
    hip: FloatArray,
    ankle: FloatArray,
    other_hip: FloatArray,
    dims: BodyDims,
    target_deg: float,
    side_sign: float,
) -> tuple[FloatArray, float]:
    """Knee position whose orthographic frontal FPPA is target_deg (clamped if out of reach).

    Returns (knee (3,), achieved FPPA deg).
    """
    medial = np.array([-side_sign, 0.0, 0.0])
    centre, radius, e1, e2 = knee_circle(hip, ankle, dims.thigh_m, dims.shank_m, medial)

    def knee_at(psi: float) -> FloatArray:
        return np.asarray(centre + radius * (np.cos(psi) * e1 + np.sin(psi) * e2))

    def fppa_at(psi: float) -> float:
        return float(frontal_fppa(hip, knee_at(psi), ankle, other_hip))

    if radius < 1e-6 or abs(target_deg) < 1e-9:
        knee = knee_at(0.0)
        return knee, float(np.nan_to_num(fppa_at(0.0)))
    sign = 1.0 if target_deg > 0 else -1.0
    grid = sign * np.linspace(0.0, np.pi * 0.9, 91)
    values = np.array([fppa_at(p) for p in grid]) * sign
    best = int(np.nanargmax(values))
    if values[best] <= abs(target_deg):
        psi = float(grid[best])
    else:
        hi = float(grid[np.argmax(values >= abs(target_deg))])
        psi = brentq(lambda p: fppa_at(p) - target_deg, 0.0, hi, xtol=1e-10)
    return knee_at(psi), fppa_at(psi)


def neutral_knee_fppa(
    hip: FloatArray,
    ankle: FloatArray,
    other_hip: FloatArray,
    dims: BodyDims,
    foot_dir: FloatArray,
    side_sign: float,
) -> float:
    """Orthographic frontal FPPA when the knee tracks over the foot.

    "Over the foot": the knee lies in the vertical plane through the ankle along the
    foot's long axis (heel to toe), the coaching ideal of knees over the toes. 0 when
    the leg is straight or no such knee position exists.
    """
    medial = np.array([-side_sign, 0.0, 0.0])
    centre, radius, e1, e2 = knee_circle(hip, ankle, dims.thigh_m, dims.shank_m, medial)
    if radius < 1e-6:
        return 0.0
    normal = unit(np.cross(foot_dir, np.array([0.0, 1.0, 0.0])))

    def off_plane(psi: float) -> float:
        knee = centre + radius * (np.cos(psi) * e1 + np.sin(psi) * e2)
        return float(np.dot(knee - ankle, normal))

    grid = np.linspace(-np.pi / 2, np.pi / 2, 181)
    values = np.array([off_plane(p) for p in grid])
    roots = np.flatnonzero(np.sign(values[:-1]) != np.sign(values[1:]))
    if roots.size == 0:
        return 0.0
    k = int(roots[np.argmin(np.abs(grid[roots]))])
    psi = brentq(off_plane, grid[k], grid[k + 1], xtol=1e-10)
    knee = centre + radius * (np.cos(psi) * e1 + np.sin(psi) * e2)
    return float(np.nan_to_num(frontal_fppa(hip, knee, ankle, other_hip)))


def _sway(params: SquatParams, t: FloatArray) -> FloatArray:
    """(n, 3) slow random pelvis sway, amplitude ~sway_mm in x and z."""
    return sway_path(params.seed, params.sway_mm, t)


def sway_path(seed: int, sway_mm: float, t: FloatArray) -> FloatArray:
    """(n, 3) slow random pelvis sway, amplitude ~sway_mm in x and z, seeded."""
    rng = np.random.default_rng(seed)
    out = np.zeros((t.size, 3))
    for axis in (0, 2):
        for _ in range(3):
            freq = rng.uniform(0.1, 0.6)
            phase = rng.uniform(0, 2 * np.pi)
            out[:, axis] += np.sin(2 * np.pi * freq * t + phase) / 3
    return out * sway_mm / 1000.0


def _pelvis_height_and_back(dims: BodyDims, flex_deg: float, dx: float) -> tuple[float, float]:
    """Hip joint height above the ankle and its z offset, for a knee flexion and lateral offset."""
    flex = np.radians(flex_deg)
    th_s = SHANK_SHARE * flex
    th_t = flex - th_s
    z = dims.shank_m * np.sin(th_s) - dims.thigh_m * np.sin(th_t)
    y = dims.shank_m * np.cos(th_s) + dims.thigh_m * np.cos(th_t)
    d_sag = np.hypot(z, y)
    # 3D hip-ankle distance for this flexion (law of cosines), minus the lateral part.
    d = np.sqrt(dims.thigh_m**2 + dims.shank_m**2 + 2 * dims.thigh_m * dims.shank_m * np.cos(flex))
    r = np.sqrt(max(d**2 - dx**2, 1e-9))
    return float(r * y / d_sag), float(r * z / d_sag)


def _upper_body(
    pelvis: FloatArray,
    hips: dict[str, FloatArray],
    dims: BodyDims,
    thigh_incl_rad: float,
    depth: float,
    arms: Arms,
    lateral_rad: float = 0.0,
) -> dict[str, FloatArray]:
    """Trunk, shoulders, arms, neck and head for one frame.

    The trunk leans forward by TRUNK_LEAN_SHARE of the thigh inclination; lateral_rad
    leans it sideways (+ toward the subject's left, +x) by exactly that angle as a
    frontal orthographic camera sees the mid-hip to mid-shoulder line (the shoulder line
    stays perpendicular to the trunk in that view).
    """
    lean = TRUNK_LEAN_SHARE * thigh_incl_rad
    trunk_dir = np.array([0.0, np.cos(lean), np.sin(lean)])
    if lateral_rad:
        trunk_dir = unit(trunk_dir + np.array([np.tan(lateral_rad) * np.cos(lean), 0.0, 0.0]))
    neck = pelvis + trunk_dir * dims.trunk_m
    pts: dict[str, FloatArray] = {"pelvis": pelvis, "neck": neck}
    c, s = np.cos(lateral_rad), np.sin(lateral_rad)
    for side in SIDES:
        sign = SIDE_SIGN[side]
        half = sign * dims.shoulder_joint_width_m / 2
        drop = -0.02 * dims.scale
        shoulder = neck + np.array([half * c + drop * s, -half * s + drop * c, 0])
        if arms == "hips":
            elbow, wrist = _arm_on_hip(shoulder, pelvis, trunk_dir, dims, sign, c, s)
        else:
            elbow, wrist = _arm(shoulder, dims, depth, arms, sign)
        pts[f"{side}_shoulder"], pts[f"{side}_elbow"], pts[f"{side}_wrist"] = shoulder, elbow, wrist
    head_tilt = 0.25 * lean
    head_up = np.array([0.0, np.cos(head_tilt), np.sin(head_tilt)])
    head_fwd = np.array([0.0, -np.sin(head_tilt), np.cos(head_tilt)])
    neck_top = neck + head_up * dims.neck_m
    head = neck_top + head_up * dims.head_half_height_m * 0.95 + head_fwd * 0.01 * dims.scale
    pts["head"] = head
    pts["head_top"] = head + head_up * dims.head_half_height_m
    pts.update(head_points(head, head_fwd, head_up, dims))
    return pts


def bend_joint(
    root: FloatArray, end: FloatArray, upper_m: float, lower_m: float, pole: FloatArray
) -> tuple[FloatArray, FloatArray]:
    """Middle joint of a two-link chain root -> end, bent toward `pole` (a direction).

    Returns (middle, end); an end out of reach is pulled in along the root-end line.
    """
    d_vec = end - root
    d = float(np.linalg.norm(d_vec))
    u = d_vec / d
    d = float(np.clip(d, abs(upper_m - lower_m) + 1e-9, upper_m + lower_m))
    a = (upper_m**2 - lower_m**2 + d**2) / (2 * d)
    radius = float(np.sqrt(max(0.0, upper_m**2 - a**2)))
    e = unit(pole - np.dot(pole, u) * u)
    return root + a * u + radius * e, root + d * u


def _arm_on_hip(
    shoulder: FloatArray,
    pelvis: FloatArray,
    trunk_dir: FloatArray,
    dims: BodyDims,
    sign: float,
    cos_lat: float,
    sin_lat: float,
) -> tuple[FloatArray, FloatArray]:
    """Elbow and wrist with the hand on the hip (iliac crest), elbow out and back."""
    sc = dims.scale
    lateral = sign * np.array([cos_lat, -sin_lat, 0.0])
    wrist = pelvis + trunk_dir * 0.10 * sc + lateral * 0.20 * sc
    pole = lateral + np.array([0.0, 0.0, -0.5])
    elbow, wrist = bend_joint(shoulder, wrist, dims.upper_arm_m, dims.forearm_m, pole)
    return elbow, wrist


def _arm(
    shoulder: FloatArray, dims: BodyDims, depth: float, arms: Arms, sign: float
) -> tuple[FloatArray, FloatArray]:
    """Elbow and wrist: arms raise forward with depth, or stay overhead."""
    if arms == "overhead":
        upper = unit(np.array([sign * 0.22, 1.0, 0.05]))
        fore = unit(np.array([sign * 0.25, 1.0, 0.02]))
    else:
        elev = np.radians(25.0 + 60.0 * depth)
        upper = np.array([sign * 0.12, -np.cos(elev), np.sin(elev)])
        upper = unit(upper)
        fore = unit(upper + np.array([-sign * 0.05, 0.15, 0.0]))
    elbow = shoulder + upper * dims.upper_arm_m
    return elbow, elbow + fore * dims.forearm_m


def hip_drop_fraction(
    dims: BodyDims, flex_deg: FloatArray, bottom_flex_deg: float, half_stance_m: float
) -> FloatArray:
    """Hip drop as a fraction of the bottom's hip drop, per frame (0 standing, 1 bottom).

    The valgus timing follows this (not knee flexion) because the analysis finds
    "mid-descent" as half of the hip drop: the two then mean the same frame.
    """
    dx = abs(half_stance_m - dims.hip_joint_width_m / 2)
    height = np.array([_pelvis_height_and_back(dims, float(f), dx)[0] for f in flex_deg])
    standing = _pelvis_height_and_back(dims, 0.0, dx)[0]
    bottom = _pelvis_height_and_back(dims, bottom_flex_deg, dx)[0]
    return np.asarray((standing - height) / max(standing - bottom, 1e-9), dtype=np.float64)


def heel_raise_pitch_deg(dims: BodyDims, heel_raise_m: float) -> float:
    """Pitch of a rigid foot whose sole's rear end is heel_raise_m up, front end on the floor."""
    return float(np.degrees(np.arcsin(heel_raise_m / sole_length_m(dims))))


def _squat_feet(
    params: SquatParams, dims: BodyDims, half_stance: float
) -> tuple[
    dict[str, FloatArray], dict[str, tuple[FloatArray, FloatArray, FloatArray]], tuple[Block, ...]
]:
    """Ankles, (heel, toe, sole normal) per side, and the heel board (if any) of a squat."""
    if params.heel_raise_m <= 0:
        ankles = {
            s: np.array([SIDE_SIGN[s] * half_stance, dims.ankle_height_m, 0.0]) for s in SIDES
        }
        feet = {}
        for s in SIDES:
            heel, toe, _ = foot_points(
                ankles[s], dims, toe_out_deg=params.toe_out_deg, side_sign=SIDE_SIGN[s]
            )
            feet[s] = (heel, toe, np.array([0.0, 1.0, 0.0]))
        return ankles, feet, ()
    pitch = heel_raise_pitch_deg(dims, params.heel_raise_m)
    ankles, feet, backs = {}, {}, []
    for s in SIDES:
        fwd, up = foot_axes(params.toe_out_deg, SIDE_SIGN[s], pitch)
        p = np.radians(pitch)
        height = dims.ankle_height_m * np.cos(p) + sole_front_m(dims) * np.sin(p)
        ankles[s] = np.array([SIDE_SIGN[s] * half_stance, height, 0.0])
        heel, toe = foot_at_ankle(ankles[s], dims, fwd, up, SIDE_SIGN[s])
        feet[s] = (heel, toe, up)
        front = ankles[s] + fwd * sole_front_m(dims) - up * dims.ankle_height_m
        backs.append(front - fwd * sole_length_m(dims))
    front_z = float(min(b[2] for b in backs))
    half_width = half_stance + 0.12 * dims.scale + dims.foot_breadth_m
    return ankles, feet, (heel_board(params.heel_raise_m, front_z, half_width),)


def generate_squat(params: SquatParams, fps: float = 30.0) -> Motion:
    """Per-frame 3D joint positions of the squat described by params."""
    dims = body_dims(params.height_m)
    t, depth = depth_timeline(params, fps)
    flex = depth * params.depth_deg
    half_stance = params.stance_width * dims.hip_joint_width_m / 2
    profile = valgus_profile(
        hip_drop_fraction(dims, flex, params.depth_deg, half_stance), params.pattern
    )
    sway = _sway(params, t)
    ankles, feet, blocks = _squat_feet(params, dims, half_stance)
    frames: list[dict[str, FloatArray]] = []
    target = np.zeros((t.size, 2))
    achieved = np.zeros((t.size, 2))
    neutral_fppa = np.zeros((t.size, 2))
    for i in range(t.size):
        dx = max(abs(half_stance - dims.hip_joint_width_m / 2 + s * sway[i, 0]) for s in (-1, 1))
        y_rel, z_rel = _pelvis_height_and_back(dims, float(flex[i]), dx)
        pelvis = np.array([sway[i, 0], ankles["left"][1] + y_rel, z_rel + sway[i, 2]])
        hips = {
            s: pelvis + np.array([SIDE_SIGN[s] * dims.hip_joint_width_m / 2, 0, 0]) for s in SIDES
        }
        pts: dict[str, FloatArray] = {}
        for j, side in enumerate(SIDES):
            other = "right" if side == "left" else "left"
            heel, toe, foot_up = feet[side]
            foot_dir = unit((toe - heel) * np.array([1.0, 0.0, 1.0]))
            neutral = neutral_knee_fppa(
                hips[side], ankles[side], hips[other], dims, foot_dir, SIDE_SIGN[side]
            )
            goal = neutral + getattr(params, f"valgus_{side}_deg") * float(profile[i])
            knee, got = place_knee(
                hips[side], ankles[side], hips[other], dims, goal, SIDE_SIGN[side]
            )
            target[i, j], achieved[i, j], neutral_fppa[i, j] = goal, got, neutral
            pts.update(
                {
                    f"{side}_hip": hips[side],
                    f"{side}_knee": knee,
                    f"{side}_ankle": ankles[side],
                    f"{side}_heel": heel,
                    f"{side}_foot_index": toe,
                }
            )
            if blocks:
                pts[f"{side}_foot_up"] = foot_up
        thigh_incl = np.radians(flex[i]) * (1 - SHANK_SHARE)
        pts.update(_upper_body(pelvis, hips, dims, float(thigh_incl), float(depth[i]), params.arms))
        frames.append(pts)
    names = tuple(frames[0])
    points = np.array([[f[n] for n in names] for f in frames], dtype=np.float64)
    return Motion(
        t,
        names,
        points,
        depth,
        target,
        achieved,
        neutral_fppa,
        rep_times(params),
        movement="heel-raised-squat" if blocks else "squat",
        blocks=blocks,
    )
