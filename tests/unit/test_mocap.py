"""Motion capture (TRC, C3D) into the pose data model: parsing, marker mapping, the frontal
projection, a C3D round trip, errors, and the view the squat analysis sees."""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import c3d
import numpy as np
import pytest

from tests.paths import shared_file
from valgus.api import analyze_poses
from valgus.assessment.quality import estimate_view
from valgus.assessment.track import build_track
from valgus.errors import MocapFileError, PoseFileError, ValgusError
from valgus.io.mocap import (
    PX_PER_M,
    Markers,
    is_mocap_file,
    load_mocap,
    map_markers,
    markers_to_poses,
    normalize_name,
    read_c3d,
    read_markers,
    read_trc,
)
from valgus.io.mot import read_mot
from valgus.io.poses import load_poses, save_poses
from valgus.schema import KEYPOINTS

DJ1 = shared_file("data", "mocap", "DJ1.trc")
DJ4 = shared_file("data", "mocap", "DJ4.trc")


def test_is_mocap_file() -> None:
    assert is_mocap_file(Path("a/DJ1.trc")) and is_mocap_file("x.C3D")
    assert not is_mocap_file("squat.mp4") and not is_mocap_file("squat.poses.nc")


@pytest.mark.parametrize("path, frames", [(DJ1, 245), (DJ4, 265)])
def test_trc_header_and_size(path: Path, frames: int) -> None:
    m = read_trc(path)
    assert m.rate_hz == 100.0 and m.file_format == "TRC"
    assert m.xyz.shape == (frames, 51, 3)
    assert len(m.names) == 51 and m.names[0] == "C7" and m.names[-1] == "r_toe"
    np.testing.assert_allclose(m.time_s[:3], [0.0, 0.01, 0.02])
    assert m.time_s[-1] == pytest.approx((frames - 1) / 100)


def test_trc_values_and_gaps() -> None:
    m = read_trc(DJ1)
    # first data row of the file: C7 -1.16945 1.89637 -0.573033, L.ASIS -1.04108 1.34816 -0.699665
    np.testing.assert_allclose(m.xyz[0, 0], [-1.16945, 1.89637, -0.573033])
    np.testing.assert_allclose(m.xyz[0, m.names.index("L.ASIS")], [-1.04108, 1.34816, -0.699665])
    # row 145 (t = 1.44 s) has "nan nan nan" for L.ASIS
    assert np.isnan(m.xyz[144, m.names.index("L.ASIS")]).all()
    assert np.isfinite(m.xyz[144, 0]).all()


def test_trc_blank_cells_and_short_rows_are_missing(tmp_path: Path) -> None:
    lines = DJ1.read_text().splitlines()
    row = lines[6].split("\t")
    row[2 + 3 * 4 : 2 + 3 * 5] = ["", "", ""]  # marker 5 (L_HJC) blank in frame 1
    lines[6] = "\t".join(row)
    lines[7] = "\t".join(lines[7].split("\t")[: 2 + 3 * 50])  # frame 2 lacks the last marker
    path = tmp_path / "gaps.trc"
    path.write_text("\n".join(lines) + "\n")
    m = read_trc(path)
    assert m.names[4] == "L_HJC" and np.isnan(m.xyz[0, 4]).all()
    assert np.isnan(m.xyz[1, 50]).all() and np.isfinite(m.xyz[1, 49]).all()
    ds = load_mocap(path)
    conf = ds.confidence.sel(keypoint="left_hip").values
    assert conf[0] == 0.0 and conf[1] == 1.0
    assert np.isnan(ds.position.sel(keypoint="left_hip").values[0]).all()
    assert ds.confidence.sel(keypoint="right_foot_index").values[1] == 0.0  # r_toe is last


@pytest.mark.parametrize(
    "name, expected",
    [
        ("L.ASIS", ("left", "asis")),
        ("r.ASIS", ("right", "asis")),
        ("L_knee", ("left", "knee")),
        ("r_knee", ("right", "knee")),
        ("R_HJC", ("right", "hjc")),
        ("L_HJC_reg", ("left", "hjcreg")),
        ("r_mknee_study", ("right", "mknee")),
        ("RHJC_study", ("right", "hjc")),
        ("RKNE", ("right", "kne")),
        ("LASI", ("left", "asi")),
        ("Subject01:LHEE", ("left", "hee")),
        ("knee_l", ("left", "knee")),
        ("LeftAnkle", ("left", "ankle")),
        ("C7", (None, "c7")),
    ],
)
def test_marker_names_are_normalized(name: str, expected: tuple[str | None, str]) -> None:
    assert normalize_name(name) == expected


def test_marker_mapping_of_the_opencap_lab_set() -> None:
    m = read_trc(DJ1)
    mapping = map_markers(m.names)

    def name(side: str, role: str) -> str | None:
        i = mapping.get(side, role)
        return None if i is None else m.names[i]

    assert name("left", "hjc") == "L_HJC" and name("right", "hjc") == "R_HJC"  # not *_reg
    assert name("left", "knee_lat") == "L_knee" and name("right", "knee_lat") == "r_knee"
    assert name("left", "knee_med") is None
    assert name("left", "ankle_lat") == "L_ankle" and name("right", "ankle_lat") == "r_ankle"
    assert name("left", "heel") == "L_calc" and name("right", "toe") == "r_toe"
    assert name("left", "asis") == "L.ASIS" and name("right", "asis") == "r.ASIS"
    assert name("left", "psis") == "L.PSIS" and name("right", "psis") == "r.PSIS"
    assert name("right", "shoulder") == "R_Shoulder"
    ds = load_mocap(DJ1)
    assert "right_knee=r_knee" in ds.attrs["markers"]
    assert "left_hip=L_HJC" in ds.attrs["markers"]
    mapped = {"hip", "knee", "ankle", "heel", "foot_index", "shoulder"}
    for kp in KEYPOINTS:
        seen = float(ds.confidence.sel(keypoint=kp).max())
        part = kp.split("_", 1)[1] if "_" in kp else kp
        assert seen == (1.0 if part in mapped else 0.0), kp
        if part not in mapped:
            assert np.isnan(ds.position.sel(keypoint=kp).values).all()


def test_missing_required_markers_are_named() -> None:
    names = [n for n in read_trc(DJ1).names if n not in ("R_HJC", "R_HJC_reg", "r_ankle")]
    with pytest.raises(MocapFileError) as info:
        map_markers(names)
    msg = str(info.value)
    assert "right hip joint centre" in msg and "right ankle" in msg
    assert "left" not in msg.split("Markers in the file")[0]


def test_knee_is_the_mid_point_when_a_medial_marker_exists() -> None:
    m = read_trc(DJ1)
    lat = m.names.index("r_knee")
    medial = m.xyz[:, lat] + np.array([0.0, 0.0, 0.1])  # 10 cm along the lab's Z
    with_med = Markers(
        (*m.names, "r_mknee"),
        np.concatenate([m.xyz, medial[:, None]], axis=1),
        m.time_s,
        m.rate_hz,
        m.source,
        m.file_format,
    )
    a, b = markers_to_poses(m), markers_to_poses(with_med)
    assert "right_knee=r_knee+r_mknee" in b.attrs["markers"]
    shift = b.world.sel(keypoint="right_knee").values - a.world.sel(keypoint="right_knee").values
    seen = np.isfinite(m.xyz[:, lat]).all(axis=1)
    np.testing.assert_allclose(np.linalg.norm(shift, axis=1)[seen], 0.05, atol=1e-9)


# ---------------------------------------------------------------------------- projection


def _lab(m: Markers, name: str) -> np.ndarray:
    return m.xyz[:, m.names.index(name)]


def _frontal_axes(m: Markers) -> tuple[np.ndarray, np.ndarray]:
    """Forward and left unit vectors from the raw TRC (Y up), as the docstring defines."""
    up = np.array([0.0, 1.0, 0.0])
    v = (_lab(m, "L.ASIS") + _lab(m, "r.ASIS")) / 2 - (_lab(m, "L.PSIS") + _lab(m, "r.PSIS")) / 2
    v[:, 1] = 0.0
    ok = np.isfinite(v).all(axis=1)
    mean = (v[ok] / np.linalg.norm(v[ok], axis=1, keepdims=True)).mean(axis=0)
    forward = mean / np.linalg.norm(mean)
    return forward, np.cross(up, forward)


@pytest.mark.parametrize("path", [DJ1, DJ4])
def test_frontal_projection_geometry(path: Path) -> None:
    m = read_trc(path)
    ds = load_mocap(path)
    forward, left = _frontal_axes(m)
    # the subject walks forward off the box: the pelvis moves along +forward (lab +X here)
    assert forward[0] > 0.95
    pos = {k: ds.position.sel(keypoint=k).transpose("time", "space").values for k in KEYPOINTS}
    # facing the camera, the subject's left hip is on the image right
    assert np.all(pos["left_hip"][:, 0] > pos["right_hip"][:, 0])
    seen = np.isfinite(pos["left_ankle"][:, 0] + pos["right_ankle"][:, 0])
    assert seen.mean() > 0.9
    assert np.all(pos["left_ankle"][seen, 0] > pos["right_ankle"][seen, 0])
    # exact scale: image x difference = 1000 px/m x lab separation along the left axis
    sep = (_lab(m, "L_HJC") - _lab(m, "R_HJC")) @ left
    np.testing.assert_allclose(pos["left_hip"][:, 0] - pos["right_hip"][:, 0], PX_PER_M * sep)
    # y down: image y difference = 1000 x lab height difference (Y up)
    dy = _lab(m, "L_HJC")[:, 1] - _lab(m, "L_ankle")[:, 1]
    np.testing.assert_allclose(pos["left_ankle"][:, 1] - pos["left_hip"][:, 1], PX_PER_M * dy)
    assert np.all(pos["left_shoulder"][0, 1] < pos["left_hip"][0, 1])
    # every point inside the frame
    xy = ds.position.values
    assert np.nanmin(xy) >= 0
    assert np.nanmax(xy[:, 0]) <= ds.attrs["width"] and np.nanmax(xy[:, 1]) <= ds.attrs["height"]
    assert ds.attrs["fps"] == 100.0 and ds.attrs["px_per_m"] == PX_PER_M
    assert ds.attrs["model"] == "motion capture (TRC)" and ds.attrs["source"] == str(path)
    assert ds.attrs["up_axis"] == "+Y"


def test_world_follows_the_mediapipe_convention() -> None:
    ds = load_mocap(DJ1)
    w = {k: ds.world.sel(keypoint=k).transpose("time", "space3").values for k in KEYPOINTS}
    np.testing.assert_allclose(w["left_hip"] + w["right_hip"], 0.0, atol=1e-12)  # origin
    assert np.all(w["left_hip"][:, 0] > 0)  # x = the subject's left = image right
    assert np.nanmin(w["left_ankle"][:, 1]) > 0 and np.nanmax(w["left_shoulder"][:, 1]) < 0
    # z away from the camera: the toes (in front) are nearer than the heels
    assert np.nanmedian(w["left_foot_index"][:, 2] - w["left_heel"][:, 2]) < -0.1
    # lengths are kept (a rotation): thigh length in world = in the lab
    m = read_trc(DJ1)
    lab_thigh = np.linalg.norm(_lab(m, "L_HJC") - _lab(m, "L_knee"), axis=1)
    np.testing.assert_allclose(
        np.linalg.norm(w["left_hip"] - w["left_knee"], axis=1), lab_thigh, equal_nan=True
    )


def _rotated(m: Markers, yaw_deg: float, *, z_up: bool = False) -> Markers:
    """The same trial turned about the vertical (Y) axis; optionally relabelled Z-up."""
    a = math.radians(yaw_deg)
    rot = np.array([[math.cos(a), 0, math.sin(a)], [0, 1, 0], [-math.sin(a), 0, math.cos(a)]])
    xyz = m.xyz @ rot.T
    if z_up:  # a proper rotation taking +Y to +Z: (x, y, z) -> (x, -z, y)
        xyz = np.stack([xyz[..., 0], -xyz[..., 2], xyz[..., 1]], axis=-1)
    return Markers(m.names, xyz, m.time_s, m.rate_hz, m.source, m.file_format)


@pytest.mark.parametrize("yaw, z_up", [(30.0, False), (-100.0, False), (45.0, True)])
def test_projection_does_not_depend_on_the_lab_frame(yaw: float, z_up: bool) -> None:
    m = read_trc(DJ1)
    a, b = markers_to_poses(m), markers_to_poses(_rotated(m, yaw, z_up=z_up))
    np.testing.assert_allclose(b.position.values, a.position.values, atol=1e-6, equal_nan=True)
    np.testing.assert_allclose(b.world.values, a.world.values, atol=1e-9, equal_nan=True)
    assert b.attrs["up_axis"] == ("+Z" if z_up else "+Y")


def test_mocap_poses_save_and_load_as_a_pose_file(tmp_path: Path) -> None:
    ds = load_mocap(DJ4)
    back = load_poses(save_poses(ds, tmp_path / "DJ4.poses.nc"))
    np.testing.assert_array_equal(back.position.values, ds.position.values)
    assert back.attrs["markers"] == ds.attrs["markers"] and back.attrs["px_per_m"] == PX_PER_M


def test_swapped_side_labels_are_refused() -> None:
    m = read_trc(DJ1)
    swapped = tuple(
        n.replace("L_HJC", "TMP").replace("R_HJC", "L_HJC").replace("TMP", "R_HJC") for n in m.names
    )
    with pytest.raises(MocapFileError, match="left hip joint centre lies on the subject's right"):
        markers_to_poses(Markers(swapped, m.xyz, m.time_s, m.rate_hz, m.source, "TRC"))


@pytest.mark.parametrize("path", [DJ1, DJ4])
def test_the_squat_analysis_sees_a_frontal_view(path: Path) -> None:
    ds = load_mocap(path)
    track = build_track(ds)
    view = estimate_view(track, track.detected)
    assert view.view == "frontal" and view.yaw_deg is not None and view.yaw_deg < 5.0
    result = analyze_poses(ds).result
    assert result.quality.view == "frontal" and result.quality.usable
    assert result.quality.swapped_frames == 0


def test_a_turned_subject_is_still_seen_from_the_front() -> None:
    ds = markers_to_poses(_rotated(read_trc(DJ4), 70.0))
    track = build_track(ds)
    assert estimate_view(track, track.detected).view == "frontal"


# ---------------------------------------------------------------------------- C3D


def _write_c3d(m: Markers, path: Path, *, units_mm: bool = True) -> None:
    scale = 1000.0 if units_mm else 1.0
    writer = c3d.Writer(point_rate=m.rate_hz, point_units="mm  " if units_mm else "m   ")
    writer.set_point_labels(list(m.names))
    for frame in m.xyz:
        points = np.zeros((len(m.names), 5), np.float32)
        seen = np.isfinite(frame).all(axis=1)
        points[seen, :3] = frame[seen] * scale
        points[~seen, 3] = -1.0  # residual -1: not seen
        writer.add_frames((points, np.zeros((0, 0), np.float32)))
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="No analog data", category=UserWarning)
        with path.open("wb") as handle:
            writer.write(handle)


@pytest.mark.parametrize("units_mm", [True, False])
def test_c3d_round_trip_equals_the_trc(tmp_path: Path, units_mm: bool) -> None:
    trc = read_trc(DJ1)
    path = tmp_path / "DJ1.c3d"
    _write_c3d(trc, path, units_mm=units_mm)
    back = read_c3d(path)
    assert back.names == trc.names and back.file_format == "C3D" and back.rate_hz == 100.0
    np.testing.assert_allclose(back.time_s, trc.time_s, atol=1e-12)
    np.testing.assert_array_equal(np.isnan(back.xyz), np.isnan(trc.xyz))
    np.testing.assert_allclose(back.xyz, trc.xyz, atol=2e-6, equal_nan=True)  # float32
    a, b = load_mocap(DJ1), load_mocap(path)
    np.testing.assert_array_equal(a.confidence.values, b.confidence.values)
    np.testing.assert_allclose(b.position.values, a.position.values, atol=0.01, equal_nan=True)
    assert b.attrs["model"] == "motion capture (C3D)"


def test_z_up_c3d_is_detected(tmp_path: Path) -> None:
    trc = read_trc(DJ4)
    path = tmp_path / "zup.c3d"
    _write_c3d(_rotated(trc, 20.0, z_up=True), path)
    a, b = load_mocap(DJ4), load_mocap(path)
    assert b.attrs["up_axis"] == "+Z"
    np.testing.assert_allclose(b.position.values, a.position.values, atol=0.01, equal_nan=True)


# ---------------------------------------------------------------------------- errors


def test_errors_say_what_is_wrong(tmp_path: Path) -> None:
    assert issubclass(MocapFileError, PoseFileError) and issubclass(MocapFileError, ValgusError)
    with pytest.raises(MocapFileError, match="no such file"):
        load_mocap(tmp_path / "missing.trc")
    (tmp_path / "motion.bvh").write_text("HIERARCHY\n")
    with pytest.raises(MocapFileError, match=r"\.trc .*\.c3d"):
        read_markers(tmp_path / "motion.bvh")
    (tmp_path / "garbage.trc").write_text("hello\nworld\n")
    with pytest.raises(MocapFileError, match="not a TRC marker file"):
        load_mocap(tmp_path / "garbage.trc")
    lines = DJ1.read_text().splitlines()
    bad = lines[:8]
    bad[7] = bad[7].replace("\t", "\tabc", 1)
    (tmp_path / "corrupt.trc").write_text("\n".join(bad))
    with pytest.raises(MocapFileError, match="line 8: a value is not a number"):
        load_mocap(tmp_path / "corrupt.trc")
    (tmp_path / "short.trc").write_text("\n".join(lines[:7]))
    with pytest.raises(MocapFileError, match="1 frame"):
        load_mocap(tmp_path / "short.trc")
    units = lines[:]
    units[2] = units[2].replace("\tm\t", "\tin\t")
    (tmp_path / "inches.trc").write_text("\n".join(units))
    with pytest.raises(MocapFileError, match="unknown TRC units 'in'"):
        load_mocap(tmp_path / "inches.trc")
    (tmp_path / "garbage.c3d").write_bytes(b"\x00\x01" * 300)
    with pytest.raises(MocapFileError, match="not a readable C3D file"):
        load_mocap(tmp_path / "garbage.c3d")


def test_truncated_files_are_read_and_flagged(tmp_path: Path) -> None:
    path = tmp_path / "DJ1.c3d"
    _write_c3d(read_trc(DJ1), path)
    data = path.read_bytes()
    cut = tmp_path / "cut.c3d"
    cut.write_bytes(data[: len(data) // 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning leaks out of the reader
        m = read_c3d(cut)
    assert 2 <= m.xyz.shape[0] < 245 and m.truncated
    assert load_mocap(cut).attrs["truncated_at_s"] == pytest.approx(m.time_s[-1])
    assert "truncated_at_s" not in load_mocap(path).attrs
    lines = DJ1.read_text().splitlines()
    (tmp_path / "cut.trc").write_text("\n".join(lines[:100]))
    assert read_trc(tmp_path / "cut.trc").truncated and not read_trc(DJ1).truncated


# ---------------------------------------------------------------------------- .mot


def test_read_mot_force_plates_and_ik() -> None:
    grf = read_mot(shared_file("data", "mocap", "DJ1_grf.mot"))
    assert grf.data.shape == (245, 28) and grf.names[0] == "time"
    np.testing.assert_allclose(np.diff(grf.time_s), 0.01, atol=1e-9)
    vy1 = grf.column("ground_force_1_vy")
    assert vy1.max() == pytest.approx(1415.3) and vy1[0] == 0.0
    assert grf.header["nColumns"] == "28"
    ik = read_mot(shared_file("data", "mocap", "DJ1_ik.mot"))
    assert ik.in_degrees is False
    assert ik.column("knee_angle_r")[0] == pytest.approx(0.265076)
    with pytest.raises(MocapFileError, match="'knee_valgus' is not in this table"):
        ik.column("knee_valgus")


def test_read_mot_errors(tmp_path: Path) -> None:
    with pytest.raises(MocapFileError, match="no such file"):
        read_mot(tmp_path / "none.mot")
    (tmp_path / "a.mot").write_text("time\tx\n0\t1\n")
    with pytest.raises(MocapFileError, match="endheader"):
        read_mot(tmp_path / "a.mot")
    (tmp_path / "b.mot").write_text("endheader\ntime\tx\n0\t1\n0.01\n")
    with pytest.raises(MocapFileError, match="line 4: 1 values for 2 columns"):
        read_mot(tmp_path / "b.mot")


def test_trc_infinite_or_absurd_values_are_missing_markers(tmp_path: Path) -> None:
    # Found by `valgus bench fuzz`: a cell reading 1e309 (inf) ended in an OverflowError.
    lines = DJ1.read_text().splitlines()
    row = lines[8].split("\t")
    row[2 + 3 * 4] = "1e309"  # L_HJC x in frame 3
    row[2 + 3 * 6 + 1] = "-7e12"  # another marker 7e9 km away
    lines[8] = "\t".join(row)
    path = tmp_path / "inf.trc"
    path.write_text("\n".join(lines) + "\n")
    m = read_trc(path)
    assert np.isnan(m.xyz[2, 4]).all() and np.isnan(m.xyz[2, 6]).all()
    ds = load_mocap(path)
    assert ds.confidence.sel(keypoint="left_hip").values[2] == 0.0


@pytest.mark.parametrize("rate", ["nan", "inf", "0", "-100"])
def test_trc_impossible_frame_rate_is_a_mocap_error(tmp_path: Path, rate: str) -> None:
    lines = DJ1.read_text().splitlines()
    keys, values = lines[1].split("\t"), lines[2].split("\t")
    values[keys.index("DataRate")] = rate
    lines[2] = "\t".join(values)
    path = tmp_path / "rate.trc"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(MocapFileError, match="frame rate"):
        read_trc(path)


def test_pelvis_pointing_both_ways_is_a_mocap_error() -> None:
    # Found by `valgus bench fuzz`: per-frame forward directions that cancel out divided by
    # a zero norm (a RuntimeWarning on stderr, then NaN everywhere).
    m = read_trc(DJ1)
    asis = [i for i, n in enumerate(m.names) if "ASIS" in n.upper()]
    psis = [i for i, n in enumerate(m.names) if "PSIS" in n.upper()]
    assert len(asis) == 2 and len(psis) == 2
    xyz = m.xyz.copy()
    half = len(xyz) // 2
    xyz[half:, asis + psis] = m.xyz[half:, psis + asis]  # labels swapped in the second half
    flipped = Markers(m.names, xyz, m.time_s, m.rate_hz, m.source, m.file_format)
    with pytest.raises(MocapFileError, match="no steady forward direction"):
        markers_to_poses(flipped)
