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
    mkd: float | None
    mkd_sd: float | None
    mkd_sdc: float | None
    n_reps: int
    leg: LegIn  # the leg as the change rule reads it


@dataclass(frozen=True)
class LegProgress:
    side: Side
    points: list[LegPoint]
    changes: list[change.MeasureChange]  # latest against the first assessment
    verdict: change.Verdict
    sustained: bool


def leg_point(result: Mapping[str, Any], side: Side, /, *, when: dt.datetime) -> LegPoint:
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
        fppa_used=change.uses(leg, "fppa_deg"),
        mkd=leg.mkd.mean,
        mkd_sd=leg.mkd.sd,
        mkd_sdc=leg.mkd_sdc,
        n_reps=n,
        leg=leg,
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
    """Per leg, from (when, analysis JSON) pairs of the same movement."""
    return [leg_progress([leg_point(r, s, when=w) for w, r in results], s) for s in Side]


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
