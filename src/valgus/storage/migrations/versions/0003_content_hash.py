"""Analyses, assessments and programs carry the SHA-256 of their content, unique per person,
so storing the same one twice (a rerun after a run killed between its commit and its
"stored" line, a file attached twice) finds the first copy instead of adding another.

Existing rows get their hash here (valgus.storage.models.content_sha256: the JSON text, and
an analysis's pose bytes), one row at a time so that pose data is never all in memory. Rows
already stored twice are kept: the first copy (lowest id) carries the hash, later copies keep
NULL (a unique index does not compare NULLs). Runs in the one migration transaction.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from valgus.storage.models import content_sha256

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# table -> its JSON column, and its pose bytes column (analyses only)
TABLES = {
    "analyses": ("result_json", "poses_nc"),
    "assessments": ("assessment_json", None),
    "programs": ("program_json", None),
}


def _backfill(name: str, json_col: str, blob_col: str | None) -> None:
    cols: list[sa.ColumnClause[Any]] = [
        sa.column("id"),
        sa.column("person_id"),
        sa.column(json_col),
    ]
    if blob_col is not None:
        cols.append(sa.column(blob_col, sa.LargeBinary))
    table = sa.table(name, *cols, sa.column("content_sha256"))
    conn = op.get_bind()
    ids = conn.execute(sa.select(table.c.id, table.c.person_id).order_by(table.c.id)).all()
    seen: set[tuple[int, str]] = set()
    for row_id, person_id in ids:
        row = conn.execute(
            sa.select(*[table.c[c] for c in (json_col, blob_col) if c is not None]).where(
                table.c.id == row_id
            )
        ).one()
        digest = content_sha256(row[0], None if blob_col is None else row[1])
        if (person_id, digest) in seen:
            continue  # a copy stored before this revision: kept, without the hash
        seen.add((person_id, digest))
        conn.execute(sa.update(table).where(table.c.id == row_id).values(content_sha256=digest))


def upgrade() -> None:
    for name, (json_col, blob_col) in TABLES.items():
        op.add_column(name, sa.Column("content_sha256", sa.String(64)))
        _backfill(name, json_col, blob_col)
        op.create_index(
            f"uq_{name}_person_content", name, ["person_id", "content_sha256"], unique=True
        )


def downgrade() -> None:
    for name in TABLES:
        op.drop_index(f"uq_{name}_person_content", table_name=name)
        with op.batch_alter_table(name) as batch:
            batch.drop_column("content_sha256")
