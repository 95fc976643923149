"""The analysis job queue of the web app, kept in the history database.

A job is queued when an upload is accepted, claimed by one worker process at a time (the
claim is one write transaction: SQLite serialises writers, PostgreSQL skips rows another
worker holds), reports its progress while it runs, and ends done (with the result JSON),
failed (with the error's code and message) or cancelled. A server restart finds jobs left
"running" by a worker that died with it: they run again, or fail after MAX_ATTEMPTS.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict
from sqlalchemy import select, update

from valgus.errors import InputError
from valgus.storage.db import Database
from valgus.storage.models import JobRow, Person

Status = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: tuple[Status, ...] = ("done", "failed", "cancelled")
MAX_ATTEMPTS = 2  # a job interrupted twice (the server killed mid-run) is marked failed


class Job(BaseModel):
    """A job as the API and the pages show it."""

    model_config = ConfigDict(frozen=True)

    id: str
    person: str | None
    status: Status
    stage: str
    progress: float
    movement: str
    options: dict[str, Any]
    upload_name: str
    path: str
    keep_video: bool
    filmed: dt.date | None
    result: dict[str, Any] | None
    analysis_id: int | None
    error_code: str | None
    error_message: str | None
    attempts: int
    cancel_requested: bool
    created_at: dt.datetime
    finished_at: dt.datetime | None


def _now() -> dt.datetime:
    """UTC to the microsecond: jobs run oldest first, and two uploads in one second keep
    their order."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def _job(row: JobRow, person: str | None) -> Job:
    return Job(
        id=row.id,
        person=person,
        status=row.status,  # type: ignore[arg-type]
        stage=row.stage,
        progress=row.progress,
        movement=row.movement,
        options=json.loads(row.options_json),
        upload_name=row.upload_name,
        path=row.path,
        keep_video=row.keep_video,
        filmed=row.filmed,
        result=None if row.result_json is None else json.loads(row.result_json),
        analysis_id=row.analysis_id,
        error_code=row.error_code,
        error_message=row.error_message,
        attempts=row.attempts,
        cancel_requested=row.cancel_requested,
        created_at=row.created_at,
        finished_at=row.finished_at,
    )


def new_id() -> str:
    """A job id: also the name the upload and the results are stored under."""
    return uuid.uuid4().hex


def enqueue(
    db: Database,
    job_id: str,
    /,
    *,
    path: str,
    upload_name: str,
    movement: str,
    options: dict[str, Any],
    person: str | None,
    keep_video: bool,
    filmed: dt.date | None = None,
) -> Job:
    """Queue an accepted upload."""
    with db.transaction() as s:
        person_id = None
        if person is not None:
            person_id = s.scalars(select(Person.id).where(Person.name == person)).first()
            if person_id is None:
                raise InputError(f"no person named {person!r}; add them first")
        row = JobRow(
            id=job_id,
            person_id=person_id,
            status="queued",
            stage="waiting for a free worker",
            progress=0.0,
            movement=movement,
            options_json=json.dumps(options),
            upload_name=upload_name[:255],
            path=path,
            keep_video=keep_video,
            filmed=filmed,
            attempts=0,
            cancel_requested=False,
            created_at=_now(),
        )
        s.add(row)
        s.flush()
        return _job(row, person)


def _person_names(s: Any, rows: list[JobRow]) -> dict[int, str]:
    ids = {r.person_id for r in rows if r.person_id is not None}
    if not ids:
        return {}
    return dict(s.execute(select(Person.id, Person.name).where(Person.id.in_(ids))).all())


def get(db: Database, job_id: str, /) -> Job | None:
    with db.read() as s:
        row = s.get(JobRow, job_id)
        if row is None:
            return None
        return _job(row, _person_names(s, [row]).get(row.person_id or -1))


def list_jobs(db: Database, /, *, person: str | None = None, limit: int = 200) -> list[Job]:
    """The newest jobs first (a person's only, when named)."""
    with db.read() as s:
        query = select(JobRow).order_by(JobRow.created_at.desc(), JobRow.id).limit(limit)
        if person is not None:
            query = query.join(Person, Person.id == JobRow.person_id).where(Person.name == person)
        rows = list(s.scalars(query))
        names = _person_names(s, rows)
        return [_job(r, names.get(r.person_id or -1)) for r in rows]


def claim_next(db: Database, /, *, worker_pid: int) -> Job | None:
    """The oldest queued job, now running for this worker; None when the queue is empty."""
    with db.transaction() as s:
        row = s.scalars(
            select(JobRow)
            .where(JobRow.status == "queued")
            .order_by(JobRow.created_at, JobRow.id)
            .limit(1)
            .with_for_update(skip_locked=True)
        ).first()
        if row is None:
            return None
        row.status = "running"
        row.stage = "starting"
        row.attempts += 1
        row.worker_pid = worker_pid
        row.started_at = _now()
        s.flush()
        return _job(row, _person_names(s, [row]).get(row.person_id or -1))


def report_progress(db: Database, job_id: str, /, *, progress: float, stage: str) -> bool:
    """Record a running job's progress; returns whether a cancel was asked for."""
    with db.transaction() as s:
        row = s.get(JobRow, job_id)
        if row is None:
            return True
        row.progress = round(min(max(progress, 0.0), 1.0), 3)
        row.stage = stage[:80]
        return bool(row.cancel_requested)


def finish(
    db: Database,
    job_id: str,
    /,
    *,
    status: Status,
    result: dict[str, Any] | None = None,
    analysis_id: int | None = None,
    error: tuple[str, str] | None = None,
) -> None:
    """End a job: done (with its result), failed (with the error) or cancelled."""
    with db.transaction() as s:
        row = s.get(JobRow, job_id)
        if row is None:
            return
        row.status = status
        row.stage = {"done": "done", "failed": "failed", "cancelled": "cancelled"}.get(
            status, status
        )
        row.progress = 1.0 if status == "done" else row.progress
        row.result_json = None if result is None else json.dumps(result)
        row.analysis_id = analysis_id
        row.error_code, row.error_message = error if error is not None else (None, None)
        row.finished_at = _now()
        row.worker_pid = None


def request_cancel(db: Database, job_id: str, /) -> Job | None:
    """Cancel a job: at once when queued; a running one stops at its next progress report."""
    with db.transaction() as s:
        row = s.get(JobRow, job_id)
        if row is None:
            return None
        if row.status == "queued":
            row.status, row.stage, row.finished_at = "cancelled", "cancelled", _now()
        elif row.status == "running":
            row.cancel_requested = True
            row.stage = "cancelling"
        s.flush()
        return _job(row, _person_names(s, [row]).get(row.person_id or -1))


def recover(db: Database, /) -> tuple[int, int]:
    """After a restart: jobs left running by a dead worker run again, or fail after
    MAX_ATTEMPTS. Returns (re-queued, failed)."""
    with db.transaction() as s:
        again = s.execute(
            update(JobRow)
            .where(JobRow.status == "running", JobRow.attempts < MAX_ATTEMPTS)
            .values(status="queued", stage="interrupted: queued again", worker_pid=None)
            .returning(JobRow.id)
        ).all()
        failed = s.execute(
            update(JobRow)
            .where(JobRow.status == "running")
            .values(
                status="failed",
                stage="failed",
                error_code="interrupted",
                error_message="the server stopped twice while this video was being analyzed; "
                "upload it again",
                finished_at=_now(),
                worker_pid=None,
            )
            .returning(JobRow.id)
        ).all()
    return len(again), len(failed)


def paths_of_person(db: Database, person: str, /) -> list[str]:
    """The stored upload paths of a person's jobs (to delete their files with them)."""
    with db.read() as s:
        return list(
            s.scalars(
                select(JobRow.path)
                .join(Person, Person.id == JobRow.person_id)
                .where(Person.name == person)
            )
        )


def ids_of_person(db: Database, person: str, /) -> list[str]:
    with db.read() as s:
        return list(
            s.scalars(
                select(JobRow.id)
                .join(Person, Person.id == JobRow.person_id)
                .where(Person.name == person)
            )
        )


def person_id_of(db: Database, job_id: str, /) -> int | None:
    """The id of the person a job belongs to (None: no such job, or none given)."""
    with db.read() as s:
        row = s.get(JobRow, job_id)
        return None if row is None else row.person_id


def finished_before(db: Database, when: dt.datetime, /) -> list[tuple[str, str]]:
    """(id, upload path) of the jobs that ended before `when` (done, failed or cancelled)."""
    with db.read() as s:
        rows = s.execute(
            select(JobRow.id, JobRow.path).where(
                JobRow.finished_at.is_not(None), JobRow.finished_at < when
            )
        ).all()
        return [(str(i), str(p)) for i, p in rows]
