"""Video -> per-frame landmarks, fast: decode beside the model, sample still stretches.

Two things make this faster than decoding and running the model one frame after the other:

1. Decoding runs in its own thread (FFmpeg's own threads inside it) and hands frames to
   the model through a small bounded queue, so decoding overlaps inference and memory
   stays flat whatever the video's length.
2. While the person stands still (before, between and after the reps) the model runs on
   one frame every ``IDLE_STEP_S`` only; the frames in between are filled by linear
   interpolation between the two samples around them, and are never converted to RGB
   (conversion costs more than decoding). As soon as the hips, knees or ankles move by
   more than ``STILL_LEG_FRACTION`` of leg length between two samples, the frames
   skipped since the previous sample are run through the model in order (back-fill from
   a small ring buffer), and the model runs on every frame again until the body has been
   still for ``IDLE_STEP_S``. Every frame of every movement is thus seen by the model;
   interpolated frames are frames where the body moved less than that fraction.

MediaPipe tracks the person from frame to frame (static_image_mode=False); samples
0.2 s apart of someone standing still stay within its tracking region. When a sample
reveals motion, the model is shown the previous (still) sample again, then the skipped
frames, then the moving frame again, so from the last still sample on it tracks every
frame from its true predecessor, as the naive loop does.
"""

from __future__ import annotations

import ctypes
import queue
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np

from valgus.io.video import DecodedFrame, iter_decoded, iter_frames
from valgus.pose.base import FramePose, PoseEstimator
from valgus.schema import KEYPOINTS

# Model rate while still: 5 samples a second. A rep takes >= 1 s, and the frames between
# the last still sample and the first moving one are back-filled, so none is missed.
IDLE_STEP_S = 0.2
# Still = no hip, knee or ankle moved more than this (leg lengths, ~2.5 cm) in IDLE_STEP_S.
# MediaPipe's landmark jitter on a still person is ~0.5-1 % of leg length; a rep needs a
# hip drop of 12 % (valgus.kinematics.reps.MIN_REP_DEPTH).
STILL_LEG_FRACTION = 0.03
# Frames decoded ahead of the model: enough to ride out uneven decode times.
QUEUE_FRAMES = 6

_MOTION_KEYPOINTS = [
    KEYPOINTS.index(f"{side}_{part}")
    for side in ("left", "right")
    for part in ("hip", "knee", "ankle")
]
_HIPS = [KEYPOINTS.index("left_hip"), KEYPOINTS.index("right_hip")]
_ANKLES = [KEYPOINTS.index("left_ankle"), KEYPOINTS.index("right_ankle")]

F = TypeVar("F")


@dataclass(frozen=True)
class PoseSample:
    """One frame's landmarks; interpolated = filled between two model samples, not modelled."""

    time_s: float
    pose: FramePose | None
    interpolated: bool = False


def moved_leg_fraction(a: FramePose, b: FramePose, /, *, aspect: float) -> float:
    """Largest hip, knee or ankle displacement from a to b, in leg lengths.

    aspect: frame width / height (xy_norm is normalised per axis). Leg length is the
    mean hip-ankle distance of both legs in a. NaN landmarks count as infinite motion.
    """
    scale = np.array([aspect, 1.0])
    pa, pb = a.xy_norm * scale, b.xy_norm * scale
    leg = float(np.mean(np.linalg.norm(pa[_HIPS] - pa[_ANKLES], axis=1)))
    step = np.linalg.norm(pb[_MOTION_KEYPOINTS] - pa[_MOTION_KEYPOINTS], axis=1)
    if not (np.all(np.isfinite(step)) and leg > 0):
        return float("inf")
    return float(step.max() / leg)


def interpolate_poses(a: FramePose, b: FramePose, weights: Iterable[float], /) -> list[FramePose]:
    """Poses at fractions w in [0, 1] of the way from a to b (linear in every array)."""

    def mix(x: np.ndarray, y: np.ndarray, w: float) -> np.ndarray:
        return (1.0 - w) * x + w * y

    return [
        FramePose(
            mix(a.xy_norm, b.xy_norm, w),
            mix(a.world_m, b.world_m, w),
            mix(a.visibility, b.visibility, w),
        )
        for w in weights
    ]


def _is_still(poses: Iterable[FramePose | None], *, aspect: float, still: float) -> bool:
    window = list(poses)
    last = window[-1]
    if last is None or any(p is None for p in window):
        return False
    return all(moved_leg_fraction(p, last, aspect=aspect) < still for p in window[:-1] if p)


def schedule_poses(
    frames: Iterable[tuple[float, F]],
    estimate: Callable[[F], FramePose | None],
    /,
    *,
    stride: int,
    aspect: float,
    still_fraction: float = STILL_LEG_FRACTION,
    on_idle: Callable[[bool], None] | None = None,
) -> Iterator[PoseSample]:
    """Run `estimate` on every frame while the body moves, on every `stride`-th while still.

    frames: (time_s, frame) in order. Yields one PoseSample per frame, in frame order.
    on_idle(True/False) is told when sampling starts/stops (e.g. to stop converting frames
    ahead). If the frame iterator raises, the frames already taken are yielded first.
    """
    recent: deque[FramePose | None] = deque(maxlen=max(stride, 1) + 1)
    skipped: list[tuple[float, F]] = []  # ring buffer: frames since the last still sample
    key: tuple[float, FramePose] | None = None  # last still sample (time, pose)
    key_frame: F | None = None  # and its frame, to re-seed tracking before a back-fill
    it = iter(frames)
    while True:
        try:
            t, frame = next(it)
        except StopIteration:
            break
        except Exception:
            yield from _backfill(skipped, estimate)
            raise
        if key is not None and len(skipped) < stride - 1:
            skipped.append((t, frame))
            continue
        pose = estimate(frame)
        if key is not None:
            if (
                pose is not None
                and moved_leg_fraction(key[1], pose, aspect=aspect) < still_fraction
            ):
                yield from _interpolated(key, skipped, (t, pose))
                yield PoseSample(t, pose)
                key, key_frame, skipped = (t, pose), frame, []
                continue
            # Motion (or the person was lost): show the model the last still sample again,
            # then the skipped frames and this one, so it tracks them in their true order.
            assert key_frame is not None
            estimate(key_frame)
            yield from _backfill(skipped, estimate)
            skipped, key, key_frame = [], None, None
            recent.clear()
            pose = estimate(frame)
            if on_idle is not None:
                on_idle(False)
        yield PoseSample(t, pose)
        recent.append(pose)
        if (
            stride > 1
            and len(recent) == recent.maxlen
            and _is_still(recent, aspect=aspect, still=still_fraction)
        ):
            assert pose is not None
            key, key_frame = (t, pose), frame
            if on_idle is not None:
                on_idle(True)
    yield from _backfill(skipped, estimate)


def _backfill(
    skipped: list[tuple[float, F]], estimate: Callable[[F], FramePose | None]
) -> Iterator[PoseSample]:
    for t, frame in skipped:
        yield PoseSample(t, estimate(frame))


def _interpolated(
    a: tuple[float, FramePose], skipped: list[tuple[float, F]], b: tuple[float, FramePose]
) -> Iterator[PoseSample]:
    if not skipped:
        return
    span = b[0] - a[0]
    weights = [(t - a[0]) / span for t, _ in skipped]
    for (t, _), pose in zip(skipped, interpolate_poses(a[1], b[1], weights), strict=True):
        yield PoseSample(t, pose, interpolated=True)


_END = object()
# Frame buffers are allocated in one thread and freed in another. glibc raises its mmap
# threshold after the first large free, so later frame-sized blocks come from per-thread
# arenas whose freed memory is kept: the process then grows with video length (measured:
# 1.4 GB at 1 min, 2.2 GB at 10 min of 1080p). Fixing the threshold at its default keeps
# frame buffers mmapped and returned on free (docs/speed.md).
MMAP_THRESHOLD_BYTES = 128 * 1024
_M_MMAP_THRESHOLD = -3  # glibc <malloc.h>


def _keep_frame_buffers_mmapped() -> None:
    """Process-wide glibc setting (no-op elsewhere); set when a pipeline starts."""
    if not sys.platform.startswith("linux"):
        return
    try:
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)
    except (OSError, AttributeError):
        return


def decode_in_thread(
    path: Path,
    /,
    *,
    max_side_px: int | None,
    convert: threading.Event,
    start_s: float = 0.0,
    end_s: float = np.inf,
    queue_frames: int = QUEUE_FRAMES,
) -> Iterator[DecodedFrame]:
    """Decode in a background thread; yield frames through a bounded queue.

    While `convert` is set the thread also converts each frame to RGB before handing it
    over (overlapping conversion with the model); otherwise conversion is left to the
    consumer, which does it only for frames it uses. Decoding errors reach the consumer
    after the frames decoded before them.
    """
    q: queue.Queue[object] = queue.Queue(maxsize=queue_frames)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                q.put(item, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def run() -> None:
        try:
            frames = iter_decoded(path, max_side_px=max_side_px, start_s=start_s, end_s=end_s)
            for frame in frames:
                if convert.is_set():
                    frame.rgb()
                if not put(frame):
                    return
        except BaseException as err:  # handed to the consumer, which re-raises it
            put(err)
            return
        put(_END)

    thread = threading.Thread(target=run, name="valgus-decode", daemon=True)
    thread.start()
    try:
        while True:
            item = q.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            assert isinstance(item, DecodedFrame)
            yield item
    finally:
        stop.set()
        thread.join()


def pipeline_samples(
    path: Path,
    estimators: Sequence[PoseEstimator],
    /,
    *,
    fps: float,
    aspect: float,
    duration_s: float,
    max_side_px: int | None,
    idle_step_s: float = IDLE_STEP_S,
) -> Iterator[PoseSample]:
    """Landmarks of every frame of the video (threaded decode + still-stretch sampling).

    With several estimators the video is cut into as many equal stretches, each decoded
    and tracked by its own estimator in its own thread (the first in the caller's); the
    later stretches' landmarks are held until the earlier ones are yielded.
    """
    _keep_frame_buffers_mmapped()
    stride = max(1, round(idle_step_s * fps)) if fps > 0 else 1
    n = len(estimators) if duration_s > 0 else 1
    cuts = [0.0] + [duration_s * k / n for k in range(1, n)] + [np.inf]
    workers = [
        _StretchWorker(path, est, cuts[k], cuts[k + 1], stride, aspect, max_side_px)
        for k, est in enumerate(estimators[1:n], start=1)
    ]
    for w in workers:
        w.start()
    try:
        first = _stretch_samples(
            path, estimators[0], 0.0, cuts[1], stride=stride, aspect=aspect, max_side_px=max_side_px
        )
        yield from first
        for w in workers:
            w.join()
            yield from w.samples
            if w.error is not None:
                raise w.error
    finally:
        for w in workers:
            w.stop.set()
            w.join()


def _stretch_samples(
    path: Path,
    estimator: PoseEstimator,
    start_s: float,
    end_s: float,
    /,
    *,
    stride: int,
    aspect: float,
    max_side_px: int | None,
    stop: threading.Event | None = None,
) -> Iterator[PoseSample]:
    convert = threading.Event()
    convert.set()
    decoded = decode_in_thread(
        path, max_side_px=max_side_px, convert=convert, start_s=start_s, end_s=end_s
    )
    frames = ((d.time_s, d) for d in decoded if stop is None or not stop.is_set())

    def on_idle(idle: bool) -> None:
        if idle:
            convert.clear()
        else:
            convert.set()

    try:
        yield from schedule_poses(
            frames,
            lambda d: estimator.process(d.rgb()),
            stride=stride,
            aspect=aspect,
            on_idle=on_idle,
        )
    finally:
        decoded.close()


class _StretchWorker(threading.Thread):
    """Tracks one stretch of the video in a thread; keeps its samples (landmarks only)."""

    def __init__(
        self,
        path: Path,
        estimator: PoseEstimator,
        start_s: float,
        end_s: float,
        stride: int,
        aspect: float,
        max_side_px: int | None,
    ) -> None:
        super().__init__(name="valgus-pose-stretch", daemon=True)
        self.samples: list[PoseSample] = []
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self._args = (path, estimator, start_s, end_s)
        self._opts = {"stride": stride, "aspect": aspect, "max_side_px": max_side_px}

    def run(self) -> None:
        try:
            for sample in _stretch_samples(*self._args, **self._opts, stop=self.stop):
                self.samples.append(sample)
        except BaseException as err:  # re-raised by the consumer after the earlier frames
            self.error = err


def naive_samples(
    path: Path, estimator: PoseEstimator, /, *, max_side_px: int | None
) -> Iterator[PoseSample]:
    """The plain loop: decode, convert, run the model, frame after frame (for comparison)."""
    for t, rgb in iter_frames(path, max_side_px=max_side_px):
        yield PoseSample(t, estimator.process(rgb))
