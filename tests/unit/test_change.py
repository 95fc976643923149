"""The change rule (valgus.assessment.change), hand-worked: one rule for compare, drivers,
history and the trend charts."""

from __future__ import annotations

import math

import pytest

from valgus.assessment import change
from valgus.assessment.drivers import LegIn, StatIn


def leg(
    *,
    mkd: float | None = 0.05,
    mkd_sdc: float | None = 0.01,
    fppa: float | None = 12.0,
    fppa_sdc: float | None = 3.0,
    fppa_used: bool = True,
) -> LegIn:
    basis = (["mkd"] if mkd is not None else []) + (["fppa_deg"] if fppa_used else [])
    return LegIn(
        valgus="mild",
        band="above typical",
        basis=basis,
        fppa_deg=StatIn(mean=fppa, sd=2.0, n=4),
        mkd=StatIn(mean=mkd, sd=0.01, n=4),
        fppa_sdc_deg=fppa_sdc,
        mkd_sdc=mkd_sdc,
    )


def test_the_sdc_of_a_difference_combines_the_two_sessions() -> None:
    # Each session's SDC is 1.96 * sqrt(2) * SE; the difference has 1.96 * sqrt(SEa^2+SEb^2).
    se_a, se_b = 1.2, 2.5
    sdc_a, sdc_b = (1.96 * math.sqrt(2) * se for se in (se_a, se_b))
    assert change.combined_sdc(sdc_a, sdc_b) == pytest.approx(1.96 * math.hypot(se_a, se_b))
    assert change.combined_sdc(9.5, None) == 9.5  # the known one stands for both
    assert change.combined_sdc(None, None) == 0.0


def test_thresholds_never_fall_below_the_method_floor() -> None:
    assert change.threshold("fppa_deg", 3.0, 5.0) == 8.0  # Munro 2012: 7.5-9 deg
    assert change.threshold("fppa_deg", 12.0, 12.0) == pytest.approx(12.0)
    assert change.threshold("mkd", None, None) == pytest.approx(0.04)  # 2 x 2 % of leg
    assert change.threshold("mkd", 0.05, 0.07) == pytest.approx(math.hypot(0.05, 0.07) / 2**0.5)


@pytest.mark.parametrize(
    ("delta", "smallest", "expected"),
    [
        (-10.0, 8.0, "less valgus"),
        (9.0, 8.0, "more valgus"),
        (-7.9, 8.0, "no measurable change"),
        (7.9, 8.0, "no measurable change"),
        (-8.0, 8.0, "less valgus"),  # a change of the SDC itself counts
        (0.0, 0.04, "no measurable change"),
    ],
)
def test_classify(delta: float, smallest: float, expected: str) -> None:
    assert change.classify(delta, smallest) == expected


def test_fppa_fall_of_10_deg_counts_mkd_fall_of_3_percent_does_not() -> None:
    # FPPA 14 -> 4: -10 deg against max(8, 3) = 8: less valgus.
    # MKD 0.08 -> 0.05: -0.03 against max(0.04, 0.01) = 0.04: no measurable change.
    changes = change.measure_changes(leg(fppa=14.0, mkd=0.08), leg(fppa=4.0, mkd=0.05))
    by = {c.measure: c for c in changes}
    assert by["fppa_deg"].change == pytest.approx(-10.0)
    assert by["fppa_deg"].smallest_detectable_change == 8.0
    assert by["fppa_deg"].verdict == "less valgus"
    assert by["mkd"].change == pytest.approx(-0.03)
    assert by["mkd"].verdict == "no measurable change"
    assert change.overall(changes) == "less valgus"
    text = change.describe("less valgus", changes)
    assert "FPPA 14.0° -> 4.0° (-10.0°; smallest detectable change 8.0°)" in text
    assert "knee inside the toe line 8.0% -> 5.0% of leg length (-3.0%" in text


def test_only_measures_both_verdicts_rest_on_are_compared() -> None:
    deep = leg(fppa=30.0, fppa_used=False, mkd=0.10)  # FPPA reported, not used: too deep
    changes = change.measure_changes(deep, leg(fppa=5.0, mkd=0.03))
    assert [c.measure for c in changes] == ["mkd"]
    assert changes[0].verdict == "less valgus"  # -0.07 beyond 0.04


def test_a_noisy_session_hides_a_change() -> None:
    # MKD +0.05 would count against 0.04, but the follow-up's SDC is 0.08:
    # combined sqrt(0.01^2 + 0.08^2) / sqrt(2) = 0.057.
    changes = change.measure_changes(
        leg(mkd=0.03, fppa_used=False), leg(mkd=0.08, mkd_sdc=0.08, fppa_used=False)
    )
    assert changes[0].smallest_detectable_change == pytest.approx(0.057, abs=1e-3)
    assert change.overall(changes) == "no measurable change"


def test_measures_that_disagree_are_mixed() -> None:
    changes = change.measure_changes(leg(fppa=20.0, mkd=0.02), leg(fppa=5.0, mkd=0.08))
    assert change.overall(changes) == "mixed"


def test_a_leg_not_judged_is_not_comparable() -> None:
    not_judged = LegIn(valgus=None, band="not judged", basis=[])
    assert change.measure_changes(not_judged, leg()) == []
    assert change.overall([]) == "not comparable"


def test_older_files_naming_fppa_plainly_still_count() -> None:
    old = leg().model_copy(update={"basis": ["mkd", "fppa"]})
    assert change.uses(old, "fppa_deg")
