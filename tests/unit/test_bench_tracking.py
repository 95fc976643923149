"""Pure helpers of the tracking benchmark (valgus.bench.tracking), on arrays with known answers."""

from __future__ import annotations

import numpy as np

from valgus.bench.tracking import AFTER_FRAMES, LEGS, convergence, jitter_px


def test_jitter_of_a_parabola_is_its_constant_second_difference() -> None:
    t = np.arange(20, dtype=np.float64)
    landmarks = np.zeros((20, 33, 2))
    landmarks[:, LEGS, :] = (0.5 * 3.0 * t**2)[:, None, None]  # second difference 3 px
    assert jitter_px(landmarks) == 3.0


def test_convergence_reads_the_largest_leg_gap_n_frames_after_the_start() -> None:
    n, start = 300, 100
    full = np.zeros((n, 33, 2))
    fresh = np.full((n, 33, 2), np.nan)
    decay = 4.0 * np.exp(-np.arange(n - start) / 30.0)
    fresh[start:] = 0.0
    fresh[start:, LEGS[2], 1] = decay  # one knee, y only
    fresh[start:, 0, 0] = 99.0  # the nose is not a leg landmark
    gaps = convergence(full, fresh, start)
    assert list(gaps) == [k for k in AFTER_FRAMES if start + k < n]
    for k, gap in gaps.items():
        assert gap == 4.0 * np.exp(-k / 30.0)
