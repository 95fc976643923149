"""Progress per leg across analyses (valgus.assessment.progress) and adherence
(valgus.program.adherence), hand-worked."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from valgus.assessment.progress import describe, leg_point, leg_progress
from valgus.program.adherence import adherence
from valgus.schema import Side

T0 = dt.datetime(2025, 3, 1, 10)


def result(
    *, mkd: float | None = 0.05, mkd_sdc: float | None = 0.01, fppa: float = 12.0, used: bool = True
) -> dict[str, Any]:
    left = {
        "valgus": "mild",
        "band": "above typical",
        "basis": (["mkd"] if mkd is not None else []) + (["fppa_deg"] if used else []),
        "fppa_deg": {"mean": fppa, "sd": 2.0, "n": 4},
        "mkd": {"mean": mkd, "sd": 0.01, "n": 4},
        "fppa_sdc_deg": 3.0,
        "mkd_sdc": mkd_sdc,
    }
    return {"movement": "squat", "summary": {"n_reps": 4, "left": left, "right": left}}


def points(*sessions: tuple[int, dict[str, Any]]) -> list[Any]:
    return [leg_point(r, Side.LEFT, when=T0 + dt.timedelta(days=d)) for d, r in sessions]


def test_latest_against_first_by_the_change_rule() -> None:
    p = leg_progress(points((0, result(fppa=14.0, mkd=0.08)), (21, result(fppa=4.0))), Side.LEFT)
    assert p.verdict == "less valgus" and not p.sustained
    assert describe(p).startswith("left: less valgus since the first assessment: knee inside")
    assert "FPPA 14.0° -> 4.0° (-10.0°; smallest detectable change 8.0°)" in describe(p)


def test_more_valgus_sustained_over_two_assessments() -> None:
    pts = points((0, result(mkd=0.02)), (14, result(mkd=0.07)), (28, result(mkd=0.08)))
    p = leg_progress(pts, Side.LEFT)
    assert p.verdict == "more valgus" and p.sustained
    assert "two assessments running" in describe(p)


def test_order_is_by_date_not_by_argument() -> None:
    p = leg_progress(points((21, result(mkd=0.02)), (0, result(mkd=0.09))), Side.LEFT)
    assert p.verdict == "less valgus"


@pytest.mark.parametrize("n", [0, 1])
def test_fewer_than_two_sessions_are_not_comparable(n: int) -> None:
    p = leg_progress(points(*[(0, result())] * n), Side.LEFT)
    assert p.verdict == "not comparable" and p.changes == []
    assert "not comparable yet" in describe(p)


def test_no_common_measure_is_not_comparable() -> None:
    p = leg_progress(points((0, result(mkd=None, used=False)), (7, result())), Side.LEFT)
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

    shallow = Squat(thigh_max_deg=35.0, shank_max_deg=20.0, medial_shift_m={"left": 0.05})
    data = analyze_poses(make_squat_poses(shallow)).result.model_dump(mode="json")
    assert "fppa_deg" in data["summary"]["left"]["basis"]
    assert leg_point(data, Side.LEFT, when=T0).fppa_used is True
