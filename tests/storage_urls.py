"""The storage tests' databases: a temporary SQLite file, or the PostgreSQL test server
(VALGUS_TEST_POSTGRES_URL; .ci/run starts one; under CI its absence fails)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

PG_ENV = "VALGUS_TEST_POSTGRES_URL"


def postgres_url() -> str:
    """The test server's URL; skips locally without one, fails under CI (CI=true)."""
    url = os.environ.get(PG_ENV, "")
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"{PG_ENV} is not set under CI: .ci/run must start PostgreSQL")
        pytest.skip(f"{PG_ENV} not set (and not under CI)")
    return url


def reset_postgres(url: str) -> None:
    """An empty public schema: the next Database(url) is a new history."""
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def database_url(backend: str, tmp_path: Path) -> str:
    """A new, empty database on `backend` ("sqlite" or "postgresql")."""
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'history.sqlite3'}"
    url = postgres_url()
    reset_postgres(url)
    return url
