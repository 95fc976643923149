"""Did valgus change between two recordings? One rule, one wording, for every question of
the kind: `valgus compare`, the driver triage (heel-raised vs flat squat, single-leg vs
bilateral squat), `valgus history` and its trend charts (docs/method.md "Did it change?").

Per leg, each measure both verdicts rest on (their `basis`: the knee over the foot's line, or
MKD in results made before it existed, and FPPA where the squats were shallow enough for it)
is compared; a session judged on MKD and one judged on the knee over the foot's line are
compared on MKD, which both carry: after minus before, + = more valgus. A change
counts only when it reaches the smallest detectable change (SDC) of the difference:

- the spread of the two sessions: each session's own SDC is 1.96 * sqrt(2) * SE of its
  mean over reps, so the difference of the two means has 1.96 * sqrt(SE_a^2 + SE_b^2) =
  sqrt(SDC_a^2 + SDC_b^2) / sqrt(2) (with one SDC unknown, the known one stands for both);
- never less than the method's own floor: 8 deg for FPPA (the published smallest
  detectable difference of 2D FPPA, 7.5-9 deg, Munro 2012) and twice the measurement
  error of MKD (2 x 2 % of leg length: pose-model bias plus a camera up to 10 deg off
  square, docs/accuracy.md) or of the knee over the foot's line (2 x 2 %, plus the
  difference of the two sessions' own knee_over_foot_error: the part of that error that
  grows with the feet's turn is the same from one session to the next when the feet stand
  alike, and cancels in the difference), since two recordings differ by their set-up too.

Smaller changes are "no measurable change". A leg's word: "less valgus" or "more valgus"
when a measure shows it and none shows the opposite, "mixed" when they disagree, "not
comparable" without a measure in common (a leg not judged in one of them). Pure.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict

from valgus.assessment.bands import FPPA_SDD_DEG, KOF_MEASUREMENT_ERROR, MKD_MEASUREMENT_ERROR

Measure = Literal["fppa_deg", "mkd", "knee_over_foot"]
Direction = Literal["less valgus", "more valgus", "no measurable change"]
Verdict = Literal["less valgus", "more valgus", "no measurable change", "mixed", "not comparable"]
MEASURES: tuple[Measure, ...] = ("knee_over_foot", "mkd", "fppa_deg")

# The floor under each measure's SDC (see the module text).
FLOORS: dict[Measure, float] = {
    "fppa_deg": FPPA_SDD_DEG,
    "mkd": 2 * MKD_MEASUREMENT_ERROR,
    "knee_over_foot": 2 * KOF_MEASUREMENT_ERROR,
}


class _StatLike(Protocol):
    @property
    def mean(self) -> float | None: ...


class LegLike(Protocol):
    """What the rule reads of one leg's summary (results.LegSummary or a stored result)."""

    @property
    def basis(self) -> list[str]: ...
    @property
    def fppa_deg(self) -> _StatLike: ...
    @property
    def mkd(self) -> _StatLike: ...
    @property
    def fppa_sdc_deg(self) -> float | None: ...
    @property
    def mkd_sdc(self) -> float | None: ...
    @property
    def knee_over_foot(self) -> _StatLike | None: ...
    @property
    def knee_over_foot_sdc(self) -> float | None: ...
    @property
    def knee_over_foot_error(self) -> float | None: ...


class MeasureChange(BaseModel):
    """One measure of one leg from one session to another."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: Measure
    before: float
    after: float
    change: float  # after - before; + = more valgus
    smallest_detectable_change: float
    verdict: Direction


def uses(leg: LegLike, measure: Measure, /) -> bool:
    """The leg's verdict rested on this measure ("fppa" is how older hand-made files
    named FPPA)."""
    names = {
        "fppa_deg": ("fppa_deg", "fppa"),
        "mkd": ("mkd",),
        "knee_over_foot": ("knee_over_foot",),
    }[measure]
    return any(b in names for b in leg.basis)


def knee_measure(before: LegLike, after: LegLike, /) -> Measure | None:
    """The knee measure two sessions are compared on: the knee over the foot's line when
    both verdicts rest on it, else MKD (which results of either kind carry)."""
    if uses(before, "knee_over_foot") and uses(after, "knee_over_foot"):
        return "knee_over_foot"
    knee: tuple[Measure, ...] = ("mkd", "knee_over_foot")
    if any(uses(before, m) for m in knee) and any(uses(after, m) for m in knee):
        return "mkd"
    return None


def value(leg: LegLike, measure: Measure, /) -> float | None:
    if measure == "knee_over_foot":
        kof = leg.knee_over_foot
        return kof.mean if kof is not None else None
    return leg.fppa_deg.mean if measure == "fppa_deg" else leg.mkd.mean


def own_sdc(leg: LegLike, measure: Measure, /) -> float | None:
    if measure == "knee_over_foot":
        return leg.knee_over_foot_sdc
    return leg.fppa_sdc_deg if measure == "fppa_deg" else leg.mkd_sdc


def floor(measure: Measure, *legs: LegLike) -> float:
    """The method's floor under the SDC; for the knee over the foot's line, 2 x its base
    error plus how much the legs' own errors differ (feet turned out more in one session)."""
    if measure != "knee_over_foot":
        return FLOORS[measure]
    errors = [leg.knee_over_foot_error or KOF_MEASUREMENT_ERROR for leg in legs]
    return FLOORS[measure] + (max(errors) - min(errors))


def combined_sdc(a: float | None, b: float | None, /) -> float:
    """The SDC of a difference of two session means from their own SDCs."""
    known = [x for x in (a, b) if x is not None]
    if len(known) == 2:
        return math.hypot(known[0], known[1]) / math.sqrt(2)
    return known[0] if known else 0.0


def threshold(
    measure: Measure,
    sdc_before: float | None,
    sdc_after: float | None,
    /,
    *,
    least: float | None = None,
) -> float:
    """The smallest change of `measure` that counts; least: the floor (floor()) when it is
    not the measure's default."""
    return max(FLOORS[measure] if least is None else least, combined_sdc(sdc_before, sdc_after))


def classify(change: float, smallest: float, /) -> Direction:
    """+ = more valgus. Below the smallest detectable change: no measurable change."""
    if abs(change) < smallest:
        return "no measurable change"
    return "more valgus" if change > 0 else "less valgus"


def measure_changes(before: LegLike, after: LegLike, /) -> list[MeasureChange]:
    """Each measure both verdicts rest on, from `before` to `after`."""
    out = []
    knee = knee_measure(before, after)
    for m in MEASURES:
        a, b = value(before, m), value(after, m)
        if m == "fppa_deg":
            if not (uses(before, m) and uses(after, m)):
                continue
        elif m != knee:
            continue
        if a is None or b is None:
            continue
        least = floor(m, before, after)
        smallest = threshold(m, own_sdc(before, m), own_sdc(after, m), least=least)
        out.append(
            MeasureChange(
                measure=m,
                before=a,
                after=b,
                change=round(b - a, 4),
                smallest_detectable_change=round(smallest, 4),
                verdict=classify(b - a, smallest),
            )
        )
    return out


def overall(changes: Sequence[MeasureChange], /) -> Verdict:
    """One word for a leg from its measures' changes."""
    if not changes:
        return "not comparable"
    seen = {c.verdict for c in changes}
    if {"less valgus", "more valgus"} <= seen:
        return "mixed"
    for word in ("less valgus", "more valgus"):
        if word in seen:
            return word
    return "no measurable change"


def describe_change(c: MeasureChange, /) -> str:
    """e.g. 'FPPA 14.0° -> 4.0° (-10.0°; smallest detectable change 8.0°)'."""
    if c.measure == "fppa_deg":
        return (
            f"FPPA {c.before:.1f}° -> {c.after:.1f}° ({c.change:+.1f}°; smallest detectable "
            f"change {c.smallest_detectable_change:.1f}°)"
        )
    line = "the foot's line" if c.measure == "knee_over_foot" else "the toe line"
    return (
        f"knee inside {line} {100 * c.before:.1f}% -> {100 * c.after:.1f}% of leg length "
        f"({100 * c.change:+.1f}%; smallest detectable change "
        f"{100 * c.smallest_detectable_change:.1f}%)"
    )


def describe(verdict: Verdict, changes: Sequence[MeasureChange], /) -> str:
    """The leg's word and the measures behind it, e.g. 'less valgus: FPPA 14.0° -> ...'."""
    if not changes:
        return verdict
    return f"{verdict}: " + "; ".join(describe_change(c) for c in changes)
