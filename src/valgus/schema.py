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


SIDE_NAMES: tuple[str, ...] = tuple(s.value for s in Side)  # "left", "right"


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


# Frame sizes beyond this (px) are not a video's (nor a motion-capture projection's).
MAX_FRAME_SIDE_PX = 100_000
# Landmarks further outside the frame than this many frame sizes, or world landmarks further
# than MAX_WORLD_M from the hips, cannot come from a pose model: the data are damaged.
# (MediaPipe places cut-off feet a fraction of a frame outside it.)
MAX_OUTSIDE_FRAMES = 2.0
MAX_WORLD_M = 10.0
_VARIABLES = (
    ("position", ("time", "space", "keypoint")),
    ("world", ("time", "space3", "keypoint")),
    ("confidence", ("time", "keypoint")),
)


def _is_int(value: object) -> bool:
    return isinstance(value, int | np.integer) and not isinstance(value, bool | np.bool_)


def _is_real(value: object) -> bool:
    return (_is_int(value) or isinstance(value, float | np.floating)) and bool(
        np.isfinite(float(value))  # type: ignore[arg-type]
    )


def validate_poses(ds: xr.Dataset, /) -> xr.Dataset:
    """Check that a Dataset follows the pose data model and holds possible landmark values;
    return it unchanged. Raises PoseFileError saying what is wrong."""
    schema = ds.attrs.get("schema")
    if not isinstance(schema, str) or schema != POSES_SCHEMA:
        raise PoseFileError("this file is not a valgus pose file (missing schema attribute)")
    _check_structure(ds)
    _check_attrs(ds)
    check_landmark_values(ds)
    return ds


def _check_structure(ds: xr.Dataset) -> None:
    for var, dims in _VARIABLES:
        if var not in ds.data_vars or ds[var].dims != dims:
            raise PoseFileError(f"pose file: variable {var!r} with dims {dims} is missing")
        if not np.issubdtype(ds[var].dtype, np.floating):
            raise PoseFileError(
                f"pose file: variable {var!r} holds {ds[var].dtype} values, not numbers"
            )
    for dim, names in (("space", ["x", "y"]), ("space3", ["x", "y", "z"])):
        if dim not in ds.coords or [str(v) for v in ds[dim].values] != names:
            raise PoseFileError(f"pose file: coordinate {dim!r} should be {names}")
    if "keypoint" not in ds.coords or ds.keypoint.dtype.kind not in "UO":
        raise PoseFileError("pose file: the keypoint names are missing")
    names = [str(k) for k in ds.keypoint.values]
    missing = [k for k in KEYPOINTS if k not in names]
    if missing:
        raise PoseFileError(f"pose file lacks keypoints: {', '.join(missing[:5])}")
    if len(set(names)) != len(names):
        raise PoseFileError("pose file: a keypoint name appears twice")
    if "time" not in ds.coords or not np.issubdtype(ds.time.dtype, np.number):
        raise PoseFileError("pose file: the time coordinate (s) is missing")
    t = ds.time.values.astype(np.float64)
    if t.size < 2 or not np.all(np.isfinite(t)) or not np.all(np.diff(t) > 0):
        raise PoseFileError(
            "pose file: time must hold at least 2 finite, strictly increasing values"
        )


def _check_attrs(ds: xr.Dataset) -> None:
    for key in ("width", "height"):
        if key not in ds.attrs:
            raise PoseFileError(f"pose file: attribute {key!r} (frame size in px) is missing")
        value = ds.attrs[key]
        if not _is_int(value) or not 0 < int(value) <= MAX_FRAME_SIDE_PX:
            raise PoseFileError(
                f"pose file: attribute {key!r} should be a frame size in px, not {value!r}"
            )
    rotation = ds.attrs.get("rotation", 0)
    if not _is_int(rotation) or int(rotation) not in (0, 90, 180, 270):
        raise PoseFileError(
            f"pose file: attribute 'rotation' should be 0/90/180/270, not {rotation!r}"
        )
    for key in ("fps", "truncated_at_s"):
        if key in ds.attrs and not _is_real(ds.attrs[key]):
            raise PoseFileError(
                f"pose file: attribute {key!r} should be a number, not {ds.attrs[key]!r}"
            )
    if MIRROR_SWAPPED_ATTR in ds.attrs and not _is_int(ds.attrs[MIRROR_SWAPPED_ATTR]):
        raise PoseFileError(f"pose file: attribute {MIRROR_SWAPPED_ATTR!r} should be 0 or 1")


def check_landmark_values(ds: xr.Dataset, /) -> None:
    """Raise PoseFileError ("damaged pose data") when the landmark values cannot be real.

    Impossible: a confidence outside [0, 1] or not a number; infinity anywhere; a position
    missing (NaN) where its confidence says it was seen (> 0); a position
    more than MAX_OUTSIDE_FRAMES frame sizes outside the frame; a world landmark more than
    MAX_WORLD_M from the hips. Such values come from a damaged or edited file (or a bug),
    and analyzed they would read as a person out of frame, a side view or no squat.
    """
    conf = ds.confidence.transpose("time", "keypoint").values
    if not np.all((conf >= 0) & (conf <= 1)):
        _damaged("confidence values outside 0-1", conf, ~((conf >= 0) & (conf <= 1)))
    size = np.array([int(ds.attrs["width"]), int(ds.attrs["height"])], dtype=np.float64)
    pos = ds.position.transpose("time", "space", "keypoint").values
    world = ds.world.transpose("time", "space3", "keypoint").values
    for what, values, limit_lo, limit_hi in (
        ("position", pos, -MAX_OUTSIDE_FRAMES * size, (1 + MAX_OUTSIDE_FRAMES) * size),
        ("world", world, np.full(3, -MAX_WORLD_M), np.full(3, MAX_WORLD_M)),
    ):
        seen = np.broadcast_to((conf > 0)[:, None, :], values.shape)
        if np.isinf(values).any():
            _damaged(f"infinite {what} values", conf, np.isinf(values).any(axis=1))
        # (world landmarks may be missing where seen: motion capture has no world origin in
        # frames without a hip marker)
        if what == "position" and (np.isnan(values) & seen).any():
            _damaged(
                f"{what} missing where its confidence says it was seen",
                conf,
                (np.isnan(values) & seen).any(axis=1),
            )
        with np.errstate(invalid="ignore"):
            bad = (values < limit_lo[None, :, None]) | (values > limit_hi[None, :, None])
        if bad.any():
            _damaged(f"{what} values far outside the frame or body", conf, bad.any(axis=1))


def _damaged(what: str, conf: NDArray[Any], bad: NDArray[np.bool_]) -> None:
    frames = np.flatnonzero(bad.any(axis=-1) if bad.ndim > 1 else bad)
    raise PoseFileError(
        f"damaged pose data: {what} in {frames.size} of {conf.shape[0]} frames (first at "
        f"frame {int(frames[0]) if frames.size else 0}); no pose model gives such values, so "
        "the data were changed or corrupted."
    )
