"""Batch screening items (`valgus batch`): one row per recording, keyed by its content, the
method version and how it was analyzed, so a rerun of the same manifest skips what is done.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "batch_items",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("analysis_id", sa.Integer, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("finished_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("batch_items")
