"""What every movement test shares: the options, the analysis it returns, and the steps
between the cleaned track and the typed result (gates, warnings, result assembly). Pure."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from valgus.assessment import bands, quality
from valgus.assessment import quality_warnings as qw
from valgus.assessment.series import FrameSeries
from valgus.assessment.track import MIN_VISIBILITY, Track
from valgus.errors import NoRepsFoundError
from valgus.kinematics.filtering import (
    DEFAULT_CUTOFF_HZ,
    MAX_GAP_S,
    time_breaks,
    variable_frame_rate,
)
from valgus.kinematics.reps import MIN_REP_DEPTH
from valgus.kinematics.reps import Rep as RepIdx
from valgus.results import (
    AnalysisResult,
    MovementChoice,
    Quality,
    QualityWarning,
    Rep,
    Source,
    Summary,
)
from valgus.schema import MIRROR_SWAPPED_ATTR, RECORDED_AT_ATTR, Side

# Mean of >= 3 trials (Willson 2006; Munro 2012; docs/evidence.md §2).
MIN_REPS_RECOMMENDED = 3


@dataclass(frozen=True)
class Options:
    """What the user said about the recording beyond the movement."""

    side: str = "auto"  # single-leg squat: the standing leg, or "auto"
    sex: str | None = None  # drop jump: picks the landing norms (Herrington & Munro 2010)
    mirrored: bool = False  # the video is a mirror image: left and right swapped back


@dataclass(frozen=True)
class Analysis:
    """Everything one analysis produced: the typed result, the poses, the per-frame series."""

    result: AnalysisResult
    poses: xr.Dataset
    series: FrameSeries


@dataclass
class Context:
    """One analysis in progress: the poses, their cleaned track, the warnings so far."""

    poses: xr.Dataset
    track: Track
    source_kind: str
    choice: MovementChoice | None
    options: Options
    warnings: list[QualityWarning] = field(default_factory=list)

    def raw(self, var: str) -> NDArray[np.float64]:
        """The pose model's landmarks as given (hidden points included): (T, space, K)."""
        da = self.poses[var]
        return np.asarray(da.transpose("time", da.dims[1], "keypoint").values, dtype=np.float64)


def frames_of(track: Track, reps: list[RepIdx]) -> NDArray[np.bool_]:
    """Per frame: inside one of the reps."""
    in_reps = np.zeros(len(track.time_s), dtype=bool)
    for r in reps:
        in_reps[r.start : r.end + 1] = True
    return in_reps


def no_reps(ctx: Context, what: str, min_depth: float, advice: str) -> NoRepsFoundError:
    damaged = (
        f" The video is damaged after {ctx.poses.attrs['truncated_at_s']:.1f} s."
        if "truncated_at_s" in ctx.poses.attrs
        else ""
    )
    return NoRepsFoundError(
        f"no {what} found: the hips never dropped by {100 * min_depth:.0f}% of leg length "
        f"or more.{damaged} {advice}"
    )


def view_gates(
    ctx: Context, in_reps: NDArray[np.bool_], *, limit: float = quality.USABLE_MAX_YAW_DEG
) -> quality.ViewEstimate:
    """The camera angle during the reps (refused when side-on) and the framing. limit: the
    largest estimated yaw at which the knee measure is judged (quality.view_warnings)."""
    view = quality.estimate_view(ctx.track, in_reps & ctx.track.detected)
    ctx.warnings.extend(quality.view_warnings(view, limit=limit))
    ctx.warnings.extend(quality.check_framing(ctx.track, in_reps))
    return view


def leg_gates(
    ctx: Context,
    view: quality.ViewEstimate,
    frames: NDArray[np.bool_],
    task: str,
    *,
    limit: float = quality.USABLE_MAX_YAW_DEG,
) -> tuple[dict[Side, bool], dict[Side, str], bool]:
    """Per leg: judged or not and why; and whether the knee/ankle ratios can be read
    (both legs seen: ratios stay valid in oblique views, a common shift cancels)."""
    visible = {s: quality.leg_visible(ctx.track, s.value, frames) for s in Side}
    why_not = {
        s: "" if ok else f"its hip, knee or ankle is hidden or unclear in the {task}"
        for s, ok in visible.items()
    }
    ratios_ok = all(visible.values())
    if not quality.view_allows_valgus(view, limit=limit):
        visible = dict.fromkeys(Side, False)
        why_not = dict.fromkeys(Side, "the camera angle is too far from frontal")
    ctx.warnings.extend(
        qw.leg_hidden(s, task) for s, ok in visible.items() if not ok and "hidden" in why_not[s]
    )
    return visible, why_not, ratios_ok


def input_warnings(poses: xr.Dataset, n_swapped: int) -> list[QualityWarning]:
    """Warnings about the recording itself, before any movement is looked for."""
    out = []
    if "truncated_at_s" in poses.attrs:
        out.append(qw.truncated(float(poses.attrs["truncated_at_s"])))
    if str(poses.attrs.get("model", "")).startswith("motion capture"):
        out.append(qw.mocap_markers(str(poses.attrs.get("markers", "see the pose file"))))
    if variable_frame_rate(poses.time.values):
        out.append(qw.variable_frame_rate())
    gap = time_gap_warning(poses.time.values.astype(np.float64))
    if gap is not None:
        out.append(gap)
    if poses.attrs.get(MIRROR_SWAPPED_ATTR):
        out.append(qw.mirrored())
    xy = poses.position.transpose("time", "space", "keypoint").values.astype(np.float64)
    jumps = quality.body_jumps(
        poses.time.values.astype(np.float64), xy, [str(k) for k in poses.keypoint.values]
    )
    if jumps:
        out.append(qw.body_jump(jumps))
    if n_swapped:
        out.append(qw.left_right_swaps(n_swapped))
    return out


def time_gap_warning(t: NDArray[np.float64]) -> QualityWarning | None:
    """Breaks in the timestamps (filtering.time_breaks): build_track filters the stretches
    on either side separately and bridges nothing across them; the warning says so."""
    breaks = time_breaks(t)
    if breaks.size == 0:
        return None
    gaps = t[breaks] - t[breaks - 1]
    worst = int(np.argmax(gaps))
    footage = float((t[-1] - t[0]) - gaps.sum())
    return qw.time_gap(
        float(gaps[worst]), float(t[breaks[worst] - 1] - t[0]), int(breaks.size), footage
    )


def source_of(poses: xr.Dataset, kind: str) -> Source:
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
        recorded_at=_recorded_at(poses),
    )


def _recorded_at(poses: xr.Dataset) -> dt.datetime | None:
    """The recording's creation time from the pose data (ISO 8601), if the video had one."""
    text = poses.attrs.get(RECORDED_AT_ATTR)
    try:
        return dt.datetime.fromisoformat(str(text)) if text else None
    except ValueError:
        return None


def base_method(poses: xr.Dataset) -> dict[str, float | str]:
    """The model, filter and thresholds every movement reports (for reproducibility)."""
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


def build_result(
    ctx: Context,
    movement: str,
    view: quality.ViewEstimate,
    usable: bool,
    reps: list[Rep],
    summary: Summary,
    method: dict[str, float | str],
) -> AnalysisResult:
    """The typed result of a finished analysis."""
    return AnalysisResult(
        movement=movement,
        movement_choice=ctx.choice,
        source=source_of(ctx.poses, ctx.source_kind),
        quality=Quality(
            usable=usable,
            view=view.view,
            view_yaw_deg=view.yaw_deg,
            detected_fraction=round(float(ctx.track.detected.mean()), 3),
            swapped_frames=ctx.track.swaps.n_swapped,
            warnings=ctx.warnings,
        ),
        reps=reps,
        summary=summary,
        method={**method, "mirrored": "yes"}
        if ctx.poses.attrs.get(MIRROR_SWAPPED_ATTR)
        else method,
    )
