"""Reliability of the history database: one clear StorageError instead of a traceback (and
never the SQL or its values), a new database that says so, reads that take no write lock,
history without the pose bytes, and stores that are idempotent by content hash. Real SQLite
files and a real PostgreSQL server (tests/storage_urls.py), no mocks."""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import multiprocessing as mp
import os
import shutil
import sqlite3
import tempfile
import tracemalloc
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import LargeBinary, bindparam, inspect, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from tests.storage_urls import database_url, postgres_url, reset_postgres
from tests.synthetic_poses import Squat, make_squat_poses
from tests.unit.test_storage import _analysis, _assessment_and_program
from valgus.api import analyze_poses
from valgus.errors import StorageError, UnknownPersonError
from valgus.storage import db as db_module
from valgus.storage import store
from valgus.storage.db import Database, current_revision, head_revision, make_engine, migrate
from valgus.storage.models import AnalysisRow, AssessmentRow, NoteRow, Person, content_sha256
from valgus.storage.store import PersonInfo, Stored

MB = 1 << 20


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    return database_url(request.param, tmp_path)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    with Database(db_url) as database:
        yield database


def _no_sql_in(message: str, *values: str) -> None:
    """A StorageError's message names the problem, not the statement or its values."""
    for leak in ("[SQL", "[parameters", "INSERT", "SELECT", "UPDATE", "sqlalche.me", *values):
        assert leak not in message, f"{leak!r} in {message!r}"


# --- A: one clear line instead of a traceback -----------------------------------------------


def _set_revision(url: str, revision: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    engine.dispose()


def test_a_database_from_a_newer_valgus_is_refused_and_left_untouched(db_url: str) -> None:
    with Database(db_url) as db:
        store.add_person(db, PersonInfo(name="ann"))
    _set_revision(db_url, "0099")
    engine = make_engine(db_url)
    tables = sorted(inspect(engine).get_table_names())
    engine.dispose()
    path = Path(db_url.removeprefix("sqlite:///")) if db_url.startswith("sqlite") else None
    before = None if path is None else hashlib.sha256(path.read_bytes()).hexdigest()
    with pytest.raises(StorageError) as e:
        Database(db_url)
    message = str(e.value)
    assert "written by a newer valgus (revision 0099" in message and "upgrade valgus" in message
    assert f"knows up to {head_revision()}" in message
    engine = make_engine(db_url)
    assert current_revision(engine) == "0099"
    assert sorted(inspect(engine).get_table_names()) == tables
    engine.dispose()
    if path is not None:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == before


@pytest.mark.parametrize(
    ("url", "says"),
    [
        ("foo://x/y", "unknown driver 'foo'"),
        ("postgresql+nodriver://h/db", "unknown driver 'postgresql+nodriver'"),
        ("sqlite+nodriver:///x.sqlite3", "unknown driver 'sqlite+nodriver'"),
        ("mysql://u:secret@h/db", "needs the Python module 'MySQLdb', which is not installed"),
    ],
)
def test_an_unknown_or_missing_driver_says_which_urls_work(url: str, says: str) -> None:
    with pytest.raises(StorageError) as e:
        Database(url)
    message = str(e.value)
    assert says in message, message
    assert "sqlite:////" in message and "postgresql+psycopg://" in message
    assert "VALGUS_DATABASE_URL" in message and "secret" not in message
    assert isinstance(e.value.__cause__, SQLAlchemyError | ImportError)


def _open_in_child(url: str, queue: mp.Queue[str], uid: int | None) -> None:
    importlib.import_module("alembic.util")  # before dropping root (the stdlib may be private)
    if uid is not None:
        os.setgid(uid)
        os.setuid(uid)
    try:
        Database(url).close()
        queue.put("opened")
    except StorageError as err:
        queue.put(f"StorageError: {err} | cause: {type(err.__cause__).__name__}")
    except BaseException as err:
        queue.put(f"{type(err).__name__}: {err}")


def test_a_folder_that_cannot_be_created_is_named() -> None:
    """The database folder is missing and its parent not writable (PermissionError). Root
    may write anywhere, so as root the attempt runs in a child that becomes `nobody`."""
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        locked = base / "locked"
        locked.mkdir(mode=0o555)
        url = f"sqlite:///{locked}/valgus/history.sqlite3"
        ctx = mp.get_context("fork")
        queue: mp.Queue[str] = ctx.Queue()
        child = ctx.Process(
            target=_open_in_child, args=(url, queue, 65534 if os.geteuid() == 0 else None)
        )
        child.start()
        said = queue.get(timeout=60)
        child.join(30)
        assert said.startswith(
            f"StorageError: cannot create the folder {locked}/valgus for the history database "
            f"{locked}/valgus/history.sqlite3 (permission denied)"
        ), said
        assert "VALGUS_DATABASE_URL=sqlite:////" in said and said.endswith("PermissionError")
        # the parent is a file: another OSError, the same one line
        (base / "file").write_text("")
        with pytest.raises(StorageError, match=r"cannot create the folder .*not a directory"):
            Database(f"sqlite:///{base}/file/valgus/history.sqlite3")
    finally:
        shutil.rmtree(base)


def test_a_locked_database_is_named_without_the_sql_or_the_values(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "h.sqlite3"
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 300)
    with Database(f"sqlite:///{path}") as db:
        store.add_person(db, PersonInfo(name="ann"))
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            with pytest.raises(StorageError) as e:
                store.add_note(db, "ann", "SECRET-NOTE")
        finally:
            writer.close()
    message = str(e.value)
    assert message == (
        f"the history database sqlite:///{path} is locked: another valgus run (or another "
        "program) kept it busy for more than 0.3 s; try again when it has finished"
    )
    assert "database is locked" in str(e.value.__cause__)  # the raw error, kept for debugging


def test_a_full_disk_is_named(tmp_path: Path) -> None:
    """SQLITE_FULL, as a full disk gives it (here: the file may not grow, max_page_count)."""
    with Database(f"sqlite:///{tmp_path / 'h.sqlite3'}") as db:
        store.add_person(db, PersonInfo(name="ann"))
        with pytest.raises(StorageError) as e, db.transaction() as s:
            s.execute(text("PRAGMA max_page_count = 1"))  # clamped to the current size
            s.add(NoteRow(person_id=1, created_at=dt.datetime(2025, 3, 1), text="SECRET" * 9999))
    assert "cannot grow: the disk is full" in str(e.value)
    _no_sql_in(str(e.value), "SECRET")


def test_a_read_only_database_is_named_and_still_readable(tmp_path: Path) -> None:
    path = tmp_path / "h.sqlite3"
    with Database(f"sqlite:///{path}") as db:
        store.add_person(db, PersonInfo(name="ann"))
    with Database(f"sqlite:///file:{path}?mode=ro&uri=true") as db:
        assert [p.name for p in store.list_people(db)] == ["ann"]
        assert store.history(db, "ann").person.name == "ann"
        with pytest.raises(StorageError, match="is read-only: check the permissions") as e:
            store.add_note(db, "ann", "SECRET-NOTE")
    _no_sql_in(str(e.value), "SECRET-NOTE")


def test_a_file_that_is_not_a_database_is_named_and_left_alone(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_bytes(b"my shopping list, not a database " * 100)
    with pytest.raises(StorageError) as e:
        Database(f"sqlite:///{path}")
    assert str(e.value).startswith(
        f"the history database sqlite:///{path} is not a database (file is not a database)"
    )
    assert path.read_bytes() == b"my shopping list, not a database " * 100


def test_a_conflicting_record_names_the_constraint_not_the_values(db: Database) -> None:
    with pytest.raises(StorageError) as e, db.transaction() as s:
        for _ in range(2):
            s.add(Person(name="SECRET-NAME", created_at=dt.datetime(2025, 3, 1)))
            s.flush()
    message = str(e.value)
    assert message.startswith(f"the history database {db.display_url} refused a record")
    assert "people" in message  # UNIQUE constraint failed: people.name / "people_name_key"
    _no_sql_in(message, "SECRET-NAME")
    assert "SECRET-NAME" in str(e.value.__cause__)


def test_an_unknown_table_names_the_schema_problem(db: Database) -> None:
    with pytest.raises(StorageError) as e, db.transaction() as s:
        s.execute(text("INSERT INTO no_such_table VALUES (:v)"), {"v": "SECRET"})
    assert "does not have the tables this valgus expects" in str(e.value)
    _no_sql_in(str(e.value), "SECRET")


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"database": "valgus_no_such_database"}, "does not exist on the server"),
        ({"password": "wrong-password"}, "refused the login: check the user name and password"),
        ({"port": 1}, "cannot be reached (connection to server at"),
    ],
)
def test_postgres_connection_problems_are_named_without_the_password(
    change: dict[str, Any], says: str
) -> None:
    url = make_url(postgres_url())
    bad = url.set(**change)
    with pytest.raises(StorageError) as e:
        Database(bad.render_as_string(hide_password=False))
    message = str(e.value)
    assert message.startswith(
        f"the history database {bad.render_as_string(hide_password=True)} {says}"
    ), message
    assert "***" in message
    for password in (url.password, bad.password):
        assert f":{password}@" not in message
    _no_sql_in(message)


# --- B: a new database says so ----------------------------------------------------------------


def test_a_new_database_says_so_and_which_it_is(db_url: str) -> None:
    with Database(db_url) as db:
        assert db.created
        with pytest.raises(UnknownPersonError) as e:
            store.history(db, "ann")
        assert str(e.value).startswith(
            f"no person named 'ann' in the history database {db.display_url} (new, empty); "
            "add one with `valgus person add ann`, or set VALGUS_DATABASE_URL"
        )
        store.add_person(db, PersonInfo(name="ann"))
    with Database(db_url) as db:
        assert not db.created
        with pytest.raises(UnknownPersonError, match=r"\(known: ann\)"):
            store.check_person(db, "bob")
    if db_url.startswith("postgresql"):
        assert "***" in db.display_url and ":valgus@" not in db.display_url
        reset_postgres(db_url)
        with Database(db_url) as db, pytest.raises(UnknownPersonError, match=r"\(new, empty\)"):
            store.check_person(db, "ann")


def test_a_mistyped_sqlite_path_is_a_new_empty_history(tmp_path: Path) -> None:
    with Database(f"sqlite:///{tmp_path / 'history.sqlite3'}") as db:
        store.add_person(db, PersonInfo(name="ann"))
    typo = tmp_path / "histroy.sqlite3"
    with Database(f"sqlite:///{typo}") as db, pytest.raises(UnknownPersonError) as e:
        assert db.created and db.display_url == f"sqlite:///{typo}"
        store.history(db, "ann")
    assert f"history database sqlite:///{typo} (new, empty)" in str(e.value)


# --- B: reads take no write lock ------------------------------------------------------------


def test_reads_do_not_wait_for_a_writer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another connection holds the write lock with an uncommitted note: every read-only
    function answers at once (from the last committed state); a write says "locked"."""
    path = tmp_path / "h.sqlite3"
    monkeypatch.setattr(db_module, "BUSY_TIMEOUT_MS", 1000)
    poses = make_squat_poses(Squat(medial_shift_m={"left": 0.05, "right": 0.0}))
    with Database(f"sqlite:///{path}") as db:
        store.add_person(db, PersonInfo(name="ann"))
        aid = store.add_analysis(
            db, "ann", analyze_poses(poses).result, poses_nc=store.poses_to_bytes(poses)
        )
        writer = sqlite3.connect(path, isolation_level=None)
        try:
            writer.execute("BEGIN IMMEDIATE")
            writer.execute(
                "INSERT INTO notes (person_id, created_at, text) VALUES (1, '2025-03-01', 'new')"
            )
            assert [p.name for p in store.list_people(db)] == ["ann"]
            store.check_person(db, "ann")
            assert store.history(db, "ann").notes == []
            assert store.export_person(db, "ann")["notes"] == []
            assert store.stored_poses(db, aid).sizes == poses.sizes
            with pytest.raises(StorageError, match="is locked"):
                store.add_note(db, "ann", "waits for the writer")
            writer.execute("COMMIT")
        finally:
            writer.close()
        assert [n.text for n in store.history(db, "ann").notes] == ["new"]


def test_a_read_transaction_cannot_write(db: Database) -> None:
    store.add_person(db, PersonInfo(name="ann"))
    with pytest.raises(StorageError, match="is read-only"), db.read() as s:
        s.add(NoteRow(person_id=1, created_at=dt.datetime(2025, 3, 1), text="x"))
        s.flush()
    with db.transaction() as s:  # the same pooled connection writes again afterwards
        s.add(NoteRow(person_id=1, created_at=dt.datetime(2025, 3, 1), text="y"))
    assert [n.text for n in store.history(db, "ann").notes] == ["y"]


# --- B: history without the pose bytes ------------------------------------------------------


def test_history_does_not_load_the_pose_bytes(db: Database) -> None:
    """Three analyses with 8 MB of pose bytes each: history's peak Python memory stays below
    one of them (it loaded 24 MB and more before)."""
    store.add_person(db, PersonInfo(name="ann"))
    result = _analysis(0.05)
    for i in range(3):
        store.add_analysis(
            db,
            "ann",
            result,
            poses_nc=os.urandom(8 * MB),
            recorded_at=dt.datetime(2025, 3, 1) + dt.timedelta(days=i),
        )
    tracemalloc.start()
    try:
        h = store.history(db, "ann")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert [a.has_poses for a in h.analyses] == [True, True, True]
    assert peak < 4 * MB, f"history peaked at {peak / MB:.1f} MB"


def test_the_pose_bytes_load_only_when_asked_for(db: Database) -> None:
    """The column is deferred: loading an AnalysisRow does not fetch the pose bytes."""
    store.add_person(db, PersonInfo(name="ann"))
    store.add_analysis(db, "ann", _analysis(0.0), poses_nc=b"pose bytes")
    with db.read() as s:
        row = s.scalars(select(AnalysisRow)).one()
        assert "poses_nc" not in row.__dict__
        assert row.poses_nc == b"pose bytes"  # fetched on access


# --- B: stores are idempotent by content hash -----------------------------------------------


def test_the_content_hash_is_fixed() -> None:
    """Part of the stored format: revision 0003 wrote it for older rows."""
    assert content_sha256('{"a": 1}') == hashlib.sha256(b'{"a": 1}').hexdigest()
    assert content_sha256('{"a": 1}', b"nc") == hashlib.sha256(b'{"a": 1}\0nc').hexdigest()
    assert content_sha256('{"a": 1}', b"") != content_sha256('{"a": 1}')


def test_storing_the_same_analysis_again_returns_the_first(db: Database) -> None:
    """A run killed after its commit but before it said "stored", then rerun."""
    store.add_person(db, PersonInfo(name="ann"))
    store.add_person(db, PersonInfo(name="bob"))
    poses = make_squat_poses(Squat(medial_shift_m={"left": 0.05, "right": 0.0}))
    result = analyze_poses(poses).result
    nc = store.poses_to_bytes(poses)
    first = store.store_analysis(db, "ann", result, poses_nc=nc)
    assert first == Stored("analysis", first.id, already_stored=False)
    assert store.store_analysis(db, "ann", result, poses_nc=nc) == Stored(
        "analysis", first.id, already_stored=True
    )
    assert store.add_analysis(db, "ann", result, poses_nc=store.poses_to_bytes(poses)) == first.id
    # its JSON attached from a file (no pose bytes): the same analysis, already stored
    assert store.attach(db, "ann", result.model_dump(mode="json")) == (
        "analysis",
        first.id,
        True,
    )
    # another person's copy, and another analysis, are new
    assert not store.store_analysis(db, "bob", result, poses_nc=nc).already_stored
    assert not store.store_analysis(db, "ann", _analysis(0.0), poses_nc=None).already_stored
    assert [a.id for a in store.history(db, "ann").analyses] == [first.id, first.id + 2]
    assert len(store.history(db, "bob").analyses) == 1


def test_assessments_and_programs_attached_twice_are_stored_once(db: Database) -> None:
    store.add_person(db, PersonInfo(name="ann"))
    a, p = _assessment_and_program(dt.date(2025, 3, 3))
    for kind, payload in (
        ("assessment", a.model_dump(mode="json")),
        ("program", p.model_dump(mode="json")),
    ):
        first = store.attach(db, "ann", payload, source=f"{kind}.json")
        assert (first.kind, first.already_stored) == (kind, False)
        assert store.attach(db, "ann", payload) == Stored(kind, first.id, already_stored=True)
        assert store.attach_file(db, "ann", payload) == kind
    assert store.add_assessment(db, "ann", a).already_stored
    assert store.add_program(db, "ann", p).already_stored
    h = store.history(db, "ann")
    assert (len(h.assessments), len(h.programs)) == (1, 1)


def test_an_export_with_copies_imports_whole(db: Database) -> None:
    """An export from a database that held a copy (stored twice before revision 0003)
    imports with both rows, as the migration keeps them."""
    store.add_person(db, PersonInfo(name="ann"))
    store.add_analysis(db, "ann", _analysis(0.05), poses_nc=b"nc")
    data = store.export_person(db, "ann")
    data["analyses"] = data["analyses"] * 2
    info = store.import_person(db, data, name="ann2")
    assert len(store.history(db, info.name).analyses) == 2


# --- B: the migration that adds the hash ----------------------------------------------------


def _insert(url: str, statements: list[tuple[str, dict[str, object]]]) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        for sql, params in statements:
            stmt = text(sql)
            if "poses" in params:
                stmt = stmt.bindparams(bindparam("poses", type_=LargeBinary))
            conn.execute(stmt, params)
    engine.dispose()


def _rows_at_0002(url: str) -> tuple[str, bytes, str, str, str]:
    """A database at revision 0002 with one person whose analysis and assessment were each
    stored twice (the bug 0003 fixes), plus a pose-less analysis and a program."""
    engine = make_engine(url)
    migrate(engine, revision="0002")
    engine.dispose()
    analysis = _analysis(0.05).model_dump_json()
    other = _analysis(0.0).model_dump_json()
    a, p = _assessment_and_program(dt.date(2025, 3, 3))
    assessment, program = a.model_dump_json(), p.model_dump_json()
    nc = os.urandom(1000)
    row = (
        "INSERT INTO analyses (person_id, recorded_at, movement, source_path, result_json,"
        " poses_nc) VALUES (1, :t, 'squat', 'x.mp4', :j, :poses)"
    )
    asm = "INSERT INTO assessments (person_id, date, assessment_json) VALUES (1, :d, :j)"
    _insert(
        url,
        [
            ("INSERT INTO people (name, created_at) VALUES ('old', '2025-01-02 03:04:05')", {}),
            (row, {"t": dt.datetime(2025, 3, 1), "j": analysis, "poses": nc}),
            (row, {"t": dt.datetime(2025, 3, 1), "j": analysis, "poses": nc}),
            (row, {"t": dt.datetime(2025, 3, 8), "j": other, "poses": None}),
            (asm, {"d": dt.date(2025, 3, 3), "j": assessment}),
            (asm, {"d": dt.date(2025, 3, 3), "j": assessment}),
            (
                'INSERT INTO programs (person_id, created_at, start, "end", program_json)'
                " VALUES (1, :t, :s, :e, :j)",
                {"t": dt.datetime(2025, 3, 3), "s": p.start, "e": p.end, "j": program},
            ),
        ],
    )
    return analysis, nc, other, assessment, program


def test_upgrade_to_0003_hashes_existing_rows_and_keeps_copies(db_url: str) -> None:
    analysis, nc, other, assessment, program = _rows_at_0002(db_url)
    with Database(db_url) as db:
        assert current_revision(db.engine) == head_revision()
        assert not db.created
        with db.read() as s:
            hashes = {
                table: s.execute(text(f"SELECT content_sha256 FROM {table} ORDER BY id"))
                .scalars()
                .all()
                for table in ("analyses", "assessments", "programs")
            }
        assert hashes == {
            "analyses": [content_sha256(analysis, nc), None, content_sha256(other)],
            "assessments": [content_sha256(assessment), None],
            "programs": [content_sha256(program)],
        }
        assert len(store.history(db, "old").analyses) == 3  # the copy is kept
        result = store.AnalysisResult.model_validate_json(analysis)
        assert store.store_analysis(db, "old", result, poses_nc=nc) == ("analysis", 1, True)
        asm = store.Assessment.model_validate_json(assessment)
        assert store.add_assessment(db, "old", asm) == ("assessment", 1, True)
        prg = store.Program.model_validate_json(program)
        assert store.add_program(db, "old", prg) == ("program", 1, True)
        assert store.store_analysis(db, "old", result, poses_nc=None) == ("analysis", 1, True)
        with pytest.raises(StorageError, match="refused a record"), db.transaction() as s:
            s.add(
                AssessmentRow(
                    person_id=1,
                    date=asm.date,
                    assessment_json="{}",
                    content_sha256=content_sha256(assessment),
                )
            )


def test_a_failed_upgrade_to_0003_leaves_the_database_at_0002(db_url: str) -> None:
    """The last step of 0003 fails (its index name is taken): the columns added and the
    hashes written before it are rolled back with it."""
    _rows_at_0002(db_url)
    _insert(db_url, [("CREATE INDEX uq_programs_person_content ON programs (person_id)", {})])
    with pytest.raises(StorageError, match="uq_programs_person_content"):
        Database(db_url)
    engine = make_engine(db_url)
    assert current_revision(engine) == "0002"
    for table in ("analyses", "assessments", "programs"):
        assert "content_sha256" not in {c["name"] for c in inspect(engine).get_columns(table)}
    engine.dispose()
