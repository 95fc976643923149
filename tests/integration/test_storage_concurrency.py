"""Nothing is lost: concurrent writers on one SQLite file, and a process killed in the middle
of a transaction (os.kill), leave a consistent database. Readers do not wait for a writer, and
runs storing the same analysis at once store it once (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import os
import signal
import sqlite3
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url

from tests.storage_urls import database_url
from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.errors import StorageError
from valgus.program.catalogue import load_catalogue
from valgus.program.progression import next_dose
from valgus.storage import db as db_module
from valgus.storage import store
from valgus.storage.db import Database
from valgus.storage.models import AnalysisRow, NoteRow, Person, WorkoutRow, content_sha256
from valgus.storage.store import PersonInfo, WorkoutEntry

N_PROCESSES = 6
N_WRITES = 15


def _writer(url: str, worker: int, start: mp.synchronize.Event) -> None:
    start.wait()
    with Database(url) as db:  # every process also migrates the new file at once
        name = f"p{worker}"
        store.add_person(db, PersonInfo(name=name))
        exercise = load_catalogue().get("short_foot")
        for i in range(N_WRITES):
            store.log_workout(
                db,
                name,
                WorkoutEntry(
                    date=dt.date(2025, 3, 1) + dt.timedelta(days=i),
                    exercise_id="short_foot",
                    sets=2,
                    reps=10,
                    pain_0_10=1,
                ),
                decide=lambda logged, bands: next_dose(logged, exercise, owned_bands=bands),
            )
            store.add_note(db, name, f"note {i}")


def test_concurrent_processes_on_one_sqlite_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_writer, args=(url, w, start)) for w in range(N_PROCESSES)]
    for p in procs:
        p.start()
    start.set()
    for p in procs:
        p.join(120)
    assert [p.exitcode for p in procs] == [0] * N_PROCESSES
    with Database(url) as db, db.transaction() as s:
        assert s.scalar(select(func.count()).select_from(Person)) == N_PROCESSES
        assert s.scalar(select(func.count()).select_from(WorkoutRow)) == N_PROCESSES * N_WRITES
        assert s.scalar(select(func.count()).select_from(NoteRow)) == N_PROCESSES * N_WRITES
        assert s.execute(text("PRAGMA integrity_check")).scalar() == "ok"
    # each person's progression saw its own logs in order: hold, then progress, ...
    with Database(url) as db:
        actions = [w.next_action for w in store.history(db, "p0").workouts]
    assert actions[:2] == ["hold", "progress_sets"]


def _half_write(url: str, ready: mp.synchronize.Event) -> None:
    """Import a person, then hang inside the same transaction until killed."""
    with Database(url) as db, db.transaction() as s:
        s.add(Person(name="half", created_at=dt.datetime(2025, 3, 1)))
        s.flush()
        s.execute(
            text("INSERT INTO notes (person_id, created_at, text) VALUES (1, '2025-03-01', 'x')")
        )
        ready.set()
        signal.pause()


def test_a_process_killed_mid_transaction_leaves_no_half_record(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    url = f"sqlite:///{path}"
    with Database(url) as db:
        store.add_person(db, PersonInfo(name="kept"))
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_half_write, args=(url, ready))
    proc.start()
    assert ready.wait(60)
    assert proc.pid is not None
    os.kill(proc.pid, signal.SIGKILL)
    proc.join(30)
    assert proc.exitcode == -signal.SIGKILL
    with Database(url) as db:
        assert [p.name for p in store.list_people(db)] == ["kept"]
        with db.transaction() as s:
            assert s.scalar(select(func.count()).select_from(NoteRow)) == 0
        store.add_note(db, "kept", "the database still takes writes")
    raw = sqlite3.connect(path)
    try:
        assert raw.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        raw.close()


def _hold_a_write(url: str, ready: mp.synchronize.Event, release: mp.synchronize.Event) -> None:
    """A writer in the middle of its transaction: a new note and the person row changed,
    neither committed, until `release`."""
    with Database(url) as db, db.transaction() as s:
        s.add(NoteRow(person_id=1, created_at=dt.datetime(2025, 3, 1), text="uncommitted"))
        s.execute(update(Person).where(Person.id == 1).values(notes="being edited"))
        s.flush()
        ready.set()
        release.wait(120)


def _bounded_waits(url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The URL with waits for a lock cut to 1 s: SQLite's busy timeout, PostgreSQL's
    lock_timeout. A read that waited for the writer would fail instead of answering."""
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 1000)
    if url.startswith("sqlite"):
        return url
    bounded = make_url(url).update_query_dict({"options": "-c lock_timeout=1000"})
    return bounded.render_as_string(hide_password=False)


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_readers_do_not_wait_for_a_writer(
    backend: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = database_url(backend, tmp_path)
    poses = make_squat_poses(Squat(medial_shift_m={"left": 0.05, "right": 0.0}))
    with Database(url) as db:
        store.add_person(db, PersonInfo(name="ann"))
        aid = store.add_analysis(
            db, "ann", analyze_poses(poses).result, poses_nc=store.poses_to_bytes(poses)
        )
    ctx = mp.get_context("spawn")
    ready, release = ctx.Event(), ctx.Event()
    writer = ctx.Process(target=_hold_a_write, args=(url, ready, release))
    writer.start()
    try:
        assert ready.wait(120), "the writer did not start its transaction"
        with Database(_bounded_waits(url, monkeypatch)) as db:
            (person,) = store.list_people(db)
            assert person.notes is None  # the last committed state
            store.check_person(db, "ann")
            h = store.history(db, "ann")
            assert h.notes == [] and len(h.analyses) == 1
            assert store.export_person(db, "ann")["notes"] == []
            assert store.stored_poses(db, aid).sizes == poses.sizes
            # ... while the writer still held its lock: a second writer has to wait for it
            with pytest.raises(StorageError, match="locked"), db.transaction() as s:
                s.execute(update(Person).where(Person.id == 1).values(notes="second writer"))
        assert writer.is_alive()
    finally:
        release.set()
        writer.join(60)
    assert writer.exitcode == 0
    with Database(url) as db:
        assert [n.text for n in store.history(db, "ann").notes] == ["uncommitted"]
        assert store.list_people(db)[0].notes == "being edited"


def _store_same(
    url: str, result_json: str, nc: bytes, start: mp.synchronize.Event, out: mp.Queue[object]
) -> None:
    start.wait()
    with Database(url) as db:
        result = store.AnalysisResult.model_validate_json(result_json)
        out.put(tuple(store.store_analysis(db, "ann", result, poses_nc=nc)))


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_runs_storing_the_same_analysis_at_once_store_it_once(backend: str, tmp_path: Path) -> None:
    url = database_url(backend, tmp_path)
    poses = make_squat_poses(Squat(medial_shift_m={"left": 0.05, "right": 0.0}))
    result, nc = analyze_poses(poses).result, store.poses_to_bytes(poses)
    with Database(url) as db:
        store.add_person(db, PersonInfo(name="ann"))
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    args = (url, result.model_dump_json(), nc, start, out)
    procs = [ctx.Process(target=_store_same, args=args) for _ in range(4)]
    for p in procs:
        p.start()
    start.set()
    said = [out.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(60)
    assert [p.exitcode for p in procs] == [0] * 4
    (first,) = [s for s in said if s[2] is False]  # exactly one run stored it
    assert sorted(said) == sorted([first, *[("analysis", first[1], True)] * 3])
    with Database(url) as db:
        assert [a.id for a in store.history(db, "ann").analyses] == [first[1]]


def test_a_store_racing_an_uncommitted_copy_finds_it_after_its_commit(tmp_path: Path) -> None:
    """PostgreSQL: the second run's check cannot see the first's uncommitted row, so its
    insert waits on the unique index, fails when the first commits, and that failure alone is
    undone (a savepoint): it answers "already stored" with the first's id."""
    from tests.storage_urls import postgres_url, reset_postgres

    url = postgres_url()
    reset_postgres(url)
    poses = make_squat_poses(Squat(medial_shift_m={"left": 0.05, "right": 0.0}))
    result, nc = analyze_poses(poses).result, store.poses_to_bytes(poses)
    result_json = result.model_dump_json()
    ctx = mp.get_context("spawn")
    start, out = ctx.Event(), ctx.Queue()
    with Database(url) as db:
        store.add_person(db, PersonInfo(name="ann"))
        proc = ctx.Process(target=_store_same, args=(url, result_json, nc, start, out))
        proc.start()
        try:
            with db.transaction() as s:
                row = AnalysisRow(
                    person_id=1,
                    recorded_at=dt.datetime(2025, 3, 1),
                    movement=result.movement,
                    source_path=result.source.path,
                    result_json=result_json,
                    poses_nc=nc,
                    content_sha256=content_sha256(result_json, nc),
                )
                s.add(row)
                s.flush()
                start.set()
                for _ in range(600):  # until the other run's insert waits for this one
                    with db.engine.connect() as watch:
                        waiting = watch.execute(
                            text("SELECT count(*) FROM pg_locks WHERE NOT granted")
                        ).scalar()
                    if waiting:
                        break
                    time.sleep(0.1)
                assert waiting, "the second run never waited on the unique index"
            said = out.get(timeout=120)
        finally:
            proc.join(60)
        assert proc.exitcode == 0
        assert said == ("analysis", row.id, True)
        assert [a.id for a in store.history(db, "ann").analyses] == [row.id]
