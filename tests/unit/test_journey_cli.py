"""The command-line journey's trust fixes, each tested (they fail without their fix): the
workout log's refusals, the history's list and corrections, an analysis attached to the
wrong person, the error hints in a person's words, drill ids where `valgus log` needs them,
and the history read in words. Synthetic poses: no video, no pose model."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.assessment.drivers import assess, read_analysis
from valgus.assessment.questions import QUESTIONS
from valgus.assessment.selftests import Answers
from valgus.cli.main import app

runner = CliRunner()
DAY = dt.date(2025, 3, 3)


def run(*args: str | Path) -> tuple[int, str, str]:
    r = runner.invoke(app, [str(a) for a in args])
    return r.exit_code, r.stdout, r.stderr


def ok(*args: str | Path) -> str:
    code, out, err = run(*args)
    assert code == 0, err
    return out


def _analysis(tmp: Path, name: str, shift: float) -> Path:
    poses = make_squat_poses(Squat(medial_shift_m={"left": shift, "right": 0.0}))
    path = tmp / f"{name}.analysis.json"
    path.write_text(analyze_poses(poses).result.model_dump_json())
    return path


@pytest.fixture
def ann(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, Path]:
    """ann: two analyses, a clear assessment (bands: red) and a program from it."""
    monkeypatch.setenv("VALGUS_DATABASE_URL", f"sqlite:///{tmp_path / 'h.sqlite3'}")
    first, second = _analysis(tmp_path, "w0", 0.08), _analysis(tmp_path, "w4", 0.0)
    answers = Answers.model_validate(
        {
            "red_flags": dict.fromkeys(QUESTIONS, False),
            "self_tests": {"pain_0_10": 1},
            "preferences": {"equipment": {"bands": ["red", "green"]}},
        }
    )
    result = json.loads(first.read_text())
    assessment = tmp_path / "assessment.json"
    assessment.write_text(assess([read_analysis(result)], answers, date=DAY).model_dump_json())
    ok("person", "add", "ann")
    ok("person", "attach", "ann", first, assessment)
    program = ok("program", "--person", "ann", "--start", str(DAY + dt.timedelta(days=1)))
    return {
        "first": first,
        "second": second,
        "assessment": assessment,
        "tmp": tmp_path,
        "program_text": _text(tmp_path, program),
    }


def _text(tmp: Path, text: str) -> Path:
    p = tmp / "program.txt"
    p.write_text(text)
    return p


LOG = ["log", "ann", "banded_clamshell", "--sets", "2", "--reps", "10", "--pain", "0"]


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--band", "pink"], "unknown band colour 'pink'"),
        (["--date", "2099-01-01"], "is in the future"),
    ],
)
def test_the_log_refuses_in_words(ann: dict[str, Path], extra: list[str], said: str) -> None:
    code, _, err = run(*LOG, "--date", str(DAY + dt.timedelta(days=2)), *extra)
    assert code == 2 and said in err


def test_a_drill_not_in_the_program_or_a_person_without_one_is_refused(
    ann: dict[str, Path],
) -> None:
    code, _, err = run("log", "ann", "nordic_curl", "--sets", "2", "--reps", "5", "--pain", "0")
    assert code == 2 and "'nordic_curl' is not in ann's program; log one of:" in err
    ok("person", "add", "bo")
    code, _, err = run("log", "bo", "banded_clamshell", "--sets", "2", "--reps", "5", "--pain", "0")
    assert code == 2 and "bo has no program yet" in err


def test_a_banded_drill_logged_without_a_band_keeps_the_last_one(ann: dict[str, Path]) -> None:
    day = DAY + dt.timedelta(days=2)
    ok(*LOG, "--band", "green", "--date", str(day))
    out = ok(*LOG, "--date", str(day + dt.timedelta(days=1)))
    assert "logged with the green band you used last time" in out


def test_history_lists_redates_and_detaches_and_progress_follows(ann: dict[str, Path]) -> None:
    def analyses() -> list[dict[str, str]]:
        rows = json.loads(ok("history", "ann", "--list", "--json"))
        return [r for r in rows if r["kind"] == "analysis"]

    ok("person", "attach", "ann", ann["second"])
    assert "analysis" in ok("history", "ann", "--list")  # the table a person reads
    ids = [r["id"] for r in analyses()]
    assert len(ids) == 2
    later = str(DAY + dt.timedelta(weeks=4))
    ok("person", "redate", "ann", str(ids[1]), "--date", later)
    assert later in [r["date"] for r in analyses()]
    ok("person", "detach", "ann", "analysis", str(ids[1]))
    assert [r["id"] for r in analyses()] == ids[:1]


def test_an_analysis_stored_for_someone_else_needs_force(ann: dict[str, Path]) -> None:
    ok("person", "add", "bo")
    code, _, err = run("person", "attach", "bo", ann["first"])
    assert code == 2 and "already stored for ann" in err and "--force" in err
    ok("person", "attach", "bo", ann["first"], "--force")


def test_error_hints_are_in_a_person_s_words(ann: dict[str, Path]) -> None:
    tmp = ann["tmp"]
    (tmp / "clip.mp4").write_bytes(b"\x00" * 64)
    code, _, err = run("assess", tmp / "clip.mp4")
    assert code != 0 and "run `valgus analyze" in err and "first" in err
    (tmp / "answers.toml").write_text("[red_flags]\n")
    code, _, err = run("program", tmp / "answers.toml")
    assert code != 0 and "--answers" in err
    code, _, err = run("program", tmp / "missing.json")
    assert code != 0 and "missing.json" in err


def test_drill_ids_are_where_valgus_log_needs_them(ann: dict[str, Path]) -> None:
    assert "banded_clamshell" in ann["program_text"].read_text()  # the program's table
    ics = ann["tmp"] / "program.ics"
    ok("program", "--person", "ann", "--start", str(DAY + dt.timedelta(days=1)), "--ics", ics)
    assert "log it as banded_clamshell" in ics.read_text().replace("\r\n ", "")


def test_the_history_reads_in_words(ann: dict[str, Path]) -> None:
    shown = ok("history", "ann")
    assert "no red flags reported" in shown and "red flags clear" not in shown
    assert not re.search(r"\b(foot_pronation|ankle_dorsiflexion|motor_control)\b", shown), shown


def test_a_session_is_ticked_off_drill_by_drill(ann: dict[str, Path]) -> None:
    from valgus.errors import InputError
    from valgus.program.progression import Dose
    from valgus.services import workouts
    from valgus.storage import Database, store

    with Database() as db:
        plan = workouts.session_plan(db, "ann")
        program = store.latest_program(db, "ann")
        assert program is not None
        assert [d.exercise_id for d in plan] == [d.id for d in program.drills]
        assert all(d.dose is not None and d.note.startswith("First session") for d in plan)
        day = DAY + dt.timedelta(days=2)

        def entry(drill: str, dose: Dose) -> object:
            return workouts.entry(
                date=day,
                exercise_id=drill,
                sets=dose.sets,
                reps=dose.reps,
                band=dose.band,
                pain_0_10=1,
            )

        entries = [entry(d.exercise_id, d.dose) for d in plan if d.dose is not None]
        with pytest.raises(InputError, match="'nordic_curl' is not in ann's program"):
            workouts.log_session(db, "ann", [*entries, entry("nordic_curl", Dose(2, 5))])  # type: ignore[list-item]
        assert store.history(db, "ann").workouts == []  # one refused drill stores none
        logged = workouts.log_session(db, "ann", entries, today=day)  # type: ignore[arg-type]
        assert len(logged) == len(plan) and all(x.decision.dose for x in logged)
        after = workouts.session_plan(db, "ann")
        assert all(d.note.startswith("One good session at this dose") for d in after)


def test_doses_read_back_from_their_text() -> None:
    from valgus.program.progression import Dose

    for dose in (Dose(2, 10), Dose(3, 15, "green")):
        assert Dose.parse(str(dose)) == dose
    with pytest.raises(ValueError, match="not a dose"):
        Dose.parse("lots")


def test_the_api_gives_the_session_and_logs_it(ann: dict[str, Path]) -> None:
    import os

    from fastapi.testclient import TestClient

    from valgus.storage import store
    from valgus.web.app import create_app
    from valgus.web.settings import Settings

    url = os.environ["VALGUS_DATABASE_URL"]
    app = create_app(Settings(data_dir=ann["tmp"] / "web", database_url=url), run_workers=False)
    with TestClient(app, base_url="http://127.0.0.1:8000") as c:
        pid = store.person_ids(app.state.valgus.db)["ann"]
        plan = c.get(f"/api/people/{pid}/session").json()
        assert plan and all(d["next_dose"] for d in plan)
        first = plan[0]
        sets, reps = (int(x) for x in first["next_dose"].split(",")[0].split(" x "))
        body = {
            "drills": [{"exercise_id": first["exercise_id"], "sets": sets, "reps": reps}],
            "pain_0_10": 7,
            "date": str(DAY + dt.timedelta(days=2)),
        }
        r = c.post(f"/api/people/{pid}/sessions", json=body)
        assert r.status_code == 201, r.text
        assert r.json()[0]["action"] == "stop"  # pain 7/10: the stop rule
        assert c.post(f"/api/people/{pid}/sessions", json=body | {"drills": []}).status_code == 422
