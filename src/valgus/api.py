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
from numpy.typing import NDArray

from valgus.assessment import bands, drop_jump, quality, single_leg
from valgus.assessment.movement import recognise_movement
from valgus.assessment.series import FrameSeries, compute_series
from valgus.assessment.squat import asymmetry, measure_reps, stat, summarize
from valgus.assessment.track import MIN_VISIBILITY, Track, build_track
from valgus.errors import InputError, NoRepsFoundError
from valgus.io.mocap import is_mocap_file, load_mocap
from valgus.io.poses import is_pose_file, load_poses, save_poses
from valgus.kinematics.filtering import DEFAULT_CUTOFF_HZ, MAX_GAP_S, variable_frame_rate
from valgus.kinematics.reps import MIN_REP_DEPTH, detect_reps
from valgus.kinematics.reps import Rep as RepIdx
from valgus.pose.extract import ProgressFn, estimate_poses
from valgus.results import (
    AnalysisResult,
    MovementChoice,
    Quality,
    QualityWarning,
    Rep,
    Source,
    Summary,
)
from valgus.schema import MIRROR_SWAPPED_ATTR, Side, swap_sides

MOVEMENTS = ("squat", "heel-raised-squat", "single-leg-squat", "drop-jump")
MOVEMENT_CHOICES = (*MOVEMENTS, "auto")
SIDES = ("auto", "left", "right")
# Landings: at 30 fps the FPPA of a knee caving in changes up to 8 deg per frame just after
# contact (rendered drop jumps, docs/movements.md); 60 fps halves that.
MIN_LANDING_FPS = 50.0
MIN_REPS_RECOMMENDED = 3  # mean of >= 3 trials (Willson 2006; Munro 2012; reference rule 1)


@dataclass(frozen=True)
class Analysis:
    """Everything one analysis produced: the typed result, the poses, the per-frame series."""

    result: AnalysisResult
    poses: xr.Dataset
    series: FrameSeries


@dataclass(frozen=True)
class Options:
    """What the user said about the recording beyond the movement."""

    side: str = "auto"  # single-leg squat: the standing leg, or "auto"
    sex: str | None = None  # drop jump: picks the landing norms (Herrington & Munro 2010)
    mirrored: bool = False  # the video is a mirror image: left and right swapped back


def analyze_video(
    path: str | Path,
    /,
    *,
    movement: str = "squat",
    options: Options = Options(),
    progress: ProgressFn | None = None,
) -> Analysis:
    """Run the pose model on a video and analyze it. Raises a ValgusError subclass when
    the footage cannot support a result (see valgus.errors)."""
    _check_movement(movement, options)
    poses = estimate_poses(Path(path), progress=progress)
    return analyze_poses(poses, movement=movement, options=options, source_kind="video")


def analyze_file(
    path: str | Path,
    /,
    *,
    movement: str = "squat",
    options: Options = Options(),
    progress: ProgressFn | None = None,
) -> Analysis:
    """Analyze a video, a saved pose file (*.poses.nc) or marker motion capture (.trc, .c3d)."""
    p = Path(path)
    if is_pose_file(p):
        return analyze_poses(load_poses(p), movement=movement, options=options)
    if is_mocap_file(p):
        _check_movement(movement, options)
        return analyze_poses(load_mocap(p), movement=movement, options=options, source_kind="mocap")
    return analyze_video(p, movement=movement, options=options, progress=progress)


def settings_of(result: dict[str, object], /) -> tuple[str, Options]:
    """The movement and options an earlier result was made with (to rerun it the same way,
    e.g. for a report from its pose file)."""
    movement = str(result.get("movement", "squat"))
    method = result.get("method")
    m = method if isinstance(method, dict) else {}
    sex = m.get("sex")
    return movement, Options(
        side=str(m.get("side", "auto")),
        sex=str(sex) if sex in ("female", "male") else None,
        mirrored=m.get("mirrored") == "yes",
    )


def _check_movement(movement: str, options: Options) -> None:
    if movement not in MOVEMENT_CHOICES:
        raise InputError(
            f"movement {movement!r} is not known; choose from: {', '.join(MOVEMENT_CHOICES)}"
        )
    if options.side not in SIDES:
        raise InputError(f"side {options.side!r} is not known; choose from: {', '.join(SIDES)}")
    if options.sex not in (None, "female", "male"):
        raise InputError(f"sex {options.sex!r} is not known; choose female or male (or leave out)")
    if options.side != "auto" and movement not in ("single-leg-squat", "auto"):
        raise InputError(
            f"--side is for the single-leg squat, not for {movement}; leave it out or add "
            "--movement single-leg-squat"
        )
    if options.sex is not None and movement not in ("drop-jump", "auto"):
        raise InputError(
            f"--sex picks the drop-jump landing norms; it does not apply to {movement}"
        )


def analyze_poses(
    poses: xr.Dataset,
    /,
    *,
    movement: str = "squat",
    options: Options = Options(),
    source_kind: str = "poses",
) -> Analysis:
    """Analyze a pose Dataset (pure: no file is read or written).

    options.mirrored: the recording is a mirror image; left and right are swapped back
    (schema.swap_sides) unless the poses say they already were.
    """
    _check_movement(movement, options)
    if options.mirrored and not poses.attrs.get(MIRROR_SWAPPED_ATTR):
        poses = swap_sides(poses)
    track = build_track(poses)
    quality.check_person(track)
    warnings = _input_warnings(poses, track.swaps.n_swapped)
    quality.refuse_side_view(quality.estimate_view(track, track.detected))
    # Legs cut off all along: say so rather than "no reps" (partial cuts are judged per rep).
    quality.check_framing(track, track.detected, where="of the video")
    choice: MovementChoice | None = None
    if movement == "auto":
        movement, reason = recognise_movement(poses, track)
        choice = MovementChoice(given="auto", reason=reason)
    ctx = _Context(poses, track, warnings, source_kind, choice, options)
    if movement == "single-leg-squat":
        return _single_leg(ctx)
    if movement == "drop-jump":
        return _drop_jump(ctx)
    return _bilateral(ctx, movement)


@dataclass
class _Context:
    poses: xr.Dataset
    track: Track
    warnings: list[QualityWarning]
    source_kind: str
    choice: MovementChoice | None
    options: Options


def _no_reps(ctx: _Context, what: str, min_depth: float, advice: str) -> NoRepsFoundError:
    damaged = (
        f" The video is damaged after {ctx.poses.attrs['truncated_at_s']:.1f} s."
        if "truncated_at_s" in ctx.poses.attrs
        else ""
    )
    return NoRepsFoundError(
        f"no {what} found: the hips never dropped by {100 * min_depth:.0f}% of leg length "
        f"or more.{damaged} {advice}"
    )


def _frames_of(track: Track, reps: list[RepIdx]) -> NDArray[np.bool_]:
    in_reps = np.zeros(len(track.time_s), dtype=bool)
    for r in reps:
        in_reps[r.start : r.end + 1] = True
    return in_reps


def _view_gates(ctx: _Context, in_reps: NDArray[np.bool_]) -> quality.ViewEstimate:
    view = quality.estimate_view(ctx.track, in_reps & ctx.track.detected)
    ctx.warnings.extend(quality.view_warnings(view))
    ctx.warnings.extend(quality.check_framing(ctx.track, in_reps))
    return view


def _leg_gates(
    ctx: _Context, view: quality.ViewEstimate, frames: NDArray[np.bool_], task: str
) -> tuple[dict[Side, bool], dict[Side, str], bool]:
    """Per leg: judged or not and why; and whether the knee/ankle ratios can be read
    (both legs seen: ratios stay valid in oblique views, a common shift cancels)."""
    visible = {s: quality.leg_visible(ctx.track, s.value, frames) for s in Side}
    why_not = {
        s: "" if ok else f"its hip, knee or ankle is hidden or unclear in the {task}"
        for s, ok in visible.items()
    }
    ratios_ok = all(visible.values())
    if not quality.view_allows_valgus(view):
        visible = dict.fromkeys(Side, False)
        why_not = dict.fromkeys(Side, "the camera angle is too far from frontal")
    ctx.warnings.extend(
        _hidden_warning(s, task) for s, ok in visible.items() if not ok and "hidden" in why_not[s]
    )
    return visible, why_not, ratios_ok


def _hidden_warning(side: Side, task: str) -> QualityWarning:
    return QualityWarning(
        code=f"{side.value}_leg_hidden",
        message=f"the {side.value} leg's hip, knee or ankle is hidden or unclear during the "
        f"{task}; that leg is not judged. Film square-on, in good light, legs uncovered.",
    )


def _few_reps(n: int, what: str = "rep(s)") -> QualityWarning:
    return QualityWarning(
        code="few_reps",
        message=f"only {n} {what} found; 3-5 give a reliable mean and spread.",
    )


def _result(
    ctx: _Context,
    movement: str,
    view: quality.ViewEstimate,
    usable: bool,
    reps: list[Rep],
    summary: Summary,
    method: dict[str, float | str],
) -> AnalysisResult:
    return AnalysisResult(
        movement=movement,  # type: ignore[arg-type]
        movement_choice=ctx.choice,
        source=_source(ctx.poses, ctx.source_kind),
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


def _bilateral(ctx: _Context, movement: str) -> Analysis:
    """Bilateral squat, flat or with the heels raised (same measures, PRODUCT.md)."""
    track = ctx.track
    series = compute_series(track)
    reps = detect_reps(series.depth, series.time_s)
    if not reps:
        raise _no_reps(
            ctx, "squat", MIN_REP_DEPTH, "Film 3-5 full squats, the whole body in frame."
        )
    in_reps = _frames_of(track, reps)
    view = _view_gates(ctx, in_reps)
    visible, why_not, ratios_ok = _leg_gates(ctx, view, in_reps, "squats")
    if len(reps) < MIN_REPS_RECOMMENDED:
        ctx.warnings.append(_few_reps(len(reps)))
    rep_results = measure_reps(series, reps, visible, ratios_ok=ratios_ok)
    result = _result(
        ctx,
        movement,
        view,
        any(visible.values()),
        rep_results,
        summarize(rep_results, why_not, task=movement.replace("-", " ")),
        _method(ctx.poses),
    )
    return Analysis(result, ctx.poses, series)


def _single_leg(ctx: _Context) -> Analysis:
    """Single-leg squat: reps, the standing leg of each, its measures (single_leg.py)."""
    track = ctx.track
    series = compute_series(track, single_leg=True)
    found = detect_reps(series.depth, series.time_s, min_depth=single_leg.MIN_SLS_DEPTH)
    cues = single_leg.foot_cues(
        track, series.leg_length_px, _raw(ctx.poses, "world"), _raw(ctx.poses, "position")
    )
    calls = [single_leg.stance_in_rep(cues, r) for r in found]
    reps = [(r, c.side) for r, c in zip(found, calls, strict=True) if c.side is not None]
    if found and not reps:
        raise NoRepsFoundError(
            f"{len(found)} squat(s) found, but both feet stayed on the floor: this looks like "
            "a two-leg squat. Use --movement squat, or film the single-leg squat with the "
            "other foot held off the floor."
        )
    if not reps:
        raise _no_reps(
            ctx,
            "single-leg squat",
            single_leg.MIN_SLS_DEPTH,
            "Film 5 single-leg squats per side, the whole body in frame.",
        )
    if len(reps) < len(found):
        ctx.warnings.append(
            QualityWarning(
                code="two_leg_reps_ignored",
                message=f"{len(found) - len(reps)} rep(s) with both feet on the floor were "
                "ignored.",
            )
        )
    reps = _keep_side(ctx, reps)
    in_reps = _frames_of(track, [r for r, _ in reps])
    view = _view_gates(ctx, in_reps)
    visible: dict[Side, bool] = {}
    why_not: dict[Side, str] = {}
    for s in Side:
        stood = _frames_of(track, [r for r, st in reps if st is s])
        visible[s] = bool(stood.any()) and quality.leg_visible(track, s.value, stood)
        if stood.any() and not visible[s]:
            why_not[s] = "its hip, knee or ankle is hidden or unclear in the reps"
            ctx.warnings.append(_hidden_warning(s, "single-leg squats"))
    if not quality.view_allows_valgus(view):
        visible = dict.fromkeys(Side, False)
        why_not = dict.fromkeys(Side, "the camera angle is too far from frontal")
    for s in Side:
        n = sum(st is s for _, st in reps)
        if 0 < n < MIN_REPS_RECOMMENDED:
            ctx.warnings.append(_few_reps(n, f"single-leg rep(s) on the {s.value} leg"))
    pelvis = single_leg.hips_are_joint_centres(str(ctx.poses.attrs.get("model", "")))
    if not pelvis:
        ctx.warnings.append(
            QualityWarning(
                code="pelvic_drop_not_measured",
                message="contralateral pelvic drop is not reported from video: the pose "
                "model's hip points do not follow the pelvis (on rendered single-leg squats "
                "with a known 8 deg drop they showed -3 to +2 deg; docs/movements.md). Judge "
                "it by eye on the key frames.",
            )
        )
    rep_results = [
        single_leg.measure_rep(track, series, r, i + 1, st, visible=visible[st], pelvis=pelvis)
        for i, (r, st) in enumerate(reps)
    ]
    left = single_leg.summarize_side(Side.LEFT, rep_results, why_not=why_not.get(Side.LEFT, ""))
    right = single_leg.summarize_side(Side.RIGHT, rep_results, why_not=why_not.get(Side.RIGHT, ""))
    summary = Summary(
        n_reps=len(rep_results),
        left=left,
        right=right,
        kasr=stat([]),
        nksd=stat([]),
        depth=stat([r.depth for r in rep_results]),
        asymmetry=asymmetry(left, right),
        statement=bands.WELLNESS_STATEMENT,
    )
    method = _method(ctx.poses) | {
        "side": ctx.options.side,
        "min_rep_depth": single_leg.MIN_SLS_DEPTH,
        "min_foot_lift": single_leg.MIN_FOOT_LIFT,
        "max_lifted_reach": single_leg.MAX_LIFTED_REACH,
        "pelvic_drop_sign_deg": single_leg.PELVIC_DROP_SIGN_DEG,
        "trunk_lean_sign_deg": single_leg.TRUNK_LEAN_SIGN_DEG,
    }
    result = _result(
        ctx, "single-leg-squat", view, any(visible.values()), rep_results, summary, method
    )
    return Analysis(result, ctx.poses, series)


def _drop_jump(ctx: _Context) -> Analysis:
    """Drop vertical jump: events per trial, measures at contact and peak flexion."""
    track = build_track(ctx.poses, cutoff_hz=drop_jump.DROP_JUMP_CUTOFF_HZ)
    heights = drop_jump.raw_heights(ctx.poses)
    events = drop_jump.find_events(ctx.poses, heights)
    if not events:
        raise NoRepsFoundError(
            "no drop jump found: the feet never dropped from a raised surface to the floor "
            "and took off again. Film 3 drop jumps from a 30 cm box from the front, the whole "
            "body, the box and the landing spot in frame."
        )
    standing = drop_jump.floor_standing_frames(heights, events)
    series = compute_series(track, standing=standing)
    if standing is None:
        ctx.warnings.append(
            QualityWarning(
                code="leg_length_on_box",
                message="the person never stood tall on the landing spot, so the leg length "
                "that scales MKD was measured on the box, further from the camera: MKD may "
                "read up to ~15 % high (FPPA, KASR and NKSD are not affected). Stand still "
                "on the landing spot for a second after the last jump.",
            )
        )
    landing = np.zeros(len(track.time_s), dtype=bool)
    for ev in events:
        end = ev.take_off if ev.take_off is not None else ev.peak_flexion
        landing[ev.contact : end + 1] = True
    view = _view_gates(ctx, landing)
    visible, why_not, ratios_ok = _leg_gates(ctx, view, landing, "landings")
    if len(events) < MIN_REPS_RECOMMENDED:
        ctx.warnings.append(_few_reps(len(events), "drop jump(s)"))
    fps = 1.0 / float(np.median(np.diff(track.time_s)))
    if fps < MIN_LANDING_FPS:
        ctx.warnings.append(
            QualityWarning(
                code="low_frame_rate_landing",
                message=f"{fps:.0f} fps: a frame is {1000 / fps:.0f} ms, and just after first "
                "contact the knee can move several degrees between frames; the contact "
                "values are interpolated to the timed instant (about +/-20 ms). Film drop "
                "jumps at 60 fps or more.",
            )
        )
    if ctx.options.sex is None:
        ctx.warnings.append(
            QualityWarning(
                code="sex_not_given",
                message="landing norms differ for women (7-13 deg) and men (3-8 deg; "
                "Herrington & Munro 2010); without --sex the women's range was used.",
            )
        )
    reps = [
        drop_jump.measure_trial(series, ev, i + 1, visible, ratios_ok=ratios_ok)
        for i, ev in enumerate(events)
    ]
    sex = ctx.options.sex
    method = _method(ctx.poses) | {
        "sex": sex or "not given",
        "lowpass_hz": drop_jump.DROP_JUMP_CUTOFF_HZ,
        "landing_typical_max_deg": bands.LANDING_TYPICAL_MAX_DEG[sex or "female"],
        "landing_marked_deg": bands.LANDING_MARKED_DEG,
        "norms": f"drop-jump landing, {sex or 'female (sex not given)'}",
    }
    del method["min_rep_depth"], method["fppa_max_depth"]
    result = _result(
        ctx,
        "drop-jump",
        view,
        any(visible.values()),
        reps,
        drop_jump.summarize(reps, why_not, sex),
        method,
    )
    return Analysis(result, ctx.poses, series)


def _raw(poses: xr.Dataset, var: str) -> NDArray[np.float64]:
    """The pose model's landmarks as given (hidden points included): (T, space, K)."""
    da = poses[var]
    return np.asarray(da.transpose("time", da.dims[1], "keypoint").values, dtype=np.float64)


def _keep_side(ctx: _Context, reps: list[tuple[RepIdx, Side]]) -> list[tuple[RepIdx, Side]]:
    """Apply --side: keep the reps on that leg; refuse when none stood on it."""
    if ctx.options.side == "auto":
        return reps
    want = Side(ctx.options.side)
    kept = [(r, s) for r, s in reps if s is want]
    if not kept:
        raise InputError(
            f"you said --side {want.value}, but the {want.value} foot was off the floor in every "
            f"rep (the {want.other.value} leg stood). If the video is mirrored (a selfie camera) "
            "the sides swap: add --mirrored; or use --side auto to take the leg the camera saw "
            "standing."
        )
    if len(kept) < len(reps):
        ctx.warnings.append(
            QualityWarning(
                code="other_side_reps_ignored",
                message=f"{len(reps) - len(kept)} rep(s) on the {want.other.value} leg were "
                f"ignored (--side {want.value}).",
            )
        )
    return kept


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
    if str(poses.attrs.get("model", "")).startswith("motion capture"):
        out.append(
            QualityWarning(
                code="mocap_markers",
                message="motion capture: skin markers stand in for the joints "
                f"({poses.attrs.get('markers', 'see the pose file')}); a lateral knee or ankle "
                "marker sits about 5 cm outside the joint centre, so FPPA reads more varus "
                "than the joint centres would (about 8 deg on the OpenCap drop jumps, "
                "docs/landing.md).",
            )
        )
    if variable_frame_rate(poses.time.values):
        out.append(
            QualityWarning(
                code="variable_frame_rate",
                message="variable frame rate: real timestamps were used and the series resampled for filtering.",
            )
        )
    if poses.attrs.get(MIRROR_SWAPPED_ATTR):
        out.append(
            QualityWarning(
                code="mirrored",
                message="mirror-imaged video (--mirrored): left and right were swapped back, "
                "so each leg carries its own name; pictures show the video as filmed (a "
                "mirror image) with the legs labelled correctly.",
            )
        )
    jumped = quality.jump_warning(
        quality.body_jumps(
            poses.time.values.astype(np.float64),
            _raw(poses, "position"),
            [str(k) for k in poses.keypoint.values],
        )
    )
    if jumped is not None:
        out.append(jumped)
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
    if analysis.result.source.kind != "poses":  # video or motion capture: keep the poses
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
