"""Pose estimation: the only package that imports mediapipe."""

from valgus.pose.base import FramePose, PoseEstimator
from valgus.pose.extract import estimate_poses

__all__ = ["FramePose", "PoseEstimator", "estimate_poses"]
