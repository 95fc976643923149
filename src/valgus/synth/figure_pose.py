"""Still poses of the synthetic figure: root + joint angles -> the named 3D points that the
figure renderer (valgus.synth.render.frame_parts / draw_frame) draws. Pure numpy.

World frame as in valgus.synth.motion: metres, y up, floor at y = 0. The pose's root is the
pelvis centre (midway between the hip joints) and the orientation of the pelvis frame
(x = the subject's left, y = up, z = the way the subject faces), as R = Ry(yaw) Rx(pitch)
Rz(roll): yaw 0 faces +z (a camera with yaw 0), pitch -90 lays the body on its back (head
toward -z), roll -90 lays it on its left side (head toward +x).

Joint angles, degrees, with the clinical signs:

- hip: flexion + (thigh forward), abduction + (away from the midline), rotation + (external);
- knee: flexion +; `knee_out_deg` then swings the knee about the hip-ankle line, + lateral
  (the foot stays where it is: a clamshell opening, or knees pushed out over the toes);
- ankle: dorsiflexion + (toes up), inversion + (sole turned in), toe-out + (foot turned out);
- trunk on the pelvis: flexion + (leaning forward), side bend + (toward the left),
  rotation + (chest turned to the left); neck flexion + (chin down);
- shoulder: flexion + (arm forward and up), abduction + (out to the side), rotation +
  (internal); elbow flexion +.

Targets instead of angles: a leg can be given a foot planted on the floor (`PlantedFoot`) and
an arm a hand position (`hand_at`): hip / shoulder flexion and abduction and knee / elbow
flexion are then solved (two-link inverse kinematics, rotation 0).

`ground()` lifts or lowers a figure so its lowest surface (limb, trunk, head and shoe radii as
the renderer draws them) rests on the floor: lying and floor-sitting poses.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from valgus.schema import SIDE_NAMES
from valgus.synth.body import BodyDims, head_points, unit

FloatArray = NDArray[np.float64]
Points = dict[str, FloatArray]
Vec = tuple[float, float, float]

SIDES = SIDE_NAMES
SIDE_SIGN = {"left": 1.0, "right": -1.0}
HEEL_SOLE_M = 0.022  # heel point above the sole at reference height (body.foot_points)
TOE_SOLE_M = 0.018


def rx(deg: float) -> FloatArray:
    """Rotation about x; + turns y toward z."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[1.0, 0.0, 0.0], [0.0, c, -s], [0.0, s, c]])


def ry(deg: float) -> FloatArray:
    """Rotation about y; + turns z toward x."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def rz(deg: float) -> FloatArray:
    """Rotation about z; + turns x toward y."""
    c, s = np.cos(np.radians(deg)), np.sin(np.radians(deg))
    return np.array([[c, -s, 0.0], [s, c, 0.0], [0.0, 0.0, 1.0]])


def about_axis(v: FloatArray, axis: FloatArray, deg: float) -> FloatArray:
    """v rotated about a unit axis (right-handed) by deg (Rodrigues)."""
    k = unit(axis)
    a = np.radians(deg)
    return np.asarray(
        v * np.cos(a) + np.cross(k, v) * np.sin(a) + k * np.dot(k, v) * (1 - np.cos(a)),
        dtype=np.float64,
    )


@dataclass(frozen=True)
class PlantedFoot:
    """A foot on the floor: its ankle above (x_m, z_m) when flat, toes turned out by
    toe_out_deg from the body's facing direction; heel_raise_deg lifts the heel about the
    toes (on the ball of the foot, as the back foot of a lunge)."""

    x_m: float
    z_m: float
    toe_out_deg: float = 0.0
    heel_raise_deg: float = 0.0


@dataclass(frozen=True)
class Leg:
    hip_flex_deg: float = 0.0
    hip_abd_deg: float = 0.0
    hip_rot_deg: float = 0.0
    knee_flex_deg: float = 0.0
    knee_out_deg: float = 0.0
    ankle_df_deg: float = 0.0
    ankle_inv_deg: float = 0.0
    toe_out_deg: float = 0.0
    planted: PlantedFoot | None = None  # overrides hip flexion/abduction and knee flexion
    ankle_at: Vec | None = None  # world position of the ankle (foot angles still apply)
    knee_toward: Vec | None = None  # world direction the knee should point (after knee_out)


@dataclass(frozen=True)
class Arm:
    shoulder_flex_deg: float = 0.0
    shoulder_abd_deg: float = 10.0
    shoulder_rot_deg: float = 0.0
    elbow_flex_deg: float = 10.0
    elbow_out_deg: float = 0.0  # swing of the elbow about the shoulder-wrist line, + lateral
    hand_at: Vec | None = None  # world position of the wrist; overrides the angles above
    elbow_toward: Vec | None = None  # world direction the elbow should point


@dataclass(frozen=True)
class Pose:
    root: Vec = (0.0, 0.0, 0.0)
    yaw_deg: float = 0.0
    pitch_deg: float = 0.0
    roll_deg: float = 0.0
    trunk_flex_deg: float = 0.0
    trunk_side_deg: float = 0.0
    trunk_rot_deg: float = 0.0
    neck_flex_deg: float = 0.0
    head_turn_deg: float = 0.0
    left_leg: Leg = field(default_factory=Leg)
    right_leg: Leg = field(default_factory=Leg)
    left_arm: Arm = field(default_factory=Arm)
    right_arm: Arm = field(default_factory=Arm)

    def leg(self, side: str) -> Leg:
        return self.left_leg if side == "left" else self.right_leg

    def arm(self, side: str) -> Arm:
        return self.left_arm if side == "left" else self.right_arm


def standing_pelvis_height_m(dims: BodyDims) -> float:
    """Hip-joint height of a straight-legged stance (the greater trochanter, 0.530 H)."""
    return dims.ankle_height_m + dims.thigh_m + dims.shank_m


def two_link(
    d: FloatArray, upper_m: float, lower_m: float, *, side_sign: float, bend_sign: float
) -> tuple[float, float, float]:
    """(flexion, abduction, bend) in degrees that put the end of a two-link chain hanging
    along -y at d (in the parent frame): end = Rx(-flex) Rz(side*abd) [(0, -upper, 0) +
    Rx(bend_sign*bend) (0, -lower, 0)]. Out-of-reach targets are met in direction only."""
    dist = float(np.clip(np.linalg.norm(d), abs(upper_m - lower_m) + 1e-6, upper_m + lower_m))
    cos_bend = (dist**2 - upper_m**2 - lower_m**2) / (2 * upper_m * lower_m)
    bend = float(np.arccos(np.clip(cos_bend, -1.0, 1.0)))
    d = unit(d) * dist
    v_y = -(upper_m + lower_m * np.cos(bend))
    v_z = -bend_sign * lower_m * np.sin(bend)
    b = float(np.arcsin(np.clip(d[0] / abs(v_y), -1.0, 1.0)))
    w_y, w_z = np.cos(b) * v_y, v_z
    flex = float(np.arctan2(w_z, w_y) - np.arctan2(d[2], d[1]))
    flex = (flex + np.pi) % (2 * np.pi) - np.pi
    return float(np.degrees(flex)), float(np.degrees(b) * side_sign), float(np.degrees(bend))


def _foot_offsets(dims: BodyDims, side_sign: float) -> tuple[FloatArray, FloatArray]:
    """Heel and 2nd-toe tip relative to the ankle in the foot frame (as body.foot_points)."""
    sc = dims.scale
    heel = np.array([0.0, -(dims.ankle_height_m - HEEL_SOLE_M * sc), -dims.heel_back_m])
    toe = np.array(
        [
            -side_sign * 0.1 * dims.foot_breadth_m,
            -(dims.ankle_height_m - TOE_SOLE_M * sc),
            dims.foot_length_m - dims.heel_back_m - 0.012 * sc,
        ]
    )
    return heel, toe


def _planted(
    foot: PlantedFoot, dims: BodyDims, side_sign: float, yaw_deg: float
) -> tuple[FloatArray, FloatArray]:
    """Ankle position and foot rotation of a foot on the floor."""
    heel_l, toe_l = _foot_offsets(dims, side_sign)
    del heel_l
    r_flat = ry(yaw_deg + side_sign * foot.toe_out_deg)
    ankle_flat = np.array([foot.x_m, dims.ankle_height_m, foot.z_m])
    toe = ankle_flat + r_flat @ toe_l
    r_foot = r_flat @ rx(foot.heel_raise_deg)
    return toe - r_foot @ toe_l, r_foot


def _swing_angle(
    middle: FloatArray, root: FloatArray, end: FloatArray, lateral: FloatArray, deg: float
) -> float:
    """Signed angle about the root-end line that swings the middle joint by deg toward
    `lateral` (right-handed about end - root)."""
    probe = about_axis(middle - root, end - root, 1.0) - (middle - root)
    return deg if np.dot(probe, lateral) >= 0 else -deg


def _toward(middle: FloatArray, root: FloatArray, end: FloatArray, direction: Vec) -> float:
    """Angle about the root-end line that turns the middle joint most toward `direction`."""
    angles = np.arange(0.0, 360.0, 5.0)
    reach = [np.dot(about_axis(middle - root, end - root, a), direction) for a in angles]
    return float(angles[int(np.argmax(reach))])


def _leg_points(
    side: str, leg: Leg, hip: FloatArray, r_pelvis: FloatArray, dims: BodyDims, yaw_deg: float
) -> Points:
    s = SIDE_SIGN[side]
    flex, abd, knee_flex = leg.hip_flex_deg, leg.hip_abd_deg, leg.knee_flex_deg
    rot = leg.hip_rot_deg
    r_foot_world = None
    if leg.planted is not None:
        target, r_foot_world = _planted(leg.planted, dims, s, yaw_deg)
        flex, abd, knee_flex = two_link(
            r_pelvis.T @ (target - hip), dims.thigh_m, dims.shank_m, side_sign=s, bend_sign=1.0
        )
        rot = 0.0
    elif leg.ankle_at is not None:
        flex, abd, knee_flex = two_link(
            r_pelvis.T @ (np.asarray(leg.ankle_at) - hip),
            dims.thigh_m,
            dims.shank_m,
            side_sign=s,
            bend_sign=1.0,
        )
        rot = 0.0
    r_thigh = r_pelvis @ rx(-flex) @ rz(s * abd) @ ry(s * rot)
    knee = hip + r_thigh @ np.array([0.0, -dims.thigh_m, 0.0])
    r_shank = r_thigh @ rx(knee_flex)
    ankle = knee + r_shank @ np.array([0.0, -dims.shank_m, 0.0])
    if r_foot_world is None:
        r_foot = (
            r_shank @ ry(s * leg.toe_out_deg) @ rx(-leg.ankle_df_deg) @ rz(-s * leg.ankle_inv_deg)
        )
    else:
        r_foot = r_foot_world
    heel_l, toe_l = _foot_offsets(dims, s)
    heel, toe, foot_up = r_foot @ heel_l, r_foot @ toe_l, r_foot @ np.array([0.0, 1.0, 0.0])
    if leg.knee_out_deg:
        lateral = r_pelvis @ np.array([s, 0.0, 0.0])
        turn = _swing_angle(knee, hip, ankle, lateral, leg.knee_out_deg)
        knee = hip + about_axis(knee - hip, ankle - hip, turn)
        if leg.planted is None:  # a free foot turns with the leg; a planted one stays
            heel, toe, foot_up = (about_axis(v, ankle - hip, turn) for v in (heel, toe, foot_up))
    if leg.knee_toward is not None:
        turn = _toward(knee, hip, ankle, leg.knee_toward)
        knee = hip + about_axis(knee - hip, ankle - hip, turn)
        if leg.planted is None:
            heel, toe, foot_up = (about_axis(v, ankle - hip, turn) for v in (heel, toe, foot_up))
    return {
        f"{side}_hip": hip,
        f"{side}_knee": knee,
        f"{side}_ankle": ankle,
        f"{side}_heel": ankle + heel,
        f"{side}_foot_index": ankle + toe,
        f"{side}_foot_up": foot_up,
    }


def _arm_points(
    side: str, arm: Arm, shoulder: FloatArray, r_trunk: FloatArray, dims: BodyDims
) -> Points:
    s = SIDE_SIGN[side]
    flex, abd, elbow_flex = arm.shoulder_flex_deg, arm.shoulder_abd_deg, arm.elbow_flex_deg
    rot = arm.shoulder_rot_deg
    if arm.hand_at is not None:
        flex, abd, elbow_flex = two_link(
            r_trunk.T @ (np.asarray(arm.hand_at) - shoulder),
            dims.upper_arm_m,
            dims.forearm_m,
            side_sign=s,
            bend_sign=-1.0,
        )
        rot = 0.0
    r_arm = r_trunk @ rx(-flex) @ rz(s * abd) @ ry(-s * rot)
    elbow = shoulder + r_arm @ np.array([0.0, -dims.upper_arm_m, 0.0])
    wrist = elbow + r_arm @ rx(-elbow_flex) @ np.array([0.0, -dims.forearm_m, 0.0])
    if arm.elbow_out_deg:
        lateral = r_trunk @ np.array([s, 0.0, 0.0])
        turn = _swing_angle(elbow, shoulder, wrist, lateral, arm.elbow_out_deg)
        elbow = shoulder + about_axis(elbow - shoulder, wrist - shoulder, turn)
    if arm.elbow_toward is not None:
        turn = _toward(elbow, shoulder, wrist, arm.elbow_toward)
        elbow = shoulder + about_axis(elbow - shoulder, wrist - shoulder, turn)
    return {f"{side}_shoulder": shoulder, f"{side}_elbow": elbow, f"{side}_wrist": wrist}


def pose_points(pose: Pose, dims: BodyDims, /) -> Points:
    """The named points of a pose: MediaPipe landmark names (shoulders to foot index, face
    points) plus 'pelvis', 'neck', 'head', 'head_top' and '{side}_foot_up' (the unit normal
    of each sole, which the renderer uses to draw shoes off the floor)."""
    r_pelvis = ry(pose.yaw_deg) @ rx(pose.pitch_deg) @ rz(pose.roll_deg)
    pelvis = np.asarray(pose.root, dtype=np.float64)
    pts: Points = {"pelvis": pelvis}
    for side in SIDES:
        hip = pelvis + r_pelvis @ np.array([SIDE_SIGN[side] * dims.hip_joint_width_m / 2, 0, 0])
        pts.update(_leg_points(side, pose.leg(side), hip, r_pelvis, dims, pose.yaw_deg))
    r_trunk = r_pelvis @ rx(pose.trunk_flex_deg) @ rz(-pose.trunk_side_deg)
    r_trunk = r_trunk @ ry(pose.trunk_rot_deg)
    neck = pelvis + r_trunk @ np.array([0.0, dims.trunk_m, 0.0])
    pts["neck"] = neck
    for side in SIDES:
        offset = np.array(
            [SIDE_SIGN[side] * dims.shoulder_joint_width_m / 2, -0.02 * dims.scale, 0]
        )
        pts.update(_arm_points(side, pose.arm(side), neck + r_trunk @ offset, r_trunk, dims))
    r_head = r_trunk @ rx(pose.neck_flex_deg) @ ry(pose.head_turn_deg)
    up, fwd = r_head @ np.array([0.0, 1.0, 0.0]), r_head @ np.array([0.0, 0.0, 1.0])
    head = neck + up * (dims.neck_m + dims.head_half_height_m * 0.95) + fwd * 0.01 * dims.scale
    pts["head"] = head
    pts["head_top"] = head + up * dims.head_half_height_m
    pts.update(head_points(head, fwd, up, dims))
    return pts


def surface_spheres(
    points: Points, dims: BodyDims, /, *, arms: tuple[str, ...] = SIDES
) -> list[tuple[FloatArray, float]]:
    """(centre, radius) spheres that bound what the renderer draws of a figure: limb joints,
    the trunk's and hips' blobs, hands (of `arms`), the sole's corners and the head."""
    sc, p = dims.scale, points
    up = unit(p["neck"] - p["pelvis"])
    left = p["left_shoulder"] - p["right_shoulder"]
    left = unit(left - np.dot(left, up) * up)
    out: list[tuple[FloatArray, float]] = [
        (p["pelvis"] - up * 0.06 * sc, 0.06 * sc),
        (p["pelvis"] + up * 0.07 * sc + left * 0.1 * sc, 0.075 * sc),
        (p["pelvis"] + up * 0.07 * sc - left * 0.1 * sc, 0.075 * sc),
    ]
    for frac, off, r in ((0.12, 0.095, 0.095), (0.45, 0.105, 0.105), (0.78, 0.11, 0.1)):
        for sign in (1.0, -1.0):
            out.append((p["pelvis"] + up * frac * dims.trunk_m + left * sign * off * sc, r * sc))
    for sign in (1.0, -1.0):
        out.append((p["pelvis"] + up * 0.93 * dims.trunk_m + left * sign * 0.135 * sc, 0.065 * sc))
    for side in SIDES:
        out += [
            (p[f"{side}_hip"] - up * 0.03 * sc, dims.thigh_radius_m + 0.01 * sc),
            (p[f"{side}_knee"], dims.knee_radius_m + 0.006 * sc),
            (p[f"{side}_ankle"], dims.ankle_radius_m),
            (p[f"{side}_shoulder"], dims.arm_radius_m * 1.25),
        ]
        if side in arms:
            out += [
                (p[f"{side}_elbow"], dims.forearm_radius_m * 1.1),
                (
                    p[f"{side}_wrist"] + unit(p[f"{side}_wrist"] - p[f"{side}_elbow"]) * 0.045 * sc,
                    0.042 * sc,
                ),
            ]
        foot_up = p.get(f"{side}_foot_up", np.array([0.0, 1.0, 0.0]))
        heel, toe = p[f"{side}_heel"], p[f"{side}_foot_index"]
        fwd = unit(toe - heel)
        lat = unit(np.cross(foot_up, fwd)) * dims.foot_breadth_m / 2
        for q, h in ((heel - fwd * 0.012 * sc, HEEL_SOLE_M), (toe + fwd * 0.012 * sc, TOE_SOLE_M)):
            sole = q - foot_up * h * sc
            out += [(sole + lat * 0.8, 0.0), (sole - lat * 0.8, 0.0)]
            out.append((sole + foot_up * 0.045 * sc, 0.0))  # top of the shoe
    head = p["head"]
    hup = unit(p["head_top"] - head)
    hfwd = unit(p["nose"] - head)
    hfwd = unit(hfwd - np.dot(hfwd, hup) * hup)
    hleft = np.cross(hup, hfwd)
    axes = (
        hleft * dims.head_half_width_m,
        hup * dims.head_half_height_m,
        hfwd * dims.head_half_depth_m,
    )
    reach = float(np.sqrt(sum(a[1] ** 2 for a in axes)))
    out.append((head - np.array([0.0, reach, 0.0]), 0.0))
    return out


def lowest_surface_y(points: Points, dims: BodyDims, /, *, arms: tuple[str, ...] = SIDES) -> float:
    """Height of the lowest point of the drawn figure (0 = touching the floor)."""
    return min(float(c[1]) - r for c, r in surface_spheres(points, dims, arms=arms))


def shifted(points: Points, offset: FloatArray, /) -> Points:
    """Points moved by offset (directions such as '*_foot_up' stay as they are)."""
    return {k: v if k.endswith("_foot_up") else v + offset for k, v in points.items()}


def ground(points: Points, dims: BodyDims, /, *, clearance_m: float = 0.002) -> Points:
    """The figure moved up or down so its lowest surface rests on the floor."""
    dy = clearance_m - lowest_surface_y(points, dims)
    return shifted(points, np.array([0.0, dy, 0.0]))


def settle(pose: Pose, dims: BodyDims, /, *, clearance_m: float = 0.002) -> Pose:
    """The pose with its root raised or lowered so the figure rests on the floor. Arms that
    reach for a point (`hand_at`, a hand on the floor) keep reaching for it and are left out
    of the body's lowest point."""
    free = tuple(side for side in SIDES if pose.arm(side).hand_at is None)
    dy = clearance_m - lowest_surface_y(pose_points(pose, dims), dims, arms=free)
    x, y, z = pose.root
    return replace(pose, root=(x, y + dy, z))
