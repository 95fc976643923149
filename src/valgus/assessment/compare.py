"""`valgus compare A.json B.json`: did valgus clearly change between two analyses?

Per leg, the most telling measure both analyses judged on (FPPA where both verdicts used
it, else MKD; drivers.compare_legs) and whether the change exceeds what the measurement
itself cannot resolve: max(8 deg, the two sessions' combined smallest detectable change)
for FPPA (Munro 2012; reference rule 6), max(twice the method's error, combined SDC) for
MKD. For a flat squat against a heel-raised squat the change is read as reference rule 8
reads it (Padua 2012; Bell 2008): clearly less valgus with the heels raised weights the
ankle/calf pathway, unchanged valgus points above the ankle.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from valgus.assessment.drivers import (
    SIDES,
    MovementResult,
    compare_legs,
    heel_raise_evidence,
)

Change = Literal["less valgus", "more valgus", "no clear change", "not comparable"]


class LegChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    side: Literal["left", "right"]
    measure: Literal["FPPA", "MKD"] | None
    before: float | None
    after: float | None
    verdict_before: str
    verdict_after: str
    fall: float | None
    needed: float | None
    change: Change
    description: str


class Comparison(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first: str
    second: str
    legs: list[LegChange]
    interpretation: list[str]
    statement: str


def _unit(text: str) -> tuple[str, float]:
    return ("deg", 1.0) if text.startswith("FPPA") else ("% of leg length", 100.0)


def compare_leg(a: MovementResult, b: MovementResult, side: Literal["left", "right"]) -> LegChange:
    before, after = a.leg(side), b.leg(side)
    cmp = compare_legs(before, after)
    if cmp is None or before.valgus is None or after.valgus is None:
        return LegChange(
            side=side,
            measure=None,
            before=None,
            after=None,
            verdict_before=before.band,
            verdict_after=after.band,
            fall=None,
            needed=None,
            change="not comparable",
            description=f"{side} leg: not judged in both analyses, so no comparison.",
        )
    text, fall, needed = cmp
    unit, k = _unit(text)
    change: Change = (
        "less valgus" if fall > needed else "more valgus" if fall < -needed else "no clear change"
    )
    size = f"{abs(fall) * k:.1f} {unit}"
    need = f"{needed * k:.1f} {unit}"
    words = {
        "less valgus": f"clearly less valgus ({size} less; more than the {need} the measurement "
        "cannot resolve)",
        "more valgus": f"clearly more valgus ({size} more; more than the {need} the measurement "
        "cannot resolve)",
        "no clear change": f"no clear change ({size}, within the {need} the measurement cannot "
        "resolve)",
    }
    fppa = text.startswith("FPPA")
    return LegChange(
        side=side,
        measure="FPPA" if fppa else "MKD",
        before=(before.fppa_deg if fppa else before.mkd).mean,
        after=(after.fppa_deg if fppa else after.mkd).mean,
        verdict_before=before.band,
        verdict_after=after.band,
        fall=round(fall, 4),
        needed=round(needed, 4),
        change=change,
        description=f"{side} leg, {text}: {words[change]}.",
    )


def interpret(a: MovementResult, b: MovementResult) -> list[str]:
    """Rule 8 wording when one is the flat squat and the other the heel-raised squat."""
    pair = {a.movement: a, b.movement: b}
    if set(pair) != {"squat", "heel-raised-squat"}:
        return []
    items = heel_raise_evidence(pair["squat"], pair["heel-raised-squat"])
    if not items:
        return [
            "Heel-raise test: neither knee showed valgus on the flat squat, so the test "
            "does not point anywhere."
        ]
    out = []
    for e in items:
        pathway = "ankle/calf" if e.driver == "ankle_dorsiflexion" else "hip/knee (above the ankle)"
        out.append(
            f"Heel-raise test, {e.side} leg: {e.rule}; this weights the {pathway} pathway "
            f"({e.source})."
        )
    return out


def compare(a: MovementResult, b: MovementResult, *, first: str, second: str) -> Comparison:
    from valgus.assessment.bands import WELLNESS_STATEMENT

    return Comparison(
        first=f"{first} ({a.movement})",
        second=f"{second} ({b.movement})",
        legs=[compare_leg(a, b, side) for side in SIDES],
        interpretation=interpret(a, b),
        statement=WELLNESS_STATEMENT,
    )
