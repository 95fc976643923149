"""`valgus bench live`: latency and frame rate of live feedback, on loopback, in one run.

A `valgus serve` process is started on a free port; a client sends the frames of a rendered
squat (the left knee caving in) over the Live page's WebSocket in real time, as the page does
(JPEG at quality 0.8, the longer side 640 px, 30 frames a second), and times each answer:
latency = the frame's send time to the answer's arrival (what the page adds on top, drawing
the overlay, is under a millisecond). At the end it saves the set and waits for the saved
analysis, so the live verdicts can be compared with the analysis of the same frames.

Goals (issue "Live camera feedback"): median latency <= 100 ms, p95 <= 200 ms, >= 20 frames a
second processed, on this 2-core machine.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from valgus.bench.speed import into_page

SEND_FPS = 30.0
MAX_SIDE = 640
JPEG_QUALITY = 80
HEADER = struct.Struct("<d")


@dataclass
class LiveRun:
    label: str
    sent: int = 0
    latencies_ms: list[float] = field(default_factory=list)
    processed_fps: list[float] = field(default_factory=list)
    reps: int = 0
    rep_verdicts: list[tuple[str, str]] = field(default_factory=list)
    setups: list[str] = field(default_factory=list)
    dropped: int = 0
    saved: dict[str, Any] | None = None
    duration_s: float = 0.0


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def jpeg_frames(video: Path, /) -> list[bytes]:
    """The video's frames as the page sends them: longer side <= 640 px, JPEG quality 80."""
    import cv2

    from valgus.io.video import iter_frames

    out = []
    for _, rgb in iter_frames(video):
        h, w = rgb.shape[:2]
        scale = min(1.0, MAX_SIDE / max(h, w))
        size = (round(w * scale / 2) * 2, round(h * scale / 2) * 2)
        small = cv2.resize(rgb, size, interpolation=cv2.INTER_AREA) if scale < 1 else rgb
        ok, buf = cv2.imencode(
            ".jpg", cv2.cvtColor(small, cv2.COLOR_RGB2BGR), [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY]
        )
        assert ok
        out.append(bytes(buf))
    return out


class Server:
    """`valgus serve` on a free loopback port, its own data folder and database."""

    def __init__(self, root: Path) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {k: v for k, v in os.environ.items() if k != "VALGUS_TOKEN"} | {
            "VALGUS_DATABASE_URL": f"sqlite:///{root / 'history.sqlite3'}",
            "VALGUS_DATA_DIR": str(root / "data"),
        }
        self.log = root / "server.log"
        valgus = str(Path(sys.executable).parent / "valgus")
        with self.log.open("wb") as out:
            self.process = subprocess.Popen(
                [valgus, "serve", "--port", str(self.port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        deadline = time.monotonic() + 90
        while True:
            if self.process.poll() is not None:
                raise RuntimeError(f"valgus serve exited: {self.log.read_text()}")
            try:
                with urllib.request.urlopen(self.url + "/", timeout=5):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError("valgus serve did not answer in 90 s") from None
                time.sleep(0.3)

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url + path, timeout=30) as r:
            return json.loads(r.read())

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()


def live_set(
    server: Server, frames: list[bytes], label: str, *, save: bool = True, fps: float = SEND_FPS
) -> LiveRun:
    """Send the frames in real time over /live/ws; time every answer; save the set."""
    from websockets.sync.client import connect

    run = LiveRun(label)
    sent_at: dict[float, float] = {}
    from websockets.typing import Origin

    with connect(
        f"ws://127.0.0.1:{server.port}/live/ws",
        origin=Origin(f"http://127.0.0.1:{server.port}"),
        max_size=2**22,
    ) as ws:
        ws.send(json.dumps({"type": "hello", "movement": "squat"}))
        ready = json.loads(ws.recv(timeout=60))
        if ready.get("type") != "ready":
            raise RuntimeError(f"live session did not start: {ready}")
        done = threading.Event()
        errors: list[str] = []

        def receive() -> None:
            while not done.is_set():
                try:
                    msg = json.loads(ws.recv(timeout=0.5))
                except TimeoutError:
                    continue
                except Exception:
                    return
                now = time.perf_counter() * 1000
                if msg["type"] == "frame":
                    if msg["t"] in sent_at:
                        run.latencies_ms.append(now - sent_at[msg["t"]])
                    run.processed_fps.append(float(msg["fps"]))
                    run.reps = int(msg["reps"])
                    run.dropped = int(msg["dropped"])
                    run.setups.append(str(msg["setup"]))
                elif msg["type"] == "rep":
                    run.rep_verdicts.append((msg["left"], msg["right"]))
                elif msg["type"] == "saved":
                    run.saved = {"id": msg["id"]}
                    done.set()
                elif msg["type"] == "error" and msg.get("code") != "bad_frame":
                    errors.append(str(msg.get("message")))
                    done.set()

        reader = threading.Thread(target=receive, daemon=True)
        reader.start()
        t0 = time.perf_counter()
        for k, jpeg in enumerate(frames):
            if done.is_set():  # the server saved the set by itself (standing still)
                break
            wait = t0 + k / fps - time.perf_counter()
            if wait > 0:
                time.sleep(wait)
            t_ms = time.perf_counter() * 1000
            sent_at[t_ms] = t_ms
            ws.send(HEADER.pack(t_ms) + jpeg)
            run.sent += 1
        run.duration_s = time.perf_counter() - t0
        time.sleep(1.5)  # the judgement of the last rep
        if save and not done.is_set():
            ws.send(json.dumps({"type": "save"}))
            done.wait(120)
        done.set()
        reader.join(5)
        if errors:
            raise RuntimeError(f"the live set ended with an error: {errors[0]}")
    if run.saved is not None:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            job = server.get(f"/api/analyses/{run.saved['id']}")
            if job["status"] not in ("queued", "running"):
                run.saved = job
                break
            time.sleep(1)
    return run


def _verdicts(job: dict[str, Any] | None) -> str:
    if job is None:
        return "- (not saved in this run)"
    if job.get("status") != "done":
        return f"not saved ({(job or {}).get('status', 'none')})"
    s = job["result"]["summary"]
    return f"{s['left']['valgus']}, {s['right']['valgus']}; {len(job['result']['reps'])} reps"


def report(runs: list[LiveRun], command: str) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Made by `{command}` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {when}.",
        "",
        "| run | frames sent | answered | dropped as stale | processed fps (median) | "
        "latency ms median / p95 / max | live reps; last rep L, R | saved analysis L, R; reps |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in runs:
        lat = np.asarray(r.latencies_ms) if r.latencies_ms else np.asarray([np.nan])
        fps = (
            float(np.median(r.processed_fps[len(r.processed_fps) // 4 :])) if r.processed_fps else 0
        )
        last = r.rep_verdicts[-1] if r.rep_verdicts else ("-", "-")
        lines.append(
            f"| {r.label} | {r.sent} | {len(r.latencies_ms)} | {r.dropped} | {fps:.1f} | "
            f"{np.median(lat):.0f} / {np.percentile(lat, 95):.0f} / {lat.max():.0f} | "
            f"{r.reps}; {last[0]}, {last[1]} | {_verdicts(r.saved)} |"
        )
    main = runs[0]
    lat = np.asarray(main.latencies_ms) if main.latencies_ms else np.asarray([np.inf])
    fps = (
        float(np.median(main.processed_fps[len(main.processed_fps) // 4 :]))
        if main.processed_fps
        else 0
    )
    goals = [
        ("median latency <= 100 ms", float(np.median(lat)) <= 100),
        ("p95 latency <= 200 ms", float(np.percentile(lat, 95)) <= 200),
        (">= 20 frames a second processed", fps >= 20),
    ]
    lines += [
        "",
        "Goals (first run): "
        + "; ".join(f"{g}: {'met' if ok else 'NOT met'}" for g, ok in goals)
        + ".",
    ]
    return "\n".join(lines) + "\n"


def render_squat_clip(path: Path, *, reps: int = 3) -> Path:
    from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

    render_squat(
        path,
        SquatParams(
            reps=reps,
            rep_s=2.5,
            valgus_left_deg=25.0,
            pause_before_s=2.0,
            pause_after_s=2.0,
            seed=3,
        ),
        CameraParams(width_px=720, height_px=1280, distance_m=3.0),
        RenderParams(seed=3),
    )
    return path


def main(out: Path | None, video: Path | None, progress: Callable[[str], None]) -> str:
    command = (
        "valgus bench live"
        + (f" --video {video}" if video else "")
        + (f" --out {out}" if out else "")
    )
    with tempfile.TemporaryDirectory(prefix="valgus-bench-live-") as tmp:
        root = Path(tmp)
        if video is None:
            progress("rendering a 3-rep squat, the left knee caving in 25 deg (720x1280)")
            video = render_squat_clip(root / "squat.mp4")
        frames = jpeg_frames(video)
        progress(f"starting valgus serve; sending {len(frames)} frames at 30 a second")
        server = Server(root)
        try:
            runs = [live_set(server, frames, f"{video.name}, 30 fps in")]
            progress("the same frames at 60 a second: more than the model can take")
            runs.append(
                live_set(
                    server, frames, "the same at 60 fps in (back-pressure)", save=False, fps=60
                )
            )
            progress("again at 30 a second, with another process keeping one core busy")
            burner = subprocess.Popen(
                [sys.executable, "-c", "while True: pass"], stdout=subprocess.DEVNULL
            )
            try:
                runs.append(
                    live_set(server, frames, "the same, one core busy elsewhere", save=False)
                )
            finally:
                burner.kill()
        finally:
            server.stop()
    text = report(runs, command)
    if out is not None:
        out.write_text(into_page(out.read_text() if out.exists() else "", text, bench="live"))
    return text
