"""Landmark names, left/right pairs and the pose data model.

The pose data model is an xarray Dataset, modelled on the `movement` package:

- ``position``  (time, space, keypoint): image coordinates in **pixels** of the
  displayed (rotation-corrected) frame; space = ("x", "y"), x to the right,
  y downwards. NaN where the keypoint was not found.
- ``world``     (time, space3, keypoint): MediaPipe world landmarks in metres,
  origin between the hips; space3 = ("x", "y", "z"). NaN where missing.
- ``confidence`` (time, keypoint): per-landmark visibility in [0, 1]; 0 where
  no person was found in that frame.
- coordinate ``time``: real presentation timestamps in seconds (not an
  assumed frame rate).
- attributes: ``source`` (path), ``width``/``height`` (px, displayed frame),
  ``rotation`` (deg applied), ``fps`` (median from timestamps), ``model``,
  ``schema`` ("valgus.poses"), ``schema_version``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from valgus.errors import PoseFileError

POSES_SCHEMA = "valgus.poses"
POSES_SCHEMA_VERSION = 1

# MediaPipe Pose's 33 landmarks, in index order.
KEYPOINTS: tuple[str, ...] = (
    "nose", "left_eye_inner", "left_eye", "left_eye_outer", "right_eye_inner",
    "right_eye", "right_eye_outer", "left_ear", "right_ear", "mouth_left",
    "mouth_right", "left_shoulder", "right_shoulder", "left_elbow", "right_elbow",
    "left_wrist", "right_wrist", "left_pinky", "right_pinky", "left_index",
    "right_index", "left_thumb", "right_thumb", "left_hip", "right_hip",
    "left_knee", "right_knee", "left_ankle", "right_ankle", "left_heel",
    "right_heel", "left_foot_index", "right_foot_index",
)  # fmt: skip


class Side(StrEnum):
    """The subject's side (not the image side)."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


def kp(side: Side, part: str) -> str:
    """Keypoint name of a body part on one side, e.g. kp(Side.LEFT, "knee")."""
    return f"{side.value}_{part}"


def symmetric_pairs() -> list[tuple[str, str]]:
    """(left, right) keypoint name pairs."""
    return [(k, "right_" + k[5:]) for k in KEYPOINTS if k.startswith("left_")]


LEG_PARTS: tuple[str, ...] = ("hip", "knee", "ankle", "heel", "foot_index")

# Pose attribute set once a mirror-imaged recording's left and right have been swapped back.
MIRROR_SWAPPED_ATTR = "mirror_swapped"
# Pose attribute: when the recording was made (ISO 8601, UTC), from the video's metadata.
RECORDED_AT_ATTR = "recorded_at"


def swap_sides(ds: xr.Dataset, /) -> xr.Dataset:
    """The poses with every left_* and right_* keypoint's data exchanged (names kept).

    A mirror-imaged video (some phones' front cameras) shows the person's right side where
    their left would be; the pose model, which cannot tell a mirror image from a person,
    labels each side by where it appears. Exchanging the labels back gives each physical
    leg its own name; positions stay as filmed, so medial and lateral are unchanged.
    Marks the result with the MIRROR_SWAPPED_ATTR attribute.
    """
    partner = {a: b for pair in symmetric_pairs() for a, b in (pair, pair[::-1])}
    names = [str(k) for k in ds.keypoint.values]
    swapped = ds.isel(keypoint=[names.index(partner.get(k, k)) for k in names])
    swapped = swapped.assign_coords(keypoint=ds.keypoint.values)
    swapped.attrs = {**ds.attrs, MIRROR_SWAPPED_ATTR: 1}
    return swapped


def make_poses(
    position_px: NDArray[Any],
    world_m: NDArray[Any],
    confidence: NDArray[Any],
    time_s: NDArray[Any],
    /,
    *,
    attrs: dict[str, Any],
) -> xr.Dataset:
    """Build the pose Dataset from arrays, after checking shapes.

    position_px: (time, 2, 33); world_m: (time, 3, 33); confidence: (time, 33);
    time_s: (time,), strictly increasing.
    """
    n = len(time_s)
    k = len(KEYPOINTS)
    if position_px.shape != (n, 2, k) or world_m.shape != (n, 3, k) or confidence.shape != (n, k):
        raise PoseFileError(
            f"pose arrays have inconsistent shapes: position {position_px.shape}, "
            f"world {world_m.shape}, confidence {confidence.shape}, time ({n},)"
        )
    ds = xr.Dataset(
        {
            "position": (("time", "space", "keypoint"), position_px.astype(np.float64)),
            "world": (("time", "space3", "keypoint"), world_m.astype(np.float64)),
            "confidence": (("time", "keypoint"), confidence.astype(np.float64)),
        },
        coords={
            "time": np.asarray(time_s, dtype=np.float64),
            "space": ["x", "y"],
            "space3": ["x", "y", "z"],
            "keypoint": list(KEYPOINTS),
        },
        attrs={"schema": POSES_SCHEMA, "schema_version": POSES_SCHEMA_VERSION, **attrs},
    )
    return validate_poses(ds)


def validate_poses(ds: xr.Dataset, /) -> xr.Dataset:
    """Check that a Dataset follows the pose data model; return it unchanged."""
    if ds.attrs.get("schema") != POSES_SCHEMA:
        raise PoseFileError("this file is not a valgus pose file (missing schema attribute)")
    for var, dims in (
        ("position", ("time", "space", "keypoint")),
        ("world", ("time", "space3", "keypoint")),
        ("confidence", ("time", "keypoint")),
    ):
        if var not in ds or ds[var].dims != dims:
            raise PoseFileError(f"pose file: variable {var!r} with dims {dims} is missing")
    missing = [k for k in KEYPOINTS if k not in ds.keypoint.values]
    if missing:
        raise PoseFileError(f"pose file lacks keypoints: {', '.join(missing[:5])}")
    t = ds.time.values
    if t.size < 2 or not np.all(np.diff(t) > 0):
        raise PoseFileError("pose file: time must hold at least 2 strictly increasing values")
    for key in ("width", "height"):
        if key not in ds.attrs:
            raise PoseFileError(f"pose file: attribute {key!r} (frame size in px) is missing")
    return ds
