"""The pose model in the loop for the other movement tests: rendered single-leg squats,
drop jumps and heel-raised squats with known truth (valgus.synth) must come out within
stated tolerances (docs/movements.md, docs/accuracy.md), and `--movement auto` must
recognise them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import xarray as xr

import valgus
from valgus.assessment.compare import compare
from valgus.assessment.drivers import read_analysis
from valgus.pose import estimate_poses
from valgus.synth import DropJumpParams, SingleLegSquatParams, SquatParams, render_movement

pytestmark = pytest.mark.integration

# Tolerances from rendered runs (docs/accuracy.md) with margin. The pose model reads the
# single-leg FPPA 1-3 deg low and MKD 1-3 % of leg length low at the bottom (as in squats).
SLS_FPPA_TOL_DEG = 5.0
SLS_MKD_TOL = 0.04
TRUNK_LEAN_TOL_DEG = 3.0
BOTTOM_TOL_S = 0.2
# Drop jump at 30 fps: contact +16/+24 ms and take-off -17/-21 ms on rendered trials; a
# frame is 33 ms.
EVENT_TOL_S = 0.05
DJ_FPPA_TOL_DEG = 5.0
DJ_RATIO_TOL = 0.12


def _truth_at(truth: dict[str, Any], t: float) -> dict[str, float]:
    """The truth's per-frame FPPA (per leg), KASR and NKSD at instant t (linear)."""
    frames = truth["frames"]
    times = [f["t_s"] for f in frames]
    series = {
        "left": [f["left"]["fppa_deg"] for f in frames],
        "right": [f["right"]["fppa_deg"] for f in frames],
        "kasr": [f["kasr"] for f in frames],
        "nksd": [f["nksd"] for f in frames],
    }
    return {k: float(np.interp(t, times, v)) for k, v in series.items()}


def _render_and_pose(tmp: Path, name: str, params: Any) -> tuple[xr.Dataset, dict[str, Any]]:
    video = tmp / f"{name}.mp4"
    truth = render_movement(video, params)
    return estimate_poses(video), truth


@pytest.fixture(scope="module")
def sls(tmp_path_factory: pytest.TempPathFactory) -> tuple[xr.Dataset, dict[str, Any]]:
    params = SingleLegSquatParams(
        stance_side="both", reps=3, valgus_deg=14.0, pelvic_drop_deg=8.0, trunk_lean_deg=10.0
    )
    return _render_and_pose(tmp_path_factory.mktemp("sls"), "sls", params)


@pytest.fixture(scope="module")
def dj(tmp_path_factory: pytest.TempPathFactory) -> tuple[xr.Dataset, dict[str, Any]]:
    params = DropJumpParams(trials=2, valgus_left_deg=40.0)
    return _render_and_pose(tmp_path_factory.mktemp("dj"), "dj", params)


def test_single_leg_squat_both_sides_against_truth(sls: tuple[xr.Dataset, dict[str, Any]]) -> None:
    poses, truth = sls
    result = valgus.analyze_poses(poses, movement="single-leg-squat").result
    assert result.quality.view == "frontal"
    assert len(result.reps) == len(truth["reps"]) == 6
    for rep, true in zip(result.reps, truth["reps"], strict=True):
        side = true["stance_side"]
        assert rep.stance_side == side
        assert abs(rep.bottom_s - true["bottom_s"]) <= BOTTOM_TOL_S
        leg = getattr(rep, side)
        assert leg.role == "stance"
        assert leg.fppa_deg == pytest.approx(true["stance"]["fppa_deg"], abs=SLS_FPPA_TOL_DEG)
        assert leg.mkd == pytest.approx(true["stance"]["mkd"], abs=SLS_MKD_TOL)
        assert rep.trunk_lean_deg == pytest.approx(true["trunk_lean_deg"], abs=TRUNK_LEAN_TOL_DEG)
        assert rep.pelvic_drop_deg is None  # not reported from video (docs/movements.md)
    assert "pelvic_drop_not_measured" in {w.code for w in result.quality.warnings}
    for side in ("left", "right"):
        leg = getattr(result.summary, side)
        # Truth: projected FPPA about 19 deg, MKD 0.057: above typical or well above.
        assert leg.valgus in ("mild", "marked")
        assert leg.pelvic_drop is None and leg.trunk_lean_deg is not None


def test_single_leg_truth_poses_give_the_pelvic_drop(
    sls: tuple[xr.Dataset, dict[str, Any]],
) -> None:
    from valgus.synth.truth_poses import truth_poses

    _, truth = sls
    result = valgus.analyze_poses(truth_poses(truth), movement="single-leg-squat").result
    for rep, true in zip(result.reps, truth["reps"], strict=True):
        assert rep.pelvic_drop_deg == pytest.approx(true["pelvic_drop_deg"], abs=0.5)
    assert result.summary.left.pelvic_drop is True


def test_side_option_keeps_one_leg(sls: tuple[xr.Dataset, dict[str, Any]]) -> None:
    poses, _ = sls
    result = valgus.analyze_poses(
        poses, movement="single-leg-squat", options=valgus.api.Options(side="right")
    ).result
    assert {r.stance_side for r in result.reps} == {"right"}
    assert "other_side_reps_ignored" in {w.code for w in result.quality.warnings}
    assert result.summary.left.valgus is None


def test_drop_jump_events_and_measures_against_truth(dj: tuple[xr.Dataset, dict[str, Any]]) -> None:
    poses, truth = dj
    result = valgus.analyze_poses(poses, movement="drop-jump").result
    assert len(result.reps) == len(truth["trials"]) == 2
    for rep, true in zip(result.reps, truth["trials"], strict=True):
        assert rep.contact_s == pytest.approx(true["contact_s"], abs=EVENT_TOL_S)
        assert rep.take_off_s == pytest.approx(true["take_off_s"], abs=EVENT_TOL_S)
        assert rep.bottom_s == pytest.approx(true["peak_flexion_s"], abs=0.1)
        # At contact the knee moves up to 8 deg per frame: the measure is compared with the
        # truth at the instant the analysis timed (timing is checked above).
        c = _truth_at(truth, rep.contact_s or 0.0)
        p = true["at_peak_flexion"]
        for side in ("left", "right"):
            leg = getattr(rep, side)
            assert leg.fppa_contact_deg == pytest.approx(c[side], abs=DJ_FPPA_TOL_DEG)
            assert leg.fppa_deg == pytest.approx(p[side]["fppa_deg"], abs=DJ_FPPA_TOL_DEG)
        assert rep.kasr == pytest.approx(p["kasr"], abs=DJ_RATIO_TOL)
        assert rep.kasr_contact == pytest.approx(c["kasr"], abs=DJ_RATIO_TOL)
        assert rep.nksd == pytest.approx(p["nksd"], abs=DJ_RATIO_TOL)
        assert rep.nksd_contact == pytest.approx(c["nksd"], abs=DJ_RATIO_TOL)
    s = result.summary
    # 40 deg of valgus on the left only: its landing FPPA is clearly more inward.
    assert s.left.fppa_deg.mean is not None and s.right.fppa_deg.mean is not None
    assert s.left.fppa_deg.mean > s.right.fppa_deg.mean + 8


def test_auto_recognises_each_movement(
    sls: tuple[xr.Dataset, dict[str, Any]], dj: tuple[xr.Dataset, dict[str, Any]]
) -> None:
    for (poses, _), expected in ((sls, "single-leg-squat"), (dj, "drop-jump")):
        result = valgus.analyze_poses(poses, movement="auto").result
        assert result.movement == expected
        assert result.movement_choice is not None and result.movement_choice.given == "auto"


def test_heel_raise_comparison_on_rendered_squats(tmp_path: Path) -> None:
    base = {"reps": 3, "rep_s": 2.5, "seed": 3}
    flat, _ = _render_and_pose(
        tmp_path, "flat", SquatParams(valgus_left_deg=25.0, valgus_right_deg=25.0, **base)
    )
    heels, _ = _render_and_pose(
        tmp_path,
        "heels",
        SquatParams(heel_raise_m=0.05, valgus_left_deg=5.0, valgus_right_deg=25.0, **base),
    )
    a = valgus.analyze_poses(flat, movement="auto").result
    b = valgus.analyze_poses(heels, movement="heel-raised-squat").result
    assert a.movement == "squat"  # a 5 cm heel raise cannot be told from the front
    out = compare(
        read_analysis(a.model_dump(mode="json")),
        read_analysis(b.model_dump(mode="json")),
        first="flat",
        second="heels",
    )
    left, right = out.legs
    assert left.change == "less valgus"
    assert right.change == "no measurable change"
    assert any("ankle/calf" in line for line in out.interpretation)
