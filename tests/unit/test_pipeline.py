"""The still/motion scheduler of the pose pipeline, on synthetic hip-drop signals."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from valgus.pose.base import FramePose
from valgus.pose.pipeline import (
    LandmarkBuffer,
    PoseSample,
    interpolate_poses,
    moved_leg_fraction,
    schedule_poses,
    stretch_cuts,
)
from valgus.schema import KEYPOINTS

HIP_Y, ANKLE_Y = 0.5, 0.9  # normalised; leg length 0.4 with aspect 1
STRIDE = 6


def pose(drop: float) -> FramePose:
    """A standing figure whose hips and knees drop by `drop` leg lengths."""
    xy = np.full((len(KEYPOINTS), 2), 0.5)
    leg = ANKLE_Y - HIP_Y
    for side, x in (("left", 0.55), ("right", 0.45)):
        xy[KEYPOINTS.index(f"{side}_hip")] = (x, HIP_Y + drop * leg)
        xy[KEYPOINTS.index(f"{side}_knee")] = (x, 0.7 + drop * leg / 2)
        xy[KEYPOINTS.index(f"{side}_ankle")] = (x, ANKLE_Y)
    return FramePose(xy, np.zeros((len(KEYPOINTS), 3)), np.ones(len(KEYPOINTS)))


def drop_signal(n: int, *, start: int, length: int, depth: float = 0.3) -> np.ndarray:
    """Zero, then one smooth dip (a rep) of `length` frames from `start`."""
    d = np.zeros(n)
    i = np.arange(length)
    d[start : start + length] = depth * 0.5 * (1 - np.cos(2 * np.pi * i / length))
    return d


class Recorder:
    """A fake estimator: frame i -> pose(signal[i]); records the frames it saw, in order."""

    def __init__(self, signal: np.ndarray, lost: set[int] | None = None) -> None:
        self.signal, self.lost, self.calls = signal, lost or set(), []

    def __call__(self, i: int) -> FramePose | None:
        self.calls.append(i)
        return None if i in self.lost else pose(float(self.signal[i]))


def frames(n: int, fps: float = 30.0) -> Iterator[tuple[float, int]]:
    return ((i / fps, i) for i in range(n))


def run(signal: np.ndarray, **kw: object) -> tuple[list, Recorder]:
    rec = Recorder(signal, kw.pop("lost", None))  # type: ignore[arg-type]
    out = list(schedule_poses(frames(len(signal)), rec, stride=STRIDE, aspect=1.0, **kw))  # type: ignore[arg-type]
    return out, rec


def test_moved_leg_fraction_is_in_leg_lengths() -> None:
    assert moved_leg_fraction(pose(0.0), pose(0.1), aspect=1.0) == pytest.approx(0.1)
    assert moved_leg_fraction(pose(0.0), pose(0.0), aspect=1.0) == 0.0


def test_moved_leg_fraction_missing_landmark_is_motion() -> None:
    b = pose(0.0)
    b.xy_norm[KEYPOINTS.index("left_knee")] = np.nan
    assert moved_leg_fraction(pose(0.0), b, aspect=1.0) == np.inf


def test_interpolate_poses_is_linear() -> None:
    (mid,) = interpolate_poses(pose(0.0), pose(0.2), [0.5])
    np.testing.assert_allclose(mid.xy_norm, pose(0.1).xy_norm)


def test_standing_still_runs_the_model_on_one_frame_in_stride() -> None:
    out, rec = run(np.zeros(300))
    assert [s.time_s for s in out] == [i / 30 for i in range(300)]
    # STRIDE + 1 frames to see stillness, then one in STRIDE, the tail back-filled
    assert len(rec.calls) <= 300 / STRIDE + 2 * STRIDE + 1
    assert sum(s.interpolated for s in out) == 300 - len(rec.calls)
    assert all(s.pose is not None for s in out)


def test_every_moving_frame_is_modelled_and_the_bottom_is_not_missed() -> None:
    signal = drop_signal(300, start=101, length=60)
    out, _ = run(signal)
    modelled = {s.time_s for s in out if not s.interpolated}
    moving = np.flatnonzero(signal > 0)
    assert {i / 30 for i in moving} <= modelled
    bottom = int(np.argmax(signal))
    assert out[bottom].pose is not None
    assert out[bottom].pose.xy_norm[KEYPOINTS.index("left_hip"), 1] == pytest.approx(
        HIP_Y + 0.3 * (ANKLE_Y - HIP_Y)
    )
    assert any(s.interpolated for s in out[:100]) and any(s.interpolated for s in out[200:])


def test_backfill_runs_skipped_frames_in_order_then_the_onset_frame_again() -> None:
    signal = np.zeros(200)
    signal[100:] = 0.3  # a jump: the first sample after frame 99 sees it
    _, rec = run(signal)
    onset = next(i for i in rec.calls if signal[i] > 0)
    k = rec.calls.index(onset)
    # the last still sample again, the skipped frames, the moving frame again, then onwards
    assert rec.calls[k + 1 : k + STRIDE + 3] == list(range(onset - STRIDE, onset + 2))


def test_output_is_one_sample_per_frame_in_order_whatever_the_signal() -> None:
    rng = np.random.default_rng(0)
    signal = np.repeat(rng.choice([0.0, 0.2], size=40), rng.integers(1, 30, size=40))
    out, _ = run(signal)
    assert [s.time_s for s in out] == [i / 30 for i in range(len(signal))]


def test_lost_person_keeps_the_model_on_every_frame() -> None:
    out, rec = run(np.zeros(120), lost=set(range(0, 120, 5)))
    assert rec.calls == list(range(120))
    assert not any(s.interpolated for s in out)


def test_stride_one_models_every_frame_once() -> None:
    rec = Recorder(np.zeros(50))
    out = list(schedule_poses(frames(50), rec, stride=1, aspect=1.0))
    assert rec.calls == list(range(50)) and len(out) == 50


def test_on_idle_reports_sampling_start_and_stop() -> None:
    events: list[bool] = []
    run(drop_signal(300, start=101, length=60), on_idle=events.append)
    assert events[:3] == [True, False, True]


def test_frames_taken_before_a_decoding_error_are_yielded_first() -> None:
    def broken() -> Iterator[tuple[float, int]]:
        yield from frames(100)
        raise OSError("truncated")

    rec = Recorder(np.zeros(100))
    got = []
    with pytest.raises(OSError, match="truncated"):
        for s in schedule_poses(broken(), rec, stride=STRIDE, aspect=1.0):
            got.append(s)
    assert [s.time_s for s in got] == [i / 30 for i in range(100)]


def test_a_slow_rep_bottom_is_modelled_when_sampling_waits_for_a_longer_still_stretch() -> None:
    # 2.5 s rep, hips down 0.3 leg lengths: around the bottom the legs move < 3 % in 0.2 s
    signal = drop_signal(300, start=100, length=75, depth=0.3)
    bottom = range(137 - 9, 137 + 10)  # +-0.3 s

    def interpolated_near_bottom(still_frames: int) -> int:
        rec = Recorder(signal)
        out = schedule_poses(frames(300), rec, stride=STRIDE, still_frames=still_frames, aspect=1.0)
        return sum(s.interpolated for i, s in enumerate(out) if i in bottom)

    assert interpolated_near_bottom(STRIDE) > 0  # a 0.2 s window sees the bottom as still
    assert interpolated_near_bottom(15) == 0  # a 0.5 s window does not


def test_landmark_buffer_gives_the_samples_back_across_chunks() -> None:
    buf = LandmarkBuffer()
    n = LandmarkBuffer.CHUNK_FRAMES + 5
    given = [
        PoseSample(i / 30, None if i % 7 == 0 else pose(i / n), interpolated=i % 3 == 0)
        for i in range(n)
    ]
    for s in given:
        buf.append(s)
    assert len(buf) == n and buf.last_time_s() == given[-1].time_s
    back = list(buf.samples())
    assert [(s.time_s, s.interpolated) for s in back] == [(s.time_s, s.interpolated) for s in given]
    for a, b in zip(given, back, strict=True):
        assert (a.pose is None) == (b.pose is None)
        if a.pose is not None and b.pose is not None:
            np.testing.assert_array_equal(a.pose.xy_norm, b.pose.xy_norm)
            np.testing.assert_array_equal(a.pose.world_m, b.pose.world_m)
            np.testing.assert_array_equal(a.pose.visibility, b.pose.visibility)
    t, xy, world, vis = LandmarkBuffer.columns(buf.rows())
    assert xy.shape == (n, len(KEYPOINTS), 2) and world.shape == (n, len(KEYPOINTS), 3)
    assert np.isnan(xy[0]).all() and (vis[0] == 0).all()
    np.testing.assert_array_equal(xy[1], given[1].pose.xy_norm)  # type: ignore[union-attr]
    np.testing.assert_array_equal(t, [s.time_s for s in given])


def test_stretch_cuts_give_each_estimator_the_same_work_warm_up_included() -> None:
    assert stretch_cuts(10.0, 1, warmup_s=1.0) == [0.0, np.inf]
    cuts = stretch_cuts(10.0, 2, warmup_s=1.0)
    assert cuts == [0.0, 5.5, np.inf]  # 5.5 s, and 1 s warm-up + 4.5 s
    cuts = stretch_cuts(12.0, 3, warmup_s=1.5)
    work = [cuts[1], cuts[2] - cuts[1] + 1.5, 12.0 - cuts[2] + 1.5]
    assert work == pytest.approx([work[0]] * 3)
