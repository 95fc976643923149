"""Worker processes that run the queued analysis jobs, one job each at a time.

The server starts them and stops them. A worker dies with its server (Linux: the parent's
death signal; elsewhere it notices the parent is gone between progress reports), leaving
its job "running"; the next server start queues it again (storage/jobs.recover).
"""

from __future__ import annotations

import contextlib
import ctypes
import logging
import multiprocessing as mp
import os
import signal
import sys
import time
from multiprocessing.process import BaseProcess
from pathlib import Path

from valgus.services import jobs as job_service
from valgus.storage import Database, jobs

log = logging.getLogger("valgus.web")

POLL_S = 0.5
PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Linux: SIGTERM this process when its parent (the server) dies."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def worker_main(database_url: str | None, root: str, parent_pid: int) -> None:
    """Claim and run jobs until the server stops."""
    _die_with_parent()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    workspace = job_service.Workspace(Path(root)).create()
    with Database(database_url) as db:
        while os.getppid() == parent_pid:
            job = jobs.claim_next(db, worker_pid=os.getpid())
            if job is None:
                time.sleep(POLL_S)
                continue

            def report(fraction: float, stage: str, job_id: str = job.id) -> bool:
                if os.getppid() != parent_pid:
                    sys.exit(0)  # the server is gone: leave the job for its next start
                return jobs.report_progress(db, job_id, progress=fraction, stage=stage)

            job_service.run(db, workspace, job, report=report)


class WorkerPool:
    """`n` worker processes (spawned: no state shared with the server)."""

    def __init__(self, n: int, database_url: str | None, root: Path) -> None:
        self.n, self.database_url, self.root = n, database_url, root
        self.processes: list[BaseProcess] = []

    def start(self) -> None:
        ctx = mp.get_context("spawn")
        for _ in range(self.n):
            p = ctx.Process(
                target=worker_main,
                args=(self.database_url, str(self.root), os.getpid()),
                daemon=True,
                name="valgus-worker",
            )
            p.start()
            self.processes.append(p)

    def stop(self, timeout_s: float = 5.0) -> None:
        for p in self.processes:
            p.terminate()
        for p in self.processes:
            p.join(timeout_s)
            if p.is_alive():
                p.kill()
        self.processes.clear()
