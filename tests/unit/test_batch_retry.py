"""The batch's retry rule: a failed item is tried once more, then listed with its error; a
worker that dies fails only its attempt. Run with an in-process runner (the Runner
protocol's smallest implementation) so the rule is tested on its own; the real process
pool and Dask run in tests/integration/test_batch.py."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.io.poses import save_poses
from valgus.services import batch


class InProcess:
    """Runs each job at once in this process; the first attempt of the rows in `die_once`
    ends as a dead worker would (the future holds an exception)."""

    def __init__(self, die_once: set[int]) -> None:
        self.die_once = set(die_once)
        self.calls: list[int] = []

    def submit(self, fn: Callable[[batch.Job], batch.ItemResult], job: batch.Job, /) -> Any:
        future: Future[batch.ItemResult] = Future()
        self.calls.append(job.item.row)
        if job.item.row in self.die_once:
            self.die_once.discard(job.item.row)
            future.set_exception(RuntimeError("the worker process died"))
        else:
            future.set_result(fn(job))
        return future

    def completed(self, futures: Iterable[Any], /) -> Iterator[Any]:
        return iter(list(futures))

    def close(self) -> None:
        pass


def test_a_failed_item_is_tried_once_more_then_listed(tmp_path: Path) -> None:
    poses = save_poses(make_squat_poses(Squat()), tmp_path / "ann.poses.nc")
    items = [
        batch.Item(row=1, person="ann", movement="squat", file=poses),
        batch.Item(row=2, person="bo", movement="squat", file=tmp_path / "missing.mp4"),
    ]
    runner = InProcess(die_once={1})
    done = batch.run(
        items, runner=runner, database_url=f"sqlite:///{tmp_path / 'h.sqlite3'}", out=tmp_path
    )
    first, second = done.results
    assert runner.calls == [1, 2, 1, 2]  # both tried twice
    assert (first.status, first.attempts) == ("done", 2)  # the dead worker's item, retried
    assert (second.status, second.attempts, second.error_code) == ("failed", 2, "bad_input")
    assert "no such file" in (second.error_message or "")
    assert (done.done, done.failed) == (1, 1)
