"""The history database (valgus.storage) on a temporary SQLite file and on a real PostgreSQL
server (VALGUS_TEST_POSTGRES_URL; .ci/run starts one; under CI its absence fails)."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text

from tests.storage_urls import PG_ENV, database_url, postgres_url
from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.assessment.drivers import assess, read_analysis
from valgus.assessment.questions import QUESTIONS
from valgus.assessment.safety import Clearance
from valgus.assessment.selftests import Answers
from valgus.errors import (
    ExportFileError,
    PersonExistsError,
    StorageError,
    UnknownPersonError,
)
from valgus.program.catalogue import load_catalogue
from valgus.program.prescription import prescribe
from valgus.program.progression import Decision, next_dose
from valgus.storage import store
from valgus.storage.db import Database, current_revision, head_revision, make_engine, migrate
from valgus.storage.store import PersonInfo, WorkoutEntry

CAT = load_catalogue()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database_url(request.param, tmp_path)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    with Database(db_url) as database:
        yield database


def _analysis(shift_left_m: float) -> store.AnalysisResult:
    poses = make_squat_poses(Squat(medial_shift_m={"left": shift_left_m, "right": 0.0}))
    return analyze_poses(poses).result


def test_postgres_url_is_given_under_ci() -> None:
    """The PostgreSQL tests must run in CI, not be skipped."""
    if os.environ.get("CI"):
        assert os.environ.get(PG_ENV), f"{PG_ENV} must be set under CI"
    postgres_url()


def test_new_database_is_at_head_with_every_table(db: Database) -> None:
    assert current_revision(db.engine) == head_revision() == "0008"
    tables = set(inspect(db.engine).get_table_names())
    expected = {
        "people",
        "analyses",
        "assessments",
        "programs",
        "workouts",
        "notes",
        "clearances",
        "jobs",
        "batch_items",
    }
    assert expected <= tables


def test_people_add_list_and_errors(db: Database) -> None:
    store.add_person(db, PersonInfo(name="ann", sex="female", age_band="18-34", height_cm=168))
    store.add_person(db, PersonInfo(name="bob"))
    with pytest.raises(PersonExistsError, match="'ann' is already"):
        store.add_person(db, PersonInfo(name="ann"))
    people = store.list_people(db)
    assert [p.name for p in people] == ["ann", "bob"]
    assert (people[0].sex, people[0].age_band, people[0].height_cm) == ("female", "18-34", 168)
    with pytest.raises(UnknownPersonError, match="known: ann, bob"):
        store.add_note(db, "carl", "hello")


def test_analysis_keeps_the_pose_data_to_recompute(db: Database) -> None:
    store.add_person(db, PersonInfo(name="ann"))
    poses = make_squat_poses(Squat(medial_shift_m={"left": 0.05, "right": 0.0}))
    result = analyze_poses(poses).result
    aid = store.add_analysis(db, "ann", result, poses_nc=store.poses_to_bytes(poses))
    again = analyze_poses(store.stored_poses(db, aid)).result
    assert again.summary == result.summary
    h = store.history(db, "ann")
    assert [(a.has_poses, a.left, a.right) for a in h.analyses] == [(True, "mild", "none")]


def test_progress_across_stored_analyses(db: Database) -> None:
    store.add_person(db, PersonInfo(name="ann"))
    t0 = dt.datetime(2025, 3, 1, 9)
    for weeks, shift in ((0, 0.08), (3, 0.0)):
        store.add_analysis(
            db, "ann", _analysis(shift), poses_nc=None, recorded_at=t0 + dt.timedelta(weeks=weeks)
        )
    left, right = store.history(db, "ann").progress
    assert left.side == "left" and left.verdict == "less valgus"
    (mkd,) = left.changes
    assert mkd.measure == "knee_over_foot" and mkd.change < -0.04
    assert right.verdict == "no measurable change"
    assert [s.verdict for s in left.sessions] == ["marked", "none"]


def _log(db: Database, name: str, entry: WorkoutEntry) -> Decision:
    """Store a workout with the decision the progression rules make (no safety gate: that
    is the service's, tests/unit/test_workouts.py)."""
    exercise = CAT.get(entry.exercise_id)
    return store.log_workout(
        db, name, entry, decide=lambda logged, bands: next_dose(logged, exercise, owned_bands=bands)
    )


def test_log_applies_progression_and_stop_rules(db: Database) -> None:
    store.add_person(db, PersonInfo(name="ann"))
    day = dt.date(2025, 3, 3)

    def log(days: int, sets: int, reps: int, pain: int, **kw: bool) -> str:
        entry = WorkoutEntry(
            date=day + dt.timedelta(days=days),
            exercise_id="banded_clamshell",
            sets=sets,
            reps=reps,
            band="red",
            pain_0_10=pain,
            **kw,
        )
        d = _log(db, "ann", entry)
        return d.action if d.dose is None else f"{d.action} {d.dose}"

    assert log(0, 2, 10, 2) == "hold 2 x 10, red band"
    assert log(2, 2, 10, 1) == "progress_sets 3 x 10, red band"
    assert log(4, 3, 10, 4) == "hold 3 x 10, red band"  # caution zone
    assert log(7, 3, 10, 2, pain_next_day=True) == "stop"
    assert log(9, 3, 10, 6) == "stop"
    workouts = store.history(db, "ann").workouts
    assert len(workouts) == 5 and "6/10" in workouts[-1].reason


def _assessment_and_program(day: dt.date) -> tuple[store.Assessment, store.Program]:
    answers = Answers.model_validate(
        {
            "red_flags": dict.fromkeys(QUESTIONS, False),
            "self_tests": {"pain_0_10": 1, "knee_to_wall_cm": {"left": 8.0, "right": 8.0}},
            "preferences": {"equipment": {"bands": ["red", "green"]}},
        }
    )
    a = assess([read_analysis(_analysis(0.06).model_dump(mode="json"))], answers, date=day)
    return a, prescribe(a, CAT, start=day, weeks=6, sessions_per_week=3)


def test_assessment_program_adherence_and_owned_bands(db: Database) -> None:
    store.add_person(db, PersonInfo(name="ann"))
    day = dt.date(2025, 3, 3)  # a Monday
    a, p = _assessment_and_program(day)
    assert store.attach_file(db, "ann", a.model_dump(mode="json")) == "assessment"
    assert store.attach_file(db, "ann", p.model_dump(mode="json")) == "program"
    first = _log(
        db,
        "ann",
        WorkoutEntry(date=day, exercise_id="banded_clamshell", sets=2, reps=10, pain_0_10=0),
    )
    assert first.dose is not None and first.dose.band is None  # logged without a band
    h = store.history(db, "ann", today=day + dt.timedelta(days=6))
    assert h.assessments[0].red_flags == a.red_flags.status
    (prog,) = h.programs
    assert (prog.adherence.planned, prog.adherence.done) == (3, 1)
    with pytest.raises(ExportFileError, match="not an analysis, assessment or program"):
        store.attach_file(db, "ann", {"kind": "something"})


def test_export_import_round_trip(db: Database, tmp_path: Path) -> None:
    store.add_person(db, PersonInfo(name="ann", sex="female", notes="left knee"))
    poses = make_squat_poses(Squat(medial_shift_m={"left": 0.05, "right": 0.0}))
    store.add_analysis(db, "ann", analyze_poses(poses).result, poses_nc=store.poses_to_bytes(poses))
    a, p = _assessment_and_program(dt.date(2025, 3, 3))
    store.add_assessment(db, "ann", a)
    store.add_program(db, "ann", p)
    _log(
        db,
        "ann",
        WorkoutEntry(
            date=dt.date(2025, 3, 3), exercise_id="short_foot", sets=2, reps=10, pain_0_10=1
        ),
    )
    store.add_note(db, "ann", "felt easy")
    store.add_clearance(db, "ann", date=dt.date(2025, 3, 4), cleared_by="Dr Lee")
    data = store.export_person(db, "ann")
    with pytest.raises(PersonExistsError, match="--as"):
        store.import_person(db, data)
    with Database(f"sqlite:///{tmp_path / 'other.sqlite3'}") as other:
        store.import_person(other, data)
        assert store.export_person(other, "ann")["analyses"] == data["analyses"]
        h1, h2 = store.history(db, "ann"), store.history(other, "ann")
        assert h2.model_dump(exclude={"analyses"}) == h1.model_dump(exclude={"analyses"})
        assert store.stored_poses(other, h2.analyses[0].id).sizes == poses.sizes
        assert store.safety_records(other, "ann").clearances == [
            Clearance(date=dt.date(2025, 3, 4), by="Dr Lee")
        ]
        legacy = {k: v for k, v in data.items() if k != "clearances"}  # before revision 0004
        store.import_person(other, legacy, name="ann-old")
    store.import_person(db, data, name="ann-copy")
    assert [x.name for x in store.list_people(db)] == ["ann", "ann-copy"]
    with pytest.raises(ExportFileError, match="not a valgus history export"):
        store.import_person(db, {"kind": "valgus-history-export", "version": 1})


def test_a_failed_write_leaves_nothing(db: Database) -> None:
    store.add_person(db, PersonInfo(name="ann"))
    data = store.export_person(db, "ann")
    data["person"]["name"] = "zed"
    data["notes"] = [{"created_at": "2025-03-01T10:00:00", "text": "x"}]
    data["workouts"] = [{"date": "2025-03-01", "exercise_id": "short_foot"}]  # invalid
    with pytest.raises(ExportFileError):
        store.import_person(db, data)
    with pytest.raises(StorageError), db.transaction() as s:  # a database error mid-way
        s.execute(
            text("INSERT INTO notes (person_id, created_at, text) VALUES (1, '2025-03-01', 'a')")
        )
        s.execute(text("INSERT INTO no_such_table VALUES (1)"))
    assert [p.name for p in store.list_people(db)] == ["ann"]
    assert store.history(db, "ann").notes == []


def test_upgrade_from_the_first_revision_keeps_the_data(db_url: str) -> None:
    engine = make_engine(db_url)
    migrate(engine, revision="0001")
    assert current_revision(engine) == "0001"
    assert "notes" not in inspect(engine).get_table_names()
    with engine.begin() as conn:
        conn.execute(
            text("INSERT INTO people (name, created_at) VALUES ('old', '2024-01-02 03:04:05')")
        )
        conn.execute(
            text(
                "INSERT INTO workouts (person_id, date, exercise_id, sets, reps, band, pain_0_10,"
                " pain_next_day, next_action, next_dose, reason, created_at) VALUES (1,"
                " '2024-01-02', 'banded_clamshell', 2, 10, 'red', 1, false, 'hold',"
                " '2 x 10, red band', 'One good session', '2024-01-02 03:04:05')"
            )
        )
    engine.dispose()
    with Database(db_url) as db:  # opening migrates to head
        assert current_revision(db.engine) == head_revision()
        (w,) = store.history(db, "old").workouts
        assert (w.form_ok, w.sets, w.band) == (True, 2, "red")
        store.add_note(db, "old", "after the upgrade")
        d = _log(
            db,
            "old",
            WorkoutEntry(
                date=dt.date(2024, 1, 4),
                exercise_id="banded_clamshell",
                sets=2,
                reps=10,
                band="red",
                pain_0_10=0,
            ),
        )
        assert d.action == "progress_sets"  # the old log counts in the progression


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Database(f"sqlite:///{path}") as db, db.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
    with sqlite3.connect(path) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    raw.close()


def test_default_url_is_in_the_user_data_dir(monkeypatch: pytest.MonkeyPatch) -> None:
    from valgus.storage.db import default_url

    monkeypatch.delenv("VALGUS_DATABASE_URL", raising=False)
    url = default_url()
    assert url.startswith("sqlite:///") and url.endswith("history.sqlite3") and "valgus" in url
    monkeypatch.setenv("VALGUS_DATABASE_URL", "postgresql+psycopg://u@h/db")
    assert default_url() == "postgresql+psycopg://u@h/db"


@pytest.mark.parametrize(
    "url",
    ["not a url", "postgresql+psycopg://nobody:x@127.0.0.1:1/none"],
)
def test_unusable_database_urls(url: str) -> None:
    with pytest.raises(StorageError, match="database"):
        Database(url)


def test_other_movements_get_their_own_progress(db: Database) -> None:
    import datetime as dt

    from valgus.api import analyze_poses as analyze

    store.add_person(db, PersonInfo(name="cy"))

    def sls(shift: float) -> store.AnalysisResult:
        sq = Squat(
            n_reps=5,
            stance="left",
            thigh_max_deg=40.0,
            shank_max_deg=25.0,
            medial_shift_m={"left": shift},
        )
        return analyze(make_squat_poses(sq), movement="single-leg-squat").result

    t0 = dt.datetime(2026, 1, 5, 9)
    store.add_analysis(db, "cy", _analysis(0.02), poses_nc=None, recorded_at=t0)
    for weeks, shift in ((0, 0.08), (4, 0.01)):
        when = t0 + dt.timedelta(weeks=weeks, hours=1)
        store.add_analysis(db, "cy", sls(shift), poses_nc=None, recorded_at=when)
    h = store.history(db, "cy")
    assert [len(leg.sessions) for leg in h.progress] == [1, 1]  # the flat squat only
    (other,) = h.other_progress
    assert other.movement == "single-leg-squat"
    left = next(leg for leg in other.legs if leg.side == "left")
    # 7 cm less medial knee shift on the standing leg: beyond the smallest detectable change.
    assert len(left.sessions) == 2 and left.verdict == "less valgus"
