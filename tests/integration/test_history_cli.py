"""`valgus person`, `valgus analyze --person`, `valgus log` and `valgus history` through the
typer runner, on a temporary SQLite database (VALGUS_DATABASE_URL)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.assessment.questions import QUESTIONS
from valgus.cli.main import app
from valgus.io.poses import save_poses

runner = CliRunner()


@pytest.fixture(autouse=True)
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "history.sqlite3"
    monkeypatch.setenv("VALGUS_DATABASE_URL", f"sqlite:///{path}")
    return path


def _poses_file(tmp_path: Path, name: str, shift_left_m: float) -> Path:
    poses = make_squat_poses(Squat(medial_shift_m={"left": shift_left_m, "right": 0.0}))
    return save_poses(poses, tmp_path / f"{name}.poses.nc")


def _answers(tmp_path: Path, **red_flags: bool) -> Path:
    path = tmp_path / "answers.json"
    path.write_text(
        json.dumps(
            {
                "red_flags": dict.fromkeys(QUESTIONS, False) | red_flags,
                "self_tests": {"pain_0_10": 1},
                "preferences": {"equipment": {"bands": ["red"]}},
            }
        )
    )
    return path


def _ok(args: list[str]) -> str:
    r = runner.invoke(app, args)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_person_add_list_and_errors() -> None:
    assert "added ann" in _ok(["person", "add", "ann", "--sex", "female", "--height-cm", "168"])
    r = runner.invoke(app, ["person", "add", "ann"])
    assert r.exit_code == 2 and "already" in r.stderr
    r = runner.invoke(app, ["person", "add", "bob", "--sex", "robot"])
    assert r.exit_code == 2 and "sex: Input should be 'female', 'male' or 'other'" in r.stderr
    (p,) = json.loads(_ok(["person", "list", "--json"]))
    assert (p["name"], p["sex"], p["height_cm"]) == ("ann", "female", 168.0)


def test_analyze_log_history_export_import(tmp_path: Path, database: Path) -> None:
    _ok(["person", "add", "ann"])
    before = _poses_file(tmp_path, "before", 0.08)
    after = _poses_file(tmp_path, "after", 0.0)
    r = runner.invoke(app, ["analyze", str(before), "--person", "nobody", "--no-save"])
    assert r.exit_code == 2 and "no person named 'nobody'" in r.stderr
    assert "stored in the history of ann" in _ok(
        ["analyze", str(before), "--person", "ann", "--no-save"]
    )
    out = json.loads(_ok(["analyze", str(after), "--person", "ann", "--json", "--no-save"]))
    assert out["summary"]["left"]["valgus"] == "none"
    log = ["log", "ann", "banded_clamshell", "--sets", "2", "--reps", "10", "--band", "red"]
    r = runner.invoke(app, [*log, "--pain", "1", "--date", "2025-03-03"])
    assert r.exit_code == 2 and "ann has no program yet" in r.stderr

    analysis = tmp_path / "before.analysis.json"
    analysis.write_text(_ok(["analyze", str(before), "--json", "--no-save"]))
    answers = _answers(tmp_path)
    assess = ["assess", str(analysis), "--answers", str(answers), "--person", "ann"]
    assert "stored in the history of ann" in _ok([*assess, "--date", "2025-03-01"])
    assert "banded_clamshell" in _ok(["program", "--person", "ann", "--start", "2025-03-03"])
    assert "next: 2 x 10, red band" in _ok([*log, "--pain", "1", "--date", "2025-03-03"])
    assert "next: 3 x 10, red band" in _ok([*log, "--pain", "2", "--date", "2025-03-05"])
    stop = _ok([*log, "--pain", "7", "--date", "2025-03-07"])
    assert stop.startswith("stop: Pain 7/10")
    j = json.loads(_ok([*log, "--pain", "1", "--pain-next-day", "--json", "--date", "2025-03-09"]))
    assert j["action"] == "stop" and j["next_dose"] is None and "next day" in j["reason"]
    r = runner.invoke(app, [*log, "--pain", "11"])
    assert r.exit_code == 2 and "--pain" in r.stderr

    h = json.loads(_ok(["history", "ann", "--json"]))
    assert h["kind"] == "valgus-history" and len(h["analyses"]) == 2
    left = h["progress"][0]
    assert (left["side"], left["verdict"]) == ("left", "less valgus")
    assert left["changes"][0]["smallest_detectable_change"] >= 0.04
    assert len(h["workouts"]) == 4 and len(h["assessments"]) == 1 and len(h["programs"]) == 1
    (dose,) = h["doses"]
    assert (dose["exercise_id"], dose["next_action"], dose["next_dose"]) == (
        "banded_clamshell",
        "stop",
        None,
    )
    text = _ok(["history", "ann"])
    assert "left: less valgus since the first" in text and "right: no measurable change" in text
    assert "No program or dose now: a stop rule has been in force since 2025-03-07" in text

    export = tmp_path / "ann.json"
    _ok(["person", "export", "ann", "-o", str(export)])
    _ok(["person", "note", "ann", "new knee sleeve"])
    r = runner.invoke(app, ["person", "import", str(export)])
    assert r.exit_code == 2 and "--as" in r.stderr
    _ok(["person", "import", str(export), "--as", "ann2"])
    h2 = json.loads(_ok(["history", "ann2", "--json"]))
    assert h2["progress"] == h["progress"] and h2["workouts"] == h["workouts"]
    assert json.loads(_ok(["history", "ann", "--json"]))["notes"][0]["text"] == "new knee sleeve"


def test_history_of_an_unknown_person_is_one_line_and_exit_2() -> None:
    r = runner.invoke(app, ["history", "ghost", "--json"])
    assert r.exit_code == 2
    assert json.loads(r.stdout)["error"]["code"] == "unknown_person"
    assert r.stderr.count("\n") == 1


def test_broken_database_url_is_a_storage_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("VALGUS_DATABASE_URL", "nonsense")
    r = runner.invoke(app, ["person", "list"])
    assert r.exit_code == 10 and r.stderr.startswith("valgus: ")


def test_an_interrupted_analysis_stores_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from valgus import api

    _ok(["person", "add", "ann"])

    def interrupted(*_a: object, **_k: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(api, "analyze_file", interrupted)
    r = runner.invoke(app, ["analyze", str(_poses_file(tmp_path, "x", 0.0)), "--person", "ann"])
    assert r.exit_code == 130
    assert json.loads(_ok(["history", "ann", "--json"]))["analyses"] == []


def test_attach_assessment_and_program_files(tmp_path: Path) -> None:
    _ok(["person", "add", "ann"])
    analysis = tmp_path / "squat.analysis.json"
    analysis.write_text(
        _ok(["analyze", str(_poses_file(tmp_path, "s", 0.06)), "--json", "--no-save"])
    )
    answers = _answers(tmp_path)
    program = tmp_path / "program.json"
    cmd = ["program", "--answers", str(answers), "--analysis", str(analysis), "--json"]
    program.write_text(_ok([*cmd, "--start", "2025-03-03"]))
    r = runner.invoke(app, ["person", "attach", "ann", str(program)])
    assert r.exit_code == 2 and "no assessment yet" in r.stderr  # the safety gate first
    assessment = tmp_path / "assessment.json"
    assessment.write_text(_ok(["assess", str(analysis), "--answers", str(answers), "--json"]))
    out = _ok(["person", "attach", "ann", str(analysis), str(assessment), str(program)])
    assert "stored analysis" in out and "stored assessment" in out and "stored program" in out
    h = json.loads(_ok(["history", "ann", "--json"]))
    assert len(h["analyses"]) == 1 and h["programs"][0]["start"] == "2025-03-03"
    r = runner.invoke(app, ["person", "attach", "ann", str(answers)])
    assert r.exit_code == 2 and "not an analysis, assessment or program" in r.stderr


def test_history_report_page_has_a_trend_per_leg(tmp_path: Path) -> None:
    import base64
    import re

    import cv2
    import numpy as np

    _ok(["person", "add", "ann"])
    for name, shift in (("a", 0.08), ("b", 0.05), ("c", 0.0)):
        _ok(["analyze", str(_poses_file(tmp_path, name, shift)), "--person", "ann", "--no-save"])
    page = tmp_path / "out" / "ann.html"
    out = _ok(["history", "ann", "--report", str(page)])
    assert f"report: {page}" in out.replace("\n", "")
    html = page.read_text(encoding="utf-8")
    assert "Across assessments" in html and "3 squat analyses" in html
    assert "left: less valgus since the first" in html
    images = re.findall(r"src='data:image/png;base64,([^']+)'", html)
    assert len(images) == 2
    for b64 in images:
        img = cv2.imdecode(np.frombuffer(base64.b64decode(b64), np.uint8), cv2.IMREAD_COLOR)
        assert img is not None and img.shape[1] > 500
    (tmp_path / "file").write_text("")
    r = runner.invoke(app, ["history", "ann", "--report", str(tmp_path / "file" / "ann.html")])
    assert r.exit_code == 2 and r.stderr.startswith("valgus: cannot write")


def test_rerunning_an_analysis_stores_it_once(tmp_path: Path) -> None:
    """A run killed after its commit but before "stored in the history" was printed, then
    run again: the history still holds the analysis once."""
    _ok(["person", "add", "ann"])
    poses = _poses_file(tmp_path, "x", 0.05)
    for _ in range(2):
        assert "stored in the history of ann" in _ok(
            ["analyze", str(poses), "--person", "ann", "--no-save"]
        )
    assert len(json.loads(_ok(["history", "ann", "--json"]))["analyses"]) == 1


def test_an_unknown_person_names_the_database_and_whether_it_is_new(database: Path) -> None:
    r = runner.invoke(app, ["history", "ann"])
    assert r.exit_code == 2 and r.stderr.count("\n") == 1
    assert f"no person named 'ann' in the history database sqlite:///{database} (new, empty)" in (
        r.stderr
    )
    r = runner.invoke(app, ["history", "ann"])
    assert f"sqlite:///{database} (empty); add one with `valgus person add ann`" in r.stderr


def test_a_database_from_a_newer_valgus_is_one_line_and_exit_10(database: Path) -> None:
    _ok(["person", "add", "ann"])
    with sqlite3.connect(database) as raw:
        raw.execute("UPDATE alembic_version SET version_num = '0099'")
    raw.close()
    r = runner.invoke(app, ["history", "ann", "--json"])
    assert r.exit_code == 10 and r.stderr.count("\n") == 1
    assert "written by a newer valgus (revision 0099" in r.stderr
    assert json.loads(r.stdout)["error"]["code"] == "storage_error"
