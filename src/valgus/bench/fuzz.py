"""`valgus bench fuzz`: mutated files through every parser a user's file can reach.

Seeds are real files (the clips and motion capture in ../shared/data) and files the
project makes itself (short PyAV clips in four containers, pose files with and without
their checksums, a C3D written from the TRC, answers files). Each case mutates one seed at
the byte level (bit flips, random bytes, interesting values, deleted, repeated or inserted
chunks, a cut tail; 1-4 of them stacked) and runs the parser on it in a worker process:

- a ValgusError (the package's own, one-line errors) or a clean parse is a pass;
- any other exception is a failure, by its type (a traceback for the user), and so is a
  NumPy RuntimeWarning (noise on stderr, a NaN on its way);
- a case running past the per-case limit is a failure ("hang"), and so is a worker that
  dies ("crash": a segfault in a C library).

Deterministic for a given --seed on a given machine (the time budget decides how many
cases run).
"""

from __future__ import annotations

import datetime as dt
import json
import multiprocessing as mp
import platform
import random
import tempfile
import time
import traceback
import warnings
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from valgus.errors import ValgusError

if TYPE_CHECKING:
    import xarray as xr
CASE_LIMIT_S = 10.0  # a case running longer than this is a hang
VIDEO_FRAMES = 12  # frames decoded per video case (probe + the start of the stream)
_INTERESTING = [b"\x00", b"\xff", b"\x7f", b"\x80", b"-1", b"nan", b"inf", b"1e309", b"0"]

ANSWERS = {
    "red_flags": {"locking": False, "giving_way": False},
    "self_tests": {
        "knee_to_wall_cm": {"left": 10.5, "right": 12.0},
        "navicular_drop_mm": {"left": 8, "right": 11},
        "pain_0_10": 2,
        "sex": "female",
        "sport": True,
    },
    "preferences": {"equipment": {"bands": ["red", "green"]}, "minutes_per_session": 25},
}
ANSWERS_TOML = """[red_flags]
locking = false
giving_way = false

[self_tests]
pain_0_10 = 2
sex = "female"
sport = true
knee_to_wall_cm = { left = 10.5, right = 12.0 }
navicular_drop_mm = { left = 8, right = 11 }

[preferences]
minutes_per_session = 25
equipment = { bands = ["red", "green"] }
"""


# ------------------------------------------------------------------ parsers (in the worker)


def _parse_video(path: Path) -> None:
    from valgus.io.video import iter_frames, probe

    probe(path)
    for i, _ in enumerate(iter_frames(path, max_side_px=256)):
        if i + 1 >= VIDEO_FRAMES:
            break


def _parse_poses(path: Path) -> None:
    from valgus.io import poses

    poses.PROBE_TIMEOUT_S = CASE_LIMIT_S / 2  # its own limit must end before the case's
    poses.load_poses(path)


def _parse_mocap(path: Path) -> None:
    from valgus.io.mocap import load_mocap

    load_mocap(path)


def _parse_mot(path: Path) -> None:
    from valgus.io.mot import read_mot

    read_mot(path)


def _parse_answers(path: Path) -> None:
    from valgus.services.answers import read_answers_file, validate_answers

    validate_answers(read_answers_file(path), name=path.name)


def _parse_manifest(path: Path) -> None:
    from valgus.services.batch import read_manifest

    read_manifest(path)


_CLINIC: dict[str, Any] = {}


def _clinic_client() -> Any:
    """A clinic-mode app in this worker (made once), with one coach, for the sign-in cases."""
    if "client" not in _CLINIC:
        import tempfile

        from fastapi.testclient import TestClient

        from valgus.services import accounts
        from valgus.web.app import create_app
        from valgus.web.settings import Settings

        root = Path(tempfile.mkdtemp(prefix="valgus-fuzz-clinic-"))
        app = create_app(
            Settings(
                data_dir=root / "data", database_url=f"sqlite:///{root / 'h.sqlite3'}", clinic=True
            ),
            run_workers=False,
        )
        accounts.add_user(app.state.valgus.db, "coach", "coach", "secret123456")
        _CLINIC["client"] = TestClient(app, base_url="http://127.0.0.1:8000")
    return _CLINIC["client"]


def _post(url: str, content_type: str, path: Path) -> None:
    """A request's body from the case; a server error (or an exception) is the failure."""
    r = _clinic_client().post(
        url, content=path.read_bytes(), headers={"content-type": content_type}
    )
    if r.status_code >= 500:
        raise RuntimeError(f"HTTP {r.status_code}: {r.text[:120]}")


def _parse_login_json(path: Path) -> None:
    _post("/api/login", "application/json", path)


def _parse_login_form(path: Path) -> None:
    _post("/login", "application/x-www-form-urlencoded", path)


PARSERS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "video": (".mp4", _parse_video),
    "poses": (".poses.nc", _parse_poses),
    "trc": (".trc", _parse_mocap),
    "c3d": (".c3d", _parse_mocap),
    "mot": (".mot", _parse_mot),
    "answers-toml": (".toml", _parse_answers),
    "answers-json": (".json", _parse_answers),
    "batch-manifest": (".csv", _parse_manifest),
    "login-json": (".json", _parse_login_json),
    "login-form": (".txt", _parse_login_form),
}


def _worker(conn: Connection, workdir: str) -> None:
    """Serve cases until told to stop: (parser, suffix, bytes) -> (outcome, kind, message).

    NumPy's RuntimeWarnings (invalid value, divide by zero...) are raised as errors, as in
    the tests: printed on stderr they would be noise, and they flag a NaN on its way."""
    warnings.simplefilter("error", RuntimeWarning)
    while True:
        job = conn.recv()
        if job is None:
            return
        name, suffix, data = job
        path = Path(workdir) / f"case{suffix}"
        path.write_bytes(data)
        try:
            PARSERS[name][1](path)
            conn.send(("ok", "", ""))
        except ValgusError as err:
            conn.send(("error", type(err).__name__, str(err)[:200]))
        except Exception as err:  # the failures this benchmark looks for
            where = traceback.extract_tb(err.__traceback__)[-1]
            conn.send(
                ("failure", type(err).__name__, f"{err!s:.150} at {where.filename}:{where.lineno}")
            )


# ------------------------------------------------------------------ seeds (in the parent)


def _tiny_clip(path: Path, codec: str, container: str | None, pix_fmt: str) -> bytes:
    import av

    with av.open(str(path), "w", format=container) as out:
        stream = out.add_stream(codec, rate=30)
        assert isinstance(stream, av.VideoStream)
        stream.width, stream.height, stream.pix_fmt = 64, 48, pix_fmt
        for i in range(8):
            img = np.full((48, 64, 3), 30 * i, dtype=np.uint8)
            img[10:30, 20:40] = 255
            for pkt in stream.encode(av.VideoFrame.from_ndarray(img, format="rgb24")):
                out.mux(pkt)
        for pkt in stream.encode():
            out.mux(pkt)
    return path.read_bytes()


def _shared() -> Path:
    from valgus.bench.landing import shared_dir

    return shared_dir()


def _video_seeds(tmp: Path) -> list[bytes]:
    seeds = [
        _tiny_clip(tmp / "a.mp4", "libx264", None, "yuv420p"),
        _tiny_clip(tmp / "b.mkv", "mpeg4", "matroska", "yuv420p"),
        _tiny_clip(tmp / "c.mov", "mjpeg", "mov", "yuvj420p"),
        _tiny_clip(tmp / "d.webm", "libvpx", "webm", "yuv420p"),
    ]
    real = _shared() / "data" / "video" / "frontal-bodyweight-squat.mp4"
    if real.exists():
        seeds.append(real.read_bytes())
    return seeds


def _pose_seeds(tmp: Path) -> list[bytes]:
    from valgus.io.poses import USER_BLOCK_BYTES, save_poses

    ds = _synthetic_poses()
    data = save_poses(ds, tmp / "s.poses.nc").read_bytes()
    return [data, data[USER_BLOCK_BYTES:]]  # with the checksums, and as an older file


def _synthetic_poses() -> xr.Dataset:
    from valgus.schema import KEYPOINTS, make_poses

    n, k = 60, len(KEYPOINTS)
    rng = np.random.default_rng(0)
    t = np.arange(n) / 30.0
    xy = 300 + 100 * rng.random((n, 2, k))
    world = 0.3 * rng.standard_normal((n, 3, k))
    conf = np.full((n, k), 0.9)
    conf[10:15, 3] = 0.0
    xy[10:15, :, 3] = np.nan
    return make_poses(xy, world, conf, t, attrs={"width": 720, "height": 1280, "fps": 30.0})


def _mocap_seeds(tmp: Path) -> tuple[list[bytes], list[bytes], list[bytes]]:
    mocap = _shared() / "data" / "mocap"
    trc = [p.read_bytes() for p in sorted(mocap.glob("*.trc"))]
    mot = [p.read_bytes() for p in sorted(mocap.glob("*.mot"))]
    c3d_seeds: list[bytes] = []
    if trc:
        c3d_seeds.append(_c3d_from_trc(mocap / "DJ4.trc", tmp / "DJ4.c3d"))
    # keep the mutated text files short: the first 60 data rows of each TRC (same header)
    trc = [b"\n".join(d.split(b"\n")[:66]) + b"\n" for d in trc]
    mot = [b"\n".join(d.split(b"\n")[:80]) + b"\n" for d in mot]
    return trc, c3d_seeds, mot


def _c3d_from_trc(trc: Path, path: Path) -> bytes:
    import warnings

    import c3d

    from valgus.io.mocap import read_trc

    m = read_trc(trc)
    writer = c3d.Writer(point_rate=m.rate_hz, point_units="mm  ")
    writer.set_point_labels(list(m.names))
    for frame in m.xyz[:40]:
        points = np.zeros((len(m.names), 5), np.float32)
        seen = np.isfinite(frame).all(axis=1)
        points[seen, :3] = frame[seen] * 1000.0
        points[~seen, 3] = -1.0
        writer.add_frames((points, np.zeros((0, 0), np.float32)))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No analog data", category=UserWarning)
        with path.open("wb") as handle:
            writer.write(handle)
    return path.read_bytes()


def build_seeds(tmp: Path) -> dict[str, list[bytes]]:
    trc, c3d_seeds, mot = _mocap_seeds(tmp)
    return {
        "video": _video_seeds(tmp),
        "poses": _pose_seeds(tmp),
        "trc": trc,
        "c3d": c3d_seeds,
        "mot": mot,
        "answers-toml": [ANSWERS_TOML.encode()],
        "answers-json": [json.dumps(ANSWERS, indent=1).encode()],
        "batch-manifest": [
            b"person,movement,file,date,side,sex,mirrored\n"
            b"ann,squat,ann.mp4,2026-11-02,,female,no\nbob,single-leg-squat,b/bob.mov,,left,,\n"
        ],
        "login-json": [b'{"username": "coach", "password": "secret123456"}'],
        "login-form": [b"username=coach&password=secret123456&csrf=abc&next=%2Fpeople%2F1"],
    }


# ------------------------------------------------------------------ mutations


def mutate(data: bytes, rng: random.Random) -> tuple[bytes, str]:
    """1-4 stacked byte-level mutations of data, and what they were."""
    buf = bytearray(data)
    done = []
    for _ in range(rng.choice((1, 1, 2, 3, 4))):
        if not buf:
            buf = bytearray(rng.choice(_INTERESTING))
        i = rng.randrange(len(buf))
        n = min(len(buf) - i, rng.choice((1, 2, 4, 8, 64, 512)))
        op = rng.choice(("flip", "byte", "interesting", "delete", "repeat", "insert", "cut"))
        if op == "flip":
            buf[i] ^= 1 << rng.randrange(8)
        elif op == "byte":
            buf[i] = rng.randrange(256)
        elif op == "interesting":
            buf[i : i + 1] = rng.choice(_INTERESTING)
        elif op == "delete":
            del buf[i : i + n]
        elif op == "repeat":
            buf[i:i] = buf[i : i + n]
        elif op == "insert":
            buf[i:i] = bytes(rng.randrange(256) for _ in range(n))
        else:
            del buf[i:]
        done.append(f"{op}@{i}" + (f"+{n}" if op in ("delete", "repeat", "insert") else ""))
    return bytes(buf), " ".join(done)


# ------------------------------------------------------------------ running


@dataclass
class ParserReport:
    cases: int = 0
    passed: int = 0  # parsed, or a one-line ValgusError
    errors: Counter[str] = field(default_factory=Counter)  # ValgusError kinds (fine)
    failures: Counter[str] = field(default_factory=Counter)  # exception type, hang, crash
    examples: dict[str, str] = field(default_factory=dict)  # first case of each failure


class _Worker:
    def __init__(self, workdir: str) -> None:
        ctx = mp.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._proc = ctx.Process(target=_worker, args=(child, workdir), daemon=True)
        self._proc.start()

    def run(self, name: str, data: bytes, limit_s: float) -> tuple[str, str, str]:
        self._conn.send((name, PARSERS[name][0], data))
        if not self._conn.poll(limit_s):
            return ("failure", "hang", f"no answer within {limit_s:.0f} s")
        try:
            result: tuple[str, str, str] = self._conn.recv()
        except EOFError:
            return ("failure", "crash", f"worker died (exit code {self._proc.exitcode})")
        return result

    def close(self, *, kill: bool = False) -> None:
        if kill or not self._proc.is_alive():
            self._proc.kill()
        else:
            self._conn.send(None)
        self._proc.join(timeout=5)
        self._conn.close()


def fuzz(
    seconds_per_parser: float,
    *,
    seed: int = 0,
    parsers: list[str] | None = None,
    limit_s: float = CASE_LIMIT_S,
    log: Callable[[str], None] = lambda _m: None,
) -> dict[str, ParserReport]:
    """Run each parser on mutated seeds for about seconds_per_parser; a report per parser."""
    names = parsers or list(PARSERS)
    reports: dict[str, ParserReport] = {}
    with tempfile.TemporaryDirectory(prefix="valgus-fuzz-") as tmp:
        seeds = build_seeds(Path(tmp))
        worker = _Worker(tmp)
        try:
            for name in names:
                rng = random.Random(f"{seed}:{name}")
                report = reports[name] = ParserReport()
                end = time.monotonic() + seconds_per_parser
                while seeds[name] and time.monotonic() < end:
                    data, how = mutate(rng.choice(seeds[name]), rng)
                    outcome, kind, message = worker.run(name, data, limit_s)
                    report.cases += 1
                    if outcome == "failure":
                        report.failures[kind] += 1
                        report.examples.setdefault(kind, f"{how}: {message}")
                        if kind in ("hang", "crash"):
                            worker.close(kill=True)
                            worker = _Worker(tmp)
                    else:
                        report.passed += 1
                        if outcome == "error":
                            report.errors[kind] += 1
                log(f"{name}: {report.cases} cases, {sum(report.failures.values())} failures")
        finally:
            worker.close()
    return reports


def render(reports: dict[str, ParserReport], *, seconds: float, seed: int, took_s: float) -> str:
    lines = [
        "# Fuzzing the file parsers",
        "",
        f"Made by `valgus bench fuzz --seconds {seconds:g} --seed {seed}` on "
        f"{dt.date.today().isoformat()}, {platform.machine()}, Python "
        f"{platform.python_version()}; {took_s:.0f} s. A failure is an exception that is "
        "not a ValgusError (a traceback for the user), a case running past "
        f"{CASE_LIMIT_S:.0f} s (hang) or a dead worker (crash).",
        "",
        "| parser | cases | passed | clean errors (most common) | failures |",
        "|---|---|---|---|---|",
    ]
    for name, r in reports.items():
        common = ", ".join(f"{k} {v}" for k, v in r.errors.most_common(3)) or "-"
        failed = ", ".join(f"{k} {v}" for k, v in r.failures.most_common()) or "0"
        lines.append(f"| {name} | {r.cases} | {r.passed} | {common} | {failed} |")
    examples = [
        f"- {name}, {kind}: {text}"
        for name, r in reports.items()
        for kind, text in r.examples.items()
    ]
    if examples:
        lines += ["", "First case of each failure:", "", *examples]
    return "\n".join(lines) + "\n"


def main(
    out: Path | None, seconds: float, seed: int, log: Callable[[str], None]
) -> tuple[str, int]:
    """The report (Markdown) and the number of failures; seconds shared by all parsers."""
    t0 = time.monotonic()
    reports = fuzz(seconds / len(PARSERS), seed=seed, log=log)
    text = render(reports, seconds=seconds, seed=seed, took_s=time.monotonic() - t0)
    if out is not None:
        out.write_text(text, encoding="utf-8")
    return text, sum(sum(r.failures.values()) for r in reports.values())
