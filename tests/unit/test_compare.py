"""`valgus compare`: a change beyond the measurement's own smallest detectable change."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import valgus
from tests.synthetic_poses import Squat, make_squat_poses
from valgus.assessment.compare import compare
from valgus.assessment.drivers import read_analysis
from valgus.cli.main import app


def analysis(shift_left: float, shift_right: float, movement: str = "squat") -> dict[str, object]:
    sq = Squat(medial_shift_m={"left": shift_left, "right": shift_right})
    result = valgus.analyze_poses(make_squat_poses(sq), movement=movement).result
    return result.model_dump(mode="json")


def test_heel_raise_that_removes_valgus_weights_the_ankle() -> None:
    flat = read_analysis(analysis(0.09, 0.01))
    heels = read_analysis(analysis(0.01, 0.01, "heel-raised-squat"))
    out = compare(flat, heels, first="flat", second="heels")
    left, right = out.legs
    # 8 cm less medial knee shift over an 88 cm leg: MKD falls by 0.091, far beyond the
    # 0.04 floor (twice the method's 2% error; the synthetic reps have no spread).
    assert left.change == "less valgus"
    (mkd,) = left.measures
    assert mkd.change == pytest.approx(-0.08 / 0.88, abs=0.005)
    assert mkd.smallest_detectable_change == pytest.approx(0.04)
    assert right.change == "no measurable change"
    assert any("ankle/calf" in line and "left" in line for line in out.interpretation)


def test_valgus_that_persists_with_heels_raised_points_above_the_ankle() -> None:
    flat = read_analysis(analysis(0.09, 0.0))
    heels = read_analysis(analysis(0.085, 0.0, "heel-raised-squat"))
    out = compare(flat, heels, first="flat", second="heels")
    assert out.legs[0].change == "no measurable change"
    assert any("above the ankle" in line for line in out.interpretation)


def test_two_dates_get_no_heel_raise_reading() -> None:
    out = compare(
        read_analysis(analysis(0.01, 0.01)),
        read_analysis(analysis(0.09, 0.01)),
        first="a",
        second="b",
    )
    assert out.legs[0].change == "more valgus"
    assert out.interpretation == []


def test_cli_compare_text_json_and_bad_file(tmp_path: Path) -> None:
    a, b = tmp_path / "flat.analysis.json", tmp_path / "heels.analysis.json"
    a.write_text(json.dumps(analysis(0.09, 0.01)))
    b.write_text(json.dumps(analysis(0.01, 0.01, "heel-raised-squat")))
    runner = CliRunner()
    res = runner.invoke(app, ["compare", str(a), str(b)])
    assert res.exit_code == 0, res.output
    assert "left leg: less valgus: knee inside the foot's line" in res.stdout
    assert "ankle/calf" in res.stdout
    res = runner.invoke(app, ["compare", str(a), str(b), "--json"])
    assert json.loads(res.stdout)["legs"][0]["change"] == "less valgus"
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    res = runner.invoke(app, ["compare", str(a), str(bad)])
    assert res.exit_code == 2
    assert "not valid JSON" in res.stderr
