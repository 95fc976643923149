"""A truth file as a pose Dataset: the landmarks a perfect pose model would give.

Running the analysis on it separates the pose model's error from the method's:
whatever differs between the video result and this one comes from the landmarks.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import xarray as xr

from valgus.schema import KEYPOINTS, make_poses
from valgus.synth.camera import CameraParams, to_camera


def truth_poses(truth: dict[str, Any], /) -> xr.Dataset:
    """Pose Dataset (pixels, camera-frame world landmarks, visibility 1) from a truth dict.

    Keypoints the truth does not carry (eye corners, fingers...) are NaN with visibility 0.
    World landmarks follow MediaPipe's convention: metres, x right, y down, z away from
    the camera, origin between the hips.
    """
    cam = CameraParams(**truth["params"]["camera"])
    frames = truth["frames"]
    n, k = len(frames), len(KEYPOINTS)
    xy = np.full((n, 2, k), np.nan)
    world = np.full((n, 3, k), np.nan)
    conf = np.zeros((n, k))
    for j, name in enumerate(KEYPOINTS):
        if name not in frames[0]["points_2d"]:
            continue
        xy[:, :, j] = [f["points_2d"][name] for f in frames]
        world[:, :, j] = to_camera(np.array([f["points_3d"][name] for f in frames]), cam)
        conf[:, j] = 1.0
    hips = [KEYPOINTS.index("left_hip"), KEYPOINTS.index("right_hip")]
    world -= world[:, :, hips].mean(axis=2, keepdims=True)
    video = truth["video"]
    return make_poses(
        xy,
        world,
        conf,
        np.array([f["t_s"] for f in frames], dtype=np.float64),
        attrs={
            "source": f"truth:{video['path']}",
            "width": cam.width_px,
            "height": cam.height_px,
            "rotation": 0,
            "fps": float(video["fps"]),
            "model": "ground-truth",
        },
    )
