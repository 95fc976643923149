"""The database: engine set-up, migrations, one transaction per write, read-only
transactions for reads.

Default: an SQLite file in the user's data directory (platformdirs), created on first use;
`VALGUS_DATABASE_URL` selects any SQLAlchemy URL (e.g. postgresql+psycopg://...).
SQLite runs in WAL mode with a busy timeout; write transactions start with BEGIN IMMEDIATE,
so concurrent writers queue instead of failing or corrupting the file, and read transactions
(`Database.read`) with a plain (deferred) BEGIN, so a reader never waits for a writer.
Every failure is a StorageError that names the database and the problem in words
(valgus.storage.diagnose), with the driver's error chained.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_path
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from valgus.errors import StorageError
from valgus.storage.diagnose import describe

if TYPE_CHECKING:  # alembic is imported only when a database is opened
    from alembic.config import Config

ENV_URL = "VALGUS_DATABASE_URL"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).parent / "migrations"
READ_ONLY = "valgus_read_only"  # execution option: this transaction only reads
WORKING_URLS = (
    "sqlite:////PATH/TO/history.sqlite3 (an SQLite file, the default) or "
    "postgresql+psycopg://USER:PASSWORD@HOST/DATABASE (a PostgreSQL server)"
)


def default_url() -> str:
    """`VALGUS_DATABASE_URL`, else sqlite:///<user data dir>/valgus/history.sqlite3."""
    url = os.environ.get(ENV_URL, "").strip()
    if url:
        return url
    return f"sqlite:///{user_data_path('valgus', appauthor=False) / 'history.sqlite3'}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    dbapi_conn.isolation_level = None  # SQLAlchemy's "begin" event issues BEGIN itself
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA journal_mode = WAL")
    cur.execute("PRAGMA synchronous = NORMAL")
    cur.execute("PRAGMA foreign_keys = ON")
    cur.close()


def _sqlite_begin(conn: Connection) -> None:
    """Writes take the write lock up front (BEGIN IMMEDIATE: no deadlock between two runs
    that both read then write); reads begin deferred and, in WAL mode, never wait for a
    writer. A read transaction cannot write (query_only), set again at every BEGIN."""
    if conn.get_execution_options().get(READ_ONLY):
        conn.exec_driver_sql("PRAGMA query_only = 1")
        conn.exec_driver_sql("BEGIN")
    else:
        conn.exec_driver_sql("PRAGMA query_only = 0")
        conn.exec_driver_sql("BEGIN IMMEDIATE")


def _display(parsed: URL) -> str:
    return parsed.render_as_string(hide_password=True)


def make_engine(url: str, /) -> Engine:
    """An engine for `url`; SQLite files get WAL, a busy timeout and BEGIN IMMEDIATE.
    A URL that cannot work (not a URL, unknown or missing driver, a folder that cannot be
    created) is a StorageError saying so."""
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise StorageError(f"{ENV_URL}={url!r} is not a database URL; use {WORKING_URLS}") from err
    try:
        if parsed.get_backend_name() != "sqlite":
            return create_engine(parsed, pool_pre_ping=True)
        _sqlite_folder(parsed)
        engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    except NoSuchModuleError as err:
        raise StorageError(
            f"the database URL {_display(parsed)} names an unknown driver "
            f"{parsed.drivername!r}; use {WORKING_URLS} (set {ENV_URL})"
        ) from err
    except ImportError as err:
        raise StorageError(
            f"the database URL {_display(parsed)} needs the Python module {err.name!r}, which "
            f"is not installed; install it, or use {WORKING_URLS} (set {ENV_URL})"
        ) from err
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _sqlite_folder(parsed: URL) -> None:
    """Create the SQLite file's folder (the default one does not exist on a new machine)."""
    name = parsed.database
    if not name or name == ":memory:" or name.startswith("file:"):
        return  # in memory, or an SQLite URI filename (?uri=true): SQLite opens it as given
    folder = Path(name).parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        failed = err.filename or folder
        reason = (err.strerror or str(err)).lower()
        raise StorageError(
            f"cannot create the folder {failed} for the history database "
            f"{folder / Path(name).name} ({reason}); create it yourself, or choose another "
            f"database with {ENV_URL}=sqlite:////PATH/TO/history.sqlite3"
        ) from err


def _config(conn: Connection | None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


@functools.cache
def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    assert head is not None
    return head


@functools.cache
def known_revisions() -> frozenset[str]:
    """Every revision this valgus can migrate from (its migration scripts)."""
    from alembic.script import ScriptDirectory

    scripts = ScriptDirectory.from_config(_config(None))
    return frozenset(s.revision for s in scripts.walk_revisions())


def current_revision(engine: Engine, /) -> str | None:
    """The database's Alembic revision (None: no valgus schema yet), read without a write
    lock."""
    from alembic.runtime.migration import MigrationContext

    with engine.execution_options(**{READ_ONLY: True}).connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, /, *, revision: str = "head") -> None:
    """Bring the schema to `revision` in one transaction: a failed or killed migration
    leaves the database as it was."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)


class Database:
    """An open, migrated database. Use `transaction()` for every unit of work that writes and
    `read()` for one that only reads.

    `created` is true when the database had no valgus schema when it was opened (a new file,
    an empty PostgreSQL database): a mistyped path or URL shows up as a new, empty history,
    which the caller can say ("using the history database X (new)")."""

    def __init__(self, url: str | None = None, /, *, upgrade: bool = True) -> None:
        from alembic.util import CommandError

        self.url = url or default_url()
        self.engine = make_engine(self.url)
        self.created = False
        try:
            found = current_revision(self.engine)
            if found is not None and found not in known_revisions():
                raise StorageError(
                    f"the history database {self.display_url} was written by a newer valgus "
                    f"(revision {found}; this valgus knows up to {head_revision()}); upgrade "
                    "valgus to use it (it was left untouched)"
                )
            self.created = found is None
            if upgrade and found != head_revision():
                migrate(self.engine)
        except StorageError:
            self.engine.dispose()
            raise
        except SQLAlchemyError as err:
            self.engine.dispose()
            raise StorageError(self._problem(err)) from err
        except CommandError as err:
            self.engine.dispose()
            raise StorageError(
                f"cannot migrate the history database {self.display_url}: {err}"
            ) from err
        info = {"database": self}
        self._sessions = sessionmaker(self.engine, expire_on_commit=False, info=info)
        self._read_sessions = sessionmaker(
            self.engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False, info=info
        )

    @property
    def display_url(self) -> str:
        """The URL without its password, to show the user which database is in use."""
        return _display(make_url(self.url))

    def _problem(self, err: SQLAlchemyError) -> str:
        timeout = BUSY_TIMEOUT_MS / 1000 if self.engine.dialect.name == "sqlite" else None
        return f"the history database {self.display_url} {describe(err, busy_timeout_s=timeout)}"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One write transaction: committed when the block ends, rolled back on any error.
        On SQLite it holds the write lock from its start (writers queue)."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as err:
            raise StorageError(self._problem(err)) from err

    @contextmanager
    def read(self) -> Iterator[Session]:
        """One read-only transaction: a consistent snapshot that never waits for a writer
        (SQLite in WAL mode: deferred BEGIN; PostgreSQL: READ ONLY). Writing in it fails."""
        try:
            with self._read_sessions() as session, session.begin():
                if self.engine.dialect.name == "postgresql":
                    session.execute(text("SET TRANSACTION READ ONLY"))
                yield session
        except SQLAlchemyError as err:
            raise StorageError(self._problem(err)) from err

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
