"""Progress across assessments and adherence to the program. Pure: no storage, no I/O.

A change between two sessions counts as "improved" (less valgus) or "worse" (more) only when
it reaches the smallest detectable change (SDC); smaller changes are "no measurable change"
(PRODUCT.md "Interpretation and wording"; reference section 5 rule 6):

- FPPA (mean over reps, degrees; only where both sessions used it for the verdict, i.e.
  squats shallow enough): the larger of the published 8 deg (Munro 2012: SDD 7.5-8.9 deg)
  and each session's own SDC (`fppa_sdc_deg`, 1.96 * sqrt(2) * sd / sqrt(n));
- MKD (mean over reps, fraction of leg length): the larger of twice the method's
  measurement error (2 * 0.02, valgus.assessment.bands.MKD_MEASUREMENT_ERROR) and each
  session's own SDC (`mkd_sdc`).

Rule 6 also asks for a change sustained over two assessments before calling it a trend:
`LegProgress.sustained` is true when the assessment before the latest already showed the
same change against the first one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from valgus.assessment.bands import FPPA_SDD_DEG, MKD_MEASUREMENT_ERROR
from valgus.assessment.drivers import SIDES, SideName, read_analysis, uses_fppa

Change = Literal["improved", "worse", "no measurable change", "mixed", "not comparable"]
Measure = Literal["fppa_deg", "mkd"]


@dataclass(frozen=True)
class LegPoint:
    """One leg in one session: the key measures with their uncertainty."""

    when: dt.datetime
    verdict: str | None
    band: str
    fppa_deg: float | None
    fppa_sd_deg: float | None
    fppa_sdc_deg: float | None
    fppa_used: bool  # FPPA is one of the verdict's bases (valid at this depth)
    mkd: float | None
    mkd_sd: float | None
    mkd_sdc: float | None
    n_reps: int


@dataclass(frozen=True)
class MeasureChange:
    measure: Measure
    before: float
    after: float
    change: float  # after - before; negative = less valgus
    threshold: float  # the smallest detectable change used
    verdict: Change


@dataclass(frozen=True)
class LegProgress:
    side: SideName
    points: list[LegPoint]
    changes: list[MeasureChange]  # latest against the first assessment
    verdict: Change
    sustained: bool


@dataclass(frozen=True)
class Adherence:
    planned: int  # sessions planned up to the day considered
    done: int  # of those, sessions with a logged workout
    fraction: float | None


def leg_point(result: Mapping[str, Any], side: SideName, /, *, when: dt.datetime) -> LegPoint:
    """Read one leg of an analysis JSON (the `valgus analyze --json` contract)."""
    leg = read_analysis(result).leg(side)
    n = int(result.get("summary", {}).get("n_reps", leg.mkd.n))
    return LegPoint(
        when=when,
        verdict=leg.valgus,
        band=leg.band,
        fppa_deg=leg.fppa_deg.mean,
        fppa_sd_deg=leg.fppa_deg.sd,
        fppa_sdc_deg=leg.fppa_sdc_deg,
        fppa_used=uses_fppa(leg),
        mkd=leg.mkd.mean,
        mkd_sd=leg.mkd.sd,
        mkd_sdc=leg.mkd_sdc,
        n_reps=n,
    )


def fppa_threshold_deg(sdc_a: float | None, sdc_b: float | None, /) -> float:
    return max(FPPA_SDD_DEG, sdc_a or 0.0, sdc_b or 0.0)


def mkd_threshold(sdc_a: float | None, sdc_b: float | None, /) -> float:
    return max(2 * MKD_MEASUREMENT_ERROR, sdc_a or 0.0, sdc_b or 0.0)


def classify(change: float, threshold: float, /) -> Change:
    """Positive change = more valgus. Within the SDC: no measurable change."""
    if abs(change) < threshold:
        return "no measurable change"
    return "worse" if change > 0 else "improved"


def compare(before: LegPoint, after: LegPoint, /) -> list[MeasureChange]:
    """Each measure both sessions have: FPPA where both used it, MKD where both have it."""
    out = []
    fa, fb = before.fppa_deg, after.fppa_deg
    if before.fppa_used and after.fppa_used and fa is not None and fb is not None:
        thr = fppa_threshold_deg(before.fppa_sdc_deg, after.fppa_sdc_deg)
        out.append(MeasureChange("fppa_deg", fa, fb, fb - fa, thr, classify(fb - fa, thr)))
    if before.mkd is not None and after.mkd is not None:
        thr = mkd_threshold(before.mkd_sdc, after.mkd_sdc)
        d = after.mkd - before.mkd
        out.append(MeasureChange("mkd", before.mkd, after.mkd, d, thr, classify(d, thr)))
    return out


def overall(changes: Sequence[MeasureChange], /) -> Change:
    """One word for a leg: improved/worse when a measure shows it and none shows the
    opposite; mixed when they disagree; not comparable with no common measure."""
    if not changes:
        return "not comparable"
    seen = {c.verdict for c in changes}
    if "improved" in seen and "worse" in seen:
        return "mixed"
    for v in ("improved", "worse"):
        if v in seen:
            return v
    return "no measurable change"


def leg_progress(points: Sequence[LegPoint], side: SideName, /) -> LegProgress:
    """Progress of one leg over its sessions (oldest first): latest against the first."""
    pts = sorted(points, key=lambda p: p.when)
    if len(pts) < 2:
        return LegProgress(side, pts, [], "not comparable", False)
    changes = compare(pts[0], pts[-1])
    verdict = overall(changes)
    sustained = (
        verdict in ("improved", "worse")
        and len(pts) >= 3
        and overall(compare(pts[0], pts[-2])) == verdict
    )
    return LegProgress(side, pts, changes, verdict, sustained)


def progress(results: Sequence[tuple[dt.datetime, Mapping[str, Any]]], /) -> list[LegProgress]:
    """Per leg, from (when, analysis JSON) pairs of the same movement."""
    return [leg_progress([leg_point(r, s, when=w) for w, r in results], s) for s in SIDES]


def adherence(
    planned: Iterable[dt.date], logged: Iterable[dt.date], /, *, until: dt.date
) -> Adherence:
    """Sessions logged vs sessions planned up to `until` (inclusive). A planned session
    counts as done when a workout was logged on its day or before the next planned one."""
    due = sorted(d for d in planned if d <= until)
    days = sorted(set(logged))
    done = 0
    for i, day in enumerate(due):
        end = due[i + 1] if i + 1 < len(due) else until + dt.timedelta(days=1)
        if any(day <= d < end for d in days):
            done += 1
    return Adherence(len(due), done, round(done / len(due), 3) if due else None)


def describe(p: LegProgress, /) -> str:
    """One line, e.g. 'left: improved (FPPA 14.0° -> 4.0°, -10.0°, SDC 8.0°)'."""
    if p.verdict == "not comparable":
        why = {0: "no squat analysis yet", 1: "one analysis so far"}.get(
            len(p.points), "no measure in common"
        )
        return f"{p.side}: not comparable yet ({why})"
    parts = []
    for c in p.changes:
        if c.measure == "fppa_deg":
            parts.append(
                f"FPPA {c.before:.1f}° -> {c.after:.1f}° ({c.change:+.1f}°, SDC {c.threshold:.1f}°)"
            )
        else:
            parts.append(
                f"MKD {c.before:.1%} -> {c.after:.1%} of leg length "
                f"({100 * c.change:+.1f} points, SDC {100 * c.threshold:.1f})"
            )
    word = {"improved": "improved (less valgus)", "worse": "worse (more valgus)"}.get(
        p.verdict, p.verdict
    )
    tail = " in two assessments running" if p.sustained else ""
    return f"{p.side}: {word}{tail} since the first assessment: " + "; ".join(parts)
