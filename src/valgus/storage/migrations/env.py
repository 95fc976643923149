"""Alembic environment: run by valgus.storage.db.migrate with a connection in
config.attributes["connection"], inside one transaction (all or nothing)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import text

from valgus.storage.models import Base

connection = context.config.attributes["connection"]
if connection.dialect.name == "postgresql":
    # Two processes migrating the same database at once: the second waits, then sees head.
    connection.execute(text("SELECT pg_advisory_xact_lock(424242)"))
context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    transactional_ddl=True,
)
context.run_migrations()
