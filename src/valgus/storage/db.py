"""The database: engine set-up, migrations, and one transaction per write.

Default: an SQLite file in the user's data directory (platformdirs), created on first use;
`VALGUS_DATABASE_URL` selects any SQLAlchemy URL (e.g. postgresql+psycopg://...).
SQLite runs in WAL mode with a busy timeout, and every transaction starts with BEGIN
IMMEDIATE, so concurrent runs queue instead of failing or corrupting the file.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from platformdirs import user_data_path
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from valgus.errors import StorageError

if TYPE_CHECKING:  # alembic is imported only when a database is opened
    from alembic.config import Config

ENV_URL = "VALGUS_DATABASE_URL"
BUSY_TIMEOUT_MS = 30_000
MIGRATIONS = Path(__file__).parent / "migrations"


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
    conn.exec_driver_sql("BEGIN IMMEDIATE")


def make_engine(url: str, /) -> Engine:
    """An engine for `url`; SQLite files get WAL, a busy timeout and BEGIN IMMEDIATE."""
    try:
        parsed = make_url(url)
    except ArgumentError as err:
        raise StorageError(f"{ENV_URL}={url!r} is not a database URL: {err}") from err
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(parsed, connect_args={"timeout": BUSY_TIMEOUT_MS / 1000})
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _config(conn: Connection | None) -> Config:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    head = ScriptDirectory.from_config(_config(None)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine, /) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def migrate(engine: Engine, /, *, revision: str = "head") -> None:
    """Bring the schema to `revision` in one transaction: a failed or killed migration
    leaves the database as it was."""
    from alembic import command

    with engine.begin() as conn:
        command.upgrade(_config(conn), revision)


class Database:
    """An open, migrated database. Use `transaction()` for every unit of work."""

    def __init__(self, url: str | None = None, /, *, upgrade: bool = True) -> None:
        self.url = url or default_url()
        self.engine = make_engine(self.url)
        try:
            if upgrade and current_revision(self.engine) != head_revision():
                migrate(self.engine)
        except SQLAlchemyError as err:
            self.engine.dispose()
            raise StorageError(
                f"cannot open the history database {self.display_url}: {err}"
            ) from err
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def display_url(self) -> str:
        return make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """One transaction: committed when the block ends, rolled back on any error."""
        try:
            with self._sessions() as session, session.begin():
                yield session
        except SQLAlchemyError as err:
            raise StorageError(f"history database {self.display_url}: {err}") from err

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
