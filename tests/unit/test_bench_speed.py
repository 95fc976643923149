"""The speed benchmark's accuracy column: FPPA against the renderer's truth, per movement.

Analyzed on the truth's own landmarks (no pose model), the error is the analysis's alone
(filtering, reading at the found bottom): small, and zero where nothing matches."""

from __future__ import annotations

from typing import Any

import pytest

from tests.rendered_truth import rendered_truth
from valgus import api
from valgus.bench.speed import fppa_truth_mae
from valgus.synth import DropJumpParams, SingleLegSquatParams, SquatParams
from valgus.synth.truth_poses import truth_poses


def _truth(params: Any) -> dict[str, Any]:
    return rendered_truth(params, fps=60.0, width=1080, height=1920)


@pytest.mark.parametrize(
    ("params", "movement"),
    [
        (SquatParams(reps=2, valgus_left_deg=20.0, seed=1), "squat"),
        (
            SingleLegSquatParams(stance_side="both", reps=1, valgus_deg=15.0, seed=3),
            "single-leg-squat",
        ),
        (DropJumpParams(trials=1, valgus_left_deg=20.0, seed=2), "drop-jump"),
    ],
)
def test_fppa_error_on_the_truths_own_landmarks_is_small(params: Any, movement: str) -> None:
    truth = _truth(params)
    result = api.analyze_poses(truth_poses(truth), movement=movement).result
    mae = fppa_truth_mae(result, truth, movement)
    assert mae is not None
    assert mae < 0.2


def test_no_judged_leg_gives_no_error() -> None:
    truth = _truth(SquatParams(reps=1, seed=1))
    result = api.analyze_poses(truth_poses(truth), movement="squat").result
    for rep in result.reps:
        rep.left.fppa_deg = rep.right.fppa_deg = None
    assert fppa_truth_mae(result, truth, "squat") is None
