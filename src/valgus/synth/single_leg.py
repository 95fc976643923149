"""Single-leg squat generator: per-frame 3D joint positions with known valgus, pelvic drop
and trunk lean. Pure numpy. Frame and conventions as in :mod:`valgus.synth.motion`.

Timeline per stance side: two-leg stance (feet one hip width apart) -> weight shift over
the stance foot while the other foot lifts (``shift_s``) -> ``reps`` single-leg squats
(``rep_s`` each, depth fraction d = sin^2 as in the squat) -> the foot comes back down
(``shift_s``). ``stance_side='both'`` does the left side, ``switch_s`` of two-leg
stance, then the right side; ``'alternate'`` changes leg after every rep (left, right,
left, ...: ``reps`` on each leg, each a block of one rep).

Stance leg: the foot stays flat on the floor. The stance hip moves SHIFT_SHARE of half a
hip width lateral of the stance ankle (the pelvis moves over the stance foot; the stance
femur adducts a few degrees); its height and fore-aft place follow the knee flexion
d * ``depth_deg`` as in the squat; the knee is placed by :func:`place_knee` so that the
orthographic frontal FPPA equals neutral (knee over foot) + ``valgus_deg`` * profile,
with the squat's ``bottom_only`` / ``throughout`` profiles of the hip drop.

Pelvis: the hip-to-hip line tilts in the frontal plane by ``pelvic_drop_deg`` * d
(+ = the lifted side's hip lower, a Trendelenburg sign); both hips stay at the same
depth, so a level frontal camera sees exactly that angle with
:func:`valgus.kinematics.angles.pelvic_drop_deg`. Trunk: it leans forward as in the squat
and sideways by ``trunk_lean_deg`` * d (+ toward the stance side), exact in an
orthographic frontal view with :func:`valgus.kinematics.angles.trunk_lean_deg`.

Lifted leg: standing on one leg it is held with the knee bent ``lifted_knee_deg`` and
the thigh LIFTED_HIP_DEG forward of vertical, the foot behind (or in front of) the body,
relaxed (plantar flexed LIFTED_ANKLE_PF_DEG from a right angle with the shank). Through
the squat its ankle keeps that height above the floor and that fore-aft offset from its
hip, so the knee bends further and comes forward as the body goes down (two-link IK,
knee forward). During the shift its ankle moves from the floor to the held place along a
straight line relative to the hip, ahead of the foot's rotation, so the toes never
touch the floor. ``lifted_foot='pistol'``: the free leg is held straight out in front,
the thigh LIFTED_HIP_DEG['pistol'] forward of vertical, the knee nearly straight
(``lifted_knee_deg`` 0-20, default 5), and it moves with the pelvis through the squat (a
pistol squat: the foot goes down with the hips, near the floor at the bottom, close to
the camera).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

from valgus.errors import InputError
from valgus.synth.body import body_dims, foot_at_ankle, foot_axes, foot_points, unit
from valgus.synth.motion import (
    SHANK_SHARE,
    SIDE_SIGN,
    SIDES,
    Arms,
    FloatArray,
    Motion,
    Pattern,
    _pelvis_height_and_back,
    _upper_body,
    bend_joint,
    body_param_problems,
    frontal_fppa,
    hip_drop_fraction,
    neutral_knee_fppa,
    place_knee,
    sway_path,
    valgus_profile,
)

StanceSide = Literal["left", "right", "both", "alternate"]
LiftedFoot = Literal["behind", "front", "pistol"]

# Stance hip's lateral offset from the stance ankle in single-leg stance, as a share of
# half the hip-joint width (about 6 cm: a few degrees of femoral adduction).
SHIFT_SHARE = 0.6
# Lifted thigh: degrees forward of vertical when standing on one leg.
LIFTED_HIP_DEG = {"behind": 5.0, "front": 65.0, "pistol": 80.0}
# Knee flexion of the held lifted leg that keeps its foot clearly off the floor
# (>= ~10 cm, see tests/unit/test_synth_movements.py): with the foot behind the shank is
# near horizontal and the relaxed toes point down.
LIFTED_KNEE_RANGE = {"behind": (75.0, 110.0), "front": (45.0, 100.0), "pistol": (0.0, 20.0)}
# lifted_knee_deg when not given
LIFTED_KNEE_DEFAULT = {"behind": 80.0, "front": 80.0, "pistol": 5.0}
# Relaxed plantar flexion of the lifted foot (from a right angle with the shank).
LIFTED_ANKLE_PF_DEG = 20.0


@dataclass(frozen=True)
class SingleLegSquatParams:
    """Single-leg squats on one side or both. Angles in degrees, times in seconds."""

    stance_side: StanceSide = "left"
    reps: int = 5
    rep_s: float = 2.5
    pause_before_s: float = 1.0
    pause_after_s: float = 1.0
    shift_s: float = 0.8
    switch_s: float = 1.0
    depth_deg: float = 60.0
    valgus_deg: float = 0.0
    # Per stance leg, when the two legs differ (alternating or both sides): None = valgus_deg.
    valgus_left_deg: float | None = None
    valgus_right_deg: float | None = None
    pattern: Pattern = "bottom_only"
    pelvic_drop_deg: float = 0.0
    trunk_lean_deg: float = 0.0
    lifted_knee_deg: float | None = None  # default LIFTED_KNEE_DEFAULT[lifted_foot]
    lifted_foot: LiftedFoot = "behind"
    toe_out_deg: float = 5.0
    arms: Arms = "hips"
    height_m: float = 1.75
    sway_mm: float = 3.0
    seed: int = 0

    def __post_init__(self) -> None:
        problems = single_leg_param_problems(self)
        if problems:
            raise InputError("; ".join(problems))

    @property
    def sides(self) -> tuple[str, ...]:
        """Stance side of each block, in order."""
        if self.stance_side == "alternate":
            return SIDES * self.reps
        return SIDES if self.stance_side == "both" else (self.stance_side,)

    def stance_valgus_deg(self, side: str) -> float:
        """The valgus of the knee of the leg standing on `side`."""
        own = self.valgus_left_deg if side == "left" else self.valgus_right_deg
        return self.valgus_deg if own is None else own

    @property
    def block_reps(self) -> int:
        """Reps in one block (one stance): all of a side's, or one when alternating."""
        return 1 if self.stance_side == "alternate" else self.reps

    @property
    def knee_deg(self) -> float:
        """The lifted leg's knee flexion."""
        if self.lifted_knee_deg is not None:
            return self.lifted_knee_deg
        return LIFTED_KNEE_DEFAULT.get(self.lifted_foot, 80.0)

    @property
    def block_s(self) -> float:
        """Duration of one block: shift, its reps, shift back."""
        return 2 * self.shift_s + self.block_reps * self.rep_s

    @property
    def duration_s(self) -> float:
        """Total duration of the movement."""
        n = len(self.sides)
        return self.pause_before_s + n * self.block_s + (n - 1) * self.switch_s + self.pause_after_s


def single_leg_param_problems(p: SingleLegSquatParams) -> list[str]:
    """Human-readable problems with a parameter set (empty when valid)."""
    out = []
    if p.stance_side not in ("left", "right", "both", "alternate"):
        out.append(
            f"stance_side must be 'left', 'right', 'both' or 'alternate', got {p.stance_side!r}"
        )
    if not 1 <= p.reps <= 50:
        out.append(f"reps must be in 1..50, got {p.reps}")
    if p.rep_s <= 0.5:
        out.append(f"rep_s must be > 0.5 s, got {p.rep_s}")
    if min(p.pause_before_s, p.pause_after_s, p.switch_s) < 0:
        out.append("pauses must be >= 0 s")
    if not 0.3 <= p.shift_s <= 5.0:
        out.append(f"shift_s must be in 0.3..5 s, got {p.shift_s}")
    if not 10.0 <= p.depth_deg <= 100.0:
        out.append(f"depth_deg must be in 10..100, got {p.depth_deg}")
    for name in ("valgus_deg", "valgus_left_deg", "valgus_right_deg"):
        v = getattr(p, name)
        if v is not None and not -30.0 <= v <= 45.0:
            out.append(f"{name} must be in -30..45, got {v}")
    if p.pattern not in ("bottom_only", "throughout"):
        out.append(f"pattern must be 'bottom_only' or 'throughout', got {p.pattern!r}")
    if not -15.0 <= p.pelvic_drop_deg <= 25.0:
        out.append(f"pelvic_drop_deg must be in -15..25, got {p.pelvic_drop_deg}")
    if not -25.0 <= p.trunk_lean_deg <= 30.0:
        out.append(f"trunk_lean_deg must be in -25..30, got {p.trunk_lean_deg}")
    if p.lifted_foot not in ("behind", "front", "pistol"):
        out.append(f"lifted_foot must be 'behind', 'front' or 'pistol', got {p.lifted_foot!r}")
    else:
        lo, hi = LIFTED_KNEE_RANGE[p.lifted_foot]
        if not lo <= p.knee_deg <= hi:
            out.append(
                f"lifted_knee_deg must be in {lo:g}..{hi:g} with the foot {p.lifted_foot}, "
                f"got {p.knee_deg}"
            )
    if not -20.0 <= p.toe_out_deg <= 30.0:
        out.append(f"toe_out_deg must be in -20..30, got {p.toe_out_deg}")
    if p.arms not in ("forward", "hips"):
        out.append(f"arms must be 'forward' or 'hips', got {p.arms!r}")
    out += body_param_problems(p.height_m, p.sway_mm)
    return out


def _smoothstep(x: FloatArray) -> FloatArray:
    x = np.clip(x, 0.0, 1.0)
    return np.asarray(x * x * (3 - 2 * x), dtype=np.float64)


def sls_timeline(
    p: SingleLegSquatParams, t: FloatArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Per time: block index (n,) int-valued, single-leg share w (0 two feet, 1 one foot)
    and depth fraction d (0 standing, 1 at the bottom)."""
    block = np.zeros(t.size)
    w = np.zeros(t.size)
    depth = np.zeros(t.size)
    for k in range(len(p.sides)):
        start = p.pause_before_s + k * (p.block_s + p.switch_s)
        tau = t - start
        if k > 0:
            block[t >= start - p.switch_s / 2] = k
        up = _smoothstep(tau / p.shift_s)
        down = _smoothstep((p.block_s - tau) / p.shift_s)
        inside = (tau >= 0) & (tau < p.block_s)
        w = np.where(inside, np.minimum(up, down), w)
        phase = (tau - p.shift_s) / p.rep_s
        in_reps = (phase >= 0) & (phase < p.block_reps)
        depth = np.where(in_reps, np.sin(np.pi * np.mod(phase, 1.0)) ** 2, depth)
    return block, w, depth


def sls_rep_times(p: SingleLegSquatParams) -> tuple[list[tuple[float, float, float]], list[str]]:
    """(start_s, bottom_s, end_s) of each rep, and its stance side."""
    reps, sides = [], []
    for k, side in enumerate(p.sides):
        first = p.pause_before_s + k * (p.block_s + p.switch_s) + p.shift_s
        for j in range(p.block_reps):
            start = first + j * p.rep_s
            reps.append((start, start + p.rep_s / 2, start + p.rep_s))
            sides.append(side)
    return reps, sides


def _lifted_offset(p: SingleLegSquatParams, thigh_m: float, shank_m: float) -> FloatArray:
    """Hip-to-ankle vector of the held lifted leg when standing on one leg."""
    phi = np.radians(LIFTED_HIP_DEG[p.lifted_foot])
    shank = phi - np.radians(p.knee_deg)
    thigh_dir = np.array([0.0, -np.cos(phi), np.sin(phi)])
    shank_dir = np.array([0.0, -np.cos(shank), np.sin(shank)])
    return np.asarray(thigh_m * thigh_dir + shank_m * shank_dir, dtype=np.float64)


def _relaxed_foot(knee: FloatArray, ankle: FloatArray) -> tuple[FloatArray, FloatArray]:
    """(forward, up) of a relaxed foot hanging off a shank (in its sagittal plane)."""
    s = unit(ankle - knee)
    angle = np.arctan2(s[1], s[2]) + np.radians(90.0 - LIFTED_ANKLE_PF_DEG)
    fwd = np.array([0.0, np.sin(angle), np.cos(angle)])
    up = np.array([0.0, np.cos(angle), -np.sin(angle)])
    return fwd, up


def _blend_foot(
    flat: tuple[FloatArray, FloatArray], held: tuple[FloatArray, FloatArray], s: float
) -> tuple[FloatArray, FloatArray]:
    fwd = unit(flat[0] + (held[0] - flat[0]) * s)
    up = unit(flat[1] + (held[1] - flat[1]) * s)
    return fwd, unit(up - np.dot(up, fwd) * fwd)


def generate_single_leg_squat(p: SingleLegSquatParams, fps: float = 30.0) -> Motion:
    """Per-frame 3D joint positions of the single-leg squats described by p."""
    t = np.arange(max(1, round(p.duration_s * fps))) / fps
    return single_leg_motion(p, t)


def single_leg_motion(p: SingleLegSquatParams, t: FloatArray) -> Motion:
    """The single-leg squat at arbitrary times t (s)."""
    dims = body_dims(p.height_m)
    hw = dims.hip_joint_width_m / 2
    shift = SHIFT_SHARE * hw
    block, w, depth = sls_timeline(p, t)
    flex = depth * p.depth_deg
    profile = valgus_profile(hip_drop_fraction(dims, flex, p.depth_deg, hw + shift), p.pattern)
    sway = sway_path(p.seed, p.sway_mm, t)
    up0 = np.array([0.0, 1.0, 0.0])
    ankles = {s: np.array([SIDE_SIGN[s] * hw, dims.ankle_height_m, 0.0]) for s in SIDES}
    flat_feet = {
        s: foot_points(ankles[s], dims, toe_out_deg=p.toe_out_deg, side_sign=SIDE_SIGN[s])
        for s in SIDES
    }
    held_rel = _lifted_offset(p, dims.thigh_m, dims.shank_m)
    held_y = dims.ankle_height_m + _pelvis_height_and_back(dims, 0.0, shift)[0] + held_rel[1]
    n = t.size
    frames: list[dict[str, FloatArray]] = []
    target = np.full((n, 2), np.nan)
    achieved = np.full((n, 2), np.nan)
    neutral_fppa = np.full((n, 2), np.nan)
    labels: list[str] = []
    for i in range(n):
        side = p.sides[int(block[i])]
        other = "right" if side == "left" else "left"
        sg = SIDE_SIGN[side]
        x_hip = sg * (hw + shift * w[i]) + sway[i, 0]
        y_rel, z_rel = _pelvis_height_and_back(dims, float(flex[i]), abs(x_hip - sg * hw))
        hip = np.array([x_hip, dims.ankle_height_m + y_rel, z_rel + sway[i, 2]])
        drop = np.radians(p.pelvic_drop_deg * depth[i])
        other_hip = hip + 2 * hw * np.array([-sg * np.cos(drop), -np.sin(drop), 0.0])
        hips = {side: hip, other: other_hip}
        heel, toe, _ = flat_feet[side]
        foot_dir = unit((toe - heel) * np.array([1.0, 0.0, 1.0]))
        neutral = neutral_knee_fppa(hip, ankles[side], other_hip, dims, foot_dir, sg)
        goal = neutral + p.stance_valgus_deg(side) * float(profile[i])
        knee, got = place_knee(hip, ankles[side], other_hip, dims, goal, sg)
        j = SIDES.index(side)
        target[i, j], achieved[i, j], neutral_fppa[i, j] = goal, got, neutral
        pts: dict[str, FloatArray] = {
            f"{side}_hip": hip,
            f"{side}_knee": knee,
            f"{side}_ankle": ankles[side],
            f"{side}_heel": heel,
            f"{side}_foot_index": toe,
            f"{side}_foot_up": up0,
        }
        # The other leg: on the floor (w = 0) or lifted toward its held pose.
        s_ankle = float(_smoothstep(np.array(1.6 * w[i])))
        s_foot = float(_smoothstep(np.array(w[i])))
        if p.lifted_foot == "pistol":  # the straight free leg moves with the pelvis
            held = other_hip + held_rel
        else:  # the foot keeps its height; the knee bends further as the body goes down
            held = np.array([other_hip[0], held_y, other_hip[2] + held_rel[2]])
        floor = ankles[other]
        goal_ankle = floor + (held - floor) * s_ankle
        o_knee, o_ankle = bend_joint(
            other_hip, goal_ankle, dims.thigh_m, dims.shank_m, np.array([0.0, 0.0, 1.0])
        )
        o_flat = foot_axes(p.toe_out_deg, SIDE_SIGN[other], 0.0)
        o_fwd, o_up = _blend_foot(o_flat, _relaxed_foot(o_knee, o_ankle), s_foot)
        o_heel, o_toe = foot_at_ankle(o_ankle, dims, o_fwd, o_up, SIDE_SIGN[other])
        achieved[i, 1 - j] = float(frontal_fppa(other_hip, o_knee, o_ankle, hip))
        pts.update(
            {
                f"{other}_hip": other_hip,
                f"{other}_knee": o_knee,
                f"{other}_ankle": o_ankle,
                f"{other}_heel": o_heel,
                f"{other}_foot_index": o_toe,
                f"{other}_foot_up": o_up,
            }
        )
        pelvis = (hip + other_hip) / 2
        thigh_incl = np.radians(flex[i]) * (1 - SHANK_SHARE)
        lateral = sg * np.radians(p.trunk_lean_deg * depth[i])
        pts.update(
            _upper_body(
                pelvis, hips, dims, float(thigh_incl), float(depth[i]), p.arms, float(lateral)
            )
        )
        frames.append({k: pts[k] for k in sorted(pts)})
        labels.append(side if w[i] > 0 else "both")
    names = tuple(frames[0])
    points = np.array([[f[k] for k in names] for f in frames], dtype=np.float64)
    reps, rep_sides = sls_rep_times(p)
    on_one_leg = (w > 0).astype(np.float64)
    return Motion(
        t,
        names,
        points,
        depth,
        target,
        achieved,
        neutral_fppa,
        reps,
        movement="single-leg-squat",
        labels=tuple(labels),
        series={
            "single_leg": w,
            "pelvic_drop_target_deg": p.pelvic_drop_deg * depth * on_one_leg,
            "trunk_lean_target_deg": p.trunk_lean_deg * depth * on_one_leg,
        },
        rep_sides=tuple(rep_sides),
    )
