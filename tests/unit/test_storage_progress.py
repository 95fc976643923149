"""Progress across assessments and adherence (valgus.storage.progress), hand-worked."""

from __future__ import annotations

import datetime as dt

import pytest

from valgus.storage.progress import (
    LegPoint,
    adherence,
    classify,
    compare,
    describe,
    fppa_threshold_deg,
    leg_progress,
    mkd_threshold,
)

T0 = dt.datetime(2025, 3, 1, 10)


def pt(
    days: int,
    *,
    mkd: float | None = 0.05,
    mkd_sdc: float | None = 0.01,
    fppa: float | None = 12.0,
    fppa_sdc: float | None = 3.0,
    fppa_used: bool = True,
) -> LegPoint:
    return LegPoint(
        when=T0 + dt.timedelta(days=days),
        verdict="mild",
        band="above typical",
        fppa_deg=fppa,
        fppa_sd_deg=2.0,
        fppa_sdc_deg=fppa_sdc,
        fppa_used=fppa_used,
        mkd=mkd,
        mkd_sd=0.01,
        mkd_sdc=mkd_sdc,
        n_reps=4,
    )


def test_thresholds_are_the_larger_of_published_and_own_sdc() -> None:
    assert fppa_threshold_deg(3.0, 5.0) == 8.0  # Munro 2012 floor
    assert fppa_threshold_deg(9.5, None) == 9.5  # a noisy session raises it
    assert mkd_threshold(None, None) == pytest.approx(0.04)  # 2 x method error 0.02
    assert mkd_threshold(0.01, 0.06) == 0.06


@pytest.mark.parametrize(
    ("change", "threshold", "expected"),
    [
        (-10.0, 8.0, "improved"),
        (9.0, 8.0, "worse"),
        (-7.9, 8.0, "no measurable change"),
        (7.9, 8.0, "no measurable change"),
        (-8.0, 8.0, "improved"),  # rule 6: a change of 8 deg or more counts
        (0.0, 0.04, "no measurable change"),
    ],
)
def test_classify(change: float, threshold: float, expected: str) -> None:
    assert classify(change, threshold) == expected


def test_fppa_fall_of_10_deg_improves_mkd_fall_of_3_points_does_not() -> None:
    # FPPA 14 -> 4: -10 deg, SDC max(8, 3, 3) = 8 -> improved.
    # MKD 0.08 -> 0.05: -0.03, SDC max(0.04, 0.01, 0.01) = 0.04 -> no measurable change.
    changes = compare(pt(0, fppa=14.0, mkd=0.08), pt(21, fppa=4.0, mkd=0.05))
    by = {c.measure: c for c in changes}
    assert by["fppa_deg"].change == pytest.approx(-10.0)
    assert by["fppa_deg"].threshold == 8.0 and by["fppa_deg"].verdict == "improved"
    assert by["mkd"].change == pytest.approx(-0.03)
    assert by["mkd"].verdict == "no measurable change"
    p = leg_progress([pt(0, fppa=14.0, mkd=0.08), pt(21, fppa=4.0, mkd=0.05)], "left")
    assert p.verdict == "improved" and not p.sustained
    assert describe(p).startswith("left: improved (less valgus) since the first assessment")


def test_fppa_is_compared_only_where_both_sessions_used_it() -> None:
    changes = compare(pt(0, fppa=30.0, fppa_used=False, mkd=0.10), pt(14, fppa=5.0, mkd=0.03))
    assert [c.measure for c in changes] == ["mkd"]
    assert changes[0].verdict == "improved"  # -0.07 >= 0.04


def test_a_noisy_session_hides_a_change() -> None:
    # MKD +0.05 would be worse against 0.04, but the follow-up's own SDC is 0.06.
    p = leg_progress([pt(0, mkd=0.03), pt(14, mkd=0.08, mkd_sdc=0.06, fppa_used=False)], "right")
    assert p.verdict == "no measurable change"


def test_worse_sustained_over_two_assessments() -> None:
    pts = [pt(0, mkd=0.02), pt(14, mkd=0.07), pt(28, mkd=0.08)]
    p = leg_progress(pts, "right")
    assert p.verdict == "worse" and p.sustained
    assert "two assessments running" in describe(p)


def test_measures_that_disagree_are_mixed() -> None:
    p = leg_progress([pt(0, fppa=20.0, mkd=0.02), pt(7, fppa=5.0, mkd=0.08)], "left")
    assert p.verdict == "mixed"


def test_order_is_by_date_not_by_argument() -> None:
    p = leg_progress([pt(21, mkd=0.02), pt(0, mkd=0.09)], "left")
    assert p.verdict == "improved"


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_sessions_are_not_comparable(n: int) -> None:
    p = leg_progress([pt(0)] * n, "left")
    assert p.verdict == "not comparable" and p.changes == []
    assert "not comparable yet" in describe(p)


def test_no_common_measure_is_not_comparable() -> None:
    p = leg_progress([pt(0, mkd=None, fppa_used=False), pt(7, mkd=0.05)], "left")
    assert p.verdict == "not comparable"


def test_adherence_counts_planned_sessions_with_a_workout() -> None:
    mon, wed, fri = dt.date(2025, 3, 3), dt.date(2025, 3, 5), dt.date(2025, 3, 7)
    nxt = dt.date(2025, 3, 10)
    planned = [mon, wed, fri, nxt]
    # Monday done, Wednesday's made up on Thursday, Friday missed; next Monday not due yet.
    logged = [mon, mon, dt.date(2025, 3, 6)]
    a = adherence(planned, logged, until=dt.date(2025, 3, 9))
    assert (a.planned, a.done, a.fraction) == (3, 2, pytest.approx(0.667))


def test_adherence_before_the_program_starts() -> None:
    a = adherence([dt.date(2025, 3, 3)], [], until=dt.date(2025, 3, 1))
    assert (a.planned, a.done, a.fraction) == (0, 0, None)


def test_fppa_counts_when_the_analysis_judged_on_it() -> None:
    # A shallow squat analysed for real: the verdict's basis names "fppa_deg".
    from tests.synthetic_poses import Squat, make_squat_poses
    from valgus.api import analyze_poses
    from valgus.storage.progress import leg_point

    shallow = Squat(thigh_max_deg=35.0, shank_max_deg=20.0, medial_shift_m={"left": 0.05})
    result = analyze_poses(make_squat_poses(shallow)).result.model_dump(mode="json")
    assert "fppa_deg" in result["summary"]["left"]["basis"]
    assert leg_point(result, "left", when=T0).fppa_used is True
