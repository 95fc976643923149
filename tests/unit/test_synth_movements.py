"""Synthetic single-leg squat, drop jump and heel-raised squat: motion geometry against
analytic answers, their truth files, and one small render each (no pose model)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from valgus.cli.main import app
from valgus.errors import InputError
from valgus.synth import (
    CameraParams,
    DropJumpParams,
    RenderParams,
    SingleLegSquatParams,
    SquatParams,
    generate_movement,
    render_movement,
    truth_path,
)
from valgus.synth.body import body_dims
from valgus.synth.drop_jump import G, drop_jump_motion
from valgus.synth.motion import Motion, heel_raise_pitch_deg
from valgus.synth.options import movement_params, option_problems
from valgus.synth.truth import build_truth
from valgus.synth.truth_poses import truth_poses

FPS = 30.0
DIMS = body_dims(1.75)


def _sole_ends(m: Motion, side: str) -> tuple[np.ndarray, np.ndarray]:
    """Front and rear ends (n, 3) of a sole, solved from the ankle, heel and sole normal.

    body.foot_at_ankle puts the heel heel_back behind the ankle along the foot and
    (ankle height - 2.2 cm) below it along the sole normal; the sole's front end is
    sole_front ahead along the foot and the ankle height below.
    """
    ankle, heel, up = (m.point(f"{side}_{n}") for n in ("ankle", "heel", "foot_up"))
    sc = DIMS.scale
    fwd = -(heel - ankle - up * (0.022 * sc - DIMS.ankle_height_m)) / DIMS.heel_back_m
    front = ankle + fwd * (DIMS.foot_length_m - DIMS.heel_back_m) - up * DIMS.ankle_height_m
    return front, front - fwd * (DIMS.foot_length_m + 0.012 * sc)


def _lowest_sole_y(m: Motion, side: str) -> np.ndarray:
    """Height (n,) of the lowest point of a (flat, rigid) sole."""
    front, rear = _sole_ends(m, side)
    return np.asarray(np.minimum(front[:, 1], rear[:, 1]))


def _truth(params: Any, cam: CameraParams | None = None) -> dict[str, Any]:
    m = generate_movement(params, FPS)
    return build_truth(m, params, cam or CameraParams(), {}, {})


def _in_reps(m: Motion) -> np.ndarray:
    mask = np.zeros(m.t_s.size, dtype=bool)
    for start, _, end in m.reps:
        mask |= (m.t_s >= start) & (m.t_s < end)
    return mask


# ---------------------------------------------------------------- single-leg squat


@pytest.mark.parametrize("side", ["left", "right"])
def test_sls_stance_foot_stays_flat_on_the_floor(side: str) -> None:
    m = generate_movement(SingleLegSquatParams(stance_side=side, reps=2, valgus_deg=15), FPS)
    for name in ("ankle", "heel", "foot_index"):
        assert np.ptp(m.point(f"{side}_{name}"), axis=0).max() == 0.0
    assert m.point(f"{side}_heel")[0, 1] == pytest.approx(0.022)  # flat: heel 2.2 cm up
    assert np.all(_lowest_sole_y(m, side) == pytest.approx(0.0, abs=1e-12))


@pytest.mark.parametrize(
    ("foot", "knee"),
    [("behind", 75.0), ("behind", 90.0), ("behind", 110.0), ("front", 45.0), ("front", 100.0)],
)
@pytest.mark.parametrize("depth", [30.0, 60.0, 100.0])
def test_sls_lifted_foot_is_clear_of_the_floor(foot: str, knee: float, depth: float) -> None:
    p = SingleLegSquatParams(
        stance_side="left",
        reps=2,
        depth_deg=depth,
        lifted_foot=foot,  # type: ignore[arg-type]
        lifted_knee_deg=knee,
        pelvic_drop_deg=12,
    )
    m = generate_movement(p, FPS)
    low = _lowest_sole_y(m, "right")
    assert low.min() >= -1e-9  # never through the floor, lift-off included
    assert low[_in_reps(m)].min() > 0.10  # > 10 cm off the floor all through the reps
    for a, b in (("hip", "knee"), ("knee", "ankle")):
        seg = np.linalg.norm(m.point(f"right_{a}") - m.point(f"right_{b}"), axis=-1)
        assert np.ptp(seg) < 1e-6  # the lifted leg keeps its segment lengths


@pytest.mark.parametrize("side", ["left", "right"])
@pytest.mark.parametrize(("drop", "lean"), [(8.0, 10.0), (-4.0, -6.0), (0.0, 0.0)])
def test_sls_pelvic_drop_and_trunk_lean_truth_match_the_request(
    side: str, drop: float, lean: float
) -> None:
    p = SingleLegSquatParams(
        stance_side=side, reps=2, valgus_deg=10, pelvic_drop_deg=drop, trunk_lean_deg=lean
    )
    truth = _truth(p)  # frontal camera at 2.5 m
    far = _truth(p, CameraParams(distance_m=8.0))
    for rep, rep_far in zip(truth["reps"], far["reps"], strict=True):
        assert rep["stance_side"] == side
        # Both hips at the same depth: a level frontal camera sees the drop exactly.
        assert rep["pelvic_drop_deg"] == pytest.approx(drop, abs=0.5)
        assert rep["pelvic_drop_frontal_deg"] == pytest.approx(drop, abs=0.5)
        assert rep["trunk_lean_frontal_deg"] == pytest.approx(lean, abs=0.5)
        # Projected: the leaning trunk comes toward the camera; perspective adds a little.
        assert rep["trunk_lean_deg"] == pytest.approx(lean, abs=1.2)
        assert rep_far["trunk_lean_deg"] == pytest.approx(lean, abs=0.5)
        assert rep["stance"]["valgus_frontal_deg"] == pytest.approx(10.0, abs=0.05)
        assert rep["stance"]["knee_flexion_deg"] == pytest.approx(60.0, abs=0.5)
        assert rep["requested"]["pelvic_drop_deg"] == drop


def test_sls_valgus_moves_the_stance_knee_in() -> None:
    straight = _truth(SingleLegSquatParams(reps=1, valgus_deg=0))["reps"][0]["stance"]
    caving = _truth(SingleLegSquatParams(reps=1, valgus_deg=20))["reps"][0]["stance"]
    assert caving["fppa_deg"] - straight["fppa_deg"] == pytest.approx(20.0, abs=3.0)
    assert caving["mkd"] > straight["mkd"] + 0.03


def test_sls_valgus_per_stance_leg() -> None:
    """--valgus-left / --valgus-right: each stance leg its own valgus (the other defaults
    to --valgus), in the motion and in the truth."""
    p = SingleLegSquatParams(stance_side="alternate", reps=2, valgus_deg=4, valgus_left_deg=15)
    truth = _truth(p)
    got = {(r["stance_side"], r["requested"]["valgus_deg"]) for r in truth["reps"]}
    assert got == {("left", 15.0), ("right", 4.0)}
    for rep in truth["reps"]:
        want = 15.0 if rep["stance_side"] == "left" else 4.0
        assert rep["stance"]["valgus_frontal_deg"] == pytest.approx(want, abs=0.2)
    with pytest.raises(InputError, match=r"valgus_right_deg must be in -30\.\.45"):
        SingleLegSquatParams(valgus_right_deg=50)


def test_sls_both_sides_runs_left_then_right_with_a_two_leg_stance_between() -> None:
    p = SingleLegSquatParams(stance_side="both")
    m = generate_movement(p, FPS)
    assert m.rep_sides == ("left",) * 5 + ("right",) * 5
    assert len(m.reps) == 10
    assert m.t_s.size == round(p.duration_s * FPS)
    gap = (m.t_s > m.reps[4][2] + p.shift_s) & (m.t_s < m.reps[5][0] - p.shift_s)
    assert gap.any() and {m.labels[i] for i in np.flatnonzero(gap)} == {"both"}
    for (start, bottom, end), side in zip(m.reps, m.rep_sides, strict=True):
        i = int(np.argmin(np.abs(m.t_s - bottom)))
        assert m.labels[i] == side and m.depth[i] == pytest.approx(1.0, abs=0.01)
        assert end - start == pytest.approx(p.rep_s)
    truth = build_truth(m, p, CameraParams(), {}, {})
    assert [r["stance_side"] for r in truth["reps"]] == list(m.rep_sides)
    assert truth["frames"][0]["stance"] == "both"
    assert truth["frames"][0]["pelvic_drop_deg"] is None


def test_sls_pelvis_is_over_the_stance_foot() -> None:
    m = generate_movement(SingleLegSquatParams(stance_side="right", reps=1, sway_mm=0), FPS)
    one_leg = m.series["single_leg"] == 1.0
    offset = m.point("pelvis")[one_leg, 0] - m.point("right_ankle")[one_leg, 0]
    # Within the foot's breadth, on its medial half (the stance femur adducts a little).
    assert np.all(np.abs(offset) < DIMS.foot_breadth_m / 2)
    assert np.all(offset > 0)  # medial of the right ankle = toward +x


# ---------------------------------------------------------------- drop jump


def _sole_at(p: DropJumpParams, times: list[float]) -> np.ndarray:
    m = drop_jump_motion(p, np.asarray(times, dtype=np.float64))
    return np.minimum(_lowest_sole_y(m, "left"), _lowest_sole_y(m, "right"))


@pytest.mark.parametrize("box", [0.30, 0.45])
def test_drop_jump_feet_fall_freely_from_box_height(box: float) -> None:
    p = DropJumpParams(box_height_m=box, valgus_left_deg=12)
    m = generate_movement(p, FPS)
    ev = m.events[0]
    assert ev["contact_s"] - ev["drop_s"] == pytest.approx(np.sqrt(2 * box / G), abs=1e-12)
    sole = np.minimum(_lowest_sole_y(m, "left"), _lowest_sole_y(m, "right"))
    before = m.t_s < ev["drop_s"]
    np.testing.assert_allclose(sole[before], box, atol=1e-9)  # on the box until the drop
    falling = (m.t_s >= ev["drop_s"]) & (m.t_s < ev["contact_s"])
    tau = m.t_s[falling] - ev["drop_s"]
    np.testing.assert_allclose(sole[falling], box - G * tau**2 / 2, atol=1e-9)
    # Seen in frames: last frame on the box to first frame on the floor.
    on_floor = np.flatnonzero((sole < 1e-9) & (m.t_s > ev["drop_s"]))[0]
    last_box = np.flatnonzero(np.abs(sole - box) < 1e-9)[-1]  # the drop frame itself
    fall_frames = (on_floor - last_box) / FPS
    assert abs(fall_frames - np.sqrt(2 * box / G)) <= 1 / FPS + 1e-9


def test_drop_jump_feet_touch_and_leave_the_floor_at_the_event_times() -> None:
    p = DropJumpParams()
    ev = generate_movement(p, FPS).events[0]
    eps = 1e-4
    c, off, back = ev["contact_s"], ev["take_off_s"], ev["second_contact_s"]
    sole = _sole_at(p, [c - eps, c, c + eps, off - eps, off + eps, back - eps, back])
    assert sole[0] > 0 and sole[1] == pytest.approx(0.0, abs=1e-12)
    assert sole[2] == pytest.approx(0.0, abs=1e-12) and sole[3] == pytest.approx(0.0, abs=1e-12)
    assert sole[4] > 0 and sole[5] > 0 and sole[6] == pytest.approx(0.0, abs=1e-12)
    # Ground contact 0.3-0.5 s (typical); flight time of a 25 cm jump 2 sqrt(2 h / g).
    assert 0.3 <= off - c <= 0.5
    assert back - off == pytest.approx(2 * np.sqrt(2 * 0.25 / G), abs=1e-9)
    peak = drop_jump_motion(p, np.array([ev["peak_flexion_s"]]))
    assert peak.series["knee_flexion_deg"][0] == pytest.approx(p.peak_flexion_deg)


def test_drop_jump_valgus_rises_from_contact_to_peak_flexion() -> None:
    p = DropJumpParams(valgus_left_deg=15, valgus_right_deg=5)
    ev = generate_movement(p, FPS).events[0]
    exact = drop_jump_motion(p, np.array([ev["contact_s"], ev["peak_flexion_s"]]))
    valgus = exact.fppa_frontal_deg - exact.fppa_neutral_deg
    np.testing.assert_allclose(valgus[0], [0.0, 0.0], atol=0.05)  # initial contact
    np.testing.assert_allclose(valgus[1], [15.0, 5.0], atol=0.05)  # peak flexion
    (trial,) = _truth(p)["trials"]
    at_peak, at_contact = trial["at_peak_flexion"], trial["at_contact"]
    assert trial["contact_frame"] == int(np.ceil(ev["contact_s"] * FPS))
    assert at_peak["left"]["knee_flexion_deg"] == pytest.approx(80.0, abs=2.0)
    assert at_peak["left"]["valgus_frontal_deg"] == pytest.approx(15.0, rel=0.03)
    assert at_peak["right"]["valgus_frontal_deg"] == pytest.approx(5.0, rel=0.03)
    assert at_peak["left"]["fppa_deg"] - at_peak["right"]["fppa_deg"] > 5.0
    assert at_contact["left"]["valgus_frontal_deg"] < at_peak["left"]["valgus_frontal_deg"]
    assert trial["fall_s"] == pytest.approx(np.sqrt(0.6 / G), abs=1e-3)


def test_drop_jump_box_is_under_the_start_and_behind_the_landing() -> None:
    p = DropJumpParams(trials=2)
    m = generate_movement(p, FPS)
    (box,) = m.blocks
    assert box.kind == "box" and box.y1 == p.box_height_m
    for side in ("left", "right"):
        for pts in _sole_ends(m, side):
            start = pts[0]
            assert box.z0 < start[2] <= box.z1 + 1e-9 and box.x0 < start[0] < box.x1
            assert np.all(pts[-1, 2] > box.z1 + 0.1)  # landed > 10 cm in front of the box
            over_box = (pts[:, 2] < box.z1) & (np.abs(pts[:, 0]) < box.x1)
            assert np.all(pts[over_box, 1] >= box.y1 - 1e-9)  # never through the box
    starts = [e["start_s"] for e in m.events]
    assert starts == pytest.approx([0.0, p.trial_s])  # trial 2 starts on the box again
    i = int(np.ceil(starts[1] * FPS)) + 1
    assert _lowest_sole_y(m, "left")[i] == pytest.approx(p.box_height_m)


# ---------------------------------------------------------------- heel-raised squat


def test_heel_raise_lifts_the_heels_5_cm_onto_the_board() -> None:
    flat = generate_movement(SquatParams(reps=1), FPS)
    raised = generate_movement(SquatParams(reps=1, heel_raise_m=0.05, valgus_left_deg=10), FPS)
    assert flat.blocks == () and "left_foot_up" not in flat.names
    assert raised.movement == "heel-raised-squat"
    (board,) = raised.blocks
    assert board.kind == "board" and board.y1 == pytest.approx(0.05)
    for side in ("left", "right"):
        front, rear = _sole_ends(raised, side)
        assert rear[0, 1] == pytest.approx(0.05, abs=1e-9)  # the heel end on the board's top
        assert rear[0, 2] == pytest.approx(board.z1, abs=1e-9)  # ... at its front edge
        assert front[0, 1] == pytest.approx(0.0, abs=1e-9)  # the toes on the floor
        lift = raised.point(f"{side}_heel")[0, 1] - flat.point(f"{side}_heel")[0, 1]
        assert 0.04 < lift < 0.05  # the heel landmark rises nearly the full 5 cm
    pitch = heel_raise_pitch_deg(DIMS, 0.05)
    assert pitch == pytest.approx(np.degrees(np.arcsin(0.05 / (0.152 * 1.75 + 0.012))))
    i = int(np.argmin(np.abs(raised.t_s - raised.reps[0][1])))
    valgus = raised.fppa_frontal_deg[i] - raised.fppa_neutral_deg[i]
    np.testing.assert_allclose(valgus, [10.0, 0.0], atol=0.05)  # valgus stays a parameter


# ---------------------------------------------------------------- parameters and CLI


@pytest.mark.parametrize(
    ("cls", "kwargs"),
    [
        (SingleLegSquatParams, {"stance_side": "middle"}),
        (SingleLegSquatParams, {"lifted_knee_deg": 45, "lifted_foot": "behind"}),
        (SingleLegSquatParams, {"pelvic_drop_deg": 40}),
        (SingleLegSquatParams, {"arms": "overhead"}),
        (DropJumpParams, {"trials": 4}),
        (DropJumpParams, {"box_height_m": 1.0}),
        (DropJumpParams, {"peak_flexion_deg": 25}),
        (SquatParams, {"heel_raise_m": 0.2}),
    ],
)
def test_bad_movement_params_are_refused(cls: type, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InputError):
        cls(**kwargs)


def test_cli_options_map_to_movement_params() -> None:
    none: dict[str, Any] = dict.fromkeys(
        [
            "valgus_left",
            "valgus_right",
            "valgus",
            "pattern",
            "side",
            "pelvic_drop",
            "trunk_lean",
            "lifted_foot",
            "heel_raise",
            "box_height",
            "trials",
            "jump_height",
            "reps",
            "depth",
            "rep_s",
            "arms",
        ]
    )
    heel = movement_params("heel-raised-squat", {**none, "seed": 1})
    assert isinstance(heel, SquatParams) and heel.heel_raise_m == 0.05 and heel.seed == 1
    sls = movement_params(
        "single-leg-squat", {**none, "seed": 0, "side": "both", "pelvic_drop": 6.0}
    )
    assert isinstance(sls, SingleLegSquatParams) and sls.pelvic_drop_deg == 6.0
    assert sls.reps == 5 and sls.depth_deg == 60.0
    dj = movement_params("drop-jump", {**none, "seed": 0, "box_height": 0.4, "trials": 3})
    assert isinstance(dj, DropJumpParams) and (dj.box_height_m, dj.trials) == (0.4, 3)
    assert option_problems("squat", {"--box-height": 0.3, "--reps": 3}) == [
        "--box-height does not apply to --movement squat (it is for drop-jump)"
    ]
    wide = movement_params("squat", {**none, "seed": 0, "toe_out": 40.0, "stance_width": 2.0})
    assert isinstance(wide, SquatParams) and (wide.toe_out_deg, wide.stance_width) == (40.0, 2.0)
    one_knee = movement_params(
        "single-leg-squat", {**none, "seed": 0, "valgus": 2.0, "valgus_left": 15.0}
    )
    assert isinstance(one_knee, SingleLegSquatParams)
    assert (one_knee.stance_valgus_deg("left"), one_knee.stance_valgus_deg("right")) == (15, 2)
    assert option_problems("single-leg-squat", {"--valgus-left": 15.0}) == []
    sls_out = movement_params("single-leg-squat", {**none, "seed": 0, "toe_out": 20.0})
    assert isinstance(sls_out, SingleLegSquatParams) and sls_out.toe_out_deg == 20.0


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--movement", "squat", "--trials", "2"], "--trials does not apply"),
        (["--movement", "single-leg-squat", "--trunk-lean", "60"], "trunk_lean_deg must be"),
        (["--movement", "drop-jump", "--box-height", "2"], "box_height_m must be"),
        (["--movement", "hop"], "expected one of"),
        (["--movement", "single-leg-squat", "--stance-width", "2"], "--stance-width does not"),
        (["--toe-out", "60"], "toe_out_deg must be in -20..45"),
    ],
)
def test_cli_refuses_bad_movement_options(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "x.mp4"
    res = CliRunner().invoke(app, ["synth", str(out), *args])
    assert res.exit_code == 2
    text = " ".join((res.stdout + res.stderr).replace("│", " ").split())
    assert message in text and "Traceback" not in text
    assert not out.exists()


# ---------------------------------------------------------------- small renders


SMALL_CAMERA = CameraParams(width_px=240, height_px=426)
SMALL_RENDER = RenderParams(fps=15)
RENDERS: dict[str, Any] = {
    "sls": SingleLegSquatParams(
        reps=1, rep_s=1.0, shift_s=0.4, pause_before_s=0.2, pause_after_s=0.2, valgus_deg=10
    ),
    "dvj": DropJumpParams(pause_before_s=0.2, pause_after_s=0.2, valgus_left_deg=10),
    "heel": SquatParams(
        reps=1, rep_s=1.0, pause_before_s=0.2, pause_after_s=0.2, heel_raise_m=0.05
    ),
}
MOVEMENT_NAMES = {"sls": "single-leg-squat", "dvj": "drop-jump", "heel": "heel-raised-squat"}


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, dict[str, Any]]]:
    folder = tmp_path_factory.mktemp("movements")
    out = {}
    for key, params in RENDERS.items():
        video = folder / f"{key}.mp4"
        out[key] = (video, render_movement(video, params, SMALL_CAMERA, SMALL_RENDER))
    return out


@pytest.mark.parametrize("key", list(RENDERS))
def test_render_decodes_with_the_truth_frame_count(
    rendered: dict[str, tuple[Path, dict[str, Any]]], key: str
) -> None:
    video, truth = rendered[key]
    expected = round(RENDERS[key].duration_s * SMALL_RENDER.fps)
    with av.open(str(video)) as container:
        frames = list(container.decode(video=0))
    assert len(frames) == len(truth["frames"]) == truth["video"]["frames"] == expected
    assert (frames[0].width, frames[0].height) == (240, 426)
    assert json.loads(truth_path(video).read_text()) == truth
    assert truth["movement"] == MOVEMENT_NAMES[key]
    assert truth["schema_version"] == 1
    poses = truth_poses(truth)  # the truth as the "perfect pose model"
    assert poses.sizes["time"] == expected
    hips = poses["position"].sel(keypoint="left_hip").values
    assert np.all(np.isfinite(hips))


def test_rendered_truth_layout_per_movement(
    rendered: dict[str, tuple[Path, dict[str, Any]]],
) -> None:
    _, sls = rendered["sls"]
    assert set(sls["params"]) == {"single_leg_squat", "camera", "render"}
    (rep,) = sls["reps"]
    assert rep["stance_side"] == "left"  # 15 fps: the bottom frame is 33 ms off the bottom
    assert rep["stance"]["valgus_frontal_deg"] == pytest.approx(10.0, abs=0.2)
    _, dvj = rendered["dvj"]
    assert dvj["blocks"][0]["kind"] == "box" and dvj["reps"] == []
    (trial,) = dvj["trials"]
    assert {"drop_s", "contact_s", "peak_flexion_s", "take_off_s", "second_contact_s"} <= set(trial)
    assert dvj["frames"][trial["contact_frame"]]["phase"] == "landing"
    _, heel = rendered["heel"]
    assert heel["blocks"][0]["kind"] == "board" and heel["params"]["squat"]["heel_raise_m"] == 0.05
    assert {"left", "right"} <= set(heel["reps"][0])


def test_sls_alternate_changes_leg_after_every_rep() -> None:
    p = SingleLegSquatParams(stance_side="alternate", reps=3)
    m = generate_movement(p, FPS)
    assert m.rep_sides == ("left", "right") * 3
    assert m.t_s.size == round(p.duration_s * FPS)
    for (_, bottom, _), side in zip(m.reps, m.rep_sides, strict=True):
        i = int(np.argmin(np.abs(m.t_s - bottom)))
        assert m.labels[i] == side and m.depth[i] == pytest.approx(1.0, abs=0.01)
        assert np.all(_lowest_sole_y(m, side)[i] == pytest.approx(0.0, abs=1e-12))


def test_sls_pistol_holds_the_free_leg_straight_out_in_front_off_the_floor() -> None:
    p = SingleLegSquatParams(stance_side="left", reps=2, lifted_foot="pistol", depth_deg=90)
    m = generate_movement(p, FPS)
    one_leg = m.series["single_leg"] == 1.0
    hip, knee, ankle = (m.point(f"right_{j}")[one_leg] for j in ("hip", "knee", "ankle"))
    thigh, shank = knee - hip, ankle - knee
    cos = (
        np.sum(thigh * shank, axis=1)
        / np.linalg.norm(thigh, axis=1)
        / np.linalg.norm(shank, axis=1)
    )
    assert np.degrees(np.arccos(np.clip(cos, -1, 1))).max() < 10  # straight (5 deg bent)
    leg = ankle - hip
    forward = np.degrees(np.arctan2(leg[:, 2], -leg[:, 1]))
    assert forward.min() > 70  # out in front, near horizontal
    assert ankle[:, 1].min() > 0.15  # off the floor, also at the bottom of a deep pistol
    with pytest.raises(InputError, match=r"lifted_knee_deg must be in 0\.\.20"):
        SingleLegSquatParams(lifted_foot="pistol", lifted_knee_deg=60)
