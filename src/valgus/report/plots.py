"""Plots of the per-frame measures with the reps shaded and the bands marked (matplotlib)."""

from __future__ import annotations

import io

import matplotlib
import numpy as np
from numpy.typing import NDArray

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt

from valgus import present
from valgus.assessment import bands
from valgus.assessment.series import FrameSeries
from valgus.report.annotate import knee_series
from valgus.results import AnalysisResult
from valgus.schema import Side

FloatArray = NDArray[np.float64]
LEG_COLOURS = {Side.LEFT: "#1f77b4", Side.RIGHT: "#d62728"}


def _in_reps(t: FloatArray, result: AnalysisResult) -> NDArray[np.bool_]:
    inside = np.zeros(t.shape, dtype=bool)
    for rep in result.reps:
        inside |= (t >= rep.start_s) & (t <= rep.end_s)
    return inside


def measures_png(series: FrameSeries, result: AnalysisResult) -> bytes:
    """MKD, FPPA and depth over time; reps shaded; band edges dashed within the reps only
    (standing between reps is not judged: with the feet turned out, standing knees can sit
    "inside" the toe line with no valgus). Outside the reps the lines are faint. PNG bytes."""
    fig, axes = plt.subplots(3, 1, figsize=(9, 7.5), sharex=True, constrained_layout=True)
    t = series.time_s
    ax_mkd, ax_fppa, ax_depth = axes
    inside = _in_reps(t, result)
    for side, leg in series.legs.items():
        knee = knee_series(series, side, result)
        for ax, values in ((ax_mkd, 100 * knee), (ax_fppa, leg.fppa_deg)):
            colour = LEG_COLOURS[side]
            ax.plot(t, values, color=colour, alpha=0.3, lw=1)
            ax.plot(t, np.where(inside, values, np.nan), color=colour, label=f"{side.value} knee")
    for rep in result.reps:
        for edge in (bands.MKD_MILD, bands.MKD_MARKED):
            ax_mkd.hlines(100 * edge, rep.start_s, rep.end_s, color="grey", ls="--", lw=0.8)
        for edge in (bands.FPPA_MILD_DEG, bands.FPPA_MARKED_DEG):
            ax_fppa.hlines(edge, rep.start_s, rep.end_s, color="grey", ls="--", lw=0.8)
    ax_depth.plot(t, series.depth, color="black")
    ax_depth.axhline(bands.FPPA_MAX_DEPTH, color="grey", ls=":", lw=0.8)
    for rep in result.reps:
        for ax in axes:
            ax.axvspan(rep.start_s, rep.end_s, color="#f0e6d2", zorder=0)
            ax.axvline(rep.bottom_s, color="#b08d57", lw=0.8, zorder=0)
    line = present.knee_label(result.summary.left, result.summary.right).split(" the ", 1)[-1]
    ax_mkd.set_ylabel(f"knee inside the\n{line}, % leg")
    ax_fppa.set_ylabel("FPPA, deg\n(+ = knee in)")
    ax_depth.set_ylabel("depth\n(hip drop / leg)")
    ax_depth.set_xlabel(
        "time, s  (reps shaded, bottoms marked; dashed: band edges, within the reps; faint: "
        "not judged)"
    )
    ax_mkd.legend(loc="upper right", fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()
