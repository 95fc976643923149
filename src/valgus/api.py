"""The facade the CLI, the web app and notebooks call.

>>> import valgus
>>> analysis = valgus.analyze_video("squat.mp4")
>>> analysis.result.summary.left.valgus
'mild'
"""

from __future__ import annotations

import csv
import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from valgus.assessment import bands, quality
from valgus.assessment.series import FrameSeries, compute_series
from valgus.assessment.squat import measure_reps, summarize
from valgus.assessment.track import MIN_VISIBILITY, build_track
from valgus.errors import InputError, NoRepsFoundError
from valgus.io.poses import is_pose_file, load_poses, save_poses
from valgus.kinematics.filtering import DEFAULT_CUTOFF_HZ, MAX_GAP_S, variable_frame_rate
from valgus.kinematics.reps import MIN_REP_DEPTH, detect_reps
from valgus.pose.extract import ProgressFn, estimate_poses
from valgus.results import AnalysisResult, Quality, QualityWarning, Source
from valgus.schema import Side

MOVEMENTS = ("squat",)
MIN_REPS_RECOMMENDED = 3  # mean of >= 3 trials (Willson 2006; Munro 2012; reference rule 1)


@dataclass(frozen=True)
class Analysis:
    """Everything one analysis produced: the typed result, the poses, the per-frame series."""

    result: AnalysisResult
    poses: xr.Dataset
    series: FrameSeries


def analyze_video(
    path: str | Path, /, *, movement: str = "squat", progress: ProgressFn | None = None
) -> Analysis:
    """Run the pose model on a video and analyze it. Raises a ValgusError subclass when
    the footage cannot support a result (see valgus.errors)."""
    _check_movement(movement)
    poses = estimate_poses(Path(path), progress=progress)
    return analyze_poses(poses, movement=movement, source_kind="video")


def analyze_file(
    path: str | Path, /, *, movement: str = "squat", progress: ProgressFn | None = None
) -> Analysis:
    """Analyze a video, or rerun the analysis on a saved pose file (*.poses.nc)."""
    p = Path(path)
    if is_pose_file(p):
        return analyze_poses(load_poses(p), movement=movement, source_kind="poses")
    return analyze_video(p, movement=movement, progress=progress)


def _check_movement(movement: str) -> None:
    if movement not in MOVEMENTS:
        raise InputError(
            f"movement {movement!r} is not supported yet; choose from: {', '.join(MOVEMENTS)}"
        )


def analyze_poses(
    poses: xr.Dataset, /, *, movement: str = "squat", source_kind: str = "poses"
) -> Analysis:
    """Analyze a pose Dataset (pure: no file is read or written)."""
    _check_movement(movement)
    track = build_track(poses)
    quality.check_person(track)
    warnings = _input_warnings(poses, track.swaps.n_swapped)
    quality.refuse_side_view(quality.estimate_view(track, track.detected))
    # Legs cut off all along: say so rather than "no reps" (partial cuts are judged per rep).
    quality.check_framing(track, track.detected, where="of the video")
    series = compute_series(track)
    reps = detect_reps(series.depth, series.time_s)
    if not reps:
        damaged = (
            f" The video is damaged after {poses.attrs['truncated_at_s']:.1f} s."
            if "truncated_at_s" in poses.attrs
            else ""
        )
        raise NoRepsFoundError(
            f"no squat found: the hips never dropped by {100 * MIN_REP_DEPTH:.0f}% of leg length "
            f"or more.{damaged} Film 3-5 full squats, the whole body in frame."
        )
    in_reps = np.zeros(len(track.time_s), dtype=bool)
    for r in reps:
        in_reps[r.start : r.end + 1] = True
    view = quality.estimate_view(track, in_reps & track.detected)
    warnings += quality.view_warnings(view)
    warnings += quality.check_framing(track, in_reps)
    visible = {s: quality.leg_visible(track, s.value, in_reps) for s in Side}
    why_not = {
        s: "" if ok else "its hip, knee or ankle is hidden or unclear in the reps"
        for s, ok in visible.items()
    }
    ratios_ok = all(visible.values())
    if not quality.view_allows_valgus(view):
        visible = dict.fromkeys(Side, False)
        why_not = dict.fromkeys(Side, "the camera angle is too far from frontal")
    for s, ok in visible.items():
        if not ok and "hidden" in why_not[s]:
            warnings.append(
                QualityWarning(
                    code=f"{s.value}_leg_hidden",
                    message=f"the {s.value} leg's hip, knee or ankle is hidden or unclear during the "
                    "squats; that leg is not judged. Film square-on, in good light, legs uncovered.",
                )
            )
    if len(reps) < MIN_REPS_RECOMMENDED:
        warnings.append(
            QualityWarning(
                code="few_reps",
                message=f"only {len(reps)} rep(s) found; 3-5 reps give a reliable mean and spread.",
            )
        )
    rep_results = measure_reps(series, reps, visible, ratios_ok=ratios_ok)
    result = AnalysisResult(
        movement=movement,
        source=_source(poses, source_kind),
        quality=Quality(
            usable=any(visible.values()),
            view=view.view,
            view_yaw_deg=view.yaw_deg,
            detected_fraction=round(float(track.detected.mean()), 3),
            swapped_frames=track.swaps.n_swapped,
            warnings=warnings,
        ),
        reps=rep_results,
        summary=summarize(rep_results, why_not),
        method=_method(poses),
    )
    return Analysis(result, poses, series)


def _input_warnings(poses: xr.Dataset, n_swapped: int) -> list[QualityWarning]:
    out = []
    if "truncated_at_s" in poses.attrs:
        out.append(
            QualityWarning(
                code="truncated",
                message=f"the video is damaged after {poses.attrs['truncated_at_s']:.1f} s; "
                "only the part before was analyzed.",
            )
        )
    if variable_frame_rate(poses.time.values):
        out.append(
            QualityWarning(
                code="variable_frame_rate",
                message="variable frame rate: real timestamps were used and the series resampled for filtering.",
            )
        )
    if n_swapped:
        out.append(
            QualityWarning(
                code="left_right_swaps",
                message=f"left/right landmarks were swapped by the pose model in "
                f"{n_swapped} frame(s) and corrected.",
            )
        )
    return out


def _source(poses: xr.Dataset, kind: str) -> Source:
    t = poses.time.values
    return Source(
        path=str(poses.attrs.get("source", "")),
        kind=kind,  # type: ignore[arg-type]
        fps=round(float(poses.attrs.get("fps", 1 / np.median(np.diff(t)))), 3),
        frames=len(t),
        duration_s=round(float(t[-1] - t[0]), 3),
        width=int(poses.attrs["width"]),
        height=int(poses.attrs["height"]),
        rotation=int(poses.attrs.get("rotation", 0)),
    )


def _method(poses: xr.Dataset) -> dict[str, float | str]:
    return {
        "pose_model": str(poses.attrs.get("model", "unknown")),
        "lowpass_hz": DEFAULT_CUTOFF_HZ,
        "max_gap_s": MAX_GAP_S,
        "min_visibility": MIN_VISIBILITY,
        "min_rep_depth": MIN_REP_DEPTH,
        "fppa_mild_deg": bands.FPPA_MILD_DEG,
        "fppa_marked_deg": bands.FPPA_MARKED_DEG,
        "mkd_mild": bands.MKD_MILD,
        "mkd_marked": bands.MKD_MARKED,
        "fppa_max_depth": bands.FPPA_MAX_DEPTH,
    }


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def save_analysis(analysis: Analysis, out_dir: str | Path, /, *, stem: str) -> dict[str, Path]:
    """Write <stem>.analysis.json, <stem>.poses.nc and <stem>.frames.csv (each atomically)."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {
        "analysis": out / f"{stem}.analysis.json",
        "poses": out / f"{stem}.poses.nc",
        "frames": out / f"{stem}.frames.csv",
    }
    if analysis.result.source.kind == "video":
        save_poses(analysis.poses, paths["poses"])
    else:
        del paths["poses"]
    cols = analysis.series.as_columns()
    tmp = paths["frames"].with_name(paths["frames"].name + ".part")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(cols)
        for row in zip(*cols.values(), strict=True):
            writer.writerow(["" if not np.isfinite(v) else f"{v:.5g}" for v in row])
    os.replace(tmp, paths["frames"])
    _atomic_write_text(
        paths["analysis"], json.dumps(analysis.result.model_dump(mode="json"), indent=2)
    )
    return paths
