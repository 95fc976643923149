"""Team screening: many recordings from a manifest, analyzed side by side on this machine's
cores or on a Dask cluster, resumable, each stored in its person's history.

- A manifest is a CSV with a header row and at least `person,movement,file` (optional
  `date`, `side`, `sex`, `mirrored`); file paths are relative to the manifest. A folder
  stands for "every video in it, person from the file name, movement squat".
- Each recording runs the pose model with one instance over every frame in order (the
  naive loop: deterministic, no split of one video): parallelism comes from running
  recordings side by side, one per worker process.
- Each item is keyed by its file's SHA-256, the method version and how it is analyzed; a
  rerun of the same manifest skips what is done (storage/batch.py). Each write is one
  transaction, so Ctrl-C or kill -9 leaves no half record; the rerun finishes the rest. A
  failed item is tried once more, then listed with its error code and message.
- The same work function runs in a local process pool or on Dask distributed workers
  (`--scheduler tcp://HOST:PORT`): the workers read the recordings and the history database
  by the paths and URL given (a folder they share, a server database), see docs/scaling.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures import as_completed as local_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path
from typing import Any, Protocol

from valgus import __version__
from valgus.assessment.analysis import Options
from valgus.errors import InputError, ValgusError

VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp")
REQUIRED = ("person", "movement", "file")
ATTEMPTS = 2  # a failed item is tried once more


@dataclass(frozen=True)
class Item:
    """One row of the manifest."""

    row: int  # 1-based, the header is row 0
    person: str
    movement: str
    file: Path
    filmed: dt.date | None = None
    side: str = "auto"
    sex: str | None = None
    mirrored: bool = False
    problem: str | None = None  # why the row cannot be run (found while reading it)

    @property
    def options(self) -> Options:
        return Options(side=self.side, sex=self.sex, mirrored=self.mirrored)


@dataclass(frozen=True)
class ItemResult:
    """How one item ended: done (now or on an earlier run), or failed."""

    item: Item
    status: str  # "done" | "skipped" | "failed"
    result: dict[str, Any] | None = None
    error_code: str | None = None
    error_message: str | None = None
    attempts: int = 1
    report: Path | None = None


def _flag(text: str) -> bool:
    return text.strip().lower() in ("1", "true", "yes", "y")


def _row_item(n: int, row: dict[str, str], base: Path) -> Item:
    person = (row.get("person") or "").strip()
    movement = (row.get("movement") or "squat").strip()
    file = (row.get("file") or "").strip()
    bad_file = "\0" in file  # found by `valgus bench fuzz`: Path.resolve raised ValueError
    path = (base / file).resolve() if file and not bad_file else base
    problem = None
    filmed = None
    if not person or not file:
        problem = "the row needs a person and a file"
    elif bad_file:
        problem = "the file name holds a NUL character"
    elif row.get("date", "").strip():
        try:
            filmed = dt.date.fromisoformat(row["date"].strip())
        except ValueError:
            problem = f"date must be YYYY-MM-DD, got {row['date'].strip()!r}"
    return Item(
        row=n,
        person=person or f"row {n}",
        movement=movement,
        file=path,
        filmed=filmed,
        side=(row.get("side") or "auto").strip() or "auto",
        sex=(row.get("sex") or "").strip() or None,
        mirrored=_flag(row.get("mirrored") or ""),
        problem=problem,
    )


def read_manifest(path: Path, /) -> list[Item]:
    """The items of a manifest CSV, or of a folder of videos. InputError when the manifest
    itself cannot be read; a bad row becomes an item that fails with its problem."""
    if path.is_dir():
        videos = sorted(p for p in path.iterdir() if p.suffix.lower() in VIDEO_SUFFIXES)
        if not videos:
            raise InputError(f"{path} holds no video ({', '.join(VIDEO_SUFFIXES)})")
        return [
            Item(row=i, person=p.stem, movement="squat", file=p.resolve())
            for i, p in enumerate(videos, start=1)
        ]
    try:
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            rows = list(reader)
            header = [h.strip() for h in reader.fieldnames or []]
    except (OSError, UnicodeDecodeError, csv.Error) as err:
        raise InputError(f"cannot read the manifest {path}: {err}") from err
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise InputError(
            f"the manifest {path} needs a header row with {', '.join(REQUIRED)} "
            f"(missing: {', '.join(missing)})"
        )
    if not rows:
        raise InputError(f"the manifest {path} lists no recording")
    base = path.resolve().parent
    return [
        _row_item(n, {k.strip(): (v or "") for k, v in r.items() if k}, base)
        for n, r in enumerate(rows, start=1)
    ]


def file_sha256(path: Path, /) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def item_key(item: Item, digest: str, /) -> str:
    """What makes two items the same work: the file's content, the method version, how it
    is analyzed and for whom."""
    how = f"{item.movement}|{item.side}|{item.sex}|{item.mirrored}|{item.person}"
    return f"{digest}:{__version__}:{hashlib.sha256(how.encode()).hexdigest()[:16]}"


@dataclass(frozen=True)
class Job:
    """What a worker needs (picklable): the item, the database, where results go."""

    item: Item
    database_url: str | None
    out: Path


def run_item(job: Job, /) -> ItemResult:
    """Analyze one recording, store it under its person (created if new), write its files
    and report; or say it was done before; or why it failed. Runs in a worker process."""
    from valgus.services import analyses
    from valgus.storage import Database
    from valgus.storage import batch as done_items

    item = job.item
    if item.problem is not None:
        return ItemResult(item, "failed", error_code="bad_input", error_message=item.problem)
    try:
        from valgus.assessment import pipeline

        pipeline.check_options(item.movement, item.options)
        if not item.file.exists():
            raise InputError(f"{item.file}: no such file")
        key = item_key(item, file_sha256(item.file))
        with Database(job.database_url) as db:
            earlier = done_items.done(db, key)
            if earlier is not None:
                return ItemResult(item, "skipped", result=earlier, report=_report_path(job))
            analysis = _analyze(item)
            done_items.ensure_person(db, item.person)
            stored = analyses.store_analysis(
                db, item.person, analysis, filmed=analyses.filmed_at(analysis, item.filmed)
            )
            report = _write(job, analysis)
            result = analysis.result.model_dump(mode="json")
            done_items.record(db, key, item.person, stored.id, result)
        return ItemResult(item, "done", result=result, report=report)
    except ValgusError as e:
        return ItemResult(item, "failed", error_code=e.code, error_message=str(e))
    except OSError as e:
        return ItemResult(item, "failed", error_code="io_error", error_message=str(e))


def _analyze(item: Item) -> Any:
    from valgus import api

    return api.analyze_file(item.file, movement=item.movement, options=item.options, naive=True)


def _folder(job: Job) -> Path:
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in job.item.person)
    return job.out / safe / f"{job.item.row:04d}-{job.item.file.stem}"


def _report_path(job: Job) -> Path | None:
    page = _folder(job) / "analysis.report.html"
    return page if page.exists() else None


def _write(job: Job, analysis: Any) -> Path:
    """The result files and the HTML report (key frames drawn on the video, faces blurred)."""
    from valgus.io.results import save_analysis
    from valgus.report.build import build_report

    folder = _folder(job)
    save_analysis(analysis, folder, stem="analysis")
    video = job.item.file if job.item.file.suffix.lower() in VIDEO_SUFFIXES else None
    return build_report(analysis, folder, stem="analysis", video=video).html


# --- runners: this machine's cores, or a Dask cluster ----------------------------------------


class Runner(Protocol):
    def submit(self, fn: Callable[[Job], ItemResult], job: Job, /) -> Any: ...
    def completed(self, futures: Iterable[Any], /) -> Iterator[Any]: ...
    def close(self) -> None: ...


class LocalRunner:
    """Worker processes on this machine (spawned: nothing shared with the caller)."""

    def __init__(self, workers: int) -> None:
        self.workers = workers
        self.pool = self._new_pool()

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=self.workers, mp_context=get_context("spawn"))

    def submit(self, fn: Callable[[Job], ItemResult], job: Job, /) -> Future[ItemResult]:
        """A worker that died (killed, out of memory) breaks the pool and fails the items it
        held; the next submission starts a new pool, so the retry and the rest go on."""
        try:
            return self.pool.submit(fn, job)
        except BrokenProcessPool:
            self.pool.shutdown(wait=False, cancel_futures=True)
            self.pool = self._new_pool()
            return self.pool.submit(fn, job)

    def completed(self, futures: Iterable[Any], /) -> Iterator[Any]:
        return local_completed(list(futures))

    def close(self) -> None:
        self.pool.shutdown(wait=True, cancel_futures=True)


class DaskRunner:
    """Workers of a running Dask distributed cluster (`distributed.Client(address)`)."""

    def __init__(self, address: str) -> None:
        from distributed import Client

        try:
            self.client = Client(address, timeout="20s")  # type: ignore[no-untyped-call]
        except OSError as err:
            raise InputError(f"cannot reach the Dask scheduler at {address}: {err}") from err

    def submit(self, fn: Callable[[Job], ItemResult], job: Job, /) -> Any:
        return self.client.submit(fn, job, pure=False)

    def completed(self, futures: Iterable[Any], /) -> Iterator[Any]:
        from distributed import as_completed

        return iter(as_completed(list(futures)))  # type: ignore[no-untyped-call]

    def close(self) -> None:
        self.client.close()  # type: ignore[no-untyped-call]


def default_workers() -> int:
    return max(1, os.cpu_count() or 1)


@dataclass
class Progress:
    """What the caller sees while the batch runs."""

    total: int
    done: int = 0
    skipped: int = 0
    failed: int = 0
    results: list[ItemResult] = field(default_factory=list)


def run(
    items: list[Item],
    /,
    *,
    runner: Runner,
    database_url: str | None,
    out: Path,
    on_item: Callable[[Progress, ItemResult], None] = lambda p, r: None,
) -> Progress:
    """Run the items on the runner; a failed one is tried once more. Results in manifest
    order."""
    progress = Progress(total=len(items))
    attempts = dict.fromkeys((i.row for i in items), 0)
    finished: dict[int, ItemResult] = {}
    todo = list(items)
    while todo:  # a round of items; the failed ones are tried once more in the next
        futures = {runner.submit(run_item, Job(i, database_url, out)): i for i in todo}
        todo = []
        for future in runner.completed(futures):
            item = futures[future]
            attempts[item.row] += 1
            result = _outcome(future, item)
            if result.status == "failed" and attempts[item.row] < ATTEMPTS:
                todo.append(item)
                continue
            result = ItemResult(**{**vars(result), "attempts": attempts[item.row]})
            finished[item.row] = result
            if result.status == "failed":
                progress.failed += 1
            elif result.status == "skipped":
                progress.skipped += 1
            else:
                progress.done += 1
            on_item(progress, result)
    progress.results = [finished[i.row] for i in items]
    return progress


def _outcome(future: Any, item: Item) -> ItemResult:
    """The worker's result; a worker that died or raised counts as a failure."""
    try:
        result = future.result()
    except Exception as e:  # a crashed worker (killed, out of memory): said, not raised
        return ItemResult(
            item, "failed", error_code="worker_failed", error_message=str(e) or type(e).__name__
        )
    assert isinstance(result, ItemResult)
    return result
