"""Exercise pictures: every catalogue drill has one (start and end drawn by the figure
renderer), the still-pose kinematics keep segment lengths and joint-angle signs, and no
figure goes through the floor."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from valgus.program.catalogue import load_catalogue
from valgus.report.exercise_pictures import (
    DIMS,
    PANEL_HEIGHT_PX,
    SCENES,
    exercise_caption,
    exercise_picture,
    exercise_scene,
    scene_points,
)
from valgus.synth.body import body_dims
from valgus.synth.camera import CameraParams, project
from valgus.synth.figure_pose import (
    Arm,
    Leg,
    PlantedFoot,
    Pose,
    lowest_surface_y,
    pose_points,
    settle,
    standing_pelvis_height_m,
    two_link,
)
from valgus.synth.render import RenderParams, background, draw_frame

IDS = load_catalogue().ids
D = body_dims(1.75)
H = standing_pelvis_height_m(D)
SEGMENTS = {
    "thigh_m": ("hip", "knee"),
    "shank_m": ("knee", "ankle"),
    "upper_arm_m": ("shoulder", "elbow"),
    "forearm_m": ("elbow", "wrist"),
}


def _decode(png: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert img is not None
    return img


@pytest.mark.parametrize("exercise_id", IDS)
def test_every_drill_has_a_start_and_end_picture(exercise_id: str) -> None:
    img = _decode(exercise_picture(exercise_id))
    assert img.shape[0] == PANEL_HEIGHT_PX and img.shape[1] > 1.2 * PANEL_HEIGHT_PX
    # Two equal-width panels with a 44 px gap (the arrow) between them.
    panel = (img.shape[1] - 44) // 2
    start, end = img[:, :panel], img[:, -panel:]
    assert not np.array_equal(start, end)  # the end position differs from the start
    gap = img[:, panel : panel + 44]
    assert (gap < 100).any() and (gap == 255).mean() > 0.8  # a dark arrow on white
    assert len(exercise_caption(exercise_id)) > 20


def test_the_picture_is_drawn_once_per_run() -> None:
    assert exercise_picture(IDS[0]) is exercise_picture(IDS[0])


def test_a_drill_without_a_picture_is_a_key_error() -> None:
    with pytest.raises(KeyError):
        exercise_scene("no_such_drill")
    assert set(SCENES) == set(IDS)  # no picture left without its drill either


@pytest.mark.parametrize("exercise_id", IDS)
def test_no_limb_through_the_floor_and_no_detached_part(exercise_id: str) -> None:
    scene = exercise_scene(exercise_id)
    for pts in scene_points(scene):
        low = lowest_surface_y(pts, DIMS)
        assert low > -0.004, f"{exercise_id}: a part is {-low * 100:.1f} cm under the floor"
        assert low < 0.01, f"{exercise_id}: the figure floats {low * 100:.1f} cm up"
        for side in ("left", "right"):
            for length, (a, b) in SEGMENTS.items():
                got = np.linalg.norm(pts[f"{side}_{a}"] - pts[f"{side}_{b}"])
                assert got == pytest.approx(getattr(DIMS, length), abs=1e-9)
            up = pts[f"{side}_foot_up"]
            assert np.linalg.norm(up) == pytest.approx(1.0)


def test_standing_pose_matches_the_body_dimensions() -> None:
    p = pose_points(Pose(root=(0.0, H, 0.0)), D)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        assert p[f"{side}_ankle"] == pytest.approx(
            [sign * D.hip_joint_width_m / 2, 0.039 * 1.75, 0]
        )
        assert p[f"{side}_heel"][1] == pytest.approx(0.022)
        assert p[f"{side}_foot_index"][2] > p[f"{side}_heel"][2]  # toes forward (+z)
    assert lowest_surface_y(p, D) == pytest.approx(0.0, abs=0.002)
    assert p["neck"][1] == pytest.approx(H + D.trunk_m)


@pytest.mark.parametrize(
    ("leg", "side", "axis", "sign"),
    [
        (Leg(hip_flex_deg=90), "left", 2, 1.0),  # knee forward
        (Leg(hip_abd_deg=30), "left", 0, 1.0),  # left knee to the left (+x)
        (Leg(hip_abd_deg=30), "right", 0, -1.0),  # right knee to the right (-x)
        (Leg(hip_flex_deg=60, knee_flex_deg=90, knee_out_deg=25), "left", 0, 1.0),
        (Leg(hip_flex_deg=60, knee_flex_deg=90, knee_out_deg=25), "right", 0, -1.0),
    ],
)
def test_joint_angle_signs(leg: Leg, side: str, axis: int, sign: float) -> None:
    neutral = pose_points(Pose(root=(0.0, H, 0.0)), D)
    moved = pose_points(Pose(root=(0.0, H, 0.0), left_leg=leg, right_leg=leg), D)
    base = Leg(hip_flex_deg=leg.hip_flex_deg, knee_flex_deg=leg.knee_flex_deg)
    ref = pose_points(Pose(root=(0.0, H, 0.0), left_leg=base, right_leg=base), D)
    if leg.knee_out_deg:  # knee_out swings the knee about the hip-ankle line: foot stays
        assert moved[f"{side}_ankle"] == pytest.approx(ref[f"{side}_ankle"])
        neutral = ref
    shift = moved[f"{side}_knee"][axis] - neutral[f"{side}_knee"][axis]
    assert sign * shift > 0.05


def test_planted_feet_and_hands_reach_their_targets() -> None:
    pose = Pose(
        root=(0.0, H - 0.25, -0.1),
        left_leg=Leg(planted=PlantedFoot(0.15, 0.05, toe_out_deg=15)),
        right_leg=Leg(planted=PlantedFoot(-0.12, -0.5, heel_raise_deg=30)),
        left_arm=Arm(hand_at=(0.35, 1.2, 0.35)),
    )
    p = pose_points(pose, D)
    assert p["left_ankle"] == pytest.approx([0.15, D.ankle_height_m, 0.05])
    assert p["left_heel"][1] == pytest.approx(0.022) and p["left_foot_index"][1] == pytest.approx(
        0.018
    )
    assert p["left_foot_index"][0] > p["left_heel"][0]  # toes turned out
    assert p["right_foot_index"][1] == pytest.approx(0.018)  # on the ball of the foot
    assert p["right_heel"][1] > 0.1  # heel raised
    assert p["left_wrist"] == pytest.approx([0.35, 1.2, 0.35])


def test_two_link_round_trip() -> None:
    target = np.array([0.05, -0.6, 0.3])
    flex, abd, bend = two_link(target, D.thigh_m, D.shank_m, side_sign=1, bend_sign=1)
    p = pose_points(
        Pose(
            root=(0.0, 1.0, 0.0),
            left_leg=Leg(hip_flex_deg=flex, hip_abd_deg=abd, knee_flex_deg=bend),
        ),
        body_dims(1.75),
    )
    assert p["left_ankle"] - p["left_hip"] == pytest.approx([0.05, -0.6, 0.3], abs=1e-9)


def test_settle_rests_a_lying_figure_on_the_floor() -> None:
    lying = Pose(root=(0.0, 0.6, 0.0), roll_deg=-90)
    p = pose_points(settle(lying, D), D)
    assert lowest_surface_y(p, D) == pytest.approx(0.002)
    assert p["head_top"][0] > p["pelvis"][0] + 0.5  # lying along +x, head first


def test_a_lifted_foot_is_drawn_where_the_foot_is() -> None:
    """The renderer draws a shoe off the floor at the foot (its '{side}_foot_up')."""
    scene = exercise_scene("side_lying_hip_abduction")
    _, end = scene_points(scene)
    cam = CameraParams(
        yaw_deg=0, height_m=1.6, distance_m=2.6, pitch_deg=30, width_px=480, height_px=360
    )
    style = RenderParams()
    img = draw_frame(end, cam, DIMS, style, background(cam, style))
    shoe = np.all(np.abs(img.astype(int) - style.shoe_rgb) < 30, axis=2)
    ys, xs = np.nonzero(shoe)
    toe, _ = project(end["right_foot_index"], cam)
    floor_below, _ = project(end["right_foot_index"] * np.array([1.0, 0.0, 1.0]), cam)
    near_toe = np.hypot(xs - toe[0], ys - toe[1]) < 25
    near_floor = np.hypot(xs - floor_below[0], ys - floor_below[1]) < 10
    assert near_toe.sum() > 20 and near_floor.sum() == 0
