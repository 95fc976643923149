"""The live session (pure core) on synthetic squats with known truth: reps counted as they
happen, each rep judged by the analysis itself, the set-up prompts, and agreement with the
analysis of the whole recording."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.live.session import LiveFrame, LiveSession, judge_rep
from valgus.pose.base import FramePose


def _frames(ds: xr.Dataset) -> list[tuple[float, FramePose]]:
    w, h = ds.attrs["width"], ds.attrs["height"]
    pos = ds["position"].transpose("time", "keypoint", "space").values / np.array([w, h])
    world = ds["world"].transpose("time", "keypoint", "space3").values
    vis = ds["confidence"].values
    return [
        (float(t), FramePose(pos[i], world[i], vis[i])) for i, t in enumerate(ds["time"].values)
    ]


def _play(ds: xr.Dataset) -> tuple[LiveSession, list[LiveFrame], list[tuple[str, str]]]:
    session = LiveSession()
    shown, verdicts = [], []
    for t, pose in _frames(ds):
        f = session.update(t, pose, ds.attrs["width"], ds.attrs["height"])
        shown.append(f)
        if f.rep_ended is not None:
            v = judge_rep(
                session.window(*f.rep_ended), f.reps, ds.attrs["width"], ds.attrs["height"]
            )
            verdicts.append((v.left, v.right))
    return session, shown, verdicts


def test_reps_counted_live_and_each_judged_as_the_analysis_judges_the_set() -> None:
    ds = make_squat_poses(Squat(n_reps=3, medial_shift_m={"left": 0.06, "right": 0.0}))
    session, shown, verdicts = _play(ds)
    whole = analyze_poses(ds).result
    assert session.reps == len(whole.reps) == 3
    assert verdicts == [(whole.summary.left.valgus, whole.summary.right.valgus)] * 3
    assert whole.summary.left.valgus in ("mild", "marked") and whole.summary.right.valgus == "none"
    assert shown[0].setup == "ready" and shown[0].cue.startswith("Good: start")
    deep = [f for f in shown if f.depth is not None and f.depth > 0.25]
    assert deep and all(f.cue == "Left knee out: over your toes." for f in deep)
    assert all(f.legs["left"].band == "mild" and f.legs["right"].band == "none" for f in deep)
    assert shown[0].legs["left"].band == shown[0].legs["right"].band == "standing"


def test_a_clean_squat_reads_typical_on_both_legs() -> None:
    _, shown, verdicts = _play(make_squat_poses(Squat(n_reps=2)))
    assert verdicts == [("none", "none")] * 2
    assert not any("knee out" in f.cue.lower() for f in shown)


def test_standing_still_after_the_reps_ends_the_set() -> None:
    _, shown, _ = _play(make_squat_poses(Squat(n_reps=1, tail_s=4.0)))
    assert not any(f.still for f in shown[: len(shown) // 2])
    assert shown[-1].still


@pytest.mark.parametrize(("yaw", "setup"), [(0.0, "ready"), (40.0, "turn"), (90.0, "turn")])
def test_the_set_up_asks_to_face_the_camera(yaw: float, setup: str) -> None:
    _, shown, _ = _play(make_squat_poses(Squat(n_reps=1, yaw_deg=yaw)))
    assert shown[15].setup == setup
    if setup == "turn":
        assert shown[15].cue == "Turn to face the camera." and shown[-1].reps == 0
        assert all(f.legs["left"].band == "unknown" for f in shown)  # no band off the view


def test_feet_out_of_the_picture_and_nobody_are_said() -> None:
    ds = make_squat_poses(Squat(n_reps=1))
    (t, pose), _ = _frames(ds)[0], None
    cut = FramePose(pose.xy_norm.copy(), pose.world_m, pose.visibility)
    cut.xy_norm[27:33, 1] = 1.02  # ankles, heels and toes below the picture
    s = LiveSession()
    assert s.update(t, cut, 1080, 1920).cue.startswith("Step back until your feet")
    nobody = s.update(t + 0.1, None, 1080, 1920)
    assert nobody.setup == "no_person" and nobody.legs["left"].band == "unknown"


def test_frames_out_of_order_are_not_used() -> None:
    ds = make_squat_poses(Squat(n_reps=1))
    frames = _frames(ds)
    s = LiveSession()
    s.update(frames[5][0], frames[5][1], 1080, 1920)
    s.update(frames[4][0], frames[4][1], 1080, 1920)
    assert len(s.samples) == 1


def test_the_live_knee_reads_the_analysis_s_knee_over_the_foot() -> None:
    """Frame by frame, the live number is the analysis's knee over the foot's line (the
    foot's toe-out and the shin's length from the standing frames seen so far)."""
    ds = make_squat_poses(Squat(n_reps=2, medial_shift_m={"left": 0.06, "right": 0.0}))
    _, shown, _ = _play(ds)
    series = analyze_poses(ds).series
    deep = [i for i, f in enumerate(shown) if f.depth is not None and f.depth > 0.25]
    assert deep
    for side in ("left", "right"):
        whole = series.legs[next(s for s in series.legs if s.value == side)].knee_over_foot
        live = np.array([shown[i].legs[side].mkd for i in deep], dtype=np.float64)
        assert np.allclose(live, whole[deep], atol=0.01)


def test_the_live_foot_line_is_the_key_frames_line() -> None:
    """The dashed line the page draws is the analysis's foot's line at the knee (as on the
    key frames), as a share of the frame width."""
    ds = make_squat_poses(Squat(n_reps=2, medial_shift_m={"left": 0.06, "right": 0.0}))
    _, shown, _ = _play(ds)
    series = analyze_poses(ds).series
    deep = [i for i, f in enumerate(shown) if f.depth is not None and f.depth > 0.25]
    for side in ("left", "right"):
        whole = series.legs[next(s for s in series.legs if s.value == side)].foot_line_x
        live = np.array([shown[i].legs[side].line_x for i in deep], dtype=np.float64)
        assert np.allclose(live * ds.attrs["width"], whole[deep], atol=2.0)
