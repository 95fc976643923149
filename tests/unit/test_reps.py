"""Repetition detection on synthetic depth signals with known reps."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pytest

from valgus.kinematics.reps import BOUNDARY_FRACTION, Rep, detect_reps, mid_descent_index

FPS = 30.0
REP_FRAMES = 73  # 2.4 s, bottom at frame 36 of the rep


def raised_cosine(n: int, depth: float) -> np.ndarray:
    k = np.arange(n)
    return depth * 0.5 * (1 - np.cos(2 * np.pi * k / (n - 1)))


# The boundary is where depth is back to BOUNDARY_FRACTION of the peak:
# 0.5 * (1 - cos(2 pi k / (n - 1))) = f  ->  k = (n - 1) * acos(1 - 2 f) / (2 pi)
BOUNDARY_K = (REP_FRAMES - 1) * math.acos(1 - 2 * BOUNDARY_FRACTION) / (2 * math.pi)


@dataclass
class Signal:
    depth: np.ndarray
    time_s: np.ndarray
    bottoms: list[int]
    starts: list[float]  # analytic boundary frames (fractional)
    ends: list[float]


def build(parts: list[tuple[str, float, int]], *, noise_sd: float = 0.0, seed: int = 0) -> Signal:
    """parts: ("stand", 0, frames), ("rep", depth, 0), ("walk", amplitude, frames)."""
    chunks: list[np.ndarray] = []
    bottoms, starts, ends = [], [], []
    for kind, value, frames in parts:
        at = sum(len(c) for c in chunks)
        if kind == "stand":
            chunks.append(np.zeros(frames))
        elif kind == "walk":  # small bumps of the hips while walking in
            chunks.append(value * np.abs(np.sin(np.pi * 1.5 * np.arange(frames) / FPS)))
        elif kind == "rep":
            chunks.append(raised_cosine(REP_FRAMES, value))
            bottoms.append(at + (REP_FRAMES - 1) // 2)
            starts.append(at + BOUNDARY_K)
            ends.append(at + REP_FRAMES - 1 - BOUNDARY_K)
    depth = np.concatenate(chunks)
    if noise_sd:
        depth = depth + np.random.default_rng(seed).normal(0.0, noise_sd, depth.size)
    return Signal(depth, np.arange(depth.size) / FPS, bottoms, starts, ends)


def squat_set(
    depths: list[float],
    *,
    walk: bool = True,
    rack: float = 0.0,
    noise_sd: float = 0.0,
    seed: int = 0,
) -> Signal:
    parts: list[tuple[str, float, int]] = [("walk", 0.03, 90)] if walk else []
    for d in depths:
        parts += [("stand", 0.0, 30), ("rep", d, 0)]
    if rack:
        parts += [("stand", 0.0, 40), ("rack", rack, 0)]
    parts.append(("stand", 0.0, 45))
    # a racking dip is a shallow rep-shaped dip; build it as a rep and forget its truth
    sig = build(
        [(("rep" if k == "rack" else k), v, f) for k, v, f in parts], noise_sd=noise_sd, seed=seed
    )
    if rack:
        sig.bottoms.pop()
        sig.starts.pop()
        sig.ends.pop()
    return sig


class TestDetectReps:
    def test_clean_signal_exact(self) -> None:
        sig = squat_set([0.5] * 4)
        reps = detect_reps(sig.depth, sig.time_s)
        assert [r.bottom for r in reps] == sig.bottoms
        # first frame at or below 15% of the peak, searching outwards from the bottom
        assert [r.start for r in reps] == [math.floor(s) for s in sig.starts]
        assert [r.end for r in reps] == [math.ceil(e) for e in sig.ends]
        assert all(r.complete for r in reps)

    @pytest.mark.parametrize("seed", [0, 1, 2])
    @pytest.mark.parametrize("n_reps", [3, 5])
    def test_noisy_reps_after_walking_in(self, n_reps: int, seed: int) -> None:
        sig = squat_set([0.5] * n_reps, noise_sd=0.01, seed=seed)
        reps = detect_reps(sig.depth, sig.time_s)
        assert len(reps) == n_reps
        # The bottom of a 2.4 s raised cosine of depth 0.5 drops only 0.001 * k^2 within k
        # frames, so noise of sd 0.01 can move the deepest sample by a few frames.
        np.testing.assert_allclose([r.bottom for r in reps], sig.bottoms, atol=6)
        np.testing.assert_allclose([r.start for r in reps], sig.starts, atol=3)
        np.testing.assert_allclose([r.end for r in reps], sig.ends, atol=3)
        assert all(r.complete for r in reps)
        assert all(r.start < r.bottom < r.end for r in reps)

    @pytest.mark.parametrize("seed", [0, 1, 2])
    def test_noisy_reps_bottoms_within_two_frames_after_lowpass(self, seed: int) -> None:
        # the pipeline filters the landmarks before computing depth; with 3x less noise
        # (what the 6 Hz filter leaves of white noise at 30 fps, roughly) the bottom is sharp
        sig = squat_set([0.5] * 4, noise_sd=0.003, seed=seed)
        reps = detect_reps(sig.depth, sig.time_s)
        np.testing.assert_allclose([r.bottom for r in reps], sig.bottoms, atol=2)

    def test_racking_dip_after_deep_set_is_not_a_rep(self) -> None:
        # 0.15 > MIN_REP_DEPTH, but < 40% of the 0.6-deep reps
        sig = squat_set([0.6] * 3, rack=0.15, noise_sd=0.01, seed=5)
        reps = detect_reps(sig.depth, sig.time_s)
        assert len(reps) == 3
        np.testing.assert_allclose([r.bottom for r in reps], sig.bottoms, atol=6)

    def test_single_shallow_dip_alone_is_a_rep(self) -> None:
        # without deeper reps, a 0.2 dip counts (above MIN_REP_DEPTH)
        sig = squat_set([0.2], walk=False)
        assert [r.bottom for r in detect_reps(sig.depth, sig.time_s)] == sig.bottoms

    @pytest.mark.parametrize("seed", range(3))
    def test_noise_only_gives_no_reps(self, seed: int) -> None:
        sig = build([("walk", 0.03, 150), ("stand", 0.0, 300)], noise_sd=0.01, seed=seed)
        assert detect_reps(sig.depth, sig.time_s) == []

    def test_too_shallow_dips_are_not_reps(self) -> None:
        sig = squat_set([0.06] * 3, walk=False)
        assert detect_reps(sig.depth, sig.time_s) == []

    def test_nan_frames_treated_as_standing(self) -> None:
        sig = squat_set([0.5] * 3, walk=False)
        depth = sig.depth.copy()
        depth[:20] = np.nan
        reps = detect_reps(depth, sig.time_s)
        assert [r.bottom for r in reps] == sig.bottoms

    def test_reps_without_standing_up_split_at_shallowest_frame(self) -> None:
        # two reps whose hips come back only to 0.25 (above 15% of 0.5) in between
        rep = raised_cosine(REP_FRAMES, 0.5)
        half = (REP_FRAMES - 1) // 2
        between = rep[half:] * 0.5 + 0.25  # 0.5 -> 0.25
        between2 = rep[: half + 1] * 0.5 + 0.25  # 0.25 -> 0.5
        depth = np.concatenate(
            [
                np.zeros(30),
                rep[: half + 1],
                between[1:],
                between2[1:],
                rep[half + 1 :],
                np.zeros(30),
            ]
        )
        t = np.arange(depth.size) / FPS
        reps = detect_reps(depth, t)
        assert len(reps) == 2
        valley = 30 + half + (len(between) - 1)
        assert reps[0].end == valley and reps[1].start == valley
        assert depth[valley] == pytest.approx(0.25)
        assert not reps[0].complete and not reps[1].complete

    def test_recording_starting_in_a_rep_is_incomplete(self) -> None:
        sig = squat_set([0.5] * 2, walk=False)
        # starts 20 frames into the first rep's descent, at depth 0.29 (bottom 0.5)
        depth = sig.depth[30 + 20 :]
        reps = detect_reps(depth, np.arange(depth.size) / FPS)
        assert len(reps) == 2
        assert not reps[0].complete and reps[1].complete

    def test_does_not_modify_input(self) -> None:
        sig = squat_set([0.5] * 3, noise_sd=0.01)
        sig.depth[5] = np.nan
        before = sig.depth.copy()
        detect_reps(sig.depth, sig.time_s)
        np.testing.assert_array_equal(sig.depth, before)


class TestMidDescent:
    def test_linear_descent(self) -> None:
        depth = np.concatenate([np.zeros(10), 0.01 * np.arange(51), 0.5 - 0.01 * np.arange(1, 51)])
        rep = Rep(start=10, bottom=60, end=110, complete=True)
        assert mid_descent_index(depth, rep) == 35  # depth 0.25 = 50% of 0.5
        assert mid_descent_index(depth, rep, fraction=0.2) == 20

    def test_raised_cosine_descent(self) -> None:
        depth = raised_cosine(REP_FRAMES, 0.5)
        rep = Rep(start=0, bottom=36, end=72, complete=True)
        # 0.5 * 0.5 * (1 - cos(2 pi k / 72)) >= 0.3 * 0.5  ->  k >= 72 acos(0.4) / (2 pi) = 13.3
        assert mid_descent_index(depth, rep, fraction=0.3) == 14

    def test_nan_in_descent_skipped(self) -> None:
        depth = 0.01 * np.arange(51)
        depth[20:30] = np.nan
        rep = Rep(start=0, bottom=50, end=50, complete=False)
        assert mid_descent_index(depth, rep) == 30

    def test_all_nan_descent_gives_bottom(self) -> None:
        depth = np.full(51, np.nan)
        depth[50] = 0.5
        rep = Rep(start=0, bottom=50, end=50, complete=False)
        assert mid_descent_index(depth, rep) == 50
