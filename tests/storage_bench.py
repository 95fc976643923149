"""Storage figures for docs/reliability.md (not a test: run by hand).

    python -m tests.storage_bench build URL N      # person "bench" with N 5-minute analyses
    /usr/bin/time -v valgus history bench --json >/dev/null   # VALGUS_DATABASE_URL=URL
    python -m tests.storage_bench held URL [S]     # a read while a writer holds its lock S s
    python -m tests.storage_bench contention URL   # reads while 4 processes write
    python -m tests.storage_bench kills URL [N]     # kill -9 during `analyze --person`, N times

Only API present before and after the reliability work (Database, store.add_person,
add_analysis, add_note, log_workout, history), so the same commands measure both versions
(PYTHONPATH=<old checkout>/src selects the old one).

A 5-minute analysis: the synthetic squatter (tests/synthetic_poses.py) doing 100 reps at
30 fps (9,060 frames), analysed, stored with its pose file; N copies differ by their
source path (the pose bytes are the same size as a real 5-minute recording's).
"""

from __future__ import annotations

import datetime as dt
import multiprocessing as mp
import statistics
import sys
import time

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.program.catalogue import load_catalogue
from valgus.storage import store
from valgus.storage.db import Database
from valgus.storage.models import NoteRow

PERSON = "bench"


def build(url: str, n: int) -> None:
    poses = make_squat_poses(Squat(n_reps=100, medial_shift_m={"left": 0.05, "right": 0.0}))
    result = analyze_poses(poses).result
    nc = store.poses_to_bytes(poses)
    print(f"{poses.sizes['time']} frames, pose file {len(nc) / 2**20:.1f} MiB")
    with Database(url) as db:
        store.add_person(db, store.PersonInfo(name=PERSON))
        t0 = dt.datetime(2025, 1, 6, 9)
        for i in range(n):
            source = result.source.model_copy(update={"path": f"squat-{i:02d}.mp4"})
            store.add_analysis(
                db,
                PERSON,
                result.model_copy(update={"source": source}),
                poses_nc=nc,
                recorded_at=t0 + dt.timedelta(weeks=i),
            )
    print(f"stored {n} analyses in {url}")


def _hold(url: str, ready: mp.synchronize.Event, seconds: float) -> None:
    with Database(url) as db, db.transaction() as s:
        s.add(NoteRow(person_id=1, created_at=dt.datetime(2025, 3, 1), text="held"))
        s.flush()
        ready.set()
        time.sleep(seconds)


def held(url: str, seconds: float = 5.0) -> None:
    """A writer holds its transaction (and, on SQLite, the write lock) for `seconds`."""
    ctx = mp.get_context("spawn")
    ready = ctx.Event()
    proc = ctx.Process(target=_hold, args=(url, ready, seconds))
    proc.start()
    ready.wait(120)
    t = time.perf_counter()
    try:
        with Database(url) as db:  # opening reads the schema revision: timed too
            store.history(db, PERSON)
        print(
            f"open + history while a writer holds its transaction for {seconds:g} s: "
            f"{time.perf_counter() - t:.3f} s"
        )
    except Exception as err:
        print(f"history failed after {time.perf_counter() - t:.1f} s: {type(err).__name__}")
    proc.join()


def _write(url: str, worker: int, start: mp.synchronize.Event, n: int) -> None:
    start.wait()
    cat = load_catalogue()
    with Database(url) as db:
        name = f"w{worker}"
        store.add_person(db, store.PersonInfo(name=name))
        for i in range(n):
            entry = store.WorkoutEntry(
                date=dt.date(2025, 3, 1) + dt.timedelta(days=i),
                exercise_id="short_foot",
                sets=2,
                reps=10,
                pain_0_10=1,
            )
            store.log_workout(db, name, entry, catalogue=cat)
            store.add_note(db, name, f"note {i}")


def contention(url: str, writers: int = 4, writes: int = 25) -> None:
    """`writers` processes each add a person then log `writes` workouts and notes (one
    transaction each) while this process reads the history of PERSON in a loop."""
    ctx = mp.get_context("spawn")
    start = ctx.Event()
    procs = [ctx.Process(target=_write, args=(url, w, start, writes)) for w in range(writers)]
    for p in procs:
        p.start()
    time.sleep(5)  # let the writers import
    latencies: list[float] = []
    with Database(url) as db:
        store.history(db, PERSON)
        start.set()
        t0 = time.perf_counter()
        while any(p.is_alive() for p in procs):
            t = time.perf_counter()
            store.history(db, PERSON)
            latencies.append(time.perf_counter() - t)
        elapsed = time.perf_counter() - t0
    for p in procs:
        p.join()
    ok = sum(p.exitcode == 0 for p in procs)
    print(
        f"{ok}/{writers} writers finished {writers * writes * 2 + writers} transactions in "
        f"{elapsed:.1f} s; {len(latencies)} history reads meanwhile: median "
        f"{statistics.median(latencies) * 1000:.0f} ms, max {max(latencies) * 1000:.0f} ms"
    )


def kills(url: str, n: int = 40, seed: int = 1) -> None:
    """`valgus analyze POSES --person kill` killed with SIGKILL at a random moment of its
    run, n times (n different recordings); then the database's integrity, every stored
    analysis whole (its result and its pose data), and a rerun of every recording to the end:
    each stored exactly once."""
    import os
    import random
    import subprocess
    import tempfile
    from pathlib import Path

    from sqlalchemy import text

    from valgus.io.poses import save_poses

    tmp = Path(tempfile.mkdtemp(prefix="valgus-kills-"))
    base = make_squat_poses(Squat(n_reps=3))
    files = []
    for i in range(n):  # different bytes, different content hash, the same squat
        ds = base.copy(deep=True)
        ds["position"] = ds["position"] + 0.01 * i
        files.append(save_poses(ds, tmp / f"kill-{i:02d}.poses.nc"))
    env = os.environ | {"VALGUS_DATABASE_URL": url}
    valgus = [str(Path(sys.executable).parent / "valgus")]
    subprocess.run([*valgus, "person", "add", "kill"], env=env, check=True, capture_output=True)

    def analyze(f: Path) -> subprocess.Popen[bytes]:
        args = [*valgus, "analyze", str(f), "--person", "kill", "--out", str(tmp / "out")]
        return subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)

    t = time.perf_counter()
    analyze(files[0]).wait()
    full = time.perf_counter() - t
    rng = random.Random(seed)
    killed = finished = 0
    for f in files[1:]:
        p = analyze(f)
        try:
            p.wait(timeout=rng.uniform(0.05, 1.0) * full)
            finished += 1
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            killed += 1
    with Database(url) as db, db.read() as s:
        integrity = s.execute(text("PRAGMA integrity_check")).scalar() if "sqlite" in url else "-"
    h = _history(url)
    whole = sum(a.has_poses for a in h.analyses)
    print(
        f"{n - 1} runs of `valgus analyze --person` ({full:.1f} s each when left alone): "
        f"{killed} killed with SIGKILL at a random moment, {finished} finished first; "
        f"integrity_check: {integrity}; {len(h.analyses)} analyses stored, {whole} with their "
        "pose data"
    )
    for f in files:
        analyze(f).wait()
    h = _history(url)
    print(
        f"after rerunning all {n} to the end: {len(h.analyses)} analyses stored for the {n} "
        "recordings (the ones stored before their kill were not stored again)"
    )


def _history(url: str) -> store.History:
    with Database(url) as db:
        return store.history(db, "kill")


if __name__ == "__main__":
    command, url, *rest = sys.argv[1:]
    if command == "build":
        build(url, int(rest[0]))
    elif command == "held":
        held(url, *map(float, rest))
    elif command == "contention":
        contention(url)
    elif command == "kills":
        kills(url, *map(int, rest))
    else:
        raise SystemExit(__doc__)
