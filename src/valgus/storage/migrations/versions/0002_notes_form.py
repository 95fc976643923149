"""Free-text notes per person; workouts record whether the form was good.

Rows logged before this revision get form_ok = true (the progression rules then rely on pain
alone, as they did).

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notes",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=False,
            index=True,
        ),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
    )
    with op.batch_alter_table("workouts") as batch:
        batch.add_column(sa.Column("form_ok", sa.Boolean, nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("workouts") as batch:
        batch.drop_column("form_ok")
    op.drop_table("notes")
