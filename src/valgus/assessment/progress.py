"""Progress of each leg across a person's analyses of one movement test. Pure.

The latest analysis is compared with the first by the change rule (change.py): "less
valgus" or "more valgus" only when a measure the verdicts rest on changed by at least its
smallest detectable change; smaller changes are "no measurable change".

A trend needs a change sustained over two assessments (docs/evidence.md §2):
`LegProgress.sustained` is true when the assessment before the latest already showed the
same change against the first one.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from valgus.assessment import change
from valgus.assessment.drivers import LegIn, read_analysis
from valgus.schema import Side


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
    mkd: float | None  # the knee measure the sessions share: knee over the foot's line,
    mkd_sd: float | None  # or MKD when an earlier session has only MKD (knee_measure says)
    mkd_sdc: float | None
    n_reps: int
    leg: LegIn  # the leg as the change rule reads it
    knee_measure: str = "mkd"  # "knee_over_foot" or "mkd"


@dataclass(frozen=True)
class LegProgress:
    side: Side
    points: list[LegPoint]
    changes: list[change.MeasureChange]  # latest against the first assessment
    verdict: change.Verdict
    sustained: bool


def has_knee_over_foot(result: Mapping[str, Any], side: Side, /) -> bool:
    """The leg's verdict rests on the knee over the foot's line (schema v4)."""
    return change.uses(read_analysis(result).leg(side), "knee_over_foot")


def leg_point(
    result: Mapping[str, Any], side: Side, /, *, when: dt.datetime, knee: str = "mkd"
) -> LegPoint:
    """Read one leg of an analysis JSON (the `valgus analyze --json` contract); knee: the
    knee measure to show ("knee_over_foot" where every session of the series has it)."""
    leg = read_analysis(result).leg(side)
    n = int(result.get("summary", {}).get("n_reps", leg.mkd.n))
    knee_stat, knee_sdc = leg.mkd, leg.mkd_sdc
    if knee == "knee_over_foot" and leg.knee_over_foot is not None:
        knee_stat, knee_sdc = leg.knee_over_foot, leg.knee_over_foot_sdc
    return LegPoint(
        when=when,
        verdict=leg.valgus,
        band=leg.band,
        fppa_deg=leg.fppa_deg.mean,
        fppa_sd_deg=leg.fppa_deg.sd,
        fppa_sdc_deg=leg.fppa_sdc_deg,
        fppa_used=change.uses(leg, "fppa_deg"),
        mkd=knee_stat.mean,
        mkd_sd=knee_stat.sd,
        mkd_sdc=knee_sdc,
        n_reps=n,
        leg=leg,
        knee_measure=knee if knee_stat is not leg.mkd else "mkd",
    )


def leg_progress(points: Sequence[LegPoint], side: Side, /) -> LegProgress:
    """Progress of one leg over its sessions (oldest first): latest against the first."""
    pts = sorted(points, key=lambda p: p.when)
    if len(pts) < 2:
        return LegProgress(side, pts, [], "not comparable", False)
    changes = change.measure_changes(pts[0].leg, pts[-1].leg)
    verdict = change.overall(changes)
    sustained = (
        verdict in ("less valgus", "more valgus")
        and len(pts) >= 3
        and change.overall(change.measure_changes(pts[0].leg, pts[-2].leg)) == verdict
    )
    return LegProgress(side, pts, changes, verdict, sustained)


def progress(results: Sequence[tuple[dt.datetime, Mapping[str, Any]]], /) -> list[LegProgress]:
    """Per leg, from (when, analysis JSON) pairs of the same movement. The knee measure
    shown is the one the change rule compares: the knee over the foot's line when every
    session has it, else MKD."""
    out = []
    for s in Side:
        kof = bool(results) and all(has_knee_over_foot(r, s) for _, r in results)
        knee = "knee_over_foot" if kof else "mkd"
        out.append(leg_progress([leg_point(r, s, when=w, knee=knee) for w, r in results], s))
    return out


def describe(p: LegProgress, /) -> str:
    """One line, e.g. 'left: less valgus since the first assessment: FPPA 14.0° -> ...'."""
    if p.verdict == "not comparable":
        why = {0: "no analysis yet", 1: "one analysis so far"}.get(
            len(p.points), "no measure in common"
        )
        return f"{p.side.value}: not comparable yet ({why})"
    tail = " in two assessments running" if p.sustained else ""
    parts = "; ".join(change.describe_change(c) for c in p.changes)
    return f"{p.side.value}: {p.verdict}{tail} since the first assessment: {parts}"
