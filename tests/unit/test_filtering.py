"""Cleaning landmark series: gap bridging, zero-phase low-pass, frame-rate checks."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import numpy as np
import pytest

from valgus.kinematics import filtering


def uniform_time(n: int, fps: float = 30.0) -> np.ndarray:
    return np.arange(n) / fps


def amplitude(x: np.ndarray) -> float:
    return float((np.nanmax(x) - np.nanmin(x)) / 2)


class TestMaskLowConfidence:
    def test_masks_every_coordinate_of_low_keypoints(self) -> None:
        values = np.ones((3, 2, 4))
        conf = np.array([[1.0, 0.1, 1.0, 1.0], [1.0, 1.0, 0.29, 0.3], [0.0, 1.0, 1.0, 1.0]])
        out = filtering.mask_low_confidence(values, conf, min_conf=0.3)
        expected = np.ones((3, 2, 4))
        expected[0, :, 1] = np.nan
        expected[1, :, 2] = np.nan
        expected[2, :, 0] = np.nan
        np.testing.assert_array_equal(out, expected)
        assert not np.isnan(values).any()


class TestInterpolateGaps:
    def test_short_gap_bridged_linearly(self) -> None:
        t = uniform_time(30)
        truth = 2.0 * t + 1.0
        series = truth.copy()
        series[10:15] = np.nan  # 5 frames: 6 intervals = 0.2 s <= 0.25 s
        out = filtering.interpolate_gaps(series, t)
        np.testing.assert_allclose(out, truth, atol=1e-12)

    def test_long_gap_stays_nan(self) -> None:
        t = uniform_time(60)
        series = np.sin(t)
        series[10:20] = np.nan  # 11 intervals = 0.37 s > 0.25 s
        out = filtering.interpolate_gaps(series, t)
        assert np.isnan(out[10:20]).all()
        np.testing.assert_array_equal(out[:10], series[:10])
        np.testing.assert_array_equal(out[20:], series[20:])

    def test_gap_length_limit_is_inclusive(self) -> None:
        t = uniform_time(40)
        at_limit = t.copy()
        at_limit[10:15] = np.nan  # 0.2 s between the neighbours
        over = t.copy()
        over[10:16] = np.nan  # 0.2333 s
        assert np.isfinite(filtering.interpolate_gaps(at_limit, t, max_gap_s=0.2)).all()
        assert np.isnan(filtering.interpolate_gaps(over, t, max_gap_s=0.2)[10:16]).all()

    def test_leading_and_trailing_gaps_stay_nan(self) -> None:
        t = uniform_time(20)
        series = t.copy()
        series[:2] = np.nan
        series[-3:] = np.nan
        out = filtering.interpolate_gaps(series, t)
        assert np.isnan(out[:2]).all() and np.isnan(out[-3:]).all()
        np.testing.assert_array_equal(out[2:-3], t[2:-3])

    def test_uses_real_timestamps(self) -> None:
        t = np.array([0.0, 0.01, 0.05, 0.06, 0.2, 0.21])
        series = 100 * t
        series[2:4] = np.nan
        out = filtering.interpolate_gaps(series, t)
        np.testing.assert_allclose(out, 100 * t, atol=1e-12)

    def test_per_column_over_extra_axes(self) -> None:
        t = uniform_time(20)
        series = np.stack([np.stack([t, 2 * t, 3 * t], axis=-1)] * 2, axis=1)  # (20, 2, 3)
        truth = series.copy()
        series[5:8, 0, 1] = np.nan  # short: bridged
        series[5:15, 1, 2] = np.nan  # long: stays
        out = filtering.interpolate_gaps(series, t)
        assert out.shape == series.shape
        np.testing.assert_allclose(out[:, 0, 1], truth[:, 0, 1])
        assert np.isnan(out[5:15, 1, 2]).all()

    def test_all_nan_column_stays_nan(self) -> None:
        t = uniform_time(10)
        out = filtering.interpolate_gaps(np.full(10, np.nan), t)
        assert np.isnan(out).all()

    def test_input_not_modified(self) -> None:
        t = uniform_time(30)
        series = t.copy()
        series[10:13] = np.nan
        before = series.copy()
        filtering.interpolate_gaps(series, t)
        np.testing.assert_array_equal(series, before)


class TestLowpass:
    def test_slow_sine_kept(self) -> None:
        t = uniform_time(600)  # 20 s at 30 fps
        x = np.sin(2 * np.pi * 0.5 * t)
        out = filtering.lowpass(x, t)
        interior = slice(60, -60)
        assert amplitude(out[interior]) == pytest.approx(1.0, rel=0.01)
        np.testing.assert_allclose(out[interior], x[interior], atol=0.01)

    def test_fast_sine_attenuated(self) -> None:
        # 15 Hz at 60 fps; 6 Hz cut-off, order 2 filtfilt: |H|^2 = 1 / (1 + (15/6)^4) < 0.03
        t = uniform_time(1200, fps=60.0)
        x = np.sin(2 * np.pi * 15 * t + 0.3)
        out = filtering.lowpass(x, t)
        assert amplitude(out[120:-120]) < 0.03

    def test_zero_phase_peak_time_unchanged(self) -> None:
        t = uniform_time(300)
        x = np.exp(-0.5 * ((t - 5.0) / 0.3) ** 2)
        out = filtering.lowpass(x, t)
        assert int(np.argmax(out)) == int(np.argmax(x)) == 150
        # a causal filter of the same order would lag by several frames; this one is symmetric
        np.testing.assert_allclose(out[150 - 20 : 150], out[150 + 20 : 150 : -1], atol=1e-3)

    def test_nan_stretch_stays_nan_and_both_sides_filtered(self) -> None:
        t = uniform_time(600)
        x = np.sin(2 * np.pi * 0.5 * t)
        x[250:280] = np.nan
        out = filtering.lowpass(x, t)
        assert np.isnan(out[250:280]).all()
        assert np.isfinite(out[:250]).all() and np.isfinite(out[280:]).all()
        np.testing.assert_allclose(out[30:220], x[30:220], atol=0.01)
        np.testing.assert_allclose(out[310:-30], x[310:-30], atol=0.01)

    def test_noise_reduced_on_both_sides_of_a_gap(self) -> None:
        rng = np.random.default_rng(1)
        t = uniform_time(600)
        x = rng.normal(0.0, 1.0, t.size)
        x[300:310] = np.nan
        out = filtering.lowpass(x, t)
        assert np.nanstd(out[:300]) < 0.7 and np.nanstd(out[310:]) < 0.7

    def test_short_stretch_returned_unchanged(self) -> None:
        t = uniform_time(100)
        x = np.sin(t)
        x[:40] = np.nan
        x[45:] = np.nan  # 5-sample stretch: too short for filtfilt's padding
        out = filtering.lowpass(x, t)
        np.testing.assert_array_equal(out[40:45], x[40:45])
        assert np.isnan(out[:40]).all() and np.isnan(out[45:]).all()

    def test_variable_frame_rate(self) -> None:
        rng = np.random.default_rng(2)
        dt = rng.choice([1 / 40, 1 / 30, 1 / 24], size=599)
        t = np.concatenate([[0.0], np.cumsum(dt)])
        x = np.sin(2 * np.pi * 0.5 * t)
        out = filtering.lowpass(x, t)
        interior = (t > 2) & (t < t[-1] - 2)
        np.testing.assert_allclose(out[interior], x[interior], atol=0.01)

    def test_cutoff_above_nyquist_returns_copy(self) -> None:
        t = uniform_time(50, fps=10.0)
        x = np.sin(t)
        out = filtering.lowpass(x, t, cutoff_hz=6.0)
        np.testing.assert_array_equal(out, x)
        assert out is not x

    def test_per_column_same_as_one_column(self) -> None:
        t = uniform_time(200)
        rng = np.random.default_rng(3)
        block = rng.normal(size=(200, 2, 3))
        out = filtering.lowpass(block, t)
        assert out.shape == block.shape
        np.testing.assert_allclose(out[:, 1, 2], filtering.lowpass(block[:, 1, 2], t))

    def test_input_not_modified(self) -> None:
        t = uniform_time(200)
        x = np.sin(t)
        x[50:60] = np.nan
        before = x.copy()
        filtering.lowpass(x, t)
        np.testing.assert_array_equal(x, before)


class TestVariableFrameRate:
    def test_constant_rate(self) -> None:
        assert not filtering.variable_frame_rate(uniform_time(300))

    def test_small_jitter_is_constant(self) -> None:
        rng = np.random.default_rng(4)
        t = np.cumsum(np.full(300, 1 / 30) * (1 + rng.uniform(-0.05, 0.05, 300)))
        assert not filtering.variable_frame_rate(t)

    def test_few_dropped_frames_is_constant(self) -> None:
        dt = np.full(300, 1 / 30)
        dt[[50, 150, 250]] *= 2  # 1% of intervals doubled
        assert not filtering.variable_frame_rate(np.cumsum(dt))

    def test_alternating_intervals_is_variable(self) -> None:
        dt = np.tile([1 / 30, 1 / 20], 150)
        assert filtering.variable_frame_rate(np.cumsum(dt))

    def test_ramping_rate_is_variable(self) -> None:
        dt = np.linspace(1 / 60, 1 / 20, 300)
        assert filtering.variable_frame_rate(np.cumsum(dt))


def _with_break(n: int = 600, at: int = 300, gap_s: float = 1e8) -> np.ndarray:
    t = uniform_time(n)
    t[at:] += gap_s
    return t


# Filters a 1e8 s break under a 1 GiB address-space limit, in a fresh interpreter: the
# grid over the whole span (3e9 points, 22 GiB) cannot be allocated there, so the old
# filter failed with MemoryError, and its peak traced memory tells the grid's size.
_GAP_SCRIPT = """
import json, resource, sys, time, tracemalloc
import numpy as np
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from valgus.kinematics.filtering import lowpass
t = np.arange(600) / 30.0
t[300:] += 1e8
x = np.sin(2 * np.pi * 0.5 * (t % 1e8))[:, None] * np.ones((1, 66))
tracemalloc.start()
t0 = time.perf_counter()
y = lowpass(x, t)
seconds = time.perf_counter() - t0
peak = tracemalloc.get_traced_memory()[1]
print(json.dumps({"seconds": seconds, "peak_mb": peak / 1e6, "finite": bool(np.isfinite(y).all())}))
"""


class TestTimeBreaks:
    def test_a_jump_in_time_is_a_break(self) -> None:
        t = _with_break()
        assert filtering.time_breaks(t).tolist() == [300]
        assert filtering.time_segments(t) == [(0, 300), (300, 600)]

    def test_dropped_frames_and_variable_rate_are_not_breaks(self) -> None:
        rng = np.random.default_rng(5)
        dt = rng.choice([1 / 40, 1 / 30, 1 / 24], size=599)
        dt[[100, 200]] = 0.2  # a few dropped frames (< 0.25 s)
        t = np.concatenate([[0.0], np.cumsum(dt)])
        assert filtering.time_breaks(t).size == 0
        assert filtering.time_segments(t) == [(0, 600)]

    def test_interval_over_max_gap_is_a_break(self) -> None:
        t = uniform_time(100)
        t[50:] += 0.3  # 0.33 s without frames: longer than any gap bridged
        assert filtering.time_breaks(t).tolist() == [50]

    def test_many_median_intervals_is_a_break_at_high_frame_rate(self) -> None:
        t = uniform_time(400, fps=240.0)
        t[200:] += 0.1  # 0.104 s = 25 frame intervals at 240 fps
        assert filtering.time_breaks(t).tolist() == [200]


class TestLowpassAcrossBreaks:
    def test_1e8_s_gap_fast_and_in_bounded_memory(self) -> None:
        res = subprocess.run(
            [sys.executable, "-c", _GAP_SCRIPT],
            capture_output=True,
            text=True,
            timeout=60,
            env={**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"},
        )
        assert res.returncode == 0, res.stderr[-2000:]
        out = json.loads(res.stdout.strip().splitlines()[-1])
        assert out["finite"]
        assert out["seconds"] < 2.0, out
        assert out["peak_mb"] < 20.0, out  # the landmark-sized arrays, not the span

    def test_each_part_filtered_as_if_alone(self) -> None:
        t = _with_break(gap_s=1e4)
        x = np.sin(2 * np.pi * 0.5 * t) + np.cos(t)
        out = filtering.lowpass(x, t)
        np.testing.assert_array_equal(out[:300], filtering.lowpass(x[:300], t[:300]))
        np.testing.assert_allclose(
            out[300:], filtering.lowpass(x[300:], t[300:]), rtol=0, atol=1e-9
        )

    def test_nothing_is_smeared_across_a_break(self) -> None:
        t = _with_break(gap_s=5.0)
        x = np.where(np.arange(600) < 300, 0.0, 100.0)  # a step exactly at the break
        out = filtering.lowpass(x, t)
        np.testing.assert_allclose(out[:300], 0.0, atol=1e-9)
        np.testing.assert_allclose(out[300:], 100.0, atol=1e-9)


class TestSpikes:
    def test_single_frame_spike_is_found(self) -> None:
        t = uniform_time(90)
        rng = np.random.default_rng(6)
        xy = 500.0 + rng.normal(0, 2.0, (90, 2, 3))  # still, 2 px of jitter
        xy[40, 0, 1] += 80.0
        xy[70, 1, 2] -= 60.0
        mask = filtering.spike_mask(xy, t, min_jump=40.0)
        assert sorted(zip(*np.nonzero(mask), strict=True)) == [(40, 1), (70, 2)]

    def test_spike_replaced_by_its_neighbours(self) -> None:
        t = uniform_time(90)
        truth = np.stack([100 + 50 * np.sin(t), 300 + 20 * t], axis=1)[:, :, None]
        spiky = truth.copy()
        spiky[45, 0, 0] += 150.0
        cleaned, n = filtering.reject_spikes(spiky, t, min_jump=40.0)
        assert n == 1 and np.isnan(cleaned[45]).all()
        bridged = filtering.interpolate_gaps(cleaned, t)
        np.testing.assert_allclose(bridged, truth, atol=0.5)

    def test_smooth_fast_motion_is_not_a_spike(self) -> None:
        # A deep squat's turning point (2 g at 30 fps), a fast ramp and a landing: the foot
        # falls at 3 m/s (0.1 m a frame) and stops dead. 1 px = 1 mm; floor 5 mm.
        t = uniform_time(120)
        turn = 0.5 * 20.0 * (t - 2.0) ** 2 * 1000
        ramp = 3000.0 * t
        landing = np.minimum(3000.0 * t, 3000.0 * 2.0)
        xy = np.stack([turn, ramp, landing], axis=1)[:, None, :]
        assert not filtering.spike_mask(xy, t, min_jump=5.0).any()

    def test_nan_is_never_a_spike_and_windows_skip_it(self) -> None:
        t = uniform_time(60)
        xy = np.full((60, 2, 1), 10.0)
        xy[20:23] = np.nan
        xy[30, 0, 0] = 90.0
        mask = filtering.spike_mask(xy, t, min_jump=40.0)
        assert np.nonzero(mask[:, 0])[0].tolist() == [30]

    def test_windows_do_not_reach_across_a_break(self) -> None:
        # 3 frames between two breaks, at another place than the frames around them: in a
        # window across the breaks they would be outvoted and dropped as spikes.
        t = uniform_time(60)
        t[27:] += 5.0
        t[30:] += 5.0
        xy = np.full((60, 2, 1), 500.0)
        xy[27:30] = 0.0
        assert filtering.time_segments(t) == [(0, 27), (27, 30), (30, 60)]
        assert not filtering.spike_mask(xy, t, min_jump=40.0).any()
