"""The web app's job queue in the database (storage/jobs.py): oldest first, one claim per
job, cancel, and recovery after a restart."""

from __future__ import annotations

from pathlib import Path

import pytest

from valgus.storage import Database, jobs


@pytest.fixture
def db(tmp_path: Path) -> Database:
    return Database(f"sqlite:///{tmp_path / 'h.sqlite3'}")


def _queue(db: Database, n: int) -> list[str]:
    ids = []
    for i in range(n):
        job_id = jobs.new_id()
        jobs.enqueue(
            db,
            job_id,
            path=f"/u/{i}.mp4",
            upload_name=f"{i}.mp4",
            movement="squat",
            options={},
            person=None,
            keep_video=False,
        )
        ids.append(job_id)
    return ids


def test_jobs_run_in_the_order_they_came_even_within_one_second(db: Database) -> None:
    ids = _queue(db, 5)  # well within a second: ids are random, the order must not be
    claimed = [jobs.claim_next(db, worker_pid=1) for _ in ids]
    assert [j.id for j in claimed if j] == ids
    assert jobs.claim_next(db, worker_pid=1) is None


def test_cancel_is_at_once_when_queued_and_at_the_next_report_when_running(db: Database) -> None:
    running, queued = _queue(db, 2)
    assert jobs.claim_next(db, worker_pid=1).id == running  # type: ignore[union-attr]
    assert jobs.request_cancel(db, queued).status == "cancelled"  # type: ignore[union-attr]
    assert jobs.request_cancel(db, running).status == "running"  # type: ignore[union-attr]
    assert jobs.report_progress(db, running, progress=0.3, stage="x") is True


def test_a_restart_queues_an_interrupted_job_again_then_fails_it(db: Database) -> None:
    (job_id,) = _queue(db, 1)
    jobs.claim_next(db, worker_pid=1)
    assert jobs.recover(db) == (1, 0)
    assert jobs.get(db, job_id).status == "queued"  # type: ignore[union-attr]
    jobs.claim_next(db, worker_pid=2)  # the second attempt is cut off too
    assert jobs.recover(db) == (0, 1)
    job = jobs.get(db, job_id)
    assert job is not None and job.status == "failed" and job.error_code == "interrupted"
