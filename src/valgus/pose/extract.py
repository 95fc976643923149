"""Video file -> pose Dataset, streaming: only landmark arrays grow with length."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
import xarray as xr

from valgus.errors import VideoReadError
from valgus.io.video import iter_frames, probe
from valgus.pose.base import PoseEstimator
from valgus.schema import KEYPOINTS, make_poses

# MediaPipe resizes to 256x256 internally; decoding at most this size keeps
# the landmark precision and avoids converting 4K frames for nothing.
DECODE_MAX_SIDE_PX = 1280

ProgressFn = Callable[[int, int], None]  # (frames done, frames expected)


def estimate_poses(
    path: Path,
    /,
    *,
    estimator: PoseEstimator | None = None,
    progress: ProgressFn | None = None,
) -> xr.Dataset:
    """Run the pose model on every frame of a video; return the pose Dataset.

    Coordinates are pixels of the full-size upright frame. A damaged tail keeps
    the frames decoded before it and records a ``truncated_at_s`` attribute.
    """
    info = probe(path)
    owned = estimator is None
    if estimator is None:
        from valgus.pose.mediapipe_backend import MediaPipePose

        estimator = MediaPipePose()
    times: list[float] = []
    xy: list[np.ndarray] = []
    world: list[np.ndarray] = []
    vis: list[np.ndarray] = []
    nan2 = np.full((len(KEYPOINTS), 2), np.nan)
    nan3 = np.full((len(KEYPOINTS), 3), np.nan)
    zeros = np.zeros(len(KEYPOINTS))
    truncated_at: float | None = None
    try:
        for t, rgb in iter_frames(path, max_side_px=DECODE_MAX_SIDE_PX):
            pose = estimator.process(rgb)
            times.append(t)
            xy.append(pose.xy_norm if pose else nan2)
            world.append(pose.world_m if pose else nan3)
            vis.append(pose.visibility if pose else zeros)
            if progress is not None:
                progress(len(times), info.frames_estimate)
    except VideoReadError:
        if len(times) < 2:
            raise
        truncated_at = times[-1]
    finally:
        if owned:
            estimator.close()
    if len(times) < 2:
        raise VideoReadError(f"{path} holds fewer than 2 decodable frames; nothing to analyze.")
    if truncated_at is None and info.duration_s - times[-1] > max(1.0, 0.05 * info.duration_s):
        truncated_at = times[-1]  # the header promised more than the file holds
    scale = np.array([info.width, info.height], dtype=np.float64)
    position = (np.stack(xy) * scale).transpose(0, 2, 1)  # (time, space, keypoint)
    attrs: dict[str, object] = {
        "source": str(path),
        "width": info.width,
        "height": info.height,
        "rotation": info.rotation_deg,
        "fps": float(1.0 / np.median(np.diff(times))),
        "model": estimator.name,
    }
    if truncated_at is not None:
        attrs["truncated_at_s"] = truncated_at
    return make_poses(
        position,
        np.stack(world).transpose(0, 2, 1),
        np.stack(vis),
        np.asarray(times),
        attrs=attrs,
    )
