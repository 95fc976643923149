"""A picture of each drill of the catalogue: start and end positions side by side, drawn
with the project's own figure renderer (valgus.synth.render) from still poses
(valgus.synth.figure_pose), with the wall, bench, roller, band or strap as simple shapes.

`exercise_picture(id)` is cached: each drill is drawn once per run (about 20 ms).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from functools import cache

import cv2
import numpy as np
from numpy.typing import NDArray
from scipy.optimize import brentq

from valgus.report.draw import RGB, png_bytes
from valgus.synth.body import BodyDims, body_dims, unit
from valgus.synth.camera import CameraParams, camera_pose, project
from valgus.synth.figure_pose import (
    Arm,
    Leg,
    PlantedFoot,
    Points,
    Pose,
    pose_points,
    settle,
)
from valgus.synth.render import RenderParams, background, frame_parts

FloatArray = NDArray[np.float64]
Colour = tuple[int, int, int]
Prop = Callable[[RGB, CameraParams, Points], None]  # draws on the image in place

DIMS = body_dims(1.75)
PANEL_HEIGHT_PX = 260
CANVAS = (960, 720)  # width, height of the render before cropping to the figure
STYLE = RenderParams()
BAREFOOT = replace(STYLE, shoe_rgb=(214, 160, 124), sole_rgb=(236, 196, 166))
BAND: Colour = (226, 70, 120)
STRAP: Colour = (60, 60, 60)
WOOD: Colour = (176, 134, 92)
WALL: Colour = (238, 236, 228)
FOAM: Colour = (70, 140, 200)


@dataclass(frozen=True)
class Scene:
    """A drill's start and end pose, the camera that shows the movement, and the props.
    `behind` props are drawn before the figure, `front` props after it. `grounded`
    poses (lying, sitting on the floor) are lowered onto the floor."""

    start: Pose
    end: Pose
    camera: CameraParams
    caption: str
    grounded: bool = False
    barefoot: bool = False
    behind: tuple[Prop, ...] = ()
    front: tuple[Prop, ...] = ()
    inset: Callable[[RGB, bool], None] | None = None  # (panel, is_end): a close-up
    focus: tuple[str, ...] = ()  # crop to these points (both poses) instead of all drawn
    focus_world: tuple[tuple[float, float, float], ...] = ()  # and these fixed points


# ---------------------------------------------------------------- props


def _px(cam: CameraParams, pts: FloatArray) -> NDArray[np.int32]:
    xy, _ = project(np.asarray(pts, dtype=np.float64), cam)
    return np.asarray(np.round(xy * 16), dtype=np.int32)


def _shade(c: Colour, k: float) -> Colour:
    r, g, b = (int(np.clip(v * k, 0, 255)) for v in c)
    return (r, g, b)


def box(lo: tuple[float, float, float], hi: tuple[float, float, float], colour: Colour) -> Prop:
    """An axis-aligned box; faces turned to the camera are filled, lit from above."""
    lo_a, hi_a = np.asarray(lo, dtype=np.float64), np.asarray(hi, dtype=np.float64)

    def draw(img: RGB, cam: CameraParams, _pts: Points) -> None:
        centre, _ = camera_pose(cam)
        for axis in range(3):
            for end, normal_sign in ((lo_a[axis], -1.0), (hi_a[axis], 1.0)):
                face_centre = (lo_a + hi_a) / 2
                face_centre[axis] = end
                normal = np.zeros(3)
                normal[axis] = normal_sign
                if np.dot(centre - face_centre, normal) <= 0:
                    continue
                u, w = [a for a in range(3) if a != axis]
                corners = []
                for cu, cw in ((0, 0), (1, 0), (1, 1), (0, 1)):
                    q = face_centre.copy()
                    q[u] = (lo_a, hi_a)[cu][u]
                    q[w] = (lo_a, hi_a)[cw][w]
                    corners.append(q)
                k = {1: 1.05 if normal_sign > 0 else 0.6, 0: 0.82, 2: 0.92}[axis]
                poly = _px(cam, np.asarray(corners))
                cv2.fillPoly(img, [poly], _shade(colour, k), cv2.LINE_AA, 4)
                cv2.polylines(img, [poly], True, _shade(colour, 0.55), 1, cv2.LINE_AA, 4)

    return draw


def roller(a: tuple[float, float, float], b: tuple[float, float, float], radius_m: float) -> Prop:
    """A foam roller (a cylinder) between two end centres."""

    def draw(img: RGB, cam: CameraParams, _pts: Points) -> None:
        ends = np.asarray([a, b], dtype=np.float64)
        xy, depth = project(ends, cam)
        r = cam.focal_px * radius_m / depth
        ang = np.linspace(0, 2 * np.pi, 32, endpoint=False)
        ring = np.stack([np.cos(ang), np.sin(ang)], axis=-1)
        pts = np.concatenate([xy[0] + r[0] * ring, xy[1] + r[1] * ring])
        hull = cv2.convexHull(np.asarray(pts * 16, dtype=np.int32))
        cv2.fillPoly(img, [hull], _shade(FOAM, 0.75), cv2.LINE_AA, 4)
        inner = cv2.convexHull(
            np.asarray(
                np.concatenate([xy[0] + 0.6 * r[0] * ring, xy[1] + 0.6 * r[1] * ring]) * 16
            ).astype(np.int32)
        )
        cv2.fillPoly(img, [inner], FOAM, cv2.LINE_AA, 4)
        near = int(np.argmin(depth))
        cv2.circle(img, tuple(np.round(xy[near]).astype(int)), int(r[near]), _shade(FOAM, 0.6), 2)

    return draw


def line(
    points: Callable[[Points], list[FloatArray]], colour: Colour, width_m: float = 0.012
) -> Prop:
    """A band or strap through points taken from the pose (and fixed points)."""

    def draw(img: RGB, cam: CameraParams, pts: Points) -> None:
        path = np.asarray(points(pts), dtype=np.float64)
        xy, depth = project(path, cam)
        width = max(2, round(float(cam.focal_px * width_m / depth.mean())))
        poly = np.asarray(np.round(xy * 16), dtype=np.int32)
        cv2.polylines(img, [poly], False, _shade(colour, 0.6), width + 2, cv2.LINE_AA, 4)
        cv2.polylines(img, [poly], False, colour, width, cv2.LINE_AA, 4)

    return draw


def _near(pts: Points, name: str, toward: str, frac: float) -> FloatArray:
    return np.asarray(pts[name] + (pts[toward] - pts[name]) * frac, dtype=np.float64)


def _knee_band(pts: Points) -> list[FloatArray]:
    """A loop band just above the knees: across the front of both thighs."""
    a = _near(pts, "left_knee", "left_hip", 0.16)
    b = _near(pts, "right_knee", "right_hip", 0.16)
    out = unit(a - b) * DIMS.knee_radius_m * 1.1
    return [a + out, b - out]


def _forefoot(pts: Points, side: str, across: float) -> FloatArray:
    """A point on the forefoot, `across` foot half-breadths to the side's outside."""
    heel, toe = pts[f"{side}_heel"], pts[f"{side}_foot_index"]
    up = pts[f"{side}_foot_up"]
    fwd = unit(toe - heel)
    lateral = unit(np.cross(up, fwd)) * (1 if side == "left" else -1)
    return np.asarray(
        heel + (toe - heel) * 0.75 + lateral * across * DIMS.foot_breadth_m / 2 + up * 0.01,
        dtype=np.float64,
    )


# ---------------------------------------------------------------- poses

STAND_FEET = (
    Leg(planted=PlantedFoot(0.14, 0.0, 10.0)),
    Leg(planted=PlantedFoot(-0.14, 0.0, 10.0)),
)
FRONT_CAMERA = CameraParams(yaw_deg=35, height_m=1.0, distance_m=3.2, pitch_deg=3)
SIDE_CAMERA = CameraParams(yaw_deg=90, height_m=0.9, distance_m=4.0)
LYING_CAMERA = CameraParams(yaw_deg=0, height_m=1.6, distance_m=2.6, pitch_deg=30)


def _squat_root(knee_flex_deg: float, shank_share: float = 0.42) -> tuple[float, float, float]:
    """Pelvis height and back-shift over the ankles when the knees bend by knee_flex_deg
    (the shank's forward tilt takes shank_share of it, as in valgus.synth.motion)."""
    f = np.radians(knee_flex_deg)
    shank, thigh = shank_share * f, (1 - shank_share) * f
    y = DIMS.ankle_height_m + DIMS.shank_m * np.cos(shank) + DIMS.thigh_m * np.cos(thigh)
    z = DIMS.shank_m * np.sin(shank) - DIMS.thigh_m * np.sin(thigh)
    return (0.0, float(y) - 0.006, float(z))


def _squat(knee_flex_deg: float, *, knees_out_deg: float) -> Pose:
    lean = 0.6 * 0.58 * knee_flex_deg
    arms = Arm(shoulder_flex_deg=25 + 0.65 * knee_flex_deg, shoulder_abd_deg=8, elbow_flex_deg=10)
    left, right = STAND_FEET
    return Pose(
        root=_squat_root(knee_flex_deg),
        trunk_flex_deg=lean,
        neck_flex_deg=-0.5 * lean,
        left_leg=replace(left, knee_out_deg=knees_out_deg),
        right_leg=replace(right, knee_out_deg=knees_out_deg),
        left_arm=arms,
        right_arm=arms,
    )


def _single_leg(knee_flex_deg: float) -> Pose:
    """Standing on the left leg, the right foot held up behind."""
    x, y, z = _squat_root(knee_flex_deg, shank_share=0.45)
    lean = 0.5 * 0.55 * knee_flex_deg
    arms = Arm(shoulder_flex_deg=30 + 0.6 * knee_flex_deg, shoulder_abd_deg=12)
    return Pose(
        root=(x + 0.02 - DIMS.hip_joint_width_m / 2, y + 0.002, z),
        trunk_flex_deg=lean,
        neck_flex_deg=-0.4 * lean,
        left_leg=Leg(planted=PlantedFoot(0.0, 0.0, 8.0)),
        right_leg=Leg(hip_flex_deg=0.15 * knee_flex_deg, knee_flex_deg=95, ankle_df_deg=-15),
        left_arm=arms,
        right_arm=arms,
    )


def _lunge(shin_deg: float, thigh_deg: float, *, wall_z: float | None) -> Pose:
    """Half-lunge facing +z, left foot forward flat at z = 0.2, right foot back on its toes.
    shin_deg: forward tilt of the front shin; thigh_deg: the front thigh from vertical.
    Hands on the wall at wall_z, else on the front thigh."""
    ankle = np.array([0.11, DIMS.ankle_height_m, 0.2])
    s, t = np.radians(shin_deg), np.radians(thigh_deg)
    knee = ankle + DIMS.shank_m * np.array([0.0, np.cos(s), np.sin(s)])
    hip = knee + DIMS.thigh_m * np.array([0.0, np.cos(t), -np.sin(t)])
    if wall_z is not None:
        at = (1.3, wall_z - 0.035)
        hands = (Arm(hand_at=(0.22, *at)), Arm(hand_at=(-0.22, *at)))
    else:
        thigh = (knee + hip) / 2 + np.array([0.0, DIMS.thigh_radius_m + 0.02, 0.0])
        hands = (
            Arm(hand_at=(0.2, float(thigh[1]), float(thigh[2]) + 0.06), elbow_out_deg=20),
            Arm(hand_at=(0.02, float(thigh[1]), float(thigh[2]) + 0.02), elbow_out_deg=20),
        )
    return Pose(
        root=(float(hip[0] - DIMS.hip_joint_width_m / 2), float(hip[1]), float(hip[2])),
        trunk_flex_deg=10,
        left_leg=Leg(planted=PlantedFoot(0.11, 0.2, 5.0)),
        right_leg=Leg(planted=PlantedFoot(-0.11, -0.55, 5.0, heel_raise_deg=35.0)),
        left_arm=hands[0],
        right_arm=hands[1],
    )


WALL_Z = 0.2 + 0.204 + 0.1  # front ankle + ankle-to-toe + 10 cm


def _knee_to_wall() -> Scene:
    # End: the front of the knee touches the wall.
    reach = WALL_Z - DIMS.knee_radius_m - 0.012 - 0.2
    shin_end = float(np.degrees(np.arcsin(reach / DIMS.shank_m)))
    return Scene(
        start=_lunge(5.0, 14.0, wall_z=WALL_Z),
        end=_lunge(shin_end, 30.0, wall_z=WALL_Z),
        camera=SIDE_CAMERA,
        caption="Knee rocks forward over the 2nd toe to touch the wall; the heel stays down.",
        behind=(box((-0.3, 0.0, WALL_Z), (0.3, 1.85, WALL_Z + 0.1), WALL),),
    )


def _strap() -> Scene:
    anchor = np.array([0.11, 0.09, -1.0])

    def strap(pts: Points) -> list[FloatArray]:
        ankle = pts["left_ankle"] + np.array([0.0, 0.012, 0.0])
        r = DIMS.ankle_radius_m + 0.012
        return [anchor, ankle + np.array([0.0, 0.0, -r]), ankle + np.array([0.0, 0.0, r])]

    return Scene(
        start=_lunge(4.0, 14.0, wall_z=None),
        end=_lunge(34.0, 32.0, wall_z=None),
        camera=SIDE_CAMERA,
        caption="A strap round the front of the ankle, anchored low behind, holds the ankle "
        "back while the knee rocks forward; the heel stays down.",
        behind=(box((0.0, 0.0, -1.1), (0.22, 0.16, -0.96), WOOD),),
        front=(line(strap, STRAP, 0.022),),
    )


SEAT_Y = 0.44
BENCH = box((-0.38, 0.0, -0.32), (0.38, SEAT_Y, 0.2), WOOD)


def _seated(**kw: object) -> Pose:
    """Sitting upright on a bench (seat top at SEAT_Y), feet flat under the knees."""
    base = Pose(
        root=(0.0, SEAT_Y + DIMS.thigh_radius_m - 0.005, -0.05),
        left_leg=Leg(planted=PlantedFoot(0.13, 0.38, 8.0)),
        right_leg=Leg(planted=PlantedFoot(-0.13, 0.38, 8.0)),
        left_arm=Arm(hand_at=(0.22, SEAT_Y + 0.2, 0.2)),
        right_arm=Arm(hand_at=(-0.22, SEAT_Y + 0.2, 0.2)),
    )
    return replace(base, **kw)  # type: ignore[arg-type]


def _peroneal_stretch() -> Scene:
    def crossed(inv: float, df: float) -> Pose:
        knee = pose_points(_seated(), DIMS)["left_knee"]
        ankle = (float(knee[0]) + 0.04, float(knee[1]) + 0.1, float(knee[2]) - 0.02)
        right = Leg(ankle_at=ankle, knee_toward=(-1, -0.2, 0.3), ankle_df_deg=df, ankle_inv_deg=inv)
        pose = _seated(right_leg=right, trunk_flex_deg=14, neck_flex_deg=20)
        pts = pose_points(pose, DIMS)
        toe = pts["right_foot_index"]
        shin = (pts["right_knee"] + pts["right_ankle"]) / 2 + np.array([0.0, 0.07, 0.0])
        return replace(
            pose,
            left_arm=Arm(
                hand_at=tuple(toe + np.array([0.05, 0.02, 0.04])), elbow_toward=(1, -1, 0)
            ),
            right_arm=Arm(hand_at=tuple(shin), elbow_toward=(-1, 0, 0)),
        )

    return Scene(
        start=crossed(0.0, 0.0),
        end=crossed(35.0, -35.0),
        camera=CameraParams(yaw_deg=80, height_m=1.2, distance_m=2.4, pitch_deg=12),
        caption="Leg crossed over the other knee: turn the sole in and point the foot down "
        "until the outer shin stretches.",
        barefoot=True,
        behind=(BENCH,),
        focus=("left_hip", "left_knee", "left_heel", "right_foot_index", "head_top"),
    )


def _side_lying(top: Leg, bottom: Leg, *, root_x: float = 0.0, propped: bool = False) -> Pose:
    """Lying on the left side, head toward +x, facing +z (toward LYING_CAMERA); the top
    hand on the floor in front of the chest. propped: up on the left forearm."""
    top_hand = Arm(hand_at=(root_x + 0.36, 0.09, 0.3), elbow_toward=(0, 1, -0.3))
    if propped:
        return Pose(
            root=(root_x, 0.12, 0.0),
            roll_deg=-90,
            trunk_side_deg=-42,
            neck_flex_deg=10,
            left_leg=bottom,
            right_leg=top,
            left_arm=Arm(hand_at=(root_x + 0.62, 0.09, 0.22), elbow_toward=(0, -1, 0)),
            right_arm=Arm(hand_at=(root_x + 0.02, 0.45, 0.1), elbow_toward=(0, 1, 0)),
        )
    return Pose(
        root=(root_x, 0.12, 0.0),
        roll_deg=-90,
        left_leg=bottom,
        right_leg=top,
        left_arm=Arm(shoulder_flex_deg=170, shoulder_abd_deg=0, elbow_flex_deg=25),
        right_arm=top_hand,
    )


def _hip_abduction() -> Scene:
    bottom = Leg(hip_flex_deg=40, knee_flex_deg=80)
    return Scene(
        start=_side_lying(Leg(hip_flex_deg=-5, hip_abd_deg=2), bottom),
        end=_side_lying(Leg(hip_flex_deg=-12, hip_abd_deg=35, hip_rot_deg=-5), bottom),
        camera=LYING_CAMERA,
        caption="Top leg straight, lifted up and slightly back, heel leading; hips stacked.",
        grounded=True,
    )


def _clam(*, band: bool, colour: Colour = BAND) -> Scene:
    bent = Leg(hip_flex_deg=45, knee_flex_deg=95)
    return Scene(
        start=_side_lying(replace(bent, hip_abd_deg=-3), bent),
        end=_side_lying(replace(bent, hip_abd_deg=-3, knee_out_deg=40), bent),
        camera=LYING_CAMERA,
        caption="Knees bent, feet together: the top knee opens"
        + (" against the band" if band else "")
        + "; the pelvis stays still.",
        grounded=True,
        front=(line(_knee_band, colour, 0.018),) if band else (),
    )


ROLLER_X, ROLLER_R = -0.55, 0.075


def _on_roller(root_x: float) -> Pose:
    """Propped on the left forearm, the outer left shin resting on the roller at ROLLER_X;
    the top foot on the floor in front for support."""
    top = Leg(planted=PlantedFoot(root_x - 0.3, 0.36, toe_out_deg=90.0), knee_toward=(0, 1, 0))

    def pose(abd: float) -> Pose:
        return _side_lying(top, Leg(hip_abd_deg=abd), root_x=root_x, propped=True)

    root = settle(pose(-10.0), DIMS).root  # the leg on the roller is not the lowest part

    def gap_m(abd: float) -> float:
        pts = pose_points(replace(pose(abd), root=root), DIMS)
        knee, ankle = pts["left_knee"], pts["left_ankle"]
        f = (ROLLER_X - knee[0]) / (ankle[0] - knee[0])
        under = knee[1] + f * (ankle[1] - knee[1]) - DIMS.calf_radius_m * 0.85
        return float(under) - 2 * ROLLER_R

    return replace(pose(float(brentq(gap_m, -40.0, 10.0, xtol=0.05))), root=root)


def _peroneal_release() -> Scene:
    return Scene(
        start=_on_roller(-0.1),
        end=_on_roller(0.32),
        camera=LYING_CAMERA,
        caption="Outer shin on the roller: roll slowly from below the knee to above the ankle.",
        grounded=True,
        behind=(roller((ROLLER_X, ROLLER_R, -0.25), (ROLLER_X, ROLLER_R, 0.25), ROLLER_R),),
    )


def _long_sitting(inv: float, df: float) -> Pose:
    """Sitting on the floor, legs straight out in front, leaning back on the hands."""
    return Pose(
        root=(0.0, 0.12, 0.0),
        trunk_flex_deg=-20,
        neck_flex_deg=15,
        left_leg=Leg(hip_flex_deg=86, knee_flex_deg=4, ankle_df_deg=df, ankle_inv_deg=inv),
        right_leg=Leg(hip_flex_deg=86, knee_flex_deg=4, hip_abd_deg=2, ankle_df_deg=5),
        left_arm=Arm(hand_at=(0.27, 0.095, -0.32), elbow_toward=(0, 0, -1)),
        right_arm=Arm(hand_at=(-0.27, 0.095, -0.32), elbow_toward=(0, 0, -1)),
    )


def _eversion(colour: Colour = BAND) -> Scene:
    def band(pts: Points) -> list[FloatArray]:
        return [
            _forefoot(pts, "left", 1.05),
            _forefoot(pts, "left", -1.2),
            _forefoot(pts, "right", 1.2),
            _forefoot(pts, "right", -0.7),
        ]

    return Scene(
        start=_long_sitting(0.0, 5.0),
        end=_long_sitting(-30.0, -5.0),
        camera=CameraParams(yaw_deg=35, height_m=1.7, distance_m=2.2, pitch_deg=38),
        caption="Band round the forefoot, anchored by the other foot: turn the sole outward, "
        "heel still.",
        grounded=True,
        barefoot=True,
        front=(line(band, colour, 0.014),),
        focus=("left_shoulder", "right_hip", "left_foot_index", "right_foot_index", "left_heel"),
    )


def _kulig(colour: Colour = BAND) -> Scene:
    anchor = np.array([0.62, 0.14, 0.6])

    def foot(toe_out: float) -> Pose:
        return _seated(left_leg=Leg(planted=PlantedFoot(0.13, 0.38, toe_out)))

    def band(pts: Points) -> list[FloatArray]:
        return [_forefoot(pts, "left", -1.1), _forefoot(pts, "left", 1.1), anchor]

    return Scene(
        start=foot(35.0),
        end=foot(-20.0),
        camera=CameraParams(yaw_deg=10, height_m=1.7, distance_m=2.0, pitch_deg=40),
        caption="Band anchored to the outside: slide the forefoot inward, heel fixed, "
        "foot flat on the floor.",
        barefoot=True,
        behind=(BENCH, box((0.57, 0.0, 0.55), (0.67, 0.45, 0.65), WOOD)),
        front=(line(band, colour, 0.014),),
        focus=("left_knee", "right_knee", "left_foot_index", "right_heel", "left_heel"),
        focus_world=((0.5, 0.14, 0.6),),
    )


def _arch_inset(img: RGB, raised: bool) -> None:
    """Close-up of a bare foot from the inside: the arch relaxed, or lifted (short foot)."""
    h, w = img.shape[:2]
    size = int(min(h, w) * 0.5)
    box_h = int(size * 0.7)
    x0, y0 = w - size - 6, h - box_h - 6
    cv2.rectangle(img, (x0, y0), (x0 + size, y0 + box_h), (250, 250, 246), -1)
    cv2.rectangle(img, (x0, y0), (x0 + size, y0 + box_h), (120, 120, 120), 1)
    s, floor = size / 100, y0 + int(box_h * 0.88)
    arch = 14 if raised else 4
    length = 82 if raised else 86
    top = [(8, -4), (10, -24), (22, -34), (38, -30), (62, -18), (length - 6, -11), (length, -5)]
    bottom = [(length, 0), (70, 0), (55, -arch * 0.7), (40, -arch), (26, -arch * 0.6), (14, 0)]
    pts = np.array([(x0 + 6 * s + x * s, floor + y * s) for x, y in top + bottom], np.int32)
    cv2.fillPoly(img, [pts], (226, 176, 140), cv2.LINE_AA)
    cv2.polylines(img, [pts], True, (150, 100, 70), 1, cv2.LINE_AA)
    cv2.line(img, (x0 + 2, floor), (x0 + size - 2, floor), (110, 90, 70), 1, cv2.LINE_AA)
    if raised:
        a = (int(x0 + 6 * s + 72 * s), int(floor - 4 * s))
        cv2.arrowedLine(img, a, (int(a[0] - 24 * s), a[1]), (215, 38, 61), 2, cv2.LINE_AA, 0, 0.35)
    label = "arch lifted" if raised else "arch relaxed"
    cv2.putText(img, label, (x0 + 5, y0 + 15), cv2.FONT_HERSHEY_SIMPLEX, 0.42, (40, 40, 40), 1)


def _short_foot() -> Scene:
    pose = _seated(trunk_flex_deg=12, neck_flex_deg=25)
    return Scene(
        start=pose,
        end=pose,
        camera=CameraParams(yaw_deg=75, height_m=1.0, distance_m=2.6, pitch_deg=10),
        caption="Seated, foot flat: draw the ball of the big toe toward the heel so the arch "
        "rises; toes stay long.",
        barefoot=True,
        behind=(BENCH,),
        inset=_arch_inset,
    )


def _single_leg_squat() -> Scene:
    return Scene(
        start=_single_leg(5.0),
        end=_single_leg(75.0),
        camera=replace(FRONT_CAMERA, yaw_deg=42),
        caption="On one leg, facing a mirror or the phone: squat with the knee over the 2nd "
        "toe and the pelvis level.",
    )


def _squat_scene(*, band: bool, colour: Colour = BAND) -> Scene:
    return Scene(
        start=_squat(3.0, knees_out_deg=0.0),
        end=_squat(95.0, knees_out_deg=12.0),
        camera=FRONT_CAMERA,
        caption="Knees track over the 2nd toes"
        + (", pressing out against a light band" if band else "")
        + "; check each rep in the mirror or video.",
        front=(line(_knee_band, colour, 0.018),) if band else (),
    )


# Each scene from the colour of its band (drills without a band ignore it).
SCENES: dict[str, Callable[[Colour], Scene]] = {
    "ankle_df_knee_to_wall": lambda _: _knee_to_wall(),
    "ankle_df_strap": lambda _: _strap(),
    "peroneal_stretch": lambda _: _peroneal_stretch(),
    "peroneal_release": lambda _: _peroneal_release(),
    "banded_eversion": _eversion,
    "banded_inversion_kulig": _kulig,
    "short_foot": lambda _: _short_foot(),
    "side_lying_hip_abduction": lambda _: _hip_abduction(),
    "banded_clamshell": lambda c: _clam(band=True, colour=c),
    "clamshell": lambda _: _clam(band=False),
    "single_leg_squat_feedback": lambda _: _single_leg_squat(),
    "mini_band_squat": lambda c: _squat_scene(band=True, colour=c),
    "squat_feedback": lambda _: _squat_scene(band=False),
}
# Band colours as drawn (the resistance order is assessment/selftests.BAND_ORDER).
BAND_COLOURS: dict[str, Colour] = {
    "yellow": (236, 200, 40),
    "red": (206, 44, 44),
    "green": (46, 150, 70),
    "blue": (44, 96, 204),
    "black": (40, 40, 44),
    "silver": (176, 180, 188),
    "gold": (204, 160, 48),
}


# ---------------------------------------------------------------- drawing


def scene_points(scene: Scene) -> tuple[Points, Points]:
    """The start and end points of a scene (grounded when the scene says so)."""
    poses = (scene.start, scene.end)
    if scene.grounded:
        poses = (settle(scene.start, DIMS), settle(scene.end, DIMS))
    return pose_points(poses[0], DIMS), pose_points(poses[1], DIMS)


def _camera(scene: Scene) -> CameraParams:
    return replace(scene.camera, width_px=CANVAS[0], height_px=CANVAS[1], hfov_deg=50.0)


def _render(scene: Scene, pts: Points, cam: CameraParams, dims: BodyDims) -> tuple[RGB, RGB]:
    """(picture, mask of what was drawn over the background) of one pose."""
    style = BAREFOOT if scene.barefoot else STYLE
    bg = background(cam, style)
    img = bg.copy()
    for prop in scene.behind:
        prop(img, cam, pts)
    for _, draw in sorted(frame_parts(pts, cam, dims, style), key=lambda x: -x[0]):
        draw(img)
    for prop in scene.front:
        prop(img, cam, pts)
    img = cv2.GaussianBlur(img, (3, 3), 0.6)
    bg = cv2.GaussianBlur(bg, (3, 3), 0.6)
    mask = np.any(np.abs(img.astype(np.int16) - bg.astype(np.int16)) > 12, axis=2)
    return img, mask.astype(np.uint8)


def _crop_box(masks: list[RGB], focus: list[FloatArray]) -> tuple[int, int, int, int]:
    """Rows and columns around everything drawn, or around the focus pixels (n, 2)."""
    if focus:
        xy = np.concatenate(focus)
        (x0, y0), (x1, y1) = np.floor(xy.min(axis=0)), np.ceil(xy.max(axis=0))
        pad = int(0.22 * max(y1 - y0, x1 - x0)) + 10
    else:
        ys, xs = np.nonzero(np.maximum.reduce(masks))
        y0, y1, x0, x1 = int(ys.min()), int(ys.max()), int(xs.min()), int(xs.max())
        pad = int(0.06 * max(y1 - y0, x1 - x0)) + 6
    y0, y1, x0, x1 = int(y0), int(y1), int(x0), int(x1)
    h, w = masks[0].shape
    return max(0, y0 - pad), min(h, y1 + pad), max(0, x0 - pad), min(w, x1 + pad)


def _label(img: RGB, text: str) -> None:
    font, scale = cv2.FONT_HERSHEY_SIMPLEX, 0.6
    (tw, th), base = cv2.getTextSize(text, font, scale, 1)
    cv2.rectangle(img, (4, 4), (12 + tw, 12 + th + base), (29, 39, 51), -1)
    cv2.putText(img, text, (8, 8 + th), font, scale, (255, 255, 255), 1, cv2.LINE_AA)


def render_scene(scene: Scene, /) -> RGB:
    """Start and end side by side, labelled, with an arrow between them."""
    cam = _camera(scene)
    both = scene_points(scene)
    drawn = [_render(scene, pts, cam, DIMS) for pts in both]
    focus = [project(np.stack([p[n] for n in scene.focus]), cam)[0] for p in both if scene.focus]
    if scene.focus_world:
        focus.append(project(np.asarray(scene.focus_world, dtype=np.float64), cam)[0])
    y0, y1, x0, x1 = _crop_box([m for _, m in drawn], focus)
    panels = []
    for (img, _), text in zip(drawn, ("start", "end"), strict=True):
        crop = img[y0:y1, x0:x1]
        width = max(1, round(crop.shape[1] * PANEL_HEIGHT_PX / crop.shape[0]))
        panel = np.ascontiguousarray(
            cv2.resize(crop, (width, PANEL_HEIGHT_PX), interpolation=cv2.INTER_AREA)
        )
        if scene.inset is not None:
            scene.inset(panel, text == "end")
        _label(panel, text)
        panels.append(panel)
    gap = np.full((PANEL_HEIGHT_PX, 44, 3), 255, dtype=np.uint8)
    mid = PANEL_HEIGHT_PX // 2
    cv2.arrowedLine(gap, (6, mid), (38, mid), (29, 39, 51), 3, cv2.LINE_AA, 0, 0.4)
    return np.ascontiguousarray(np.concatenate([panels[0], gap, panels[1]], axis=1))


def exercise_scene(exercise_id: str, /, *, band: str | None = None) -> Scene:
    """The scene of a catalogue drill, its band in the colour given. KeyError for a drill
    without a picture."""
    return SCENES[exercise_id](BAND_COLOURS.get(band or "", BAND))


@cache
def exercise_picture(exercise_id: str, /, *, band: str | None = None) -> bytes:
    """PNG of the drill's start and end positions, the band (if any) in the colour the
    program prescribes (drawn once per run)."""
    return png_bytes(render_scene(exercise_scene(exercise_id, band=band)))


def exercise_caption(exercise_id: str, /) -> str:
    return exercise_scene(exercise_id).caption
