"""The manual check a physical therapist makes in Kinovea: on a rep's deepest frame, place
the hip, knee, ankle and foot points by hand; FPPA and the knee's position over the foot are
computed from them by the same definitions as the automatic measures
(kinematics/angles.py), and kept beside the automatic values with the difference."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from pydantic import BaseModel, ConfigDict, Field

from valgus.assessment.analysis import Analysis
from valgus.assessment.track import build_track
from valgus.errors import InputError
from valgus.io import atomic
from valgus.kinematics import angles
from valgus.report.draw import FACE_POINTS, blur_face, png_bytes
from valgus.report.frames import grab_frames
from valgus.schema import Side

Point = tuple[float, float]
PARTS = ("hip", "knee", "ankle", "foot_index")
CHECKS_FILE = "manual-checks.json"


class KeyPoints(BaseModel):
    """One leg's points on a rep's deepest frame, in the frame's pixels, and the other hip
    (which side is medial)."""

    model_config = ConfigDict(extra="forbid")

    side: Literal["left", "right"]
    rep: int = Field(ge=1)
    hip: Point
    knee: Point
    ankle: Point
    foot_index: Point
    other_hip: Point


class ManualCheck(BaseModel):
    """The hand-placed measures beside the automatic ones (+ = more valgus by hand)."""

    side: Literal["left", "right"]
    rep: int
    fppa_deg: float
    mkd: float
    auto_fppa_deg: float | None
    auto_mkd: float | None
    fppa_difference_deg: float | None
    mkd_difference: float | None
    points: KeyPoints
    checked_at: dt.datetime


def _xy(p: Point) -> NDArray[np.float64]:
    return np.asarray(p, dtype=np.float64)


def measure(points: KeyPoints, leg_length_px: float) -> tuple[float, float]:
    """FPPA (deg) and MKD (fraction of leg length) from hand-placed points."""
    hip, knee, ankle = _xy(points.hip), _xy(points.knee), _xy(points.ankle)
    other = _xy(points.other_hip)
    fppa = float(angles.fppa_deg(hip, knee, ankle, other))
    mkd = float(
        angles.medial_knee_displacement(knee, _xy(points.foot_index), other, hip, leg_length_px)
    )
    if not (np.isfinite(fppa) and np.isfinite(mkd)):
        raise InputError("the points do not make a leg (two of them coincide); move them apart")
    return round(fppa, 2), round(mkd, 4)


def auto_points(analysis: Analysis, rep: int, side: Side) -> KeyPoints:
    """The automatic points of one leg on a rep's deepest frame (where the page starts)."""
    reps = analysis.result.reps
    if not 1 <= rep <= len(reps):
        raise InputError(f"there is no rep {rep}; the analysis has {len(reps)}")
    track = build_track(analysis.poses)
    i = int(np.argmin(np.abs(track.time_s - reps[rep - 1].bottom_s)))

    def at(name: str) -> Point:
        x, y = track.point(name)[i]
        return (round(float(x), 1), round(float(y), 1))

    return KeyPoints(
        side=side.value,
        rep=rep,
        other_hip=at(f"{side.other.value}_hip"),
        **{part: at(f"{side.value}_{part}") for part in PARTS},
    )


def check(analysis: Analysis, points: KeyPoints, /) -> ManualCheck:
    """The manual measures of `points` beside the automatic ones of that rep and leg."""
    reps = analysis.result.reps
    if not 1 <= points.rep <= len(reps):
        raise InputError(f"there is no rep {points.rep}; the analysis has {len(reps)}")
    fppa, mkd = measure(points, analysis.series.leg_length_px)
    leg = getattr(reps[points.rep - 1], points.side)
    return ManualCheck(
        side=points.side,
        rep=points.rep,
        fppa_deg=fppa,
        mkd=mkd,
        auto_fppa_deg=leg.fppa_deg,
        auto_mkd=leg.mkd,
        fppa_difference_deg=None if leg.fppa_deg is None else round(fppa - leg.fppa_deg, 2),
        mkd_difference=None if leg.mkd is None else round(mkd - leg.mkd, 4),
        points=points,
        checked_at=dt.datetime.now(dt.UTC).replace(microsecond=0),
    )


def load_checks(folder: Path, /) -> list[ManualCheck]:
    path = folder / CHECKS_FILE
    if not path.exists():
        return []
    return [ManualCheck.model_validate(c) for c in json.loads(path.read_text("utf-8"))]


def keep(folder: Path, result: ManualCheck, /) -> list[ManualCheck]:
    """Keep the check (the latest per rep and leg) beside the analysis's files."""
    checks = [c for c in load_checks(folder) if (c.rep, c.side) != (result.rep, result.side)]
    checks.append(result)
    checks.sort(key=lambda c: (c.rep, c.side))
    atomic.write_text(
        folder / CHECKS_FILE, json.dumps([c.model_dump(mode="json") for c in checks], indent=1)
    )
    return checks


def frame_path(folder: Path, rep: int, /) -> Path:
    return folder / f"frame-rep{rep}.png"


def write_frames(analysis: Analysis, video: Path, folder: Path, /) -> list[Path]:
    """The deepest frame of each rep, full size, faces blurred, nothing drawn: the picture
    the points are placed on."""
    times = [r.bottom_s for r in analysis.result.reps]
    frames = grab_frames(video, times)
    track = build_track(analysis.poses)
    out = []
    for n, t in enumerate(times, start=1):
        img = frames.get(t)
        if img is None:
            continue
        i = int(np.argmin(np.abs(track.time_s - t)))
        face = [tuple(map(float, track.point(k)[i])) for k in FACE_POINTS]
        leg = float(
            np.nanmedian(np.abs(track.point("left_ankle")[:, 1] - track.point("left_hip")[:, 1]))
        )
        blurred = blur_face(img, face, scale_px=2 * max(leg, 1.0))  # type: ignore[arg-type]
        out.append(atomic.write_bytes(frame_path(folder, n), png_bytes(blurred)))
    return out
