"""The safety gate holds on every path to a program or a dose (assessment/safety.py).

One person, ann, has a clear assessment and a program; then a newer assessment reports a red
flag. Every route that could hand her a program or a next dose must refuse: the command
line (program from a file, program from her history, attaching a program file, logging a
workout) and the Python API (the service and the prescription itself).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.assessment import safety
from valgus.assessment.drivers import Assessment, assess, read_analysis
from valgus.assessment.questions import QUESTIONS
from valgus.assessment.selftests import Answers
from valgus.cli.main import app
from valgus.errors import RedFlagError
from valgus.program.catalogue import load_catalogue
from valgus.program.prescription import prescribe
from valgus.services import programs, workouts
from valgus.storage import Database
from valgus.storage.store import WorkoutEntry

runner = CliRunner()
DAY = dt.date(2025, 3, 3)


def _answers(**red_flags: bool) -> Answers:
    return Answers.model_validate(
        {
            "red_flags": dict.fromkeys(QUESTIONS, False) | red_flags,
            "self_tests": {"pain_0_10": 1},
            "preferences": {"equipment": {"bands": ["red"]}},
        }
    )


def _assessment(day: dt.date, **red_flags: bool) -> Assessment:
    poses = make_squat_poses(Squat(medial_shift_m={"left": 0.08, "right": 0.0}))
    result = analyze_poses(poses).result.model_dump(mode="json")
    return assess([read_analysis(result)], _answers(**red_flags), date=day)


def ok(*args: str | Path) -> str:
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exit_code == 0, r.output
    return r.stdout


@pytest.fixture
def ann(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """ann: a clear assessment on DAY, a program from it, then a red flag on DAY + 7."""
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    monkeypatch.setenv("VALGUS_DATABASE_URL", url)
    clear, flagged = _assessment(DAY), _assessment(DAY + dt.timedelta(days=7), locking=True)
    files = {
        "clear": tmp_path / "clear.json",
        "flagged": tmp_path / "flagged.json",
        "program": tmp_path / "program.json",
    }
    files["clear"].write_text(clear.model_dump_json())
    files["flagged"].write_text(flagged.model_dump_json())
    ok("person", "add", "ann")
    ok("person", "attach", "ann", files["clear"])
    files["program"].write_text(ok("program", "--person", "ann", "--start", "2025-03-04", "--json"))
    ok("person", "attach", "ann", files["flagged"])
    return files


def _log_cli(files: dict[str, Path]) -> tuple[int, str]:
    args = ["log", "ann", "banded_clamshell", "--sets", "2", "--reps", "10", "--pain", "0"]
    r = runner.invoke(app, [*args, "--date", "2025-03-12", "--json"])
    decision = json.loads(r.stdout)
    return (0 if decision["next_dose"] else 8), decision["reason"]


PATHS: dict[str, Callable[[dict[str, Path]], tuple[int, str]]] = {
    "program from the red-flag file": lambda f: _cli("program", f["flagged"]),
    "program from the person's history": lambda f: _cli("program", "--person", "ann"),
    "program file attached to the person": lambda f: _cli("person", "attach", "ann", f["program"]),
    "program file given with --person": lambda f: _cli("program", f["clear"], "--person", "ann"),
    "a workout logged": _log_cli,
}


def _cli(*args: str | Path) -> tuple[int, str]:
    r = runner.invoke(app, [str(a) for a in args])
    return r.exit_code, r.stderr


@pytest.mark.parametrize("path", list(PATHS))
def test_a_red_flag_shuts_every_command_line_path(ann: dict[str, Path], path: str) -> None:
    code, message = PATHS[path](ann)
    assert code == RedFlagError.exit_code, message
    assert "red flag" in message and "locked knee" in message


def test_a_red_flag_shuts_the_python_api_too(ann: dict[str, Path]) -> None:
    flagged = Assessment.model_validate_json(ann["flagged"].read_text())
    with pytest.raises(RedFlagError):
        programs.build(flagged, programs.Schedule(start=DAY))
    with pytest.raises(RedFlagError):
        prescribe(flagged, load_catalogue(), start=DAY)
    with Database() as db, pytest.raises(RedFlagError):
        programs.build_for_person(db, "ann", programs.Schedule(start=DAY))


def test_a_later_clear_assessment_opens_the_gate_again(ann: dict[str, Path]) -> None:
    later = _assessment(DAY + dt.timedelta(days=14))
    with Database() as db:
        from valgus.storage import store

        store.add_assessment(db, "ann", later)
        program = programs.build_for_person(db, "ann", programs.Schedule(start=DAY))
        assert program.drills


def test_a_stop_rule_holds_until_a_clinician_clears_it(ann: dict[str, Path]) -> None:
    entry = WorkoutEntry(
        date=DAY + dt.timedelta(days=15),
        exercise_id="banded_clamshell",
        sets=2,
        reps=10,
        band="red",
        pain_0_10=7,
    )
    with Database() as db:
        from valgus.storage import store

        store.add_assessment(db, "ann", _assessment(DAY + dt.timedelta(days=14)))
        assert workouts.log(db, "ann", entry).decision.action == "stop"
        calm = entry.model_copy(update={"pain_0_10": 0, "date": DAY + dt.timedelta(days=17)})
        blocked = workouts.log(db, "ann", calm).decision
        assert blocked.action == "blocked" and blocked.dose is None
        assert "stop rule has been in force since" in blocked.reason
        store.add_clearance(db, "ann", date=DAY + dt.timedelta(days=18), cleared_by="Dr Lee")
        after = calm.model_copy(update={"date": DAY + dt.timedelta(days=19)})
        assert workouts.log(db, "ann", after).decision.dose is not None


def test_the_injury_answer_is_said_when_no_flag_follows() -> None:
    a = _assessment(DAY, recent_injury=True)
    assert a.red_flags.status == "clear"
    assert "recent knee injury" in a.red_flags.message and "Ottawa" in a.red_flags.message


def test_a_stop_on_the_day_of_a_new_assessment_still_holds() -> None:
    clear = _assessment(DAY)
    stop = safety.Stop(date=DAY, reason="Pain 7/10.")
    assert safety.person_standing([clear], [stop], []).code == "stopped"
    cleared = safety.Clearance(date=DAY, by="Dr Lee")
    assert safety.person_standing([clear], [stop], [cleared]).allowed


def test_a_report_shows_a_program_only_through_the_gate(
    ann: dict[str, Path], tmp_path: Path
) -> None:
    from valgus.io.poses import save_poses

    poses = save_poses(make_squat_poses(Squat()), tmp_path / "squat.poses.nc")

    def report(*extra: str | Path) -> tuple[str, str]:
        out = tmp_path / f"r{len(list(tmp_path.glob('r*')))}"
        said = ok("report", poses, "--out", out, "--program", ann["program"], *extra)
        return said, next(out.glob("*.report.html")).read_text()

    # her gate is shut (the red flag): the program stays out, and the report says why
    said, page = report("--person", "ann")
    assert "program not included" in said and "red flag" in said
    assert "The program is not included" in page and 'data-drill="' not in page
    assert "banded_clamshell" not in page
    # without a person or an assessment nothing says the program is safe to follow
    said, page = report()
    assert "program not included" in said and "--assessment FILE" in page
    # with the clear assessment it was built from, it is shown
    said, page = report("--assessment", ann["clear"])
    assert "program not included" not in said and "banded_clamshell" in page


def test_the_web_app_shows_and_exports_no_program_while_the_gate_is_shut(
    ann: dict[str, Path], tmp_path: Path
) -> None:
    import os

    from fastapi.testclient import TestClient

    from valgus.storage import store
    from valgus.web.app import create_app
    from valgus.web.settings import Settings

    url = os.environ["VALGUS_DATABASE_URL"]
    app = create_app(Settings(data_dir=tmp_path / "web", database_url=url), run_workers=False)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        pid = store.person_ids(app.state.valgus.db)["ann"]
        ics = c.get(f"/api/people/{pid}/program.ics")
        assert ics.status_code == 409 and "red flag" in ics.text
        page = c.get(f"/people/{pid}/program").text
        assert "No program or dose now" in page and "banded_clamshell" not in page
        store.add_assessment(app.state.valgus.db, "ann", _assessment(DAY + dt.timedelta(days=14)))
        assert c.get(f"/api/people/{pid}/program.ics").status_code == 200
        assert "banded_clamshell" in c.get(f"/people/{pid}/program").text


def test_a_stop_symptom_in_a_log_stops_the_program_until_cleared(ann: dict[str, Path]) -> None:
    from valgus.storage import store

    with Database() as db:
        store.add_assessment(db, "ann", _assessment(DAY + dt.timedelta(days=14)))
    base = ["log", "ann", "banded_clamshell", "--sets", "2", "--reps", "10", "--pain", "0"]

    def log(day: int, *extra: str) -> dict[str, str]:
        date = str(DAY + dt.timedelta(days=day))
        return dict(json.loads(ok(*base, "--date", date, "--json", *extra)))

    assert log(15)["next_dose"]  # the gate is open again after the clear re-assessment
    stopped = log(16, "--symptom", "giving_way", "--symptom", "swelling")
    assert stopped["action"] == "stop" and stopped["next_dose"] is None
    assert "the knee gave way, new swelling of the knee" in stopped["reason"]
    calm = log(17)
    assert calm["next_dose"] is None and "stop rule has been in force since" in calm["reason"]
    assert "gave way" in ok("history", "ann")
    bad = runner.invoke(app, [*base, "--symptom", "sore"])
    assert bad.exit_code != 0 and "symptoms" in bad.stderr and "locking" in bad.stderr
    ok("person", "clear", "ann", "--by", "Dr Lee", "--date", str(DAY + dt.timedelta(days=18)))
    assert log(19)["next_dose"]


def test_stop_symptoms_are_one_list() -> None:
    from typing import get_args

    from valgus.program.progression import STOP_SYMPTOMS, Symptom

    assert set(get_args(Symptom)) == set(STOP_SYMPTOMS)
