"""Pinhole camera around the subject. Pure numpy.

World frame = the body frame of :mod:`valgus.synth.motion` (x = subject's left, y = up,
z = the subject's forward, floor at y = 0, origin between the ankles).

The camera stands ``distance_m`` from the vertical axis through the origin, at
``height_m``, and looks at that axis (optical axis level, or tilted down by
``pitch_deg``). ``yaw_deg`` = 0 is a frontal view (the camera on the +z axis, facing
the subject); positive yaw swings the camera toward the subject's left
(yaw 90 = a view of the subject's left side). Pixels: x to the right, y down,
origin at the top-left corner, pixel centres at integer + 0.5 (OpenCV convention
for drawing is integers at centres; the 0.5 px offset is ignored here).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

SIZES = {"720x1280": (720, 1280), "1080x1920": (1080, 1920), "2160x3840": (2160, 3840)}


@dataclass(frozen=True)
class CameraParams:
    """Camera placement and intrinsics. Image size is that of the displayed (upright) frame."""

    yaw_deg: float = 0.0
    height_m: float = 0.9
    distance_m: float = 2.5
    # A phone's main camera held upright: about 45 deg across the short side.
    hfov_deg: float = 45.0
    pitch_deg: float = 0.0
    width_px: int = 720
    height_px: int = 1280

    def __post_init__(self) -> None:
        problems = camera_param_problems(self)
        if problems:
            raise ValueError("; ".join(problems))

    @property
    def focal_px(self) -> float:
        """Focal length in pixels, from the horizontal field of view."""
        return (self.width_px / 2) / float(np.tan(np.radians(self.hfov_deg) / 2))


def camera_param_problems(c: CameraParams) -> list[str]:
    """Human-readable problems with a camera (empty when valid)."""
    out = []
    if not -180.0 <= c.yaw_deg <= 180.0:
        out.append(f"yaw_deg must be in -180..180, got {c.yaw_deg}")
    if not 0.1 <= c.height_m <= 3.0:
        out.append(f"camera height_m must be in 0.1..3, got {c.height_m}")
    if not 1.0 <= c.distance_m <= 20.0:
        out.append(f"distance_m must be in 1..20, got {c.distance_m}")
    if not 20.0 <= c.hfov_deg <= 120.0:
        out.append(f"hfov_deg must be in 20..120, got {c.hfov_deg}")
    if not -45.0 <= c.pitch_deg <= 45.0:
        out.append(f"pitch_deg must be in -45..45, got {c.pitch_deg}")
    for name in ("width_px", "height_px"):
        v = getattr(c, name)
        if v < 64 or v > 4096 or v % 2:
            out.append(f"{name} must be an even number in 64..4096, got {v}")
    return out


def camera_pose(cam: CameraParams) -> tuple[FloatArray, FloatArray]:
    """Camera centre (3,) and rotation R (3, 3) whose rows are right, down, forward."""
    yaw = np.radians(cam.yaw_deg)
    centre = np.array([cam.distance_m * np.sin(yaw), cam.height_m, cam.distance_m * np.cos(yaw)])
    level_fwd = np.array([-np.sin(yaw), 0.0, -np.cos(yaw)])
    right = np.cross(level_fwd, [0.0, 1.0, 0.0])
    right /= np.linalg.norm(right)
    pitch = np.radians(cam.pitch_deg)
    fwd = level_fwd * np.cos(pitch) - np.array([0.0, np.sin(pitch), 0.0])
    down = np.cross(fwd, right)
    return centre, np.stack([right, down, fwd])


def to_camera(points: FloatArray, cam: CameraParams) -> FloatArray:
    """World points (..., 3) to camera coordinates (..., 3): right, down, depth (m)."""
    centre, rot = camera_pose(cam)
    return np.asarray((np.asarray(points, dtype=np.float64) - centre) @ rot.T)


def project(points: FloatArray, cam: CameraParams) -> tuple[FloatArray, FloatArray]:
    """Pixels (..., 2) (x right, y down) and depth (...,) in metres of world points (..., 3)."""
    pc = to_camera(points, cam)
    depth = pc[..., 2]
    f = cam.focal_px
    with np.errstate(divide="ignore", invalid="ignore"):
        x = cam.width_px / 2 + f * pc[..., 0] / depth
        y = cam.height_px / 2 + f * pc[..., 1] / depth
    return np.stack([x, y], axis=-1), depth


def radius_px(radius_m: float | FloatArray, depth: FloatArray, cam: CameraParams) -> FloatArray:
    """Apparent radius in pixels of a sphere of radius_m at a depth."""
    return np.asarray(cam.focal_px * np.asarray(radius_m) / depth, dtype=np.float64)
