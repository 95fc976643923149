"""Killing `valgus serve` in the middle of an analysis loses nothing: its worker dies with
it, and on the next start the job runs again and completes."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

pytestmark = pytest.mark.integration


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _valgus() -> str:
    exe = shutil.which("valgus", path=str(Path(sys.executable).parent)) or shutil.which("valgus")
    assert exe, "the valgus command is not installed"
    return exe


class Server:
    def __init__(self, root: Path, port: int) -> None:
        self.root, self.port = root, port
        self.env = os.environ | {
            "VALGUS_DATABASE_URL": f"sqlite:///{root / 'history.sqlite3'}",
            "VALGUS_DATA_DIR": str(root / "data"),
        }
        self.proc: subprocess.Popen[bytes] | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [_valgus(), "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        end = time.monotonic() + 60
        while time.monotonic() < end:
            try:
                urllib.request.urlopen(self.url("/api/people"), timeout=2).read()
                return
            except OSError:
                time.sleep(0.3)
        raise AssertionError("valgus serve did not answer within 60 s")

    def kill(self) -> None:
        assert self.proc is not None
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(20)

    def get(self, path: str) -> Any:
        with urllib.request.urlopen(self.url(path), timeout=10) as r:
            return json.loads(r.read())

    def upload(self, video: Path) -> str:
        boundary = uuid.uuid4().hex
        body = (
            (
                f'--{boundary}\r\nContent-Disposition: form-data; name="movement"\r\n\r\nsquat\r\n'
                f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
                f'filename="{video.name}"\r\nContent-Type: video/mp4\r\n\r\n'
            ).encode()
            + video.read_bytes()
            + f"\r\n--{boundary}--\r\n".encode()
        )
        req = urllib.request.Request(
            self.url("/api/analyses"),
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
            method="POST",
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            assert r.status == 202
            return str(json.loads(r.read())["id"])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    s = Server(tmp_path, _free_port())
    yield s
    s.stop()


def _workers_alive(root: Path) -> list[int]:
    """Worker processes still running for this server's data folder."""
    out = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes()
        except OSError:
            continue
        if b"multiprocessing" in cmd and str(root).encode() in (proc / "environ").read_bytes():
            out.append(int(proc.name))
    return out


def test_a_job_cut_off_by_a_killed_server_completes_after_the_restart(
    server: Server, tmp_path: Path
) -> None:
    video = tmp_path / "squat.mp4"
    render_squat(
        video,
        SquatParams(reps=3, rep_s=2.0, valgus_left_deg=20.0, seed=5),
        CameraParams(width_px=540, height_px=960),
        RenderParams(seed=5),
    )
    server.start()
    job_id = server.upload(video)
    end = time.monotonic() + 120
    while server.get(f"/api/analyses/{job_id}")["progress"] < 0.2:  # mid-way through
        assert time.monotonic() < end, "the job never started"
        time.sleep(0.2)
    server.kill()
    time.sleep(2)
    assert _workers_alive(tmp_path) == []  # the worker died with its server
    server.start()
    end = time.monotonic() + 240
    job = server.get(f"/api/analyses/{job_id}")
    while job["status"] in ("queued", "running"):
        assert time.monotonic() < end, job
        time.sleep(1)
        job = server.get(f"/api/analyses/{job_id}")
    assert job["status"] == "done", job
    assert job["result"]["summary"]["left"]["valgus"] in ("mild", "marked")
    assert not list((tmp_path / "data" / "uploads").glob("*"))  # the video went once done
