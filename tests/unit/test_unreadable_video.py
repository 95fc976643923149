"""A video the user may not read is one clear line, not a traceback. Root reads anything, so
as root the attempt runs in a forked child that becomes `nobody`."""

from __future__ import annotations

import multiprocessing as mp
import os
import shutil
import tempfile
from pathlib import Path

from valgus.errors import VideoReadError
from valgus.io.video import probe
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat


def _probe_in_child(path: str, queue: mp.Queue[str], uid: int | None) -> None:
    if uid is not None:
        os.setgid(uid)
        os.setuid(uid)
    try:
        probe(Path(path))
        queue.put("read")
    except VideoReadError as err:
        queue.put(f"VideoReadError: {err}")
    except BaseException as err:
        queue.put(f"{type(err).__name__}: {err}")


def test_a_video_without_read_permission_is_one_line() -> None:
    base = Path(tempfile.mkdtemp())
    try:
        base.chmod(0o755)
        video = base / "private.mp4"
        render_squat(
            video,
            SquatParams(reps=1, rep_s=1.0),
            CameraParams(width_px=96, height_px=160),
            RenderParams(seed=1),
        )
        video.chmod(0o000)
        ctx = mp.get_context("fork")
        queue: mp.Queue[str] = ctx.Queue()
        uid = 65534 if os.geteuid() == 0 else None
        child = ctx.Process(target=_probe_in_child, args=(str(video), queue, uid))
        child.start()
        said = queue.get(timeout=60)
        child.join(30)
        assert said.startswith(f"VideoReadError: {video} cannot be read: permission denied"), said
    finally:
        shutil.rmtree(base)
