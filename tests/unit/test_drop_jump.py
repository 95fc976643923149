"""The drop-jump analysis on real lab data: OpenCap motion capture with a force plate
(Uhlrich et al. 2023; ../shared/data/SOURCES.md), read through the pose data model."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

import valgus
from tests.paths import shared_file
from valgus.api import Options
from valgus.bench.landing import plate_events
from valgus.cli.main import app


@pytest.fixture(scope="module")
def dj1() -> valgus.Analysis:
    return valgus.analyze_file(shared_file("data", "mocap", "DJ1.trc"), movement="drop-jump")


def test_dj1_landing_matches_the_force_plate(dj1: valgus.Analysis) -> None:
    (contact, take_off), *_ = plate_events(shared_file("data", "mocap", "DJ1_grf.mot"))
    r = dj1.result
    assert r.source.kind == "mocap" and r.quality.view == "frontal"
    assert len(r.reps) == 1
    trial = r.reps[0]
    # docs/landing.md: contact +0.6 ms, take-off -13.7 ms at 100 Hz (toe marker rolls up).
    assert trial.contact_s == pytest.approx(contact, abs=0.006)
    assert trial.take_off_s is not None
    assert -0.020 <= trial.take_off_s - (take_off or 0.0) <= 0.003
    # OpenSim inverse kinematics puts peak knee flexion at 1.44-1.45 s.
    assert trial.bottom_s == pytest.approx(1.445, abs=0.02)


def test_dj1_frontal_measures_at_contact_and_peak(dj1: valgus.Analysis) -> None:
    trial = dj1.result.reps[0]
    # SOURCES.md: no gross valgus, lateral knee / ankle marker separation about 1.3-1.4.
    assert trial.kasr == pytest.approx(1.41, abs=0.03)
    assert trial.kasr_contact is not None and trial.kasr_contact > 1.0
    for leg in (trial.left, trial.right):
        assert leg.fppa_contact_deg is not None and leg.fppa_deg is not None
        assert leg.fppa_change_deg == pytest.approx(leg.fppa_deg - leg.fppa_contact_deg, abs=1e-2)
    s = dj1.result.summary
    assert s.left.valgus == "none" and s.right.valgus == "none"
    codes = {w.code for w in dj1.result.quality.warnings}
    assert {"mocap_markers", "few_reps", "sex_not_given"} <= codes


def test_dj4_and_auto_recognise_the_drop_jump() -> None:
    r = valgus.analyze_file(shared_file("data", "mocap", "DJ4.trc"), movement="auto").result
    assert r.movement == "drop-jump"
    assert r.movement_choice is not None and r.movement_choice.given == "auto"
    assert r.reps[0].kasr == pytest.approx(1.32, abs=0.03)


def test_sex_picks_the_landing_norm() -> None:
    path = shared_file("data", "mocap", "DJ1.trc")
    male = valgus.analyze_file(path, movement="drop-jump", options=Options(sex="male")).result
    assert male.method["landing_typical_max_deg"] == 8.0
    assert "sex_not_given" not in {w.code for w in male.quality.warnings}


def test_cli_on_motion_capture_json() -> None:
    path = shared_file("data", "mocap", "DJ1.trc")
    res = CliRunner().invoke(
        app, ["analyze", str(path), "--movement", "drop-jump", "--json", "--no-save"]
    )
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["movement"] == "drop-jump" and out["reps"][0]["contact_s"] > 1.0


def test_squat_analysis_of_a_drop_jump_does_not_invent_squat_reps() -> None:
    # The same file as a "single-leg squat": no rep stands on one leg.
    with pytest.raises(valgus.errors.ValgusError):
        valgus.analyze_file(shared_file("data", "mocap", "DJ1.trc"), movement="single-leg-squat")


def test_a_squat_is_not_a_drop_jump() -> None:
    from tests.synthetic_poses import Squat, make_squat_poses
    from valgus.errors import NoRepsFoundError

    with pytest.raises(NoRepsFoundError, match="no drop jump found"):
        valgus.analyze_poses(make_squat_poses(Squat()), movement="drop-jump")
    # auto says what it saw instead
    result = valgus.analyze_poses(make_squat_poses(Squat()), movement="auto").result
    assert result.movement == "squat"


def test_auto_says_when_it_cannot_tell() -> None:
    from tests.synthetic_poses import Squat, make_squat_poses
    from valgus.errors import NoRepsFoundError

    standing = Squat(thigh_max_deg=5.0, shank_max_deg=3.0)  # hips barely move
    with pytest.raises(NoRepsFoundError, match="could not be recognised"):
        valgus.analyze_poses(make_squat_poses(standing), movement="auto")
