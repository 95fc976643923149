"""Analysis jobs of the web app (`valgus serve`): queued, running, done, failed or cancelled,
kept in the database so that a restart loses none of them.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "jobs",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "person_id",
            sa.Integer,
            sa.ForeignKey("people.id", ondelete="CASCADE"),
            nullable=True,
            index=True,
        ),
        sa.Column("status", sa.String(16), nullable=False, index=True),
        sa.Column("stage", sa.String(80), nullable=False),
        sa.Column("progress", sa.Float, nullable=False),
        sa.Column("movement", sa.String(40), nullable=False),
        sa.Column("options_json", sa.Text, nullable=False),
        sa.Column("upload_name", sa.String(255), nullable=False),
        sa.Column("path", sa.Text, nullable=False),
        sa.Column("keep_video", sa.Boolean, nullable=False),
        sa.Column("filmed", sa.Date, nullable=True),
        sa.Column("result_json", sa.Text, nullable=True),
        sa.Column("analysis_id", sa.Integer, nullable=True),
        sa.Column("error_code", sa.String(40), nullable=True),
        sa.Column("error_message", sa.Text, nullable=True),
        sa.Column("attempts", sa.Integer, nullable=False),
        sa.Column("cancel_requested", sa.Boolean, nullable=False),
        sa.Column("worker_pid", sa.Integer, nullable=True),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("started_at", sa.DateTime, nullable=True),
        sa.Column("finished_at", sa.DateTime, nullable=True),
    )


def downgrade() -> None:
    op.drop_table("jobs")
