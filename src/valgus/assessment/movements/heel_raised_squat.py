"""Heel-raised squat: the bilateral squat with the heels on a 5 cm board. Measured like the
flat squat; compared with it, clearly less valgus weights the ankle/calf pathway
(docs/evidence.md §6)."""

from __future__ import annotations

from valgus.assessment.analysis import Analysis, Context
from valgus.assessment.movements.spec import MovementSpec
from valgus.assessment.movements.squat import analyze_bilateral


def _analyze(ctx: Context) -> Analysis:
    return analyze_bilateral(ctx, "heel-raised-squat")


SPEC = MovementSpec(
    name="heel-raised-squat",
    label="heel-raised squat",
    order=1,
    role="heel_raised",
    options=frozenset(),
    filming="As for the squat, with both heels on a 5 cm board (a book or a plate) and the "
    "same camera set-up, so the two can be compared.",
    summary_title="Knee valgus at the bottom of the heel-raised squat (mean ± SD over reps)",
    analyze=_analyze,
)
