"""The knee-over-foot margin under other per-rep estimates (not a test: run by hand).

    python -m tests.margin_estimators CACHE   # CACHE: `valgus bench accuracy --feet --cache`

For the square-on cells of the feet benchmark (valgus 0 and 10 deg, each toe-out and stance)
it reads the cached pose files, and for each rep and leg estimates the knee over the foot's
line in several ways: the median over +-0.1 s of the deepest frame (the product's), over
+-0.3 and +-0.6 s, the mean over the frames at >= 85 % or >= 60 % of the rep's depth, and a
linear or quadratic fit over depth evaluated at the deepest frame. For each estimate: the gap
between valgus 10 and 0 (mean over cells and legs), the pooled rep-to-rep SD and their ratio,
the margin of docs/accuracy.md. The figures are in docs/accuracy.md ("Knee over the foot").
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from valgus import api
from valgus.io.poses import load_poses
from valgus.schema import Side

Array = NDArray[np.float64]
Estimate = Callable[[Array, Array, Array, int], float]  # (k, t, depth, bottom) -> value


def _median_within(half_s: float) -> Estimate:
    return lambda k, t, d, b: float(np.nanmedian(k[abs(t - t[b]) <= half_s]))


def _mean_deep(share: float) -> Estimate:
    def est(k: Array, t: Array, d: Array, b: int) -> float:
        return float(np.nanmean(k[(d >= share * d[b]) & (abs(t - t[b]) < 1.5)]))

    return est


def _fit(share: float, degree: int) -> Estimate:
    def est(k: Array, t: Array, d: Array, b: int) -> float:
        sel = (d >= share * d[b]) & (abs(t - t[b]) < 1.5) & np.isfinite(k)
        return float(np.polyval(np.polyfit(d[sel], k[sel], degree), d[b]))

    return est


ESTIMATES: dict[str, Estimate] = {
    "median +-0.1 s (the product's)": _median_within(0.1),
    "median +-0.3 s": _median_within(0.3),
    "median +-0.6 s": _median_within(0.6),
    "mean, depth >= 85 %": _mean_deep(0.85),
    "mean, depth >= 60 %": _mean_deep(0.6),
    "linear fit over depth >= 50 %": _fit(0.5, 1),
    "quadratic fit over depth >= 30 %": _fit(0.3, 2),
}


def per_rep(path: Path) -> dict[tuple[str, str], list[float]]:
    a = api.analyze_poses(load_poses(path))
    s = a.series
    out: dict[tuple[str, str], list[float]] = {}
    for rep in a.result.reps:
        b = int(np.argmin(abs(s.time_s - rep.bottom_s)))
        for side in Side:
            k = s.legs[side].knee_over_foot
            for name, est in ESTIMATES.items():
                out.setdefault((side.value, name), []).append(est(k, s.time_s, s.depth, b))
    return out


def main(cache: Path) -> None:
    warnings.simplefilter("ignore", RuntimeWarning)
    cells: dict[tuple[str, str], dict[int, dict[tuple[str, str], list[float]]]] = {}
    for f in sorted(cache.glob("toe_t*_v*_y0.poses.nc")):
        m = re.match(r"toe_t(\d+)_w([\d.]+)_v(\d+)_y0", f.name)
        if m and m.group(3) in ("0", "10"):
            cells.setdefault((m.group(1), m.group(2)), {})[int(m.group(3))] = per_rep(f)
    print("| per-rep estimate | gap 10 vs 0 deg, % of leg | rep-to-rep SD, % | margin in SD |")
    print("|---|---|---|---|")
    for name in ESTIMATES:
        gaps: list[float] = []
        variances: list[float] = []
        for both in cells.values():
            if 0 not in both or 10 not in both:
                continue
            for side in ("left", "right"):
                lo, hi = both[0][(side, name)], both[10][(side, name)]
                gaps.append(float(np.mean(hi) - np.mean(lo)))
                variances += [float(np.var(lo, ddof=1)), float(np.var(hi, ddof=1))]
        gap, sd = float(np.mean(gaps)), float(np.sqrt(np.mean(variances)))
        print(f"| {name} | {100 * gap:.2f} | {100 * sd:.3f} | {gap / sd:.1f} |")
    print(f"\n{len(cells)} cells, both legs.")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
