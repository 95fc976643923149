"""`valgus compare A.json B.json`: did valgus clearly change between two analyses?

Per leg, the change rule (change.py: every measure both verdicts rest on, against the
smallest detectable change of the difference). For a flat squat against a heel-raised
squat the change is read as the heel-raise test reads it (Padua 2012; Bell 2008;
docs/evidence.md §6): clearly less valgus with the heels raised weights the ankle/calf
pathway, unchanged valgus points above the ankle.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from valgus.assessment import change as change_rule
from valgus.assessment import movements
from valgus.assessment.bands import WELLNESS_STATEMENT
from valgus.assessment.drivers import MovementResult, heel_raise_evidence
from valgus.schema import Side


class LegChange(BaseModel):
    model_config = ConfigDict(extra="forbid")

    side: Literal["left", "right"]
    verdict_before: str
    verdict_after: str
    change: change_rule.Verdict
    measures: list[change_rule.MeasureChange]
    description: str


class Comparison(BaseModel):
    model_config = ConfigDict(extra="forbid")

    first: str
    second: str
    legs: list[LegChange]
    interpretation: list[str]
    statement: str


def compare_leg(a: MovementResult, b: MovementResult, side: Side) -> LegChange:
    before, after = a.leg(side), b.leg(side)
    measures = change_rule.measure_changes(before, after)
    verdict = change_rule.overall(measures)
    text = (
        "not judged in both analyses, so no comparison"
        if verdict == "not comparable"
        else change_rule.describe(verdict, measures)
    )
    return LegChange(
        side=side.value,
        verdict_before=before.band,
        verdict_after=after.band,
        change=verdict,
        measures=measures,
        description=f"{side.value} leg: {text}.",
    )


def _role(result: MovementResult) -> str | None:
    return movements.get(result.movement).role if result.movement in movements.names() else None


def interpret(a: MovementResult, b: MovementResult) -> list[str]:
    """The heel-raise test's reading when one is the flat squat and the other the
    heel-raised squat."""
    by_role = {_role(a): a, _role(b): b}
    if set(by_role) != {"bilateral", "heel_raised"}:
        return []
    items = heel_raise_evidence(by_role["bilateral"], by_role["heel_raised"])
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
    return Comparison(
        first=f"{first} ({a.movement})",
        second=f"{second} ({b.movement})",
        legs=[compare_leg(a, b, side) for side in Side],
        interpretation=interpret(a, b),
        statement=WELLNESS_STATEMENT,
    )
