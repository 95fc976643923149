"""Drop vertical jump generator: per-frame 3D joint positions with known landing valgus and
exact event times. Pure numpy. Frame and conventions as in :mod:`valgus.synth.motion`.

Scene: a box ``box_height_m`` high (30 cm, docs/evidence.md §10) whose front face is TRAVEL_M
behind the landing spot; the subject lands with the ankles at z = 0 (the origin, toward
the camera) and starts on the box with the toes at its front edge.

Phases of one trial (both feet together, mirror-symmetric apart from the valgus):

1. ``box``: standing on the box (``pause_before_s``), then RISE_S rising onto the toes
   (the heels lift, the feet pivoting about the front end of the sole on the edge) with
   the knees starting to bend;
2. ``drop`` (from ``drop_s``): the front of the sole leaves the edge with no vertical
   velocity and falls freely, y = h - g t^2 / 2, so it reaches the floor at
   ``contact_s`` = drop_s + sqrt(2 h / g) (0.247 s for 0.30 m). The feet swing
   forward TRAVEL_M meanwhile (fast at first, stopping at contact, clearing the edge),
   pitched TOE_PITCH_DEG toes-down, the knees bending to ``contact_flexion_deg``;
3. ``landing`` (from ``contact_s``, initial contact of the toes): the heels come down
   in HEEL_DOWN_S pivoting on the toes, the knees flex to ``peak_flexion_deg`` at
   ``peak_flexion_s`` = contact_s + ``absorb_s`` (flexion velocity highest at contact,
   zero at the peak);
4. ``propulsion``: the knees extend fully by ``take_off_s`` = peak + ``push_s``; the
   heels rise over the last HEEL_RISE_S; ground contact absorb_s + push_s (0.38 s by
   default; 0.3-0.5 s is typical, per the brief);
5. ``flight``: the toes leave the floor at sqrt(2 g jump_height) upward and land again at
   ``second_contact_s`` = take_off_s + 2 v / g (0.45 s for 25 cm);
6. ``second-landing`` / ``recover`` / ``stand``: a softer landing (SECOND_LANDING_FLEX_DEG)
   and back to standing for ``pause_after_s``.

Trials repeat back to back: the next one starts standing on the box again (a cut).

Valgus: target frontal FPPA = neutral (knee over foot) + valgus_<side>_deg * profile, with
profile = clip((flexion - contact_flexion) / (peak_flexion - contact_flexion), 0, 1):
0 at initial contact and in the air, rising with knee flexion to 1 at peak flexion and
back to 0 as the knee extends (the second landing reaches a part of it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valgus.errors import InputError
from valgus.synth.body import (
    BodyDims,
    ankle_from_front,
    body_dims,
    foot_at_ankle,
    foot_axes,
    sole_front_m,
    unit,
)
from valgus.synth.motion import (
    SHANK_SHARE,
    SIDE_SIGN,
    SIDES,
    FloatArray,
    Motion,
    _pelvis_height_and_back,
    _upper_body,
    body_param_problems,
    neutral_knee_fppa,
    place_knee,
    sway_path,
)
from valgus.synth.scene import Block, drop_box

# Standard gravity, m/s^2 (CGPM 1901 conventional value).
G = 9.80665
# Modelling choices (not literature values): how the figure steps off and lands.
RISE_S = 0.30  # rising onto the toes on the box before the drop
TOE_PITCH_DEG = 25.0  # feet pitched toes-down in the air: toes land first
TRAVEL_M = 0.45  # horizontal travel of the feet from the box edge to the landing spot
HEEL_DOWN_S = 0.06  # heels reach the floor after the toes
HEEL_RISE_S = 0.10  # heels lift before take-off
FLIGHT_START_FLEX_DEG = 5.0  # knee flexion when leaving the box
SECOND_LANDING_FLEX_DEG = 45.0
SECOND_ABSORB_S = 0.20
RECOVER_S = 0.60

PHASES = (
    "box",
    "drop",
    "landing",
    "propulsion",
    "flight",
    "second-landing",
    "recover",
    "stand",
)


@dataclass(frozen=True)
class DropJumpParams:
    """Drop vertical jumps off a box. Angles in degrees, lengths in metres, times in s."""

    box_height_m: float = 0.30
    trials: int = 1
    valgus_left_deg: float = 0.0
    valgus_right_deg: float = 0.0
    peak_flexion_deg: float = 80.0
    contact_flexion_deg: float = 20.0
    jump_height_m: float = 0.25
    absorb_s: float = 0.18
    push_s: float = 0.20
    stance_width: float = 1.3
    toe_out_deg: float = 10.0
    pause_before_s: float = 1.0
    pause_after_s: float = 1.0
    height_m: float = 1.75
    sway_mm: float = 3.0
    seed: int = 0

    def __post_init__(self) -> None:
        problems = drop_jump_param_problems(self)
        if problems:
            raise InputError("; ".join(problems))

    @property
    def fall_s(self) -> float:
        """Free-fall time from the box edge to the floor, sqrt(2 h / g)."""
        return float(np.sqrt(2 * self.box_height_m / G))

    @property
    def flight_s(self) -> float:
        """Time in the air of the jump, 2 v / g with v = sqrt(2 g jump height)."""
        return float(2 * np.sqrt(2 * G * self.jump_height_m) / G)

    @property
    def trial_s(self) -> float:
        """Duration of one trial."""
        return float(trial_events(self, 0.0)["end_s"])

    @property
    def duration_s(self) -> float:
        """Total duration of the movement."""
        return self.trials * self.trial_s


def drop_jump_param_problems(p: DropJumpParams) -> list[str]:
    """Human-readable problems with a parameter set (empty when valid)."""
    out = []
    if not 0.10 <= p.box_height_m <= 0.60:
        out.append(f"box_height_m must be in 0.10..0.60, got {p.box_height_m}")
    if not 1 <= p.trials <= 3:
        out.append(f"trials must be 1, 2 or 3, got {p.trials}")
    for side in SIDES:
        v = getattr(p, f"valgus_{side}_deg")
        if not -30.0 <= v <= 45.0:
            out.append(f"valgus_{side}_deg must be in -30..45, got {v}")
    if not 0.0 <= p.contact_flexion_deg <= 40.0:
        out.append(f"contact_flexion_deg must be in 0..40, got {p.contact_flexion_deg}")
    if not 30.0 <= p.peak_flexion_deg <= 120.0:
        out.append(f"peak_flexion_deg must be in 30..120, got {p.peak_flexion_deg}")
    elif p.peak_flexion_deg < p.contact_flexion_deg + 10.0:
        out.append("peak_flexion_deg must exceed contact_flexion_deg by 10 or more")
    if not 0.05 <= p.jump_height_m <= 0.60:
        out.append(f"jump_height_m must be in 0.05..0.60, got {p.jump_height_m}")
    if not 0.10 <= p.absorb_s <= 0.50 or not HEEL_RISE_S <= p.push_s <= 0.50:
        out.append(
            f"absorb_s must be in 0.10..0.50 and push_s in {HEEL_RISE_S:g}..0.50 s, "
            f"got {p.absorb_s} and {p.push_s}"
        )
    if not 0.8 <= p.stance_width <= 2.5:
        out.append(f"stance_width must be in 0.8..2.5 hip widths, got {p.stance_width}")
    if not -20.0 <= p.toe_out_deg <= 30.0:
        out.append(f"toe_out_deg must be in -20..30, got {p.toe_out_deg}")
    if p.pause_before_s < 0 or p.pause_after_s < 0:
        out.append("pauses must be >= 0 s")
    out += body_param_problems(p.height_m, p.sway_mm)
    return out


def trial_events(p: DropJumpParams, start_s: float) -> dict[str, float]:
    """Event times (s) of a trial starting at start_s."""
    drop = start_s + p.pause_before_s + RISE_S
    contact = drop + p.fall_s
    peak = contact + p.absorb_s
    take_off = peak + p.push_s
    second = take_off + p.flight_s
    second_peak = second + SECOND_ABSORB_S
    standing = second_peak + RECOVER_S
    return {
        "start_s": start_s,
        "drop_s": drop,
        "contact_s": contact,
        "peak_flexion_s": peak,
        "take_off_s": take_off,
        "second_contact_s": second,
        "second_peak_s": second_peak,
        "standing_s": standing,
        "end_s": standing + p.pause_after_s,
    }


def _smooth(x: float) -> float:
    x = min(1.0, max(0.0, x))
    return x * x * (3 - 2 * x)


def _heels_down(t: float, contact: float) -> float:
    """Share of the toe pitch left after a toe-first contact at `contact`."""
    return 1.0 - _smooth((t - contact) / HEEL_DOWN_S)


@dataclass(frozen=True)
class FootState:
    """Where the feet are at one instant: sole-front height and z, pitch, knee flexion."""

    front_y: float
    front_z: float
    pitch_deg: float
    flex_deg: float
    phase: str


def foot_state(p: DropJumpParams, ev: dict[str, float], t: float) -> FootState:
    """State of the feet and knees at time t within a trial with events ev."""
    h, c, peak = p.box_height_m, p.contact_flexion_deg, p.peak_flexion_deg
    edge_z, land_z = _edge_and_landing_z(body_dims(p.height_m), p.toe_out_deg)
    th = TOE_PITCH_DEG
    if t < ev["drop_s"]:
        u = _smooth((t - ev["drop_s"] + RISE_S) / RISE_S)
        return FootState(h, edge_z, th * u, FLIGHT_START_FLEX_DEG * u, "box")
    if t < ev["contact_s"]:
        tau = t - ev["drop_s"]
        u = tau / p.fall_s
        z = edge_z + (land_z - edge_z) * (1 - (1 - u) ** 2)
        flex = FLIGHT_START_FLEX_DEG + (c - FLIGHT_START_FLEX_DEG) * _smooth(u)
        return FootState(h - G * tau**2 / 2, z, th, flex, "drop")
    if t < ev["peak_flexion_s"]:
        u = (t - ev["contact_s"]) / p.absorb_s
        flex = c + (peak - c) * float(np.sin(np.pi * u / 2))
        return FootState(0.0, land_z, th * _heels_down(t, ev["contact_s"]), flex, "landing")
    if t < ev["take_off_s"]:
        u = (t - ev["peak_flexion_s"]) / p.push_s
        pitch = th * _smooth((t - ev["take_off_s"] + HEEL_RISE_S) / HEEL_RISE_S)
        pitch = max(pitch, th * _heels_down(t, ev["contact_s"]))
        return FootState(0.0, land_z, pitch, peak * float(np.cos(np.pi * u / 2)), "propulsion")
    if t < ev["second_contact_s"]:
        tau = t - ev["take_off_s"]
        v = G * p.flight_s / 2
        flex = c * _smooth(tau / p.flight_s)
        return FootState(v * tau - G * tau**2 / 2, land_z, th, flex, "flight")
    f2 = max(c, min(SECOND_LANDING_FLEX_DEG, peak))
    pitch = th * _heels_down(t, ev["second_contact_s"])
    if t < ev["second_peak_s"]:
        u = (t - ev["second_contact_s"]) / SECOND_ABSORB_S
        flex = c + (f2 - c) * float(np.sin(np.pi * u / 2))
        return FootState(0.0, land_z, pitch, flex, "second-landing")
    if t < ev["standing_s"]:
        flex = f2 * (1 - _smooth((t - ev["second_peak_s"]) / RECOVER_S))
        return FootState(0.0, land_z, pitch, flex, "recover")
    return FootState(0.0, land_z, 0.0, 0.0, "stand")


def _edge_and_landing_z(dims: BodyDims, toe_out_deg: float) -> tuple[float, float]:
    """z of the sole's front end on the box edge and on landing (ankles then at z = 0)."""
    land = float(np.cos(np.radians(toe_out_deg))) * sole_front_m(dims)
    return land - TRAVEL_M, land


def valgus_share(p: DropJumpParams, flex_deg: FloatArray) -> FloatArray:
    """Share (0..1) of the landing valgus at a knee flexion."""
    x = (np.asarray(flex_deg) - p.contact_flexion_deg) / (
        p.peak_flexion_deg - p.contact_flexion_deg
    )
    return np.asarray(np.clip(x, 0.0, 1.0), dtype=np.float64)


def scene_blocks(p: DropJumpParams) -> tuple[Block, ...]:
    """The box, its front face under the toes at the start."""
    edge_z, _ = _edge_and_landing_z(body_dims(p.height_m), p.toe_out_deg)
    return (drop_box(p.box_height_m, edge_z),)


def generate_drop_jump(p: DropJumpParams, fps: float = 30.0) -> Motion:
    """Per-frame 3D joint positions of the drop jumps described by p."""
    t = np.arange(max(1, round(p.duration_s * fps))) / fps
    return drop_jump_motion(p, t)


def drop_jump_motion(p: DropJumpParams, t: FloatArray) -> Motion:
    """The drop jumps at arbitrary times t (s)."""
    dims = body_dims(p.height_m)
    hw = dims.hip_joint_width_m / 2
    half_stance = p.stance_width * hw
    trial_len = p.trial_s
    events = [trial_events(p, k * trial_len) for k in range(p.trials)]
    sway = sway_path(p.seed, p.sway_mm, t)
    n = t.size
    frames: list[dict[str, FloatArray]] = []
    target, achieved, neutral_fppa = np.zeros((n, 2)), np.zeros((n, 2)), np.zeros((n, 2))
    flex_all, pitch_all, sole_y = np.zeros(n), np.zeros(n), np.zeros(n)
    labels: list[str] = []
    for i in range(n):
        k = int(min(p.trials - 1, max(0, np.floor(t[i] / trial_len))))
        st = foot_state(p, events[k], float(t[i]))
        flex_all[i], pitch_all[i], sole_y[i] = st.flex_deg, st.pitch_deg, st.front_y
        labels.append(st.phase)
        pts: dict[str, FloatArray] = {}
        ankles, feet = {}, {}
        for side in SIDES:
            sg = SIDE_SIGN[side]
            fwd, up = foot_axes(p.toe_out_deg, sg, st.pitch_deg)
            flat_fwd, _ = foot_axes(p.toe_out_deg, sg, 0.0)
            front = np.array(
                [sg * half_stance + flat_fwd[0] * sole_front_m(dims), st.front_y, st.front_z]
            )
            ankles[side] = ankle_from_front(front, dims, fwd, up)
            heel, toe = foot_at_ankle(ankles[side], dims, fwd, up, sg)
            feet[side] = (heel, toe, up, unit(flat_fwd))
        base = (ankles["left"] + ankles["right"]) / 2
        dx = max(abs(half_stance - hw + s * sway[i, 0]) for s in (-1, 1))
        y_rel, z_rel = _pelvis_height_and_back(dims, st.flex_deg, dx)
        pelvis = np.array([sway[i, 0], base[1] + y_rel, base[2] + z_rel + sway[i, 2]])
        hips = {s: pelvis + np.array([SIDE_SIGN[s] * hw, 0.0, 0.0]) for s in SIDES}
        share = float(valgus_share(p, np.array(st.flex_deg)))
        for j, side in enumerate(SIDES):
            other = "right" if side == "left" else "left"
            sg = SIDE_SIGN[side]
            heel, toe, up, foot_dir = feet[side]
            neutral = neutral_knee_fppa(hips[side], ankles[side], hips[other], dims, foot_dir, sg)
            goal = neutral + getattr(p, f"valgus_{side}_deg") * share
            knee, got = place_knee(hips[side], ankles[side], hips[other], dims, goal, sg)
            target[i, j], achieved[i, j], neutral_fppa[i, j] = goal, got, neutral
            pts.update(
                {
                    f"{side}_hip": hips[side],
                    f"{side}_knee": knee,
                    f"{side}_ankle": ankles[side],
                    f"{side}_heel": heel,
                    f"{side}_foot_index": toe,
                    f"{side}_foot_up": up,
                }
            )
        thigh_incl = np.radians(st.flex_deg) * (1 - SHANK_SHARE)
        arm_lift = min(1.0, st.flex_deg / p.peak_flexion_deg)
        pts.update(_upper_body(pelvis, hips, dims, float(thigh_incl), arm_lift, "forward"))
        frames.append(pts)
    names = tuple(frames[0])
    points = np.array([[f[k] for k in names] for f in frames], dtype=np.float64)
    return Motion(
        t,
        names,
        points,
        np.clip(flex_all / p.peak_flexion_deg, 0.0, 1.0),
        target,
        achieved,
        neutral_fppa,
        [],
        movement="drop-jump",
        labels=tuple(labels),
        series={"knee_flexion_deg": flex_all, "foot_pitch_deg": pitch_all, "sole_y_m": sole_y},
        blocks=scene_blocks(p),
        events=events,
    )
