"""Synthetic squat generator: motion geometry, camera, truth file and video (no pose model)."""

from __future__ import annotations

import json
from pathlib import Path

import av
import numpy as np
import pytest

from valgus.kinematics.angles import flexion_deg_3d
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat, truth_path
from valgus.synth.camera import project
from valgus.synth.motion import generate_squat
from valgus.synth.truth import SIDE_MEASURES, TRUTH_POINTS

FPS = 30.0


def _bottom_frames(motion) -> list[int]:
    return [int(np.argmin(np.abs(motion.t_s - b))) for _, b, _ in motion.reps]


@pytest.mark.parametrize("pattern", ["bottom_only", "throughout"])
@pytest.mark.parametrize(("left", "right"), [(0.0, 0.0), (10.0, 0.0), (0.0, 20.0), (15.0, 25.0)])
def test_bottom_hits_requested_frontal_fppa(pattern: str, left: float, right: float) -> None:
    motion = generate_squat(
        SquatParams(reps=2, valgus_left_deg=left, valgus_right_deg=right, pattern=pattern), FPS
    )  # type: ignore[arg-type]
    for i in _bottom_frames(motion):
        assert motion.depth[i] == pytest.approx(1.0, abs=1e-6)
        valgus = motion.fppa_frontal_deg[i] - motion.fppa_neutral_deg[i]
        np.testing.assert_allclose(valgus, [left, right], atol=0.05)
        assert np.all(motion.fppa_neutral_deg[i] < 0)  # toes out: knees over toes look lateral


def test_bottom_only_is_straight_at_mid_descent_and_throughout_is_not() -> None:
    kw = {"reps": 1, "valgus_left_deg": 15.0, "valgus_right_deg": 15.0}
    for pattern, expected in (("bottom_only", 0.0), ("throughout", 15.0)):
        m = generate_squat(SquatParams(pattern=pattern, **kw), FPS)  # type: ignore[arg-type]
        descent = np.flatnonzero(m.t_s <= m.reps[0][1])
        drop = m.point("pelvis")[0, 1] - m.point("pelvis")[:, 1]
        mid = descent[np.argmax(drop[descent] >= 0.5 * drop.max())]  # half the hip drop
        assert drop[mid] == pytest.approx(0.5 * drop.max(), rel=0.1)  # one frame at 30 fps
        valgus = m.fppa_frontal_deg[mid] - m.fppa_neutral_deg[mid]
        np.testing.assert_allclose(valgus, expected, atol=0.5)


def test_segment_lengths_are_kept_and_flexion_reaches_depth() -> None:
    m = generate_squat(SquatParams(reps=1, depth_deg=100, valgus_left_deg=20), FPS)
    thigh = np.linalg.norm(m.point("left_hip") - m.point("left_knee"), axis=-1)
    shank = np.linalg.norm(m.point("left_knee") - m.point("left_ankle"), axis=-1)
    assert np.ptp(thigh) < 1e-5 and np.ptp(shank) < 1e-5  # 0.01 mm
    i = _bottom_frames(m)[0]
    flex = flexion_deg_3d(m.point("left_hip")[i], m.point("left_knee")[i], m.point("left_ankle")[i])
    assert flex == pytest.approx(100.0, abs=1.0)
    assert np.ptp(m.point("left_ankle"), axis=0).max() == 0.0  # feet stay put


def test_straight_leg_clamps_valgus_to_zero() -> None:
    m = generate_squat(SquatParams(reps=1, valgus_left_deg=20, pattern="throughout"), FPS)
    assert abs(m.fppa_target_deg[0, 0]) < 0.5 and abs(m.fppa_frontal_deg[0, 0]) < 0.5


def test_camera_projects_known_points() -> None:
    cam = CameraParams(width_px=720, height_px=1280, height_m=0.9, distance_m=3.0, hfov_deg=60)
    xy, depth = project(np.array([[0.0, 0.9, 0.0], [1.0, 0.9, 0.0], [0.0, 0.0, 0.0]]), cam)
    f = 360 / np.tan(np.radians(30))
    np.testing.assert_allclose(xy[0], [360, 640])
    np.testing.assert_allclose(xy[1], [360 + f / 3, 640])  # subject's left is image right
    np.testing.assert_allclose(xy[2], [360, 640 + f * 0.9 / 3])  # floor is below
    np.testing.assert_allclose(depth, 3.0)
    side = CameraParams(yaw_deg=90)
    xy_side, depth_side = project(np.array([[0.0, 0.9, 1.0]]), side)
    assert xy_side[0, 0] < 360 and depth_side[0] == pytest.approx(
        side.distance_m
    )  # facing image left


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("synth") / "squat.mp4"
    truth = render_squat(
        out,
        SquatParams(
            reps=1,
            rep_s=1.0,
            pause_before_s=0.2,
            pause_after_s=0.2,
            valgus_left_deg=12,
            valgus_right_deg=6,
            pattern="throughout",
        ),
        CameraParams(width_px=240, height_px=426),
        RenderParams(fps=20, rotation_deg=90, noise_std=2.0),
    )
    return out, truth


def test_truth_file_fields_are_present_and_consistent(rendered: tuple[Path, dict]) -> None:
    out, truth = rendered
    on_disk = json.loads(truth_path(out).read_text())
    assert on_disk == truth
    assert truth["schema"] == "valgus.synth.truth" and truth["schema_version"] == 1
    assert set(truth["params"]) == {"squat", "camera", "render"}
    assert truth["video"] == {
        "path": "squat.mp4",
        "fps": 20,
        "frames": 28,
        "width": 240,
        "height": 426,
        "rotation": 90,
    }
    assert len(truth["frames"]) == 28
    frame = truth["frames"][10]
    assert set(frame["points_2d"]) == set(TRUTH_POINTS) == set(frame["points_3d"])
    for side in ("left", "right"):
        assert set(frame[side]) == set(SIDE_MEASURES)
    (rep,) = truth["reps"]
    bottom = truth["frames"][rep["bottom_frame"]]
    assert bottom["depth"] == pytest.approx(1.0)
    assert rep["left"]["valgus_frontal_deg"] == pytest.approx(12.0, abs=0.05)
    assert rep["right"]["valgus_frontal_deg"] == pytest.approx(6.0, abs=0.05)
    assert rep["left"]["fppa_deg"] == bottom["left"]["fppa_deg"]
    assert rep["kasr"] == bottom["kasr"]
    assert rep["left"]["mkd"] > rep["right"]["mkd"]  # 12 deg of valgus moves the knee in more
    assert truth["frames"][0]["left"]["knee_flexion_deg"] == pytest.approx(0.0, abs=2.0)  # sway


def test_video_decodes_with_size_frames_and_rotation(rendered: tuple[Path, dict]) -> None:
    out, _ = rendered
    with av.open(str(out)) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == 28
    assert (frames[0].width, frames[0].height) == (426, 240)  # stored turned
    assert frames[0].rotation == -90  # display matrix: turn 90 degrees clockwise to show


@pytest.mark.parametrize(
    "kwargs",
    [{"reps": 0}, {"depth_deg": 200}, {"pattern": "sometimes"}, {"valgus_left_deg": 90}],
)
def test_bad_squat_params_are_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        SquatParams(**kwargs)


def test_bad_camera_and_render_params_are_refused() -> None:
    with pytest.raises(ValueError):
        CameraParams(width_px=721)
    with pytest.raises(ValueError):
        RenderParams(rotation_deg=45)
