"""Plots of the per-frame measures with the reps shaded and the bands marked (matplotlib)."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt

from valgus.assessment import bands
from valgus.assessment.series import FrameSeries
from valgus.results import AnalysisResult
from valgus.schema import Side

LEG_COLOURS = {Side.LEFT: "#1f77b4", Side.RIGHT: "#d62728"}


def measures_png(series: FrameSeries, result: AnalysisResult) -> bytes:
    """MKD, FPPA and depth over time; reps shaded; band edges dashed. PNG bytes."""
    fig, axes = plt.subplots(3, 1, figsize=(9, 7.5), sharex=True, constrained_layout=True)
    t = series.time_s
    ax_mkd, ax_fppa, ax_depth = axes
    for side, leg in series.legs.items():
        ax_mkd.plot(t, 100 * leg.mkd, color=LEG_COLOURS[side], label=f"{side.value} knee")
        ax_fppa.plot(t, leg.fppa_deg, color=LEG_COLOURS[side], label=f"{side.value} knee")
    for edge in (bands.MKD_MILD, bands.MKD_MARKED):
        ax_mkd.axhline(100 * edge, color="grey", ls="--", lw=0.8)
    for edge in (bands.FPPA_MILD_DEG, bands.FPPA_MARKED_DEG):
        ax_fppa.axhline(edge, color="grey", ls="--", lw=0.8)
    ax_depth.plot(t, series.depth, color="black")
    ax_depth.axhline(bands.FPPA_MAX_DEPTH, color="grey", ls=":", lw=0.8)
    for rep in result.reps:
        for ax in axes:
            ax.axvspan(rep.start_s, rep.end_s, color="#f0e6d2", zorder=0)
            ax.axvline(rep.bottom_s, color="#b08d57", lw=0.8, zorder=0)
    ax_mkd.set_ylabel("knee inside the\ntoe line, % leg")
    ax_fppa.set_ylabel("FPPA, deg\n(+ = knee in)")
    ax_depth.set_ylabel("depth\n(hip drop / leg)")
    ax_depth.set_xlabel("time, s  (reps shaded, bottoms marked; dashed: band edges)")
    ax_mkd.legend(loc="upper right", fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=110)
    plt.close(fig)
    return buf.getvalue()
