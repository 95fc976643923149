"""Video file -> pose Dataset, streaming: only landmark arrays grow with length."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr

from valgus.errors import VideoReadError
from valgus.io.video import probe
from valgus.pose.base import PoseEstimator
from valgus.pose.person_box import Box, PersonBoxEstimator
from valgus.pose.pipeline import LandmarkBuffer, naive_samples, pipeline_samples
from valgus.schema import RECORDED_AT_ATTR, make_poses

# MediaPipe resizes to 256x256 internally; decoding at most this size keeps
# the landmark precision and avoids converting 4K frames for nothing.
DECODE_MAX_SIDE_PX = 1280

ProgressFn = Callable[[int, int], None]  # (frames done, frames expected)

# Videos at least this long are cut in two stretches, each tracked by its own model
# instance in its own thread, when the machine has 2 cores or more (docs/speed.md).
SPLIT_MIN_DURATION_S = 6.0


def _default_estimators(duration_s: float) -> list[PoseEstimator]:
    from valgus.pose.mediapipe_backend import MediaPipePose

    n = 2 if duration_s >= SPLIT_MIN_DURATION_S and (os.cpu_count() or 1) >= 2 else 1
    return [MediaPipePose() for _ in range(n)]


def estimate_poses(
    path: Path,
    /,
    *,
    estimator: PoseEstimator | None = None,
    progress: ProgressFn | None = None,
    naive: bool = False,
    person_box: Box | None = None,
) -> xr.Dataset:
    """Landmarks of every frame of a video, as the pose Dataset.

    Coordinates are pixels of the full-size upright frame. A damaged tail keeps
    the frames decoded before it and records a ``truncated_at_s`` attribute.
    By default the fast pipeline runs (valgus.pose.pipeline: threaded decoding, and
    while the body stands still the model runs 5 times a second and the frames between
    are interpolated; the attribute ``interpolated_frames`` counts them). naive=True runs
    the model on every frame, one after the other (the reference for benchmarks).
    """
    info = probe(path)
    owned = estimator is None
    estimators = [estimator] if estimator is not None else _default_estimators(info.duration_s)
    if person_box is not None:  # one instance follows the chosen person from the first frame
        for extra in estimators[1:]:
            extra.close()
        estimators = [PersonBoxEstimator(estimators[0], person_box)]
        naive = True
    estimator = estimators[0]
    kept = LandmarkBuffer()  # ~1.6 KB a frame: the only thing that grows with length
    truncated_at: float | None = None
    samples = (
        naive_samples(path, estimator, max_side_px=DECODE_MAX_SIDE_PX)
        if naive
        else pipeline_samples(
            path,
            estimators,
            fps=info.fps_nominal,
            aspect=info.width / info.height,
            duration_s=info.duration_s,
            max_side_px=DECODE_MAX_SIDE_PX,
        )
    )
    try:
        for sample in samples:
            kept.append(sample)
            if progress is not None:
                progress(len(kept), info.frames_estimate)
    except VideoReadError:
        if len(kept) < 2:
            raise
        truncated_at = kept.last_time_s()
    finally:
        samples.close()  # stops the decoding thread if the loop ended early
        if owned:
            for est in estimators:
                est.close()
    if len(kept) < 2:
        raise VideoReadError(f"{path} holds fewer than 2 decodable frames; nothing to analyze.")
    last_t = kept.last_time_s()
    if truncated_at is None and info.duration_s - last_t > max(1.0, 0.05 * info.duration_s):
        truncated_at = last_t  # the header promised more than the file holds
    rows = kept.rows()
    del kept
    times, xy, world, vis = LandmarkBuffer.columns(rows)
    scale = np.array([info.width, info.height], dtype=np.float64)
    position = (xy * scale).transpose(0, 2, 1)  # (time, space, keypoint)
    attrs: dict[str, object] = {
        "source": str(path),
        "width": info.width,
        "height": info.height,
        "rotation": info.rotation_deg,
        "fps": float(1.0 / np.median(np.diff(times))),
        "model": estimator.name,
        "interpolated_frames": int(rows[:, 1].sum()),
    }
    if person_box is not None:
        b = person_box
        attrs["person_box"] = f"{b.x:g},{b.y:g},{b.w:g},{b.h:g}"
    if truncated_at is not None:
        attrs["truncated_at_s"] = truncated_at
    if info.created_at is not None:
        attrs[RECORDED_AT_ATTR] = info.created_at.isoformat()
    return make_poses(
        position,
        world.transpose(0, 2, 1),
        np.ascontiguousarray(vis),
        np.ascontiguousarray(times),
        attrs=attrs,
    )
