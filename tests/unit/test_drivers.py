"""Driver triage (docs/evidence.md §5, §6), hand-worked."""

from __future__ import annotations

from typing import Any

import pytest

from valgus.assessment.drivers import (
    MovementResult,
    find_drivers,
    foot_posture_evidence,
    hip_strength_evidence,
    knee_to_wall_evidence,
    read_analysis,
    weigh,
)
from valgus.assessment.selftests import (
    SelfTests,
    SidedCm,
    SidedEndurance,
    SidedFpi,
    SidedMm,
    SidedPctBw,
)
from valgus.errors import AnalysisFileError


def leg(valgus: str | None, mkd: float | None, **extra: Any) -> dict[str, Any]:
    band = {"none": "typical", "mild": "above typical", "marked": "well above typical"}
    return {
        "valgus": valgus,
        "band": band.get(valgus or "", "not judged"),
        "basis": ["mkd"],
        "mkd": {"mean": mkd, "sd": 0.01, "n": 3},
        "mkd_sdc": 0.016,
        "fppa_deg": {"mean": None, "sd": None, "n": 0},
        **extra,
    }


def analysis(movement: str, left: dict[str, Any], right: dict[str, Any]) -> MovementResult:
    return read_analysis(
        {
            "movement": movement,
            "source": {"path": f"{movement}.json"},
            "quality": {"usable": True},
            "summary": {"left": left, "right": right, "future_field": 1},
        }
    )


VALGUS_LEFT = analysis("squat", leg("mild", 0.06), leg("none", -0.01))
NO_VALGUS = analysis("squat", leg("none", 0.0), leg("none", -0.01))
TESTS = SelfTests(pain_0_10=1)


def driver(report: Any, driver_id: str) -> Any:
    return next(d for d in report.drivers if d.id == driver_id)


@pytest.mark.parametrize(
    ("cm", "points"), [(12.0, 0), (11.9, 1), (9.0, 1), (8.9, 2), (15.0, 0), (0.0, 2)]
)
def test_knee_to_wall_edges(cm: float, points: int) -> None:
    (item,) = knee_to_wall_evidence(SidedCm(left=cm))
    assert item.points == points and item.side == "left"
    assert "1.6-1.9 cm" in (item.error or "")  # measurement error stated


@pytest.mark.parametrize(("right", "points"), [(14.0, 0), (13.9, 0), (14.1, 1)])
def test_knee_to_wall_asymmetry_beyond_2cm(right: float, points: int) -> None:
    # left 12 vs right 14 = 2.0 cm: not beyond the MDC; 2.1 is
    *_, asym = knee_to_wall_evidence(SidedCm(left=12.0, right=right))
    assert asym.measure.endswith("difference") and asym.points == points


@pytest.mark.parametrize(("mm", "points"), [(10.0, 0), (10.5, 1), (15.0, 1), (20.0, 1)])
def test_navicular_drop_scored_at_most_1_low_reliability(mm: float, points: int) -> None:
    (item,) = foot_posture_evidence(SidedMm(right=mm), SidedFpi())
    assert item.points == points and "0.40" in (item.error or "")


@pytest.mark.parametrize(("fpi", "points"), [(6, 0), (7, 1), (9, 1), (10, 2), (-1, 0), (-5, 0)])
def test_fpi_edges(fpi: int, points: int) -> None:
    (item,) = foot_posture_evidence(SidedMm(), SidedFpi(left=fpi))
    assert item.points == points


@pytest.mark.parametrize(
    ("abd", "er", "points"),
    [(35.4, None, [2]), (35.5, None, [0]), (None, 20.3, [2]), (None, 20.4, [0])],
)
def test_hip_strength_cutoffs_inclusive(
    abd: float | None, er: float | None, points: list[int]
) -> None:
    items = hip_strength_evidence(SidedPctBw(left=abd), SidedPctBw(left=er), SidedEndurance())
    assert [e.points for e in items] == points


def test_endurance_is_recorded_not_scored() -> None:
    (item,) = hip_strength_evidence(SidedPctBw(), SidedPctBw(), SidedEndurance(left=30))
    assert item.points == 0 and item.value == "30 seconds"


def test_weigh() -> None:
    soft = knee_to_wall_evidence(SidedCm(left=11.0))
    assert weigh(soft) == "possible"
    assert weigh(knee_to_wall_evidence(SidedCm(left=8.0))) == "likely"
    # two soft signs from the same measure (both sides < 12) stay 'possible'
    assert weigh(knee_to_wall_evidence(SidedCm(left=11.0, right=11.5))) == "possible"
    # soft signs from two measures: 'likely'
    two = knee_to_wall_evidence(SidedCm(left=11.5, right=9.2))
    assert weigh(two) == "likely"
    assert weigh([]) == "none"


def test_heel_raise_clearly_smaller_points_to_the_ankle() -> None:
    heel = analysis("heel-raised-squat", leg("none", 0.01), leg("none", -0.01))
    r = find_drivers([VALGUS_LEFT, heel], TESTS)
    ankle = driver(r, "ankle_dorsiflexion")
    assert ankle.weight == "likely"
    (ev,) = ankle.evidence
    assert ev.side == "left" and ev.points == 2 and "4% of leg length" in (ev.error or "")
    assert driver(r, "hip").weight == "none"
    assert driver(r, "motor_control").weight == "possible"


def test_heel_raise_within_error_but_back_to_typical_is_possible() -> None:
    heel = analysis("heel-raised-squat", leg("none", 0.025), leg("none", -0.01))
    r = find_drivers([VALGUS_LEFT, heel], TESTS)  # fall 0.035 < 0.04
    assert driver(r, "ankle_dorsiflexion").weight == "possible"


def test_heel_raise_unchanged_points_to_the_hip() -> None:
    heel = analysis("heel-raised-squat", leg("mild", 0.05), leg("none", -0.01))
    r = find_drivers([VALGUS_LEFT, heel], TESTS)
    assert driver(r, "ankle_dorsiflexion").weight == "none"
    assert driver(r, "hip").weight == "possible"


def test_heel_raise_uses_fppa_when_both_judged_on_it() -> None:
    fppa = {"basis": ["fppa", "mkd"], "fppa_sdc_deg": 2.0}
    flat = analysis(
        "squat", leg("mild", 0.04, fppa_deg={"mean": 14.0, "n": 3}, **fppa), leg("none", 0.0)
    )
    less = analysis(
        "heel-raised-squat",
        leg("none", 0.03, fppa_deg={"mean": 5.9, "n": 3}, **fppa),
        leg("none", 0.0),
    )
    same = analysis(
        "heel-raised-squat",
        leg("mild", 0.03, fppa_deg={"mean": 6.1, "n": 3}, **fppa),
        leg("none", 0.0),
    )
    (ev,) = driver(find_drivers([flat, less], TESTS), "ankle_dorsiflexion").evidence
    assert ev.points == 2 and "FPPA 14.0° -> 5.9°" in ev.value  # 8.1 deg > 8 deg
    hip = driver(find_drivers([flat, same], TESTS), "hip")  # 7.9 deg: within error
    assert hip.weight == "possible"


def test_single_leg_clearly_worse_points_to_the_hip() -> None:
    sls = analysis("single-leg-squat", leg("marked", 0.11), leg("none", 0.0))
    r = find_drivers([VALGUS_LEFT, sls], TESTS)
    hip = driver(r, "hip")
    assert hip.weight == "likely"
    assert [e.points for e in hip.evidence if e.side == "left"] == [2]


def test_single_leg_pelvic_drop_and_trunk_lean_when_reported() -> None:
    sls = analysis(
        "single-leg-squat",
        leg("mild", 0.07, pelvic_drop=True, trunk_lean=False),
        leg("none", 0.0),
    )
    hip = driver(find_drivers([VALGUS_LEFT, sls], TESTS), "hip")
    assert hip.weight == "possible"
    assert {e.measure: e.points for e in hip.evidence if "squat " in e.measure} == {
        "single-leg squat pelvic drop": 1,
        "single-leg squat trunk lean": 0,
    }


def test_valgus_with_no_other_sign_is_motor_control() -> None:
    tests = SelfTests(pain_0_10=0, knee_to_wall_cm=SidedCm(left=13, right=13))
    r = find_drivers([VALGUS_LEFT], tests)
    assert r.valgus_status == "present"
    assert driver(r, "motor_control").weight == "likely"
    assert [d.weight for d in r.drivers[:3]] == ["none", "none", "none"]


def test_no_valgus_says_so() -> None:
    r = find_drivers([NO_VALGUS], SelfTests(pain_0_10=0, knee_to_wall_cm=SidedCm(left=8)))
    assert r.valgus_status == "absent"
    assert driver(r, "motor_control").weight == "none"
    assert any("no driver needs addressing" in n for n in r.notes)
    assert r.next_steps[0].startswith("No valgus was seen")


def test_unknown_movement_and_unusable_analyses_are_ignored() -> None:
    odd = analysis("lunge", leg("marked", 0.2), leg("marked", 0.2))
    bad = read_analysis(
        {**VALGUS_LEFT.model_dump(), "quality": {"usable": False}, "movement": "drop-jump"}
    )
    r = find_drivers([NO_VALGUS, odd, bad], TESTS)
    assert r.valgus_status == "absent"
    assert len(r.notes) >= 2


def test_no_analysis_rests_on_self_tests() -> None:
    r = find_drivers([], SelfTests(pain_0_10=0, fpi6=SidedFpi(left=10)))
    assert r.valgus_status == "not_measured"
    assert driver(r, "foot_pronation").weight == "likely"


def test_wording_is_observation_not_diagnosis() -> None:
    r = find_drivers([VALGUS_LEFT], SelfTests(pain_0_10=0, knee_to_wall_cm=SidedCm(left=8)))
    text = " ".join(d.summary for d in r.drivers).lower()
    assert "may contribute" in text
    for word in ("you have", "weak glutes", "diagnos", "injury risk"):
        assert word not in text


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"movement": "squat"}, "summary"),
        ({"error": {"code": "no_person", "message": "x"}}, "error result"),
        ([1, 2], "not a valgus analysis"),
        ({"movement": "squat", "summary": {"left": {"valgus": "huge"}, "right": {}}}, "valgus"),
    ],
)
def test_bad_analysis_objects(data: Any, message: str) -> None:
    with pytest.raises(AnalysisFileError, match=message):
        read_analysis(data)


def test_real_analysis_json_is_read() -> None:
    from tests.synthetic_poses import Squat, make_squat_poses
    from valgus.api import analyze_poses

    result = analyze_poses(make_squat_poses(Squat(medial_shift_m={"left": 0.06, "right": -0.01})))
    m = read_analysis(result.result.model_dump(mode="json"))
    assert m.summary.left.valgus in ("mild", "marked") and m.summary.right.valgus == "none"
