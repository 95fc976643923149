"""Workouts record stop symptoms (locking, giving way, new swelling, night or rest pain): any
one stops the program until the person is re-assessed or a clinician clears them.

Rows logged before this revision have none.

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("workouts") as batch:
        batch.add_column(sa.Column("symptoms", sa.String(200), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("workouts") as batch:
        batch.drop_column("symptoms")
