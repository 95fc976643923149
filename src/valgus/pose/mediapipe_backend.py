"""MediaPipe Pose (BlazePose GHUM 3D), full model, from the mediapipe==0.10.21 wheel.

model_complexity=1 is the "full" landmark model shipped inside the wheel
(mediapipe/modules/pose_landmark/pose_landmark_full.tflite). Complexity 2
("heavy") is not shipped and would be downloaded at run time, which cannot
work offline, so it is not offered.
"""

from __future__ import annotations

import os

import numpy as np
from numpy.typing import NDArray

from valgus.pose.base import FramePose

MODEL_NAME = "mediapipe-pose-full-0.10.21"


def _quiet_native_logs() -> None:
    # glog/TFLite chatter on stderr is noise for users; set before mediapipe loads.
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


class MediaPipePose:
    """Tracks one person through a video (MediaPipe keeps the region of interest)."""

    name = MODEL_NAME

    def __init__(self, *, min_detection_confidence: float = 0.5,
                 min_tracking_confidence: float = 0.5) -> None:
        _quiet_native_logs()
        from mediapipe.python.solutions import pose as mp_pose

        self._pose = mp_pose.Pose(
            static_image_mode=False,
            model_complexity=1,
            smooth_landmarks=False,  # we filter ourselves, zero-phase, with known cut-off
            enable_segmentation=False,
            min_detection_confidence=min_detection_confidence,
            min_tracking_confidence=min_tracking_confidence,
        )

    def process(self, rgb: NDArray[np.uint8], /) -> FramePose | None:
        result = self._pose.process(rgb)
        if result.pose_landmarks is None:
            return None
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
