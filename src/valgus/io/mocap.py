"""Marker-based motion capture (TRC, C3D) into the pose data model.

A mocap trial becomes what an ideal camera would have given: ``position`` is an
orthographic **frontal** view (the camera square in front of the subject, at infinity),
``world`` the 3D points in MediaPipe's world-landmark convention. Then every analysis
written for phone video runs on lab data unchanged, and lab data can check it.

Frames and axes
    - up: the lab's vertical axis. OpenSim/OpenCap TRC files are Y-up, most C3D files
      Z-up; it is found from the data (the axis along which the shoulders, or the hip
      joint centres, sit highest above the ankles) unless given.
    - facing f: the subject's forward direction, from the pelvis markers (mid-ASIS minus
      mid-PSIS), made horizontal, averaged over the trial (a fixed camera does not follow
      the subject). Without ASIS/PSIS: perpendicular to the hip-joint-centre line.
    - left l = up x f: the subject's left.
    - ``position`` (px, y down): x = PX_PER_M * (l . p) + offset, y = -PX_PER_M * (up . p)
      + offset. Facing the camera, the subject's left leg is on the image right.
    - ``world`` (m, MediaPipe convention, as in ``valgus.synth.truth_poses``): x = l,
      y = down, z = -f (away from the camera), origin between the two hip joint centres.

Keypoints (MARKER_TABLE): hip = hip joint centre marker; knee = mid-point of the lateral
and medial knee markers when both exist, else the one that exists (usually the lateral
epicondyle: it sits some 5 cm lateral of the joint centre, which widens the knee
separation, see docs/landing.md); ankle likewise with the malleoli; heel = calcaneus;
foot_index = toe; shoulders. The other 33-landmark slots are NaN with confidence 0, and
so is every missing (blank or NaN) marker sample.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from valgus.errors import MocapFileError
from valgus.schema import KEYPOINTS, make_poses

FloatArray = NDArray[np.float64]

MOCAP_SUFFIXES = (".trc", ".c3d")
PX_PER_M = 1000.0  # fixed scale of the frontal projection: 1 px = 1 mm
MARGIN_PX = 100.0  # empty border around the data in the projected frame
UNITS_TO_M = {"m": 1.0, "cm": 0.01, "mm": 0.001}

# Anatomical roles and the marker-name bodies (after normalize_name) that carry them,
# best first. Covers OpenSim/OpenCap lab names (L_HJC, r.ASIS, r_knee, r_mknee, L_calc,
# *_study), Vicon Plug-in Gait (LASI, LPSI, LKNE, LANK, LHEE, LTOE, LSHO) and spelled-out
# variants (left_knee_lateral, heel, acromion).
MARKER_TABLE: dict[str, tuple[str, ...]] = {
    "hjc": ("hjc", "hipjc", "hipjointcentre", "hipjointcenter", "hipcentre", "hipcenter", "hjcreg"),
    "knee_lat": ("knee", "kne", "kneelat", "kneelateral", "latknee", "lateralknee", "lfe"),
    "knee_med": ("mknee", "kneemed", "kneemedial", "medknee", "medialknee", "knm", "kneem", "mfe"),
    "ankle_lat": ("ankle", "ank", "anklelat", "anklelateral", "latankle", "lmal", "latmal", "lm"),
    "ankle_med": ("mankle", "anklemed", "anklemedial", "medankle", "mmal", "medmal", "med", "mm"),
    "heel": ("calc", "heel", "hee", "cal", "calcaneus"),
    "toe": ("toe", "toes", "toetip", "hallux"),
    "asis": ("asis", "asi"),
    "psis": ("psis", "psi"),
    "shoulder": ("shoulder", "sho", "acromion", "ac"),
}
REQUIRED_ROLES = ("hjc", "knee", "ankle")
_SIDES = {"left": "left", "right": "right", "l": "left", "r": "right"}
_SUFFIXES = ("study", "marker", "mkr")


@dataclass(frozen=True)
class Markers:
    """Marker trajectories of one trial. xyz (time, marker, 3) in metres, NaN where missing."""

    names: tuple[str, ...]
    xyz: FloatArray
    time_s: FloatArray
    rate_hz: float
    source: str
    file_format: str  # "TRC" or "C3D"
    truncated: bool = False  # the file ends before the frame count its header gives


@dataclass(frozen=True)
class MarkerMap:
    """Which marker (index into Markers.names) plays each role on each side."""

    roles: dict[tuple[str, str], int]  # (side, role) -> marker index

    def get(self, side: str, role: str) -> int | None:
        return self.roles.get((side, role))


# ---------------------------------------------------------------------------- names


def normalize_name(name: str, /) -> tuple[str | None, str]:
    """(side, body) of a marker name: 'L.ASIS' -> ('left', 'asis'), 'r_knee_study' ->
    ('right', 'knee'), 'RKNE' -> ('right', 'kne'), 'C7' -> (None, 'c7').

    Case, separators (. _ - space), a 'Subject:' prefix and a '_study' suffix are ignored.
    The side is a leading or trailing L/R or left/right.
    """
    base = name.rsplit(":", 1)[-1].strip().lower()
    tokens = [t for t in re.split(r"[._\-\s]+", base) if t]
    while tokens and tokens[-1] in _SUFFIXES:
        tokens.pop()
    if not tokens:
        return None, ""
    if len(tokens) > 1 and tokens[0] in _SIDES:
        return _SIDES[tokens[0]], "".join(tokens[1:])
    if len(tokens) > 1 and tokens[-1] in _SIDES:
        return _SIDES[tokens[-1]], "".join(tokens[:-1])
    joined = "".join(tokens)
    for word, side in (("left", "left"), ("right", "right")):
        if joined.startswith(word) and len(joined) > len(word):
            return side, joined[len(word) :]
    if joined[0] in "lr" and _role_of(joined[1:]) is not None:
        return _SIDES[joined[0]], joined[1:]
    return None, joined


def _role_of(body: str) -> str | None:
    for role, aliases in MARKER_TABLE.items():
        if body in aliases:
            return role
    return None


def map_markers(names: tuple[str, ...] | list[str], /) -> MarkerMap:
    """Assign markers to roles (MARKER_TABLE); the alias listed first wins.

    Raises MocapFileError naming every required marker that is missing (hip joint
    centre, knee, ankle on both sides).
    """
    best: dict[tuple[str, str], tuple[int, int]] = {}  # (side, role) -> (alias rank, index)
    for index, name in enumerate(names):
        side, body = normalize_name(name)
        role = _role_of(body)
        if side is None or role is None:
            continue
        rank = MARKER_TABLE[role].index(body)
        if (side, role) not in best or rank < best[(side, role)][0]:
            best[(side, role)] = (rank, index)
    roles = {key: index for key, (_, index) in best.items()}
    missing = []
    for side in ("left", "right"):
        for role in REQUIRED_ROLES:
            candidates = [role] if role == "hjc" else [f"{role}_lat", f"{role}_med"]
            if not any((side, c) in roles for c in candidates):
                missing.append((side, role))
    if missing:
        what = {
            "hjc": "hip joint centre (e.g. L_HJC / R_HJC, LHJC)",
            "knee": "knee (lateral epicondyle e.g. L_knee / RKNE, or medial e.g. r_mknee)",
            "ankle": "ankle (malleolus e.g. L_ankle / RANK, or medial e.g. r_mankle)",
        }
        listed = "; ".join(f"{side} {what[role]}" for side, role in missing)
        raise MocapFileError(
            f"the motion capture file lacks markers this analysis needs: {listed}. "
            f"Markers in the file: {', '.join(names[:60])}{' ...' if len(names) > 60 else ''}. "
            "Rename the markers, or compute hip joint centres in your mocap software "
            "(e.g. OpenSim, Visual3D) and export them."
        )
    return MarkerMap(roles)


# ---------------------------------------------------------------------------- readers


def is_mocap_file(path: Path | str, /) -> bool:
    """True for a motion-capture file this module reads (by suffix: .trc, .c3d)."""
    return Path(path).suffix.lower() in MOCAP_SUFFIXES


def _check_exists(p: Path) -> None:
    if not p.is_file():
        raise MocapFileError(f"{p}: no such file. Check the path.")


# A marker coordinate further than this from the lab origin is no marker (a damaged value):
# it is treated as missing, like a blank cell.
MAX_MARKER_M = 1000.0


def _plausible(xyz: FloatArray) -> FloatArray:
    """xyz (m) with infinite and absurdly far coordinates set missing (NaN), per marker."""
    out = xyz.copy()
    with np.errstate(invalid="ignore"):
        bad = ~(np.abs(out) <= MAX_MARKER_M) & ~np.isnan(out)
    out[np.broadcast_to(bad.any(axis=-1, keepdims=True), out.shape)] = np.nan
    return out


def _check_rate(p: Path, rate: float) -> float:
    if not (math.isfinite(rate) and rate > 0):
        raise MocapFileError(
            f"{p}: the frame rate {rate} is not a positive number; the file is damaged."
        )
    return rate


def _float_cell(cell: str) -> float:
    cell = cell.strip()
    if not cell:
        return math.nan
    return float(cell)  # 'nan' parses to NaN


def read_trc(path: Path | str, /) -> Markers:
    """Read an OpenSim/OpenCap .trc marker file (tab-separated text)."""
    p = Path(path)
    _check_exists(p)
    try:
        lines = p.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as err:
        raise MocapFileError(f"{p} cannot be read ({err.strerror or err}).") from err
    if len(lines) < 6 or not lines[0].startswith("PathFileType"):
        raise MocapFileError(
            f"{p} is not a TRC marker file (it should start with 'PathFileType' and a "
            "5-line header). Export markers as .trc (OpenSim) or .c3d."
        )
    keys = lines[1].split("\t")
    values = lines[2].split("\t")
    header = {k.strip(): v.strip() for k, v in zip(keys, values, strict=False)}
    try:
        rate = float(header["DataRate"])
        units = header.get("Units", "m").lower()
    except (KeyError, ValueError) as err:
        raise MocapFileError(
            f"{p}: the TRC header has no valid DataRate ({err}); the file is damaged."
        ) from err
    _check_rate(p, rate)
    if units not in UNITS_TO_M:
        raise MocapFileError(f"{p}: unknown TRC units {units!r}; expected m, cm or mm.")
    names = tuple(n.strip() for n in lines[3].split("\t")[2:] if n.strip())
    if not names:
        raise MocapFileError(f"{p}: no marker names on the 4th header line; the file is damaged.")
    width = 2 + 3 * len(names)
    rows: list[list[float]] = []
    for number, line in enumerate(lines[5:], start=6):
        if not line.strip():
            continue
        cells = line.split("\t")[:width]
        try:
            values_f = [_float_cell(c) for c in cells]
        except ValueError as err:
            raise MocapFileError(
                f"{p}, line {number}: a value is not a number ({err}); the file is damaged."
            ) from err
        rows.append(values_f + [math.nan] * (width - len(values_f)))  # short rows: missing
    if len(rows) < 2:
        raise MocapFileError(f"{p} holds {len(rows)} frame(s) of data; at least 2 are needed.")
    table = np.asarray(rows, dtype=np.float64)
    time_s = table[:, 1]
    if not (np.all(np.isfinite(time_s)) and np.all(np.diff(time_s) > 0)):
        time_s = np.arange(len(rows)) / rate  # no usable Time column: frame count / rate
    xyz = _plausible(table[:, 2:].reshape(len(rows), len(names), 3) * UNITS_TO_M[units])
    try:
        truncated = len(rows) < int(header.get("NumFrames", "0"))
    except ValueError:
        truncated = False
    return Markers(names, xyz, time_s, rate, str(p), "TRC", truncated)


def read_c3d(path: Path | str, /) -> Markers:
    """Read the marker (POINT) data of a .c3d file with the `c3d` package."""
    import c3d  # pure-Python C3D reader, imported here so TRC-only use does not need it

    p = Path(path)
    _check_exists(p)
    frames: list[NDArray[Any]] = []
    try:
        with p.open("rb") as handle, warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            reader = c3d.Reader(handle)
            names = tuple(str(n).strip() for n in reader.point_labels)
            rate = float(reader.point_rate)
            unit_param = reader.get("POINT:UNITS")
            units = unit_param.string_value.strip().lower() if unit_param is not None else "mm"
            first = int(reader.first_frame)
            frames = [points.copy() for _, points, _ in reader.read_frames(copy=True)]
    except Exception as err:  # the c3d package raises bare ValueError/struct.error/...
        raise MocapFileError(
            f"{p} is not a readable C3D file ({err.__class__.__name__}: {err}). "
            "Re-export it from your mocap software, or export markers as .trc."
        ) from err
    truncated = any("end of file" in str(w.message) for w in caught)
    if units not in UNITS_TO_M:
        raise MocapFileError(f"{p}: unknown C3D POINT:UNITS {units!r}; expected m, cm or mm.")
    if len(frames) < 2 or not names or not rate > 0:
        raise MocapFileError(
            f"{p} holds {len(frames)} marker frame(s) at {rate} Hz"
            + (" (the file ends early)" if truncated else "")
            + "; at least 2 frames of marker data are needed."
        )
    pts = np.stack(frames).astype(np.float64)  # (time, marker, 5): x, y, z, residual, cameras
    names = names[: pts.shape[1]]  # LABELS may list more names than POINT:USED
    pts = pts[:, : len(names)]
    _check_rate(p, rate)
    xyz = _plausible(pts[:, :, :3] * UNITS_TO_M[units])
    xyz[pts[:, :, 3] < 0] = np.nan  # residual -1: marker not seen
    time_s = (first - 1 + np.arange(len(frames))) / rate
    return Markers(names, xyz, time_s, rate, str(p), "C3D", truncated)


def read_markers(path: Path | str, /) -> Markers:
    """Read a .trc or .c3d file; other suffixes raise MocapFileError."""
    p = Path(path)
    suffix = p.suffix.lower()
    if suffix == ".trc":
        return read_trc(p)
    if suffix == ".c3d":
        return read_c3d(p)
    raise MocapFileError(
        f"{p}: {suffix or 'no suffix'} is not a motion capture format this tool reads; "
        "use .trc (OpenSim/OpenCap) or .c3d."
    )


# ---------------------------------------------------------------------------- projection


def _pair_mid(xyz: FloatArray, a: int | None, b: int | None) -> FloatArray:
    """Mid-point of two markers per frame; the one marker if only one exists (None: NaN)."""
    if a is not None and b is not None:
        return np.asarray((xyz[:, a] + xyz[:, b]) / 2, dtype=np.float64)
    if a is not None:
        return np.asarray(xyz[:, a], dtype=np.float64)
    if b is not None:
        return np.asarray(xyz[:, b], dtype=np.float64)
    return np.full((xyz.shape[0], 3), np.nan)


def _mean_point(xyz: FloatArray, indices: list[int]) -> FloatArray:
    """Per-frame mean of the markers that exist in that frame; NaN if none does."""
    if not indices:
        return np.full((xyz.shape[0], 3), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN frames stay NaN
        return np.asarray(np.nanmean(xyz[:, indices], axis=1), dtype=np.float64)


def _unit(v: FloatArray) -> FloatArray:
    return np.asarray(v / np.linalg.norm(v), dtype=np.float64)


def detect_up_axis(markers: Markers, mapping: MarkerMap, /) -> FloatArray:
    """Unit vector of the lab's vertical (+X/+Y/+Z or minus), from shoulders (or hips)
    above ankles. Raises when the markers do not show an upright body."""
    xyz = markers.xyz
    top_roles = ["shoulder"] if any(k[1] == "shoulder" for k in mapping.roles) else ["hjc"]
    top = [i for (s, r), i in mapping.roles.items() if r in top_roles]
    low = [i for (s, r), i in mapping.roles.items() if r in ("ankle_lat", "ankle_med")]
    d = _mean_point(xyz, top) - _mean_point(xyz, low)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        med = np.nanmedian(d, axis=0)
    if not np.all(np.isfinite(med)):
        raise MocapFileError(f"{markers.source}: hip and ankle markers are never seen together.")
    axis = int(np.argmax(np.abs(med)))
    if abs(med[axis]) < 0.7 * float(np.linalg.norm(med)):
        raise MocapFileError(
            f"{markers.source}: cannot tell the vertical axis (the body is not upright along "
            "X, Y or Z); pass up_axis, e.g. '+Y' (OpenSim) or '+Z' (most C3D)."
        )
    up = np.zeros(3)
    up[axis] = math.copysign(1.0, float(med[axis]))
    return up


def parse_up_axis(text: str, /) -> FloatArray:
    """'+Y', 'y', '-Z' -> unit vector."""
    m = re.fullmatch(r"\s*([+-]?)([xyzXYZ])\s*", text)
    if not m:
        raise MocapFileError(f"up_axis {text!r}: use one of +X, +Y, +Z, -X, -Y, -Z.")
    up = np.zeros(3)
    up["xyz".index(m.group(2).lower())] = -1.0 if m.group(1) == "-" else 1.0
    return up


def facing_direction(
    markers: Markers, mapping: MarkerMap, up: FloatArray, /
) -> tuple[FloatArray, str]:
    """Horizontal unit vector of the subject's forward direction and how it was found.

    Mid-ASIS minus mid-PSIS (the pelvis points forward), horizontal, mean of the unit
    vectors over frames; without pelvis markers: f = l x up with l = left HJC - right HJC.
    """
    xyz = markers.xyz
    asis = [i for (s, r), i in mapping.roles.items() if r == "asis"]
    psis = [i for (s, r), i in mapping.roles.items() if r == "psis"]
    if asis and psis:
        # frames where a pelvis marker is missing are skipped (NaN), not half-counted
        v = xyz[:, asis].mean(axis=1) - xyz[:, psis].mean(axis=1)
        how = "pelvis: mid-ASIS minus mid-PSIS"
    else:
        hip_line = xyz[:, mapping.roles[("left", "hjc")]] - xyz[:, mapping.roles[("right", "hjc")]]
        v = np.cross(hip_line, up)
        how = "perpendicular to the hip joint centre line (no ASIS/PSIS markers)"
    v = v - np.outer(v @ up, up)
    ok = np.all(np.isfinite(v), axis=1) & (np.linalg.norm(v, axis=1) > 1e-6)
    if not ok.any():
        raise MocapFileError(f"{markers.source}: the pelvis markers are never all seen.")
    mean = np.mean(v[ok] / np.linalg.norm(v[ok], axis=1, keepdims=True), axis=0)
    if not float(np.linalg.norm(mean)) > 0.1:  # per-frame directions cancel out
        raise MocapFileError(
            f"{markers.source}: the pelvis markers point in no steady forward direction; "
            "check their labels (ASIS in front, PSIS behind)."
        )
    return _unit(mean), how


def _keypoint_series(markers: Markers, mapping: MarkerMap) -> dict[str, FloatArray]:
    """(time, 3) lab coordinates of each mapped MediaPipe keypoint."""
    xyz = markers.xyz
    out: dict[str, FloatArray] = {}
    for side in ("left", "right"):
        g = mapping.get
        out[f"{side}_hip"] = _pair_mid(xyz, g(side, "hjc"), None)
        out[f"{side}_knee"] = _pair_mid(xyz, g(side, "knee_lat"), g(side, "knee_med"))
        out[f"{side}_ankle"] = _pair_mid(xyz, g(side, "ankle_lat"), g(side, "ankle_med"))
        for part, role in (("heel", "heel"), ("foot_index", "toe"), ("shoulder", "shoulder")):
            index = g(side, role)
            if index is not None:
                out[f"{side}_{part}"] = np.asarray(xyz[:, index], dtype=np.float64)
    return out


def _describe(markers: Markers, mapping: MarkerMap) -> str:
    n = markers.names
    parts = []
    for side in ("left", "right"):
        for key, roles in (
            ("hip", ("hjc",)),
            ("knee", ("knee_lat", "knee_med")),
            ("ankle", ("ankle_lat", "ankle_med")),
            ("heel", ("heel",)),
            ("foot_index", ("toe",)),
            ("shoulder", ("shoulder",)),
        ):
            found = [n[i] for r in roles if (i := mapping.get(side, r)) is not None]
            if found:
                parts.append(f"{side}_{key}={'+'.join(found)}")
    return ", ".join(parts)


def markers_to_poses(markers: Markers, /, *, up_axis: str | None = None) -> xr.Dataset:
    """The pose Dataset an ideal orthographic frontal camera would give (module docstring)."""
    mapping = map_markers(markers.names)
    up = parse_up_axis(up_axis) if up_axis else detect_up_axis(markers, mapping)
    forward, how = facing_direction(markers, mapping, up)
    left = np.cross(up, forward)
    series = _keypoint_series(markers, mapping)
    lh, rh = series["left_hip"], series["right_hip"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        if float(np.nanmedian((lh - rh) @ left)) <= 0:
            raise MocapFileError(
                f"{markers.source}: the left hip joint centre lies on the subject's right "
                "(judged from the pelvis markers): left/right marker labels are swapped or "
                "the coordinate system is mirrored. Check the marker labels."
            )
    n, k = len(markers.time_s), len(KEYPOINTS)
    lab = np.full((n, 3, k), np.nan)
    for name, p in series.items():
        lab[:, :, KEYPOINTS.index(name)] = p
    conf = np.all(np.isfinite(lab), axis=1).astype(np.float64)
    img_x = PX_PER_M * np.einsum("tck,c->tk", lab, left)
    img_y = -PX_PER_M * np.einsum("tck,c->tk", lab, up)
    if not np.isfinite(img_x).any():
        raise MocapFileError(f"{markers.source}: no mapped marker is ever seen.")
    x0, x1 = float(np.nanmin(img_x)), float(np.nanmax(img_x))
    y0, y1 = float(np.nanmin(img_y)), float(np.nanmax(img_y))
    position = np.stack([img_x - x0 + MARGIN_PX, img_y - y0 + MARGIN_PX], axis=1)
    origin = (lh + rh) / 2  # MediaPipe world landmarks: origin between the hips
    rel = lab - origin[:, :, None]
    basis = np.stack([left, -up, -forward])  # x = subject's left, y = down, z = away from camera
    world = np.einsum("ac,tck->tak", basis, rel)
    fmt = markers.file_format
    damaged = {"truncated_at_s": float(markers.time_s[-1])} if markers.truncated else {}
    return make_poses(
        position,
        world,
        conf,
        markers.time_s,
        attrs={
            "source": markers.source,
            "width": math.ceil(x1 - x0 + 2 * MARGIN_PX),
            "height": math.ceil(y1 - y0 + 2 * MARGIN_PX),
            "rotation": 0,
            "fps": float(markers.rate_hz),
            "model": f"motion capture ({fmt})",
            "projection": "orthographic frontal view of the motion capture markers",
            "px_per_m": PX_PER_M,
            "up_axis": "".join(
                f"{'+' if v > 0 else '-'}{a}" for a, v in zip("XYZ", up, strict=True) if v
            ),
            "facing": how,
            "markers": _describe(markers, mapping),
            **damaged,
        },
    )


def load_mocap(path: Path | str, /, *, up_axis: str | None = None) -> xr.Dataset:
    """Read a .trc or .c3d file into the pose Dataset (frontal projection, module docstring).

    Raises MocapFileError (a PoseFileError) saying what is wrong and what to do.
    """
    return markers_to_poses(read_markers(path), up_axis=up_axis)
