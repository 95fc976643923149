"""The knee-over-foot benchmark's own arithmetic: the truth from 3D points, the agreement
words, and the margin in rep-to-rep SDs."""

from __future__ import annotations

import math

import pytest

from valgus.bench.feet import Case, Leg, Outcome, margin
from valgus.synth.truth import true_knee_over_foot


def _truth(toe_out_deg: float, inside_m: float) -> dict[str, object]:
    """One rep: left and right legs mirrored, each foot turned out, the knee inside_m medial
    of the foot's vertical plane (x = the subject's left, y up, z forward)."""
    a = math.radians(toe_out_deg)
    frame: dict[str, list[float]] = {}
    for side, s in (("left", 1.0), ("right", -1.0)):
        fwd = (s * math.sin(a), 0.0, math.cos(a))
        medial = (-s * math.cos(a), 0.0, math.sin(a))
        ankle = (s * 0.12, 0.08, 0.0)
        frame[f"{side}_ankle"] = list(ankle)
        frame[f"{side}_hip"] = [s * 0.1, 0.9, 0.0]
        frame[f"{side}_heel"] = [ankle[0] - 0.05 * fwd[0], 0.02, -0.05 * fwd[2]]
        frame[f"{side}_foot_index"] = [ankle[0] + 0.2 * fwd[0], 0.02, 0.2 * fwd[2]]
        frame[f"{side}_knee"] = [
            ankle[0] + 0.25 * fwd[0] + inside_m * medial[0],
            0.5,
            0.25 * fwd[2] + inside_m * medial[2],
        ]
    standing = dict(frame)
    for side, s in (("left", 1.0), ("right", -1.0)):
        standing[f"{side}_knee"] = [s * 0.11, 0.49, 0.0]
    return {
        "frames": [{"points_3d": standing}, {"points_3d": frame}],
        "reps": [{"bottom_frame": 1}],
    }


@pytest.mark.parametrize("toe_out", [0.0, 20.0, 45.0])
def test_the_truth_is_the_distance_from_the_foot_s_plane(toe_out: float) -> None:
    (rep,) = true_knee_over_foot(_truth(toe_out, 0.04))
    leg = math.dist((0.1, 0.9, 0.0), (0.11, 0.49, 0.0)) + math.dist(
        (0.11, 0.49, 0.0), (0.12, 0.08, 0.0)
    )
    assert rep["left"] == pytest.approx(0.04 / leg, rel=1e-9)
    assert rep["right"] == pytest.approx(0.04 / leg, rel=1e-9)


def test_agreement_words() -> None:
    leg = Leg("mild", False, kof_true=[0.05])
    assert leg.reference() == "mild" and leg.agreement() == "agree"
    assert Leg("none", True, kof_true=[0.05]).agreement() == "flagged"
    assert Leg("none", False, kof_true=[0.05]).agreement() == "UNFLAGGED"
    assert Leg(None, False, kof_true=[0.05]).agreement() == "not judged"


def test_the_margin_is_in_units_of_the_reps_spread() -> None:
    low, high = Outcome(Case("toe", 0, 1, 0, 0)), Outcome(Case("toe", 0, 1, 10, 0))
    low.legs = {"left": Leg(kof=[0.00, 0.01, 0.02])}
    high.legs = {"left": Leg(kof=[0.03, 0.04, 0.05])}
    assert margin([low], [high], "kof") == pytest.approx(3.0)  # gap 0.03, SD 0.01
