"""Pose files: the pose Dataset saved as netCDF-4 (``*.poses.nc``), written atomically.

Integrity, two layers, both written with the data and verified on reading:

- the file starts with a 512-byte HDF5 user block (ignored by HDF5 and netCDF readers)
  holding the SHA-256 of every byte after it: a damaged file is refused before the HDF5
  library parses it (damaged HDF5 metadata can make that library hang or crash);
- the Dataset carries the SHA-256 of its landmark data (CHECKSUM_ATTR), which survives
  rewriting the file with other netCDF tools.

A file without them (written before they existed, or by another tool) still loads; its HDF5
structure is then read once in a child process with a time limit, so a damaged one is a
PoseFileError, never a hang, a crash or a traceback.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import xarray as xr

from valgus.errors import PoseFileError
from valgus.io import atomic
from valgus.schema import validate_poses

POSES_SUFFIX = ".poses.nc"
USER_BLOCK_BYTES = 512
_MAGIC = b"valgus pose file; sha256 of the bytes after this block: "
_DIGEST_HEX = 64
# A legacy file's HDF5 structure must be read within this time (a 10-min pose file: < 1 s).
PROBE_TIMEOUT_S = 30.0
CHECKSUM_ATTR = "landmarks_sha256"
_CHECKSUM_VERSION = b"valgus.poses landmarks sha256 v1\n"
_HASHED = (
    ("time", ("time",)),
    ("position", ("time", "space", "keypoint")),
    ("world", ("time", "space3", "keypoint")),
    ("confidence", ("time", "keypoint")),
)


def is_pose_file(path: Path, /) -> bool:
    return path.name.endswith(POSES_SUFFIX) or path.suffix == ".nc"


def landmarks_checksum(ds: xr.Dataset, /) -> str:
    """SHA-256 (hex) of the keypoint names, frame size, timestamps and landmark arrays.

    Arrays are hashed as little-endian float64 in the data model's dimension order, every
    NaN as one canonical NaN, so the digest does not depend on how the file stores them.
    """
    h = hashlib.sha256(_CHECKSUM_VERSION)
    names = [str(k) for k in ds.keypoint.values]
    h.update(json.dumps([names, int(ds.attrs["width"]), int(ds.attrs["height"])]).encode())
    for var, dims in _HASHED:
        values = np.asarray(ds[var].transpose(*dims).values, dtype="<f8")
        h.update(np.where(np.isnan(values), np.nan, values).astype("<f8").tobytes())
    return h.hexdigest()


def save_poses(ds: xr.Dataset, path: Path, /) -> Path:
    """Write the pose Dataset with its checksums; a run killed mid-write leaves no partial file."""
    with atomic.atomic_path(path) as tmp:
        ds.assign_attrs({CHECKSUM_ATTR: landmarks_checksum(ds)}).to_netcdf(tmp, engine="h5netcdf")
        body = tmp.read_bytes()
        tmp.write_bytes(_user_block(body) + body)
    return path


def _user_block(body: bytes) -> bytes:
    line = _MAGIC + hashlib.sha256(body).hexdigest().encode() + b"\n"
    return line.ljust(USER_BLOCK_BYTES, b" ")


def _check_file_digest(raw: bytes, path: Path) -> bool:
    """True when the file carries a digest and it matches; False when it carries none."""
    if not raw.startswith(_MAGIC):
        return False
    digest = raw[len(_MAGIC) : len(_MAGIC) + _DIGEST_HEX]
    if len(raw) <= USER_BLOCK_BYTES or digest != hashlib.sha256(
        raw[USER_BLOCK_BYTES:]
    ).hexdigest().encode("ascii"):
        raise PoseFileError(
            f"{path} is a damaged pose file: its bytes no longer match the checksum written "
            "with them (the file was changed, cut short or corrupted after it was saved). "
            "Make it again with `valgus analyze VIDEO`."
        )
    return True


def load_poses(path: Path, /) -> xr.Dataset:
    """Read, verify and validate a pose file; raises PoseFileError saying what is wrong.

    The returned Dataset no longer carries the checksum (it is recomputed when saved).
    """
    if not path.exists():
        raise PoseFileError(f"{path}: no such file. Check the path.")
    if not path.is_file():
        raise PoseFileError(f"{path} is a folder, not a pose file.")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise PoseFileError(f"{path} cannot be read ({err.strerror or err}).") from err
    if not _check_file_digest(raw, path):
        _probe_in_child(path)
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            loaded = ds.load()
    # A damaged HDF5 file makes h5py, h5netcdf and xarray raise almost anything (OSError,
    # KeyError, RuntimeError, AttributeError, TypeError, ValueError...): every failure to
    # read is the same thing to the user, a pose file that cannot be read.
    except Exception as err:
        raise _unreadable(path, err.__class__.__name__) from err
    try:
        validate_poses(loaded)
    except PoseFileError as err:
        raise PoseFileError(f"{path}: {err}") from err
    return _verified(loaded, path)


def _unreadable(path: Path, why: str) -> PoseFileError:
    return PoseFileError(
        f"{path} is not a readable pose file ({why}); it is damaged or not a pose file. "
        "Pose files are written by `valgus analyze VIDEO` as *.poses.nc."
    )


# Run in the child: read every group, attribute and dataset with h5py (h5py only: starts fast).
_PROBE = """
import sys, h5py
with h5py.File(sys.argv[1], "r") as f:
    objects = [f]
    f.visititems(lambda _name, obj: objects.append(obj))
    for obj in objects:
        for key in obj.attrs:
            obj.attrs[key]
        if isinstance(obj, h5py.Dataset):
            obj[()]
"""


def _probe_in_child(path: Path) -> None:
    """Read the whole HDF5 structure in a child process: damaged HDF5 metadata can make the
    HDF5 library loop forever or crash, which no exception handler here would catch."""
    try:
        res = subprocess.run(
            [sys.executable, "-c", _PROBE, str(path)],
            capture_output=True,
            timeout=PROBE_TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired as err:
        raise _unreadable(path, f"reading it did not end within {PROBE_TIMEOUT_S:.0f} s") from err
    if res.returncode != 0:
        last = res.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or ["crashed"]
        raise _unreadable(path, last[0].split(":")[0][:60])


def _verified(ds: xr.Dataset, path: Path) -> xr.Dataset:
    if CHECKSUM_ATTR not in ds.attrs:
        return ds  # written before checksums: nothing to verify
    stored = ds.attrs[CHECKSUM_ATTR]
    if not isinstance(stored, str) or stored != landmarks_checksum(ds):
        raise PoseFileError(
            f"{path} is a damaged pose file: its landmark data no longer match the checksum "
            "written with them (the file was changed or corrupted after it was saved). "
            "Make it again with `valgus analyze VIDEO`."
        )
    out = ds.copy()
    out.attrs = {k: v for k, v in ds.attrs.items() if k != CHECKSUM_ATTR}
    return out
