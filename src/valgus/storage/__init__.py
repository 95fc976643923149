"""History storage: an adapter over SQLAlchemy 2 with Alembic migrations.

The default database is an SQLite file in the user's data directory; set
`VALGUS_DATABASE_URL` for another (e.g. PostgreSQL). See docs/history.md.
"""

from valgus.storage.db import Database, default_url

__all__ = ["Database", "default_url"]
