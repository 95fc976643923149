"""Pose files: the pose Dataset saved as netCDF-4 (``*.poses.nc``), written atomically."""

from __future__ import annotations

import os
from pathlib import Path

import xarray as xr

from valgus.errors import PoseFileError
from valgus.schema import validate_poses

POSES_SUFFIX = ".poses.nc"


def is_pose_file(path: Path, /) -> bool:
    return path.name.endswith(POSES_SUFFIX) or path.suffix == ".nc"


def save_poses(ds: xr.Dataset, path: Path, /) -> Path:
    """Write the pose Dataset; a run killed mid-write leaves no partial file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    ds.to_netcdf(tmp, engine="h5netcdf")
    os.replace(tmp, path)
    return path


def load_poses(path: Path, /) -> xr.Dataset:
    """Read and validate a pose file; raises PoseFileError with what is wrong."""
    if not path.exists():
        raise PoseFileError(f"{path}: no such file. Check the path.")
    try:
        with xr.open_dataset(path, engine="h5netcdf") as ds:
            loaded = ds.load()
    except (OSError, ValueError) as err:
        raise PoseFileError(
            f"{path} is not a readable pose file ({err.__class__.__name__}). "
            "Pose files are written by `valgus analyze VIDEO` as *.poses.nc."
        ) from err
    return validate_poses(loaded)
