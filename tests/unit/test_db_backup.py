"""`valgus db backup` / `restore`: a consistent copy while the history is in use, a restore
that checks what it restores and keeps what it replaces, and clear refusals."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from valgus.cli.main import app
from valgus.errors import InputError, StorageError
from valgus.storage import Database, store
from valgus.storage import backup as backups
from valgus.storage.store import PersonInfo


def _people(url: str) -> list[str]:
    with Database(url) as db:
        return [p.name for p in store.list_people(db)]


def test_round_trip_while_the_database_is_open(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    with Database(url) as db:
        store.add_person(db, PersonInfo(name="ann"))
        store.add_person(db, PersonInfo(name="bob"))
        with db.transaction() as s:  # another writer's transaction is open during the backup
            s.execute(text("SELECT 1"))
            backups.backup(url, tmp_path / "b.sqlite3")
        store.delete_person(db, "bob")
        store.add_person(db, PersonInfo(name="cid"))
    assert _people(url) == ["ann", "cid"]
    kept = backups.restore(url, tmp_path / "b.sqlite3")
    assert _people(url) == ["ann", "bob"]  # back to the backup
    assert kept is not None and _people(f"sqlite:///{kept}") == ["ann", "cid"]
    assert not list(tmp_path.glob(".*.partial"))


def test_refusals(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    with pytest.raises(StorageError, match="no history database"):
        backups.backup(url, tmp_path / "b.sqlite3")
    with pytest.raises(StorageError, match="pg_dump"):
        backups.backup("postgresql+psycopg://u:p@localhost/v", tmp_path / "b")
    Database(url).close()
    with pytest.raises(InputError, match="overwrite the database itself"):
        backups.backup(url, tmp_path / "h.sqlite3")
    other = tmp_path / "other.sqlite3"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE t (x)")
    with pytest.raises(InputError, match="not a valgus history"):
        backups.restore(url, other)
    (tmp_path / "junk").write_bytes(b"not a database at all" * 100)
    with pytest.raises(InputError, match="not a valgus history"):
        backups.restore(url, tmp_path / "junk")
    newer = tmp_path / "newer.sqlite3"
    backups.backup(url, newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = 'ffffffffffff'")
    with pytest.raises(StorageError, match="newer valgus"):
        backups.restore(url, newer)


def test_the_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'h.sqlite3'}"
    monkeypatch.setenv("VALGUS_DATABASE_URL", url)
    runner = CliRunner()
    assert runner.invoke(app, ["person", "add", "ann"]).exit_code == 0
    r = runner.invoke(app, ["db", "backup", str(tmp_path / "b.sqlite3"), "--json"])
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout) == {"backup": str(tmp_path / "b.sqlite3")}
    assert runner.invoke(app, ["person", "add", "bob"]).exit_code == 0
    r = runner.invoke(app, ["db", "restore", str(tmp_path / "b.sqlite3"), "--yes"])
    assert r.exit_code == 0, r.output
    assert "restored from" in r.stdout and "before-restore" in r.stdout
    assert _people(url) == ["ann"]
    r = runner.invoke(app, ["db", "restore", str(tmp_path / "nothing"), "--json"])
    assert r.exit_code != 0 and json.loads(r.stdout)["error"]["code"] == "bad_input"
