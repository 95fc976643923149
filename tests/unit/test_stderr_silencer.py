"""The native-stderr silencer used while MediaPipe graphs start, from two threads."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from valgus.pose.mediapipe_backend import _StderrSilencer


def _target(fd: int) -> str:
    return os.readlink(f"/proc/self/fd/{fd}")


@pytest.mark.skipif(not Path("/proc/self/fd").exists(), reason="needs /proc (Linux)")
def test_overlapping_silences_restore_the_real_stderr(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = (tmp_path / "stderr.txt").open("w")
    monkeypatch.setattr(sys, "stderr", log)
    fd = log.fileno()
    real = _target(fd)
    s = _StderrSilencer()
    # Thread A enters, thread B enters, A leaves, B leaves: the order that used to leave
    # /dev/null in place for good.
    assert s.enter() and s.enter()
    assert _target(fd) == os.devnull
    s.exit()
    assert _target(fd) == os.devnull  # B still starting its graph
    s.exit()
    assert _target(fd) == real
    log.close()
