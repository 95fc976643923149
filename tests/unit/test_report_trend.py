"""The trend across assessments, from a real temporary SQLite history filled through the store
API: the charts draw the stored means, their uncertainty, the band edges and the change as
valgus.storage.progress decides it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.assessment import bands
from valgus.report.trend import leg_trends, trend_html, trend_page, trend_pictures, trend_png
from valgus.results import AnalysisResult
from valgus.storage import store
from valgus.storage.db import Database
from valgus.storage.store import History, PersonInfo

DAYS = (dt.datetime(2025, 3, 1, 9), dt.datetime(2025, 3, 29, 9), dt.datetime(2025, 4, 26, 9))
SHIFTS_M = (0.08, 0.05, 0.0)  # left knee moves in 8 cm, then 5, then not at all


def _result(shift_left_m: float) -> AnalysisResult:
    poses = make_squat_poses(Squat(medial_shift_m={"left": shift_left_m, "right": 0.0}))
    return analyze_poses(poses).result


@pytest.fixture(scope="module")
def results() -> list[AnalysisResult]:
    return [_result(s) for s in SHIFTS_M]


@pytest.fixture
def history(tmp_path: Path, results: list[AnalysisResult]) -> Iterator[History]:
    with Database(f"sqlite:///{tmp_path / 'history.sqlite3'}") as db:
        store.add_person(db, PersonInfo(name="ann"))
        for when, res in zip(DAYS, results, strict=True):
            store.add_analysis(db, "ann", res, poses_nc=None, recorded_at=when)
        yield store.history(db, "ann")


def _decode(png: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert img is not None and img.shape[0] > 300 and img.shape[1] > 500
    return img


def test_the_chart_draws_the_stored_means_with_their_uncertainty(
    history: History, results: list[AnalysisResult]
) -> None:
    left, right = leg_trends(history)
    assert (left.side, right.side) == ("left", "right")
    mkd, fppa = left.measures
    assert (mkd.measure, fppa.measure) == ("knee_over_foot", "fppa_deg")
    assert [p.when for p in mkd.points] == list(DAYS)
    for point, res in zip(mkd.points, results, strict=True):
        stored = res.summary.left.knee_over_foot
        assert stored is not None and stored.mean is not None and stored.sd is not None
        assert point.value == pytest.approx(100 * stored.mean)  # % of leg length
        ci = 1.96 * stored.sd / np.sqrt(len(res.reps))
        assert point.half_width == pytest.approx(100 * max(bands.KOF_MEASUREMENT_ERROR, ci))
    for point, res in zip(fppa.points, results, strict=True):
        assert point.value == pytest.approx(res.summary.left.fppa_deg.mean)
        assert point.half_width >= bands.FPPA_MEASUREMENT_ERROR_DEG
        assert point.used == ("fppa_deg" in res.summary.left.basis)
    assert mkd.edges == pytest.approx((100 * bands.MKD_MILD, 100 * bands.MKD_MARKED))
    assert fppa.edges == (bands.FPPA_MILD_DEG, bands.FPPA_MARKED_DEG)


def test_first_vs_latest_change_is_progress_verdict(history: History) -> None:
    left, right = leg_trends(history)
    mkd = left.measures[0]
    first, last = mkd.points[0].value, mkd.points[-1].value
    assert mkd.first == pytest.approx(first)
    assert mkd.change == pytest.approx(last - first, abs=0.01)
    assert mkd.threshold is not None and mkd.threshold >= 100 * 2 * bands.MKD_MEASUREMENT_ERROR
    assert last - first < -mkd.threshold  # 8 cm in -> over the foot: beyond the SDC
    assert mkd.verdict == "less valgus" and left.verdict == "less valgus"
    assert right.measures[0].verdict == "no measurable change"
    assert "left: less valgus" in left.statement


def test_trend_images_decode_and_differ_per_leg(history: History) -> None:
    left, right = leg_trends(history)
    a, b = _decode(trend_png(left)), _decode(trend_png(right))
    assert a.shape == b.shape and not np.array_equal(a, b)
    section = trend_html(history)
    assert section.count("<img") == 2 and "Across assessments" in section
    assert "3 squat analyses" in section and "smallest detectable change" in section
    page = trend_page(history)
    assert page.startswith("<!doctype html>") and "ann" in page


def test_one_assessment_is_not_comparable_yet(
    tmp_path: Path, results: list[AnalysisResult]
) -> None:
    with Database(f"sqlite:///{tmp_path / 'one.sqlite3'}") as db:
        store.add_person(db, PersonInfo(name="bob"))
        store.add_analysis(db, "bob", results[0], poses_nc=None, recorded_at=DAYS[0])
        h = store.history(db, "bob")
    left = leg_trends(h)[0]
    assert left.verdict == "not comparable" and left.measures[0].change is None
    assert len(left.measures[0].points) == 1
    _decode(trend_png(left))


def test_no_analysis_says_so(tmp_path: Path) -> None:
    with Database(f"sqlite:///{tmp_path / 'none.sqlite3'}") as db:
        store.add_person(db, PersonInfo(name="cy"))
        h = store.history(db, "cy")
    assert "No squat analysis stored yet" in trend_html(h)
    assert trend_pictures(h) == []
