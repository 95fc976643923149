"""Backup and restore of the history database.

SQLite: SQLite's online backup (sqlite3.Connection.backup), which copies a consistent
snapshot page by page while other connections keep reading and writing; the copy is written
next to the target and renamed into place, so a backup or restore killed half-way leaves no
half file. A restore checks first that the file is a valgus history this valgus can read
(its Alembic revision), and keeps the database it replaces as FILE.before-restore.

PostgreSQL: pg_dump / pg_restore do this job better than any copy we could write; the
error says which command to run (docs/deployment.md).
"""

from __future__ import annotations

import os
import sqlite3
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from valgus.errors import InputError, StorageError


def sqlite_path(url: str, /) -> Path:
    """The file of an SQLite URL; StorageError (with the pg_dump advice) for any other."""
    parsed = make_url(url)
    if not parsed.get_backend_name().startswith("sqlite"):
        raise StorageError(
            f"backups of {parsed.get_backend_name()} databases are made with its own tools: "
            "pg_dump --format=custom --file=FILE DATABASE, restored with pg_restore --clean "
            "--dbname=DATABASE FILE (docs/deployment.md)"
        )
    if not parsed.database or parsed.database == ":memory:":
        raise StorageError("an in-memory database has nothing to back up")
    return Path(parsed.database)


def _copy(source: Path, target: Path) -> None:
    """Online backup of one SQLite file into another, written to a temporary name first."""
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    try:
        with (
            closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as src,
            closing(sqlite3.connect(partial)) as dst,
        ):
            src.backup(dst)
        os.replace(partial, target)
    except sqlite3.Error as e:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot copy {source} to {target}: {e}") from e
    except OSError as e:
        partial.unlink(missing_ok=True)
        raise StorageError(f"cannot write {target}: {e.strerror or e}") from e


def backup(url: str, out: Path, /) -> Path:
    """A consistent copy of the database at url in out (a file). Returns out."""
    source = sqlite_path(url)
    if not source.exists():
        raise StorageError(f"there is no history database at {source} yet")
    if out.exists() and out.is_dir():
        raise InputError(f"{out} is a folder; give the backup's file name")
    if out.resolve() == source.resolve():
        raise InputError("the backup cannot overwrite the database itself")
    _copy(source, out)
    return out


def revision_of(path: Path, /) -> str | None:
    """The Alembic revision stamped in an SQLite file, None when it holds no valgus history."""
    try:
        with closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
    except sqlite3.Error:
        return None
    return str(row[0]) if row else None


def restore(url: str, backup_file: Path, /) -> Path | None:
    """Replace the database at url with backup_file (checked first). Returns where the
    replaced database was kept (FILE.before-restore), None when there was none."""
    from valgus.storage.db import known_revisions

    target = sqlite_path(url)
    if not backup_file.is_file():
        raise InputError(f"{backup_file} is not a file")
    found = revision_of(backup_file)
    if found is None:
        raise InputError(f"{backup_file} is not a valgus history database (no schema stamp)")
    if found not in known_revisions():
        raise StorageError(
            f"{backup_file} was written by a newer valgus (revision {found}); upgrade valgus "
            "to restore it"
        )
    kept = None
    if target.exists():
        kept = target.with_name(target.name + ".before-restore")
        _copy(target, kept)
    target.parent.mkdir(parents=True, exist_ok=True)
    _copy(backup_file, target)
    return kept
