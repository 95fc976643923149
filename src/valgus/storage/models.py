"""Database tables (the head revision of the Alembic migrations in ./migrations).

Analyses keep the analysis JSON as written by `valgus analyze --json` and the pose file
bytes (*.poses.nc), so an analysis can be recomputed when the method improves. The pose bytes
are loaded only when asked for (deferred): listing a history needs the numbers, not the poses.

Analyses, assessments and programs carry the SHA-256 of their content (revision 0003), unique
per person: storing the same content twice finds the first copy instead of adding another.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


def content_sha256(text: str, blob: bytes | None = None, /) -> str:
    """The content hash stored in `content_sha256`: SHA-256 of the JSON text (UTF-8), then,
    when there are pose bytes, a NUL and the bytes. Part of the stored format (revision 0003
    fills it for older rows): changing it needs a migration."""
    h = hashlib.sha256(text.encode("utf-8"))
    if blob is not None:
        h.update(b"\0")
        h.update(blob)
    return h.hexdigest()


def _content_hash() -> Mapped[str | None]:
    # NULL only for a row stored twice before revision 0003: the first copy carries the hash.
    return mapped_column(String(64))


def _unique_content(table: str) -> Index:
    return Index(f"uq_{table}_person_content", "person_id", "content_sha256", unique=True)


def _person_fk() -> Mapped[int]:
    return mapped_column(ForeignKey("people.id", ondelete="CASCADE"), index=True)


class Person(Base):
    __tablename__ = "people"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    sex: Mapped[str | None] = mapped_column(String(20))
    age_band: Mapped[str | None] = mapped_column(String(20))
    height_cm: Mapped[float | None] = mapped_column(Float)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AnalysisRow(Base):
    __tablename__ = "analyses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime)
    movement: Mapped[str] = mapped_column(String(40))
    source_path: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    poses_nc: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    content_sha256: Mapped[str | None] = _content_hash()  # revision 0003
    __table_args__ = (_unique_content("analyses"),)


class AssessmentRow(Base):
    __tablename__ = "assessments"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    date: Mapped[dt.date] = mapped_column(Date)
    assessment_json: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str | None] = _content_hash()  # revision 0003
    __table_args__ = (_unique_content("assessments"),)


class ProgramRow(Base):
    __tablename__ = "programs"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    start: Mapped[dt.date] = mapped_column(Date)
    end: Mapped[dt.date] = mapped_column(Date)
    program_json: Mapped[str] = mapped_column(Text)
    content_sha256: Mapped[str | None] = _content_hash()  # revision 0003
    __table_args__ = (_unique_content("programs"),)


class WorkoutRow(Base):
    __tablename__ = "workouts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    date: Mapped[dt.date] = mapped_column(Date)
    exercise_id: Mapped[str] = mapped_column(String(80))
    sets: Mapped[int] = mapped_column(Integer)
    reps: Mapped[int] = mapped_column(Integer)
    band: Mapped[str | None] = mapped_column(String(20))
    pain_0_10: Mapped[int] = mapped_column(Integer)
    pain_next_day: Mapped[bool] = mapped_column(Boolean)
    form_ok: Mapped[bool] = mapped_column(Boolean, server_default=true())  # revision 0002
    symptoms: Mapped[str] = mapped_column(String(200), server_default="")  # revision 0008
    next_action: Mapped[str] = mapped_column(String(40))
    next_dose: Mapped[str | None] = mapped_column(String(80))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class NoteRow(Base):  # revision 0002
    __tablename__ = "notes"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    text: Mapped[str] = mapped_column(Text)


class ClearanceRow(Base):  # revision 0004
    """A clinician's clearance to resume after a stop rule (assessment/safety.py)."""

    __tablename__ = "clearances"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[int] = _person_fk()
    date: Mapped[dt.date] = mapped_column(Date)
    cleared_by: Mapped[str] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class JobRow(Base):  # revision 0005
    """An analysis job of the web app: the upload, its state, and the result when done."""

    __tablename__ = "jobs"
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    person_id: Mapped[int | None] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16), index=True)
    stage: Mapped[str] = mapped_column(String(80))
    progress: Mapped[float] = mapped_column(Float)
    movement: Mapped[str] = mapped_column(String(40))
    options_json: Mapped[str] = mapped_column(Text)
    upload_name: Mapped[str] = mapped_column(String(255))
    path: Mapped[str] = mapped_column(Text)
    keep_video: Mapped[bool] = mapped_column(Boolean)
    filmed: Mapped[dt.date | None] = mapped_column(Date)
    result_json: Mapped[str | None] = mapped_column(Text)
    analysis_id: Mapped[int | None] = mapped_column(Integer)
    error_code: Mapped[str | None] = mapped_column(String(40))
    error_message: Mapped[str | None] = mapped_column(Text)
    attempts: Mapped[int] = mapped_column(Integer)
    cancel_requested: Mapped[bool] = mapped_column(Boolean)
    worker_pid: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    started_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime)


class BatchItemRow(Base):  # revision 0006
    """A recording screened by `valgus batch`, done: its key, where its analysis is stored."""

    __tablename__ = "batch_items"
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    person_id: Mapped[int] = _person_fk()
    analysis_id: Mapped[int] = mapped_column(Integer)
    result_json: Mapped[str] = mapped_column(Text)
    finished_at: Mapped[dt.datetime] = mapped_column(DateTime)


class UserRow(Base):  # revision 0007
    """An account of clinic mode (`valgus serve --clinic`): admin, coach or athlete."""

    __tablename__ = "users"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    password_hash: Mapped[str] = mapped_column(String(200))
    disabled: Mapped[bool] = mapped_column(Boolean)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)


class UserPersonRow(Base):  # revision 0007
    """A link: this coach works with this person, or this athlete is this person."""

    __tablename__ = "user_people"
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[int] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class SessionRow(Base):  # revision 0007
    """A signed-in browser or API client: the SHA-256 of its cookie, its CSRF token."""

    __tablename__ = "sessions"
    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)


class AuditRow(Base):  # revision 0007
    """Who viewed, changed, exported or deleted which person's data, when. The person's
    name is copied (a deleted person's entries stay readable)."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    user_name: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[int | None] = mapped_column(Integer, index=True)
    person_name: Mapped[str | None] = mapped_column(String(200), index=True)
    what: Mapped[str] = mapped_column(Text)
