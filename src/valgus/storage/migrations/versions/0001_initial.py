"""Initial tables: people, analyses, assessments, programs, workouts.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def _person_id() -> sa.Column[int]:
    return sa.Column(
        "person_id",
        sa.Integer,
        sa.ForeignKey("people.id", ondelete="CASCADE"),
        nullable=False,
        index=True,
    )


def upgrade() -> None:
    op.create_table(
        "people",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(200), nullable=False, unique=True),
        sa.Column("sex", sa.String(20)),
        sa.Column("age_band", sa.String(20)),
        sa.Column("height_cm", sa.Float),
        sa.Column("notes", sa.Text),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "analyses",
        sa.Column("id", sa.Integer, primary_key=True),
        _person_id(),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
        sa.Column("movement", sa.String(40), nullable=False),
        sa.Column("source_path", sa.Text, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("poses_nc", sa.LargeBinary),
    )
    op.create_table(
        "assessments",
        sa.Column("id", sa.Integer, primary_key=True),
        _person_id(),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("assessment_json", sa.Text, nullable=False),
    )
    op.create_table(
        "programs",
        sa.Column("id", sa.Integer, primary_key=True),
        _person_id(),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("start", sa.Date, nullable=False),
        sa.Column("end", sa.Date, nullable=False),
        sa.Column("program_json", sa.Text, nullable=False),
    )
    op.create_table(
        "workouts",
        sa.Column("id", sa.Integer, primary_key=True),
        _person_id(),
        sa.Column("date", sa.Date, nullable=False),
        sa.Column("exercise_id", sa.String(80), nullable=False),
        sa.Column("sets", sa.Integer, nullable=False),
        sa.Column("reps", sa.Integer, nullable=False),
        sa.Column("band", sa.String(20)),
        sa.Column("pain_0_10", sa.Integer, nullable=False),
        sa.Column("pain_next_day", sa.Boolean, nullable=False),
        sa.Column("next_action", sa.String(40), nullable=False),
        sa.Column("next_dose", sa.String(80)),
        sa.Column("reason", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )


def downgrade() -> None:
    for table in ("workouts", "programs", "assessments", "analyses", "people"):
        op.drop_table(table)
