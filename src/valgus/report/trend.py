"""Trend across assessments: per leg, the verdict measures (MKD and FPPA) of each stored squat
analysis with their uncertainty, the band edges, and the first-vs-latest change as
the change rule decides it (valgus.assessment.change: less valgus / more valgus / no
measurable change).

`leg_trends` gives the numbers each chart draws (so they can be checked); `trend_png` draws
one leg; `trend_html` / `trend_page` put them in a report section or a page of their own.
"""

from __future__ import annotations

import datetime as dt
import html
import io
import math
import textwrap
from dataclasses import dataclass
from typing import Literal

import matplotlib

matplotlib.use("Agg")  # files only; never a window
import matplotlib.pyplot as plt
from matplotlib.axes import Axes

from valgus import __version__
from valgus.assessment import bands
from valgus.assessment.change import MeasureChange
from valgus.report.html import CSS, data_uri
from valgus.storage.store import History, LegProgressOut, PointOut

MeasureName = Literal["mkd", "knee_over_foot", "fppa_deg"]
VERDICT_WORDS = {
    "less valgus": "less valgus since the first assessment",
    "more valgus": "more valgus since the first assessment",
    "mixed": "mixed since the first assessment (the measures disagree)",
    "no measurable change": "no measurable change since the first assessment",
    "not comparable": "not comparable yet",
}
LEVEL_FILL = ("#e8f5e9", "#fff3e0", "#fdecea")  # typical, above, well above typical
UNCERTAINTY_NOTE = (
    "Bars: each assessment's mean over reps ± the larger of the method's measurement error "
    "(2 % of leg length; 3°) and the 95 % interval of the mean. Hatched: the first assessment "
    "± the smallest detectable change; a later value inside it is 'no measurable change'. "
    "Dashed: band edges (typical / above typical / well above typical)."
)


@dataclass(frozen=True)
class TrendPoint:
    """One assessment of one measure, in display units (MKD: % of leg length; FPPA: deg)."""

    when: dt.datetime
    session: int  # 1 = the first analysis, as numbered in `valgus history`
    value: float
    half_width: float  # uncertainty drawn as an error bar
    used: bool  # part of the verdict (FPPA only in shallow enough squats)


@dataclass(frozen=True)
class MeasureTrend:
    measure: MeasureName
    label: str
    unit: str
    points: list[TrendPoint]
    edges: tuple[float, float]  # band edges, display units
    first: float | None  # the first assessment's value the change is measured from
    threshold: float | None  # smallest detectable change, display units
    change: float | None  # latest - first, display units; + = more valgus
    verdict: str  # the change rule's word (valgus.assessment.change)


@dataclass(frozen=True)
class LegTrend:
    side: str
    verdict: str
    statement: str
    measures: list[MeasureTrend]


def _half_width(sd: float | None, n: int, error: float) -> float:
    """max(method error, 95 % CI half-width of the mean over n reps)."""
    ci = 1.96 * sd / math.sqrt(n) if sd is not None and n > 0 else 0.0
    return max(error, ci)


def _points(sessions: list[PointOut], measure: MeasureName) -> list[TrendPoint]:
    out = []
    for n, s in enumerate(sessions, start=1):
        if measure != "fppa_deg" and s.mkd is not None:
            error = bands.MKD_MEASUREMENT_ERROR
            if measure == "knee_over_foot":
                error = bands.KOF_MEASUREMENT_ERROR
            hw = _half_width(s.mkd_sd, s.n_reps, error)
            out.append(TrendPoint(s.when, n, 100 * s.mkd, 100 * hw, True))
        elif measure == "fppa_deg" and s.fppa_deg is not None:
            hw = _half_width(s.fppa_sd_deg, s.n_reps, bands.FPPA_MEASUREMENT_ERROR_DEG)
            out.append(TrendPoint(s.when, n, s.fppa_deg, hw, s.fppa_used))
    return out


def _measure(leg: LegProgressOut, measure: MeasureName) -> MeasureTrend:
    scale = 1.0 if measure == "fppa_deg" else 100.0
    change: MeasureChange | None = next((c for c in leg.changes if c.measure == measure), None)
    if measure != "fppa_deg":
        label = (
            "knee inside the foot's line"
            if measure == "knee_over_foot"
            else "knee inside the toe line (MKD)"
        )
        unit = "% of leg length"
        edges = (bands.MKD_MILD, bands.MKD_MARKED)
    else:
        label, unit = "frontal-plane angle (FPPA)", "deg"
        edges = (bands.FPPA_MILD_DEG, bands.FPPA_MARKED_DEG)
    return MeasureTrend(
        measure=measure,
        label=label,
        unit=unit,
        points=_points(leg.sessions, measure),
        edges=(scale * edges[0], scale * edges[1]),
        first=None if change is None else scale * change.before,
        threshold=None if change is None else scale * change.smallest_detectable_change,
        change=None if change is None else scale * change.change,
        verdict="not comparable" if change is None else change.verdict,
    )


def _knee_measure(leg: LegProgressOut) -> MeasureName:
    """The knee measure the leg's sessions share (progress.progress chose it)."""
    kof = leg.sessions and all(s.knee_measure == "knee_over_foot" for s in leg.sessions)
    return "knee_over_foot" if kof else "mkd"


def leg_trends(history: History, /) -> list[LegTrend]:
    """Per leg, what the trend charts draw: MKD first (the verdict's main measure), FPPA."""
    return [
        LegTrend(
            side=leg.side,
            verdict=leg.verdict,
            statement=leg.statement,
            measures=[_measure(leg, _knee_measure(leg)), _measure(leg, "fppa_deg")],
        )
        for leg in history.progress
    ]


def _title(m: MeasureTrend) -> str:
    if m.change is None or m.threshold is None or m.first is None:
        why = (
            "a squat was too deep for FPPA, so the verdict did not use it"
            if any(not p.used for p in m.points)
            else "fewer than two analyses"
        )
        return _wrap(f"{m.label}: not compared ({why})")
    unit = "°" if m.measure == "fppa_deg" else "%"
    return _wrap(
        f"{m.label}: {m.change:+.1f}{unit} since the first (smallest detectable change "
        f"{m.threshold:.1f}{unit}): {m.verdict}"
    )


def _wrap(text: str) -> str:
    return "\n".join(textwrap.wrap(text, width=72))


def _panel(ax: Axes, m: MeasureTrend) -> None:
    values = [p.value for p in m.points]
    lo = min([0.0, *[p.value - p.half_width for p in m.points]]) - 2
    hi = max([m.edges[1] + 3, *[p.value + p.half_width for p in m.points]]) + 2
    for (a, b), colour in zip(
        ((lo, m.edges[0]), m.edges, (m.edges[1], hi)), LEVEL_FILL, strict=True
    ):
        ax.axhspan(a, b, color=colour, zorder=0)
    for edge in m.edges:
        ax.axhline(edge, color="grey", ls="--", lw=0.8, zorder=1)
    if m.first is not None and m.threshold is not None and m.points:
        ax.axhspan(
            m.first - m.threshold,
            m.first + m.threshold,
            facecolor="none",
            edgecolor="#546e7a",
            hatch="///",
            lw=0,
            zorder=1,
            label="first ± smallest detectable change",
        )
    used = [p for p in m.points if p.used]
    unused = [p for p in m.points if not p.used]
    if len(values) > 1:
        colour = "#1d2733" if not unused else "#9e9e9e"
        ax.plot([p.session for p in m.points], values, color=colour, lw=1, zorder=2)
    if used:
        ax.errorbar(
            [p.session for p in used],
            [p.value for p in used],
            yerr=[p.half_width for p in used],
            fmt="o",
            color="#1d2733",
            capsize=4,
            zorder=3,
        )
    for p in m.points:  # the session numbers of `valgus history`
        ax.annotate(
            f"#{p.session}",
            (p.session, p.value + p.half_width),
            textcoords="offset points",
            xytext=(0, 4),
            ha="center",
            fontsize=8,
            color="#37474f",
        )
    if unused:
        ax.errorbar(
            [p.session for p in unused],
            [p.value for p in unused],
            yerr=[p.half_width for p in unused],
            fmt="o",
            mfc="white",
            color="#888888",
            capsize=4,
            zorder=3,
            label="not used for the verdict (squat too deep for FPPA)",
        )
    if ax.get_legend_handles_labels()[0]:
        ax.legend(loc="upper right", fontsize=7, framealpha=0.9)
    ax.set_ylim(lo, hi)
    ax.set_ylabel(m.unit)
    ax.set_title(_title(m), fontsize=9, loc="left")
    ax.set_xticks(
        [p.session for p in m.points],
        [f"#{p.session}\n{p.when:%d %b %Y}" for p in m.points],  # one tick per analysis
    )


def adherence_lines(history: History, /) -> list[str]:
    """Per program, the sessions logged of those due so far, to read beside the trend."""
    lines = []
    for p in history.programs:
        a = p.adherence
        share = "" if a.fraction is None else f" ({a.fraction:.0%})"
        lines.append(
            f"Program {p.start:%d %b %Y} to {p.end:%d %b %Y}: {a.done} of {a.planned} sessions "
            f"due so far were logged{share}."
        )
    return lines or ["No program stored, so no adherence to show."]


def trend_png(trend: LegTrend, /, *, adherence: list[str] | None = None) -> bytes:
    """One leg: MKD above, FPPA below, across assessment dates (numbered as in `valgus
    history`), the adherence to the program(s) below. PNG bytes."""
    fig, axes = plt.subplots(2, 1, figsize=(7.5, 5.6), sharex=True, constrained_layout=True)
    for ax, m in zip(axes, trend.measures, strict=True):
        _panel(ax, m)
    word = VERDICT_WORDS.get(trend.verdict, trend.verdict)
    fig.suptitle(f"{trend.side.capitalize()} knee: {word}", fontsize=11, x=0.02, ha="left")
    sessions = [p.session for m in trend.measures for p in m.points]
    if sessions:  # evenly spaced analyses, numbered as in the history, dated below
        axes[1].set_xlim(min(sessions) - 0.5, max(sessions) + 0.5)
    if adherence:
        fig.supxlabel("\n".join(adherence), fontsize=8, x=0.02, ha="left", color="#37474f")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=120)
    plt.close(fig)
    return buf.getvalue()


def trend_pictures(history: History, /) -> list[tuple[str, bytes]]:
    """(statement, PNG) per leg; none when no squat analysis is stored yet."""
    if not any(leg.sessions for leg in history.progress):
        return []
    adherence = adherence_lines(history)
    return [(t.statement, trend_png(t, adherence=adherence)) for t in leg_trends(history)]


def trend_html(history: History, /, *, pictures: list[tuple[str, bytes]] | None = None) -> str:
    """The 'Across assessments' report section."""
    n = len(history.progress[0].sessions) if history.progress else 0
    head = (
        f"<h2>Across assessments</h2><p class='sub'>{html.escape(history.person.name)}: "
        f"{n} squat analys{'i' if n == 1 else 'e'}s in the history database.</p>"
    )
    if n == 0:
        return head + "<p>No squat analysis stored yet (valgus analyze --person NAME).</p>"
    figs = "".join(
        f"<figure><img src='{data_uri(png)}' alt='{html.escape(text)}'>"
        f"<figcaption>{html.escape(text)}</figcaption></figure>"
        for text, png in (pictures if pictures is not None else trend_pictures(history))
    )
    return (
        f"{head}<div class='grid wide'>{figs}</div>"
        f"<p class='sub'>{html.escape(UNCERTAINTY_NOTE)} {html.escape(history.statement)}</p>"
    )


def trend_page(history: History, /) -> str:
    """A page of its own: the person's trend (`valgus history NAME --report OUT.html`)."""
    name = html.escape(history.person.name)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>valgus history: {name}</title><style>{CSS}</style></head>
<body><main>
<h1>Knee valgus across assessments: {name}</h1>
<p class="sub">report made {dt.date.today().isoformat()}</p>
{trend_html(history)}
<footer>valgus {__version__} · wellness software: it describes movement, it does not diagnose
and does not predict injury.</footer>
</main></body></html>
"""
