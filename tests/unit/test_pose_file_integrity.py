"""Pose files: every failure to read is a PoseFileError, and damaged landmark data are never
analyzed (checksum, and values no pose model can give)."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.errors import PoseFileError
from valgus.io import poses as poses_io
from valgus.io.poses import (
    CHECKSUM_ATTR,
    USER_BLOCK_BYTES,
    landmarks_checksum,
    load_poses,
    save_poses,
)
from valgus.schema import KEYPOINTS
from valgus.storage.store import poses_from_bytes, poses_to_bytes


@pytest.fixture(scope="module")
def poses() -> xr.Dataset:
    ds = make_squat_poses(Squat(n_reps=2, medial_shift_m={"left": -0.01, "right": -0.01}))
    noisy = ds.copy(deep=True)  # pose-model jitter: no value repeats as in the ideal figure
    noisy.position.values += np.random.default_rng(7).normal(0.0, 0.5, ds.position.shape)
    return noisy


@pytest.fixture(scope="module")
def pose_bytes(poses: xr.Dataset, tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return save_poses(poses, tmp_path_factory.mktemp("p") / "s.poses.nc").read_bytes()


def _bottom_knee_edit(ds: xr.Dataset, data: bytes) -> tuple[bytes, bytes]:
    """(old, new) bytes of the left knee's x at a rep bottom moved 10 cm (100 px) inward,
    at a frame where that float occurs once in the file."""
    k = KEYPOINTS.index("left_knee")
    xs = ds.position.values[:, 0, k]
    bottom = int(np.argmax(ds.position.values[:, 1, k]))  # lowest knee: a rep's bottom
    for i in sorted(range(len(xs)), key=lambda j: abs(j - bottom)):
        old = np.float64(xs[i]).tobytes()
        if data.count(old) == 1:
            return old, np.float64(xs[i] - 100.0).tobytes()
    raise AssertionError("no unique knee value")


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


class TestByteFlips:
    def test_every_flipped_byte_is_a_pose_file_error_or_harmless(
        self, poses: xr.Dataset, pose_bytes: bytes, tmp_path: Path
    ) -> None:
        # Before: 59 of 219 flipped metadata offsets raised KeyError, RuntimeError or
        # AttributeError, and one made the HDF5 library hang. The user block and the HDF5
        # metadata sit in the first few KB: every 3rd byte there, and 60 more further on.
        path = tmp_path / "x.poses.nc"
        rng = np.random.default_rng(0)
        offsets = [*range(0, 4096, 3), *rng.integers(4096, len(pose_bytes), 60).tolist()]
        errors = 0
        for offset in offsets:
            damaged = bytearray(pose_bytes)
            damaged[offset] ^= 0xFF
            try:
                loaded = load_poses(_write(path, bytes(damaged)))
            except PoseFileError as err:
                assert "\n" not in str(err), (offset, str(err))
                errors += 1
                continue
            assert offset < USER_BLOCK_BYTES, offset  # only the magic or padding: harmless
            xr.testing.assert_identical(loaded, poses)
        assert errors >= sum(o >= USER_BLOCK_BYTES for o in offsets)

    def test_legacy_file_with_damaged_metadata_ends_in_time(
        self,
        poses: xr.Dataset,
        pose_bytes: bytes,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        # A file without the user block (written before it existed): its HDF5 structure is
        # read in a child process with a time limit. 3288 made libhdf5 loop forever on the
        # file this fixture made when the test was written.
        monkeypatch.setattr(poses_io, "PROBE_TIMEOUT_S", 5.0)
        legacy = pose_bytes[USER_BLOCK_BYTES:]
        path = tmp_path / "legacy.poses.nc"
        for offset in (0, 24, 40, 3288, 3290):
            damaged = bytearray(legacy)
            damaged[offset] ^= 0xFF
            t0 = time.perf_counter()
            try:
                loaded = load_poses(_write(path, bytes(damaged)))
            except PoseFileError:
                continue
            finally:
                assert time.perf_counter() - t0 < 20.0, offset
            xr.testing.assert_identical(loaded, poses)


class TestChecksum:
    def test_written_and_verified(self, poses: xr.Dataset, tmp_path: Path) -> None:
        path = save_poses(poses, tmp_path / "s.poses.nc")
        with xr.open_dataset(path, engine="h5netcdf") as raw:
            assert raw.attrs[CHECKSUM_ATTR] == landmarks_checksum(poses)
        loaded = load_poses(path)
        assert CHECKSUM_ATTR not in loaded.attrs
        xr.testing.assert_identical(loaded, poses)

    def test_one_float_changed_at_a_rep_bottom_is_a_damaged_file(
        self, poses: xr.Dataset, pose_bytes: bytes, tmp_path: Path
    ) -> None:
        # Before: the knee moved 10 cm inward in one frame at a rep bottom turned a
        # typical leg "well above typical", with no warning.
        old, new = _bottom_knee_edit(poses, pose_bytes)
        edited = pose_bytes.replace(old, new)
        with pytest.raises(PoseFileError, match="damaged pose file: its bytes"):
            load_poses(_write(tmp_path / "edited.poses.nc", edited))
        # without the user block (another tool rewrote the file): the landmark checksum
        with pytest.raises(PoseFileError, match="damaged pose file: its landmark data"):
            load_poses(_write(tmp_path / "body.poses.nc", edited[USER_BLOCK_BYTES:]))

    def test_file_without_checksum_still_loads(self, poses: xr.Dataset, tmp_path: Path) -> None:
        path = tmp_path / "old.poses.nc"
        poses.to_netcdf(path, engine="h5netcdf")  # as written before checksums
        xr.testing.assert_identical(load_poses(path), poses)

    def test_a_garbled_checksum_is_a_damaged_file(self, poses: xr.Dataset, tmp_path: Path) -> None:
        path = tmp_path / "g.poses.nc"
        poses.assign_attrs({CHECKSUM_ATTR: "0" * 64}).to_netcdf(path, engine="h5netcdf")
        with pytest.raises(PoseFileError, match="damaged pose file"):
            load_poses(path)

    def test_history_database_blobs_are_verified(self, poses: xr.Dataset) -> None:
        blob = poses_to_bytes(poses)
        xr.testing.assert_identical(poses_from_bytes(blob), poses)
        old, new = _bottom_knee_edit(poses, blob)
        with pytest.raises(PoseFileError, match="damaged pose file"):
            poses_from_bytes(blob.replace(old, new))

    def test_checksum_does_not_depend_on_nan_bits(self, poses: xr.Dataset) -> None:
        a = poses.copy(deep=True)
        b = poses.copy(deep=True)
        a.position.values[3, 0, 0] = np.nan
        b.position.values[3, 0, 0] = -np.float64(np.nan)
        assert landmarks_checksum(a) == landmarks_checksum(b)


def _saved_without_checksum(ds: xr.Dataset, path: Path) -> Path:
    ds.to_netcdf(path, engine="h5netcdf")
    return path


class TestImpossibleValues:
    def test_garbage_block_in_position_is_damaged_data(
        self, poses: xr.Dataset, tmp_path: Path
    ) -> None:
        # Before: "feet outside the picture" or "side view".
        bad = poses.copy(deep=True)
        rng = np.random.default_rng(1)
        block = rng.integers(0, 2**63, size=(40, 2, 33), dtype=np.int64).view(np.float64)
        bad.position.values[100:140] = block
        path = _saved_without_checksum(bad, tmp_path / "garbage.poses.nc")
        with pytest.raises(PoseFileError, match="damaged pose data"):
            load_poses(path)

    def test_all_nan_landmarks_seen_with_confidence_are_damaged(
        self, poses: xr.Dataset, tmp_path: Path
    ) -> None:
        # Before: "no squat found".
        bad = poses.copy(deep=True)
        bad.position.values[:] = np.nan
        path = _saved_without_checksum(bad, tmp_path / "nan.poses.nc")
        with pytest.raises(PoseFileError, match="damaged pose data"):
            load_poses(path)

    @pytest.mark.parametrize(
        ("var", "value"),
        [
            ("position", np.inf),
            ("position", -5e4),
            ("world", 1e3),
            ("position", np.nan),
            ("confidence", 1.5),
            ("confidence", np.nan),
        ],
    )
    def test_impossible_value(
        self, poses: xr.Dataset, tmp_path: Path, var: str, value: float
    ) -> None:
        bad = poses.copy(deep=True)
        bad[var].values[50, ..., 25] = value
        path = _saved_without_checksum(bad, tmp_path / "bad.poses.nc")
        with pytest.raises(PoseFileError, match="damaged pose data"):
            load_poses(path)

    def test_missing_where_not_seen_is_fine(self, poses: xr.Dataset, tmp_path: Path) -> None:
        ok = poses.copy(deep=True)
        ok.position.values[50:60, :, 25] = np.nan
        ok.world.values[50:60, :, 25] = np.nan
        ok.confidence.values[50:60, 25] = 0.0
        load_poses(_saved_without_checksum(ok, tmp_path / "ok.poses.nc"))


class TestAttributes:
    @pytest.mark.parametrize(
        ("key", "value"),
        [
            ("width", "1080"),
            ("width", 0),
            ("height", 2.5),
            ("rotation", 45),
            ("fps", "thirty"),
            ("truncated_at_s", "soon"),
            ("schema", np.array([1, 2])),
        ],
    )
    def test_wrong_attribute_is_a_pose_file_error(
        self, poses: xr.Dataset, tmp_path: Path, key: str, value: object
    ) -> None:
        path = tmp_path / "a.poses.nc"
        poses.assign_attrs({key: value}).to_netcdf(path, engine="h5netcdf")
        with pytest.raises(PoseFileError):
            load_poses(path)

    def test_a_folder_is_a_pose_file_error(self, tmp_path: Path) -> None:
        folder = tmp_path / "dir.poses.nc"
        folder.mkdir()
        with pytest.raises(PoseFileError, match="folder"):
            load_poses(folder)


def test_cli_says_damaged_pose_file_in_one_line(pose_bytes: bytes, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from valgus.cli.main import app

    damaged = bytearray(pose_bytes)
    damaged[len(damaged) // 2] ^= 0x01
    path = _write(tmp_path / "squat.poses.nc", bytes(damaged))
    res = CliRunner().invoke(app, ["analyze", str(path), "--no-save"])
    assert res.exit_code == 2
    assert res.stderr.startswith("valgus: ") and "damaged pose file" in res.stderr
    assert "Traceback" not in res.stderr and res.stderr.count("\n") == 1
