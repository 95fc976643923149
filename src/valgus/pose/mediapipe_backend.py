"""MediaPipe Pose (BlazePose GHUM 3D), full model, from the mediapipe==0.10.21 wheel.

model_complexity=1 is the "full" landmark model shipped inside the wheel
(mediapipe/modules/pose_landmark/pose_landmark_full.tflite). Complexity 2
("heavy") is not shipped and would be downloaded at run time, which cannot
work offline, so it is not offered.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import threading
from collections.abc import Iterator

import numpy as np
from numpy.typing import NDArray

from valgus.pose.base import FramePose

MODEL_NAME = "mediapipe-pose-full-0.10.21"


def _flush_c_stdio() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).fflush(None)


def _quiet_native_logs() -> None:
    # glog/TFLite chatter on stderr is noise for users; set before mediapipe loads.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class _StderrSilencer:
    """Reference-counted redirection of file descriptor 2 to /dev/null.

    Two model instances run in two threads (pose/pipeline.py); each silences stderr
    while its graph starts. Saving and restoring fd 2 per call would let the second
    thread save the already-silenced descriptor and "restore" /dev/null for good, so the
    first entry saves the real stderr, the last exit restores it, under a lock.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved: int | None = None
        self._fd = -1

    def enter(self) -> bool:
        try:
            fd = sys.stderr.fileno()
        except (AttributeError, OSError, ValueError):  # no real stderr (captured in tests)
            return False
        with self._lock:
            if self._depth == 0:
                sys.stderr.flush()
                self._fd = fd
                self._saved = os.dup(fd)
                devnull = os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, fd)
                os.close(devnull)
            self._depth += 1
        return True

    def exit(self) -> None:
        with self._lock:
            self._depth -= 1
            if self._depth == 0 and self._saved is not None:
                _flush_c_stdio()  # C stdio text must land in /dev/null, not later on screen
                os.dup2(self._saved, self._fd)
                os.close(self._saved)
                self._saved = None


_SILENCER = _StderrSilencer()


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Send the C++ side's stderr (absl/TFLite start-up messages) to /dev/null meanwhile.

    Those messages are written by native code straight to file descriptor 2, which
    Python's logging cannot filter. Python exceptions still propagate. Safe across
    threads (see _StderrSilencer).
    """
    entered = _SILENCER.enter()
    try:
        yield
    finally:
        if entered:
            _SILENCER.exit()


class MediaPipePose:
    """Tracks one person through a video (MediaPipe keeps the region of interest)."""

    name = MODEL_NAME

    def __init__(
        self, *, min_detection_confidence: float = 0.5, min_tracking_confidence: float = 0.5
    ) -> None:
        _quiet_native_logs()
        self._found = 0
        with _native_stderr_silenced():
            from mediapipe.python.solutions import pose as mp_pose

            self._pose = mp_pose.Pose(
                static_image_mode=False,
                model_complexity=1,
                smooth_landmarks=False,  # we filter ourselves, zero-phase, with known cut-off
                enable_segmentation=False,
                min_detection_confidence=min_detection_confidence,
                min_tracking_confidence=min_tracking_confidence,
            )
            # One blank frame waits for the graph's threads to start (they log as they do).
            self._pose.process(np.zeros((64, 64, 3), dtype=np.uint8))

    def process(self, rgb: NDArray[np.uint8], /) -> FramePose | None:
        # The graph logs start-up messages when its detector and then its landmark
        # model first run, i.e. around the first frames with a person.
        if self._found < 3:
            with _native_stderr_silenced():
                result = self._pose.process(rgb)
        else:
            result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
        self._found += 1
        lms = result.pose_landmarks.landmark
        wlms = result.pose_world_landmarks.landmark
        xy = np.array([(lm.x, lm.y) for lm in lms], dtype=np.float64)
        vis = np.array([lm.visibility for lm in lms], dtype=np.float64)
        world = np.array([(lm.x, lm.y, lm.z) for lm in wlms], dtype=np.float64)
        return FramePose(xy, world, vis)

    def close(self) -> None:
        self._pose.close()

    def __enter__(self) -> MediaPipePose:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
