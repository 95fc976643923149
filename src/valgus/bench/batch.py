"""Speed as a user sees it: whole processes, start-up included, on the same rendered videos
in one run.

1. Start-up: `valgus --help`, against `python -c pass`.
2. One video (1080x1920, an 8-rep squat): the naive MediaPipe loop as a user would write it
   (bench/naive_loop.py: OpenCV, one model instance, frame after frame) against the whole
   `valgus analyze` command (pose pipeline, analysis, result files); best of interleaved
   runs.
3. A batch of videos (1080x1920 squats, each a different body and valgus): the naive loop
   one video after the other, against `valgus batch` with 1 and 2 local workers and on a
   Dask LocalCluster with 2 worker processes (started before the clock; its workers' start-up
   and imports are timed). Each batch variant starts from an empty history and folder; their
   team sheets must be identical.

Wall time is each command's, as `time` would give it; peak memory is the largest resident
set of the command and the processes it waited for (Linux wait4). Dask's workers are not
children of the command, so their memory is not in its column.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path

from valgus.bench.speed import into_page

BATCH_VIDEOS = 8
SIZE = (1080, 1920)


@dataclass(frozen=True)
class Timed:
    seconds: float
    maxrss_mb: float
    ok: bool
    cpu_s: float = float("nan")  # user + system of the command and its waited-for children


def _valgus() -> str:
    return str(Path(sys.executable).parent / "valgus")


def timed(
    cmd: list[str], /, *, env: dict[str, str] | None = None, cwd: Path | None = None
) -> Timed:
    """Run a command to its end: wall seconds and the peak resident memory of it and the
    processes it waited for."""
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    return Timed(seconds, usage.ru_maxrss / 1024, proc.returncode == 0, cpu)


def _render(args: tuple[Path, int, float, int]) -> Path:
    from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

    path, reps, valgus_left, seed = args
    render_squat(
        path,
        SquatParams(reps=reps, rep_s=2.5, valgus_left_deg=valgus_left, seed=seed),
        CameraParams(width_px=SIZE[0], height_px=SIZE[1]),
        RenderParams(seed=seed),
    )
    return path


def render_inputs(work: Path, *, videos: int, reps: int) -> tuple[Path, list[Path]]:
    """The single 8-rep clip and the batch's clips (rendered on both cores)."""
    jobs = [(work / "single-8-reps.mp4", 8, 20.0, 1)] + [
        (work / "squad" / f"athlete{k + 1:02d}.mp4", reps, (0.0, 10.0, 20.0, 30.0)[k % 4], 10 + k)
        for k in range(videos)
    ]
    (work / "squad").mkdir(parents=True, exist_ok=True)
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        paths = list(pool.map(_render, jobs))
    manifest = work / "squad" / "team.csv"
    manifest.write_text(
        "person,movement,file\n" + "".join(f"{p.stem},squat,{p.name}\n" for p in paths[1:])
    )
    return paths[0], paths[1:]


def _best(runs: list[Timed]) -> Timed:
    ok = [r for r in runs if r.ok]
    return min(ok, key=lambda r: r.seconds) if ok else runs[0]


def startup(repeats: int = 5) -> tuple[Timed, Timed]:
    """`valgus --help` and a bare Python, best of `repeats` each."""
    help_runs = [timed([_valgus(), "--help"]) for _ in range(repeats)]
    bare = [timed([sys.executable, "-c", "pass"]) for _ in range(repeats)]
    return _best(help_runs), _best(bare)


def naive(video: Path, out: Path, /) -> Timed:
    script = Path(__file__).with_name("naive_loop.py")
    return timed([sys.executable, str(script), str(video), str(out)])


def one_video(video: Path, work: Path, repeats: int) -> tuple[Timed, Timed]:
    """The naive loop against `valgus analyze`, interleaved, best of each."""
    n, v = [], []
    for k in range(repeats):
        n.append(naive(video, work / f"naive-{k}.json"))
        v.append(timed([_valgus(), "analyze", str(video), "--out", str(work / f"analyze-{k}")]))
    return _best(n), _best(v)


def _sheet(folder: Path) -> list[dict[str, str]]:
    with (folder / "team.csv").open(encoding="utf-8") as fh:
        return [{k: v for k, v in r.items() if k != "report"} for r in csv.DictReader(fh)]


def batch(manifest: Path, work: Path, label: str, *extra: str) -> Timed:
    env = os.environ | {"VALGUS_DATABASE_URL": f"sqlite:///{work / f'{label}.sqlite3'}"}
    cmd = [_valgus(), "batch", str(manifest), "--out", str(work / label), *extra]
    return timed(cmd, env=env)


def on_dask(manifest: Path, work: Path, workers: int) -> Timed:
    from distributed import LocalCluster

    with LocalCluster(  # type: ignore[no-untyped-call]
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster:
        return batch(manifest, work, "dask", "--scheduler", cluster.scheduler_address)


@dataclass(frozen=True)
class Results:
    help: Timed
    bare: Timed
    single: tuple[Timed, Timed]
    single_frames: int
    batch_videos: int
    batch_frames: int
    naive_seq: Timed
    variants: list[tuple[str, int, Timed]]  # label, cores used, timing
    identical: bool


def _frames(video: Path) -> int:
    from valgus.io.video import probe

    return probe(video).frames_estimate


def run(*, videos: int, reps: int, repeats: int, progress: Callable[[str], None]) -> Results:
    with tempfile.TemporaryDirectory(prefix="valgus-bench-batch-") as tmp:
        work = Path(tmp)
        progress(f"rendering 1 + {videos} videos at {SIZE[0]}x{SIZE[1]}")
        single, squad = render_inputs(work, videos=videos, reps=reps)
        manifest = squad[0].parent / "team.csv"
        progress("start-up")
        help_t, bare_t = startup()
        progress(f"one video: naive loop and valgus analyze, {repeats} runs each")
        one = one_video(single, work, repeats)
        progress(f"batch of {videos}: the naive loop, one video after the other")
        t0 = time.perf_counter()
        seq = [naive(v, work / f"{v.stem}.naive.json") for v in squad]
        naive_seq = Timed(
            time.perf_counter() - t0,
            max(r.maxrss_mb for r in seq),
            all(r.ok for r in seq),
            sum(r.cpu_s for r in seq),
        )
        variants = []
        for label, cores, extra in (
            ("workers-1", 1, ("--workers", "1")),
            ("workers-2", 2, ("--workers", "2")),
        ):
            progress(f"batch of {videos}: valgus batch --workers {cores}")
            variants.append(
                (f"`valgus batch --workers {cores}`", cores, batch(manifest, work, label, *extra))
            )
        progress(f"batch of {videos}: valgus batch --scheduler (Dask LocalCluster, 2 workers)")
        variants.append(
            (
                "`valgus batch --scheduler` (Dask LocalCluster, 2 worker processes)",
                2,
                on_dask(manifest, work, 2),
            )
        )
        sheets = [_sheet(work / name) for name in ("workers-1", "workers-2", "dask")]
        return Results(
            help=help_t,
            bare=bare_t,
            single=one,
            single_frames=_frames(single),
            batch_videos=videos,
            batch_frames=sum(_frames(v) for v in squad),
            naive_seq=naive_seq,
            variants=variants,
            identical=all(s == sheets[0] for s in sheets) and bool(sheets[0]),
        )


def report(r: Results, command: str) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    n_naive, v_one = r.single
    lines = [
        f"Made by `{command}` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {when}.",
        "",
        "| what | wall s | CPU s | peak RSS MB | goal | met |",
        "|---|---|---|---|---|---|",
        f"| `valgus --help` (bare `python -c pass`: {r.bare.seconds:.2f} s) | "
        f"{r.help.seconds:.2f} | {r.help.cpu_s:.2f} | {r.help.maxrss_mb:.0f} | <= 0.3 s | "
        f"{'yes' if r.help.seconds <= 0.3 else 'no'} |",
        f"| one video {SIZE[0]}x{SIZE[1]}, 8 reps, {r.single_frames} frames: naive loop | "
        f"{n_naive.seconds:.1f} | {n_naive.cpu_s:.1f} | {n_naive.maxrss_mb:.0f} | | |",
        f"| the same: `valgus analyze` | {v_one.seconds:.1f} | {v_one.cpu_s:.1f} | "
        f"{v_one.maxrss_mb:.0f} | "
        f">= 1.5x faster | {n_naive.seconds / v_one.seconds:.2f}x: "
        f"{'yes' if n_naive.seconds / v_one.seconds >= 1.5 else 'no'} |",
        "",
        f"A batch of {r.batch_videos} videos ({SIZE[0]}x{SIZE[1]}, {r.batch_frames} frames, "
        f"{r.batch_frames / 30 / 60:.1f} min of video):",
        "",
        "| variant | workers | wall s | videos / min | x the naive loop | CPU s | cores busy | "
        "videos / CPU-hour | peak RSS MB |",
        "|---|---|---|---|---|---|---|---|---|",
        _variant_row("the naive loop, one video after the other", 1, r.naive_seq, r),
    ]
    lines += [_variant_row(label, cores, t, r) for label, cores, t in r.variants]
    two = r.variants[1][2]
    ratio = r.naive_seq.seconds / two.seconds
    lines += [
        "",
        f"Goal: 2 local workers >= 1.8x the naive loop one after the other: {ratio:.2f}x, "
        f"{'met' if ratio >= 1.8 else 'not met'}. Team sheets of the three `valgus batch` "
        f"runs {'identical' if r.identical else 'DIFFERENT'}; every run "
        f"{'finished' if all(t.ok for *_, t in r.variants) and r.naive_seq.ok else 'did NOT finish'}.",
    ]
    return "\n".join(lines) + "\n"


def _variant_row(label: str, workers: int, t: Timed, r: Results) -> str:
    """CPU time and memory are the command's and its children's: a Dask cluster's workers
    are not its children, so they show as a dash."""
    per_min = 60 * r.batch_videos / t.seconds
    dask = "scheduler" in label
    cpu, busy, per_cpu_hour, rss = (
        ("-", "-", "-", "-")
        if dask
        else (
            f"{t.cpu_s:.0f}",
            f"{t.cpu_s / t.seconds:.2f}",
            f"{3600 * r.batch_videos / t.cpu_s:.0f}",
            f"{t.maxrss_mb:.0f}",
        )
    )
    return (
        f"| {label} | {workers} | {t.seconds:.1f} | {per_min:.1f} | "
        f"{r.naive_seq.seconds / t.seconds:.2f}x | {cpu} | {busy} | {per_cpu_hour} | {rss} |"
    )


def main(
    out: Path | None, videos: int, reps: int, repeats: int, progress: Callable[[str], None]
) -> str:
    command = (
        "valgus bench batch"
        + (f" --videos {videos}" if videos != BATCH_VIDEOS else "")
        + (f" --reps {reps}" if reps != 4 else "")
        + (f" --repeats {repeats}" if repeats != 2 else "")
        + (f" --out {out}" if out else "")
    )
    text = report(run(videos=videos, reps=reps, repeats=repeats, progress=progress), command)
    if out is not None:
        out.write_text(into_page(out.read_text() if out.exists() else "", text, bench="batch"))
    return text
