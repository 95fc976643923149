"""Repetition detection on a depth signal (0 standing, larger = deeper).

A rep is a clear dip of the hips: a peak of depth with enough prominence,
bounded by the last standing frame before it and the first after it.
Walking in, set-up and racking move the hips little and are not reps.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.signal import find_peaks

FloatArray = NDArray[np.float64]

# Hip drop as a fraction of leg length. On rendered squats 50 deg of knee flexion drops the
# hips about 0.09 leg lengths, 60 deg 0.12, 90 deg 0.30; swaying and walking stay below
# 0.05, but a lifter dipping to unrack a bar reaches 0.10 (real clip). So a rep needs about
# 60 deg of knee flexion, the low end of where frontal-plane norms were measured.
MIN_REP_DEPTH = 0.12
MIN_REP_INTERVAL_S = 0.8
# Dips shallower than this fraction of the deepest rep are set-up or racking, not reps.
MIN_RELATIVE_DEPTH = 0.4
# A rep starts/ends where depth is back within this fraction of its own peak.
BOUNDARY_FRACTION = 0.15


@dataclass(frozen=True)
class Rep:
    start: int  # frame index, standing before the descent
    bottom: int  # frame index of the deepest point
    end: int  # frame index, standing after the ascent
    complete: bool  # both boundaries found inside the recording


def _boundary(
    depth: FloatArray, bottom: int, step: int, level: float, limit: int
) -> tuple[int, bool]:
    i = bottom
    while 0 <= i + step < len(depth) and i != limit:
        if np.isfinite(depth[i]) and depth[i] <= level:
            return i, True
        i += step
    return i, False


def detect_reps(
    depth: FloatArray, time_s: FloatArray, /, *, min_depth: float = MIN_REP_DEPTH
) -> list[Rep]:
    """Reps in a depth series (time,); NaN allowed (treated as not deep)."""
    filled = np.where(np.isfinite(depth), depth, 0.0)
    fps = 1.0 / float(np.median(np.diff(time_s)))
    peaks, _ = find_peaks(
        filled,
        prominence=min_depth,
        height=min_depth,
        distance=max(1, int(MIN_REP_INTERVAL_S * fps)),
    )
    if peaks.size:
        peaks = peaks[filled[peaks] >= MIN_RELATIVE_DEPTH * filled[peaks].max()]
    reps: list[Rep] = []
    for k, p in enumerate(peaks):
        level = max(BOUNDARY_FRACTION * filled[p], 0.03)
        prev_limit = int(peaks[k - 1]) if k > 0 else 0
        next_limit = int(peaks[k + 1]) if k + 1 < len(peaks) else len(depth) - 1
        start, ok_s = _boundary(filled, int(p), -1, level, prev_limit)
        end, ok_e = _boundary(filled, int(p), +1, level, next_limit)
        if not ok_s:  # between two reps without standing up: split at the shallowest frame
            start = prev_limit + int(np.argmin(filled[prev_limit : p + 1])) if k > 0 else start
        if not ok_e and k + 1 < len(peaks):
            end = int(p) + int(np.argmin(filled[p : next_limit + 1]))
        reps.append(Rep(start, int(p), end, ok_s and ok_e))
    return reps


def mid_descent_index(depth: FloatArray, rep: Rep, /, *, fraction: float = 0.5) -> int:
    """First frame of the descent whose depth reaches `fraction` of the bottom depth."""
    target = fraction * depth[rep.bottom]
    seg = depth[rep.start : rep.bottom + 1]
    hits = np.flatnonzero(np.nan_to_num(seg, nan=-np.inf) >= target)
    return rep.start + int(hits[0]) if hits.size else rep.bottom
