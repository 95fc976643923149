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
   still for ``IDLE_ENTER_S``. Every frame of every movement is thus seen by the model;
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
from collections.abc import Callable, Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
from numpy.typing import NDArray

from valgus.io.video import DecodedFrame, iter_decoded, iter_frames
from valgus.pose.base import FramePose, PoseEstimator
from valgus.schema import KEYPOINTS

# Model rate while still: 5 samples a second. A rep takes >= 1 s, and the frames between
# the last still sample and the first moving one are back-filled, so none is missed.
IDLE_STEP_S = 0.2
# Sampling starts only after this long without motion. Over 0.2 s the bottom of a smooth
# rep looks still (measured: all 6 bottoms of a rendered single-leg squat, hip drop ~20 %
# of leg length, 2.5 s per rep); over 0.4 s none did. 0.5 s keeps rep bottoms modelled.
IDLE_ENTER_S = 0.5
# Seconds a later model instance tracks before its cut (landmarks dropped), so that its
# tracking has a history there. Off: measured (docs/speed.md) 1 s of warm-up halves the
# landmark gap to the naive loop in the first seconds after the cut (~1.5 -> ~0.7 px) but
# did not bring FPPA at the bottoms closer (gaps 0.3-1.1 deg either way, tracking noise),
# and cost up to 16 % of the speed (60 extra frames on a 6 s 4K60 clip).
WARMUP_S = 0.0
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

    def mix(x: NDArray[np.float64], y: NDArray[np.float64], w: float) -> NDArray[np.float64]:
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
    still_frames: int | None = None,
    still_fraction: float = STILL_LEG_FRACTION,
    on_idle: Callable[[bool], None] | None = None,
) -> Generator[PoseSample, None, None]:
    """Run `estimate` on every frame while the body moves, on every `stride`-th while still.

    frames: (time_s, frame) in order. Yields one PoseSample per frame, in frame order.
    Sampling starts once `still_frames` (default: stride) frames in a row moved less than
    still_fraction of leg length from the latest one.
    on_idle(True/False) is told when sampling starts/stops (e.g. to stop converting frames
    ahead). If the frame iterator raises, the frames already taken are yielded first.
    """
    recent: deque[FramePose | None] = deque(maxlen=max(still_frames or stride, 1) + 1)
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
) -> Generator[PoseSample, None, None]:
    for t, frame in skipped:
        yield PoseSample(t, estimate(frame))


def _interpolated(
    a: tuple[float, FramePose], skipped: list[tuple[float, F]], b: tuple[float, FramePose]
) -> Generator[PoseSample, None, None]:
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
) -> Generator[DecodedFrame, None, None]:
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
    idle_enter_s: float = IDLE_ENTER_S,
    warmup_s: float = WARMUP_S,
) -> Generator[PoseSample, None, None]:
    """Landmarks of every frame of the video (threaded decode + still-stretch sampling).

    With several estimators the video is cut into as many stretches, each decoded and
    tracked by its own estimator in its own thread (the first in the caller's); the later
    stretches' landmarks are held until the earlier ones are yielded. Each later estimator
    first tracks the `warmup_s` before its cut (those landmarks are dropped); the cuts are
    placed so that every estimator gets the same number of frames, warm-up included.
    """
    _keep_frame_buffers_mmapped()
    stride = max(1, round(idle_step_s * fps)) if fps > 0 else 1
    opts = _StretchOpts(stride, max(stride, round(idle_enter_s * fps)), aspect, max_side_px)
    cuts = stretch_cuts(duration_s, len(estimators), warmup_s=warmup_s)
    n = len(cuts) - 1
    workers = [
        _StretchWorker(path, est, cuts[k], cuts[k + 1], max(0.0, cuts[k] - warmup_s), opts)
        for k, est in enumerate(estimators[1:n], start=1)
    ]
    for w in workers:
        w.start()
    try:
        first = _stretch_samples(path, estimators[0], 0.0, cuts[1], opts)
        yield from first
        for w in workers:
            w.join()
            yield from w.samples.samples()
            if w.error is not None:
                raise w.error
    finally:
        for w in workers:
            w.stop.set()
            w.join()


def stretch_cuts(duration_s: float, n: int, /, *, warmup_s: float) -> list[float]:
    """Cut times [0, c1, ..., inf] for n estimators, each later one also tracking the
    warmup_s before its cut: every stretch then costs (duration + (n-1) warm-up) / n."""
    if n <= 1 or duration_s <= 0:
        return [0.0, np.inf]
    work = (duration_s + (n - 1) * warmup_s) / n
    return [0.0] + [k * work - (k - 1) * warmup_s for k in range(1, n)] + [np.inf]


@dataclass(frozen=True)
class _StretchOpts:
    stride: int
    still_frames: int
    aspect: float
    max_side_px: int | None


def _stretch_samples(
    path: Path,
    estimator: PoseEstimator,
    start_s: float,
    end_s: float,
    opts: _StretchOpts,
    /,
    *,
    decode_from_s: float | None = None,
    stop: threading.Event | None = None,
) -> Generator[PoseSample, None, None]:
    """Samples of the frames in [start_s, end_s); tracking starts at decode_from_s."""
    convert = threading.Event()
    convert.set()
    from_s = start_s if decode_from_s is None else decode_from_s
    decoded = decode_in_thread(
        path, max_side_px=opts.max_side_px, convert=convert, start_s=from_s, end_s=end_s
    )
    frames = ((d.time_s, d) for d in decoded if stop is None or not stop.is_set())

    def on_idle(idle: bool) -> None:
        if idle:
            convert.clear()
        else:
            convert.set()

    samples = schedule_poses(
        frames,
        lambda d: estimator.process(d.rgb()),
        stride=opts.stride,
        still_frames=opts.still_frames,
        aspect=opts.aspect,
        on_idle=on_idle,
    )
    try:
        yield from (s for s in samples if s.time_s >= start_s)
    finally:
        samples.close()
        decoded.close()


class LandmarkBuffer:
    """Per-frame samples in preallocated chunks: ~1.6 KB a frame and no per-frame objects.

    One row a frame: time, interpolated, found, xy (33x2), world (33x3), visibility (33).
    Per-frame arrays and their Python objects cost ~4x that, and freed one by one among
    frame buffers they fragment the heap.
    """

    CHUNK_FRAMES = 1024
    _N = len(KEYPOINTS)
    _XY = slice(3, 3 + 2 * _N)
    _WORLD = slice(3 + 2 * _N, 3 + 5 * _N)
    _VIS = slice(3 + 5 * _N, 3 + 6 * _N)

    def __init__(self) -> None:
        self._chunks: list[NDArray[np.float64]] = []
        self._n = 0

    def __len__(self) -> int:
        return self._n

    def append(self, sample: PoseSample, /) -> None:
        k = self._n % self.CHUNK_FRAMES
        if k == 0:
            self._chunks.append(np.empty((self.CHUNK_FRAMES, 3 + 6 * self._N)))
        row = self._chunks[-1][k]
        row[0], row[1] = sample.time_s, sample.interpolated
        pose = sample.pose
        if pose is None:
            row[2] = 0.0
            row[self._XY] = row[self._WORLD] = np.nan
            row[self._VIS] = 0.0
        else:
            row[2] = 1.0
            row[self._XY] = pose.xy_norm.ravel()
            row[self._WORLD] = pose.world_m.ravel()
            row[self._VIS] = pose.visibility
        self._n += 1

    def rows(self) -> NDArray[np.float64]:
        """All rows, (frames, columns), one copy."""
        if not self._chunks:
            return np.empty((0, 3 + 6 * self._N))
        return np.concatenate(self._chunks)[: self._n]

    def last_time_s(self) -> float:
        k = (self._n - 1) % self.CHUNK_FRAMES
        return float(self._chunks[-1][k, 0])

    def samples(self) -> Iterator[PoseSample]:
        """The samples back, in order (landmarks are copies)."""
        for i in range(self._n):
            row = self._chunks[i // self.CHUNK_FRAMES][i % self.CHUNK_FRAMES]
            pose = (
                FramePose(
                    row[self._XY].reshape(self._N, 2).copy(),
                    row[self._WORLD].reshape(self._N, 3).copy(),
                    row[self._VIS].copy(),
                )
                if row[2]
                else None
            )
            yield PoseSample(float(row[0]), pose, bool(row[1]))

    @classmethod
    def columns(
        cls, rows: NDArray[np.float64]
    ) -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]:
        """time (T,), xy (T, 33, 2), world (T, 33, 3), visibility (T, 33) of rows()."""
        n = rows.shape[0]
        return (
            rows[:, 0],
            rows[:, cls._XY].reshape(n, cls._N, 2),
            rows[:, cls._WORLD].reshape(n, cls._N, 3),
            rows[:, cls._VIS],
        )


class _StretchWorker(threading.Thread):
    """Tracks one stretch of the video in a thread; keeps its samples (landmarks only)."""

    def __init__(
        self,
        path: Path,
        estimator: PoseEstimator,
        start_s: float,
        end_s: float,
        decode_from_s: float,
        opts: _StretchOpts,
    ) -> None:
        super().__init__(name="valgus-pose-stretch", daemon=True)
        self.samples = LandmarkBuffer()
        self.error: BaseException | None = None
        self.stop = threading.Event()
        self._args = (path, estimator, start_s, end_s, opts)
        self._from = decode_from_s

    def run(self) -> None:
        try:
            samples = _stretch_samples(*self._args, decode_from_s=self._from, stop=self.stop)
            for sample in samples:
                self.samples.append(sample)
        except BaseException as err:  # re-raised by the consumer after the earlier frames
            self.error = err


def naive_samples(
    path: Path, estimator: PoseEstimator, /, *, max_side_px: int | None
) -> Generator[PoseSample, None, None]:
    """The plain loop: decode, convert, run the model, frame after frame (for comparison)."""
    for t, rgb in iter_frames(path, max_side_px=max_side_px):
        yield PoseSample(t, estimator.process(rgb))
