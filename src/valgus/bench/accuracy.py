"""Accuracy of the whole pipeline (renderer -> video -> pose model -> analysis) against truth.

Every case is rendered by valgus.synth with a known truth, the pose model runs once per
clip (poses cached for the run), and the analysis runs on those poses:

- bilateral squat: valgus, camera yaw, depth and size sweeps; FPPA, MKD, KASR and NKSD
  at the deepest frame per rep and leg, and the verdict;
- single-leg squat: stance side, valgus, trunk lean, pelvic drop, yaw; per rep the stance
  leg's FPPA and MKD, trunk lean, stance side and bottom time; the pelvic drop on the
  truth poses only (the video analysis does not report it);
- drop jump: valgus per leg, frame rate; contact, peak flexion and take-off times, and
  FPPA per leg, KASR and NKSD at contact and at peak flexion;
- heel-raised squat: flat / heel-raised pairs through `valgus compare`;
- `--movement auto` on the poses of every clip (a confusion table).

The reference verdict is the same analysis run on the perfect (true) landmarks of a
perfectly frontal camera (valgus.synth.truth_poses), so a disagreement is the pose
model's or the camera angle's doing, not the rule's.
"""

from __future__ import annotations

import contextlib
import json
import os
import platform
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import numpy as np
import xarray as xr

from valgus import api
from valgus.assessment.compare import compare
from valgus.assessment.drivers import read_analysis
from valgus.errors import ValgusError
from valgus.kinematics import angles
from valgus.pose.extract import estimate_poses
from valgus.results import AnalysisResult
from valgus.schema import SIDE_NAMES
from valgus.synth import (
    CameraParams,
    DropJumpParams,
    RenderParams,
    SingleLegSquatParams,
    SquatParams,
    generate_movement,
    render_movement,
)
from valgus.synth.camera import SIZES
from valgus.synth.truth import MovementParams, build_truth, true_knee_over_foot
from valgus.synth.truth_poses import truth_poses

SIDES = SIDE_NAMES
LEVELS = {"none": 0, "mild": 1, "marked": 2}
MOVEMENT_NAMES = ("squat", "heel-raised-squat", "single-leg-squat", "drop-jump")
# (side, verdict from video, reference verdict, either flagged borderline)
VerdictRow = tuple[str, str | None, str | None, bool]
Agreement = Literal["agree", "flagged", "unflagged", "not judged"]
NO_OPTIONS = api.Options()


# ---------------------------------------------------------------------------------------
# Clips: render once, run the pose model once, keep the poses for every analysis
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shot:
    """How a clip is filmed: camera yaw, frame size, frame rate."""

    yaw_deg: float = 0.0
    size: str = "720x1280"
    fps: float = 30.0


@dataclass(frozen=True)
class Clip:
    poses: xr.Dataset  # from the pose model
    truth: dict[str, Any]  # as filmed
    reference: xr.Dataset  # true landmarks seen by a perfectly frontal camera
    frontal_truth: dict[str, Any]  # the truth of that frontal camera
    seconds: float  # render + pose model


class Clips:
    """Renders and pose-estimates each (movement, shot) once within a run."""

    def __init__(self, workdir: Path, seed: int = 0) -> None:
        self.workdir = workdir
        self.seed = seed
        self._cache: dict[tuple[MovementParams, Shot], Clip] = {}

    def get(self, params: MovementParams, shot: Shot) -> tuple[Clip, bool]:
        """The clip and whether it was made now (False: from the cache)."""
        key = (params, shot)
        if key in self._cache:
            return self._cache[key], False
        t0 = time.perf_counter()
        w, h = SIZES[shot.size]
        camera = CameraParams(yaw_deg=shot.yaw_deg, width_px=w, height_px=h)
        video = self.workdir / f"clip-{len(self._cache)}.mp4"
        truth = render_movement(video, params, camera, RenderParams(fps=shot.fps, seed=self.seed))
        try:
            with _stderr_kept():
                poses = estimate_poses(video)
        finally:
            video.unlink(missing_ok=True)
            video.with_suffix(".truth.json").unlink(missing_ok=True)
        frontal = frontal_truth(params, shot, truth)
        clip = Clip(poses, truth, truth_poses(frontal), frontal, time.perf_counter() - t0)
        self._cache[key] = clip
        return clip, True


@contextlib.contextmanager
def _stderr_kept() -> Iterator[None]:
    """Restore file descriptor 2 afterwards: the pose model's two threads silence it in
    turn (mediapipe_backend._native_stderr_silenced) and can leave it on /dev/null, which
    would hide the progress lines of the rest of the run."""
    try:
        saved = os.dup(2)
    except OSError:
        yield
        return
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


def frontal_truth(params: MovementParams, shot: Shot, truth: dict[str, Any]) -> dict[str, Any]:
    """The truth as a perfectly frontal camera sees it (the rendered one when frontal)."""
    if shot.yaw_deg == 0:
        return truth
    w, h = SIZES[shot.size]
    video = {"path": "reference", "fps": shot.fps, "frames": 0, "width": w, "height": h}
    return build_truth(
        generate_movement(params, shot.fps),
        params,
        CameraParams(yaw_deg=0.0, width_px=w, height_px=h),
        {},
        video | {"rotation": 0},
    )


def analyze(
    poses: xr.Dataset, movement: str, options: api.Options = NO_OPTIONS, kind: str = "video"
) -> AnalysisResult | str:
    """The result, or the error code when the analysis refused."""
    try:
        return api.analyze_poses(poses, movement=movement, options=options, source_kind=kind).result
    except ValgusError as e:
        return e.code


def recognised(poses: xr.Dataset) -> str:
    """What `--movement auto` makes of the poses: a movement or `refused (code)`."""
    got = analyze(poses, "auto")
    return got.movement if isinstance(got, AnalysisResult) else f"refused ({got})"


def agreement(got: str | None, ref: str | None, border: bool) -> Agreement:
    """A judged leg's verdict against the reference verdict."""
    if got is None or ref is None:
        return "not judged"
    if got == ref:
        return "agree"
    return "flagged" if border and abs(LEVELS[got] - LEVELS[ref]) == 1 else "unflagged"


def verdict_rows(result: AnalysisResult, reference: Any, sides: Iterable[str]) -> list[VerdictRow]:
    rows = []
    for side in sides:
        got = getattr(result.summary, side)
        ref = getattr(reference.summary, side) if isinstance(reference, AnalysisResult) else None
        rows.append(
            (
                side,
                got.valgus,
                ref.valgus if ref else None,
                got.borderline or bool(ref and ref.borderline),
            )
        )
    return rows


def verdict_cell(rows: Sequence[VerdictRow]) -> str:
    """`got (reference)*` per leg; the reference only where it differs."""
    return (
        ", ".join(
            f"{got or 'n/j'}"
            + ("" if got == ref else f" ({ref or 'n/j'})")
            + ("*" if border else "")
            for _, got, ref, border in rows
        )
        or "-"
    )


def verdict_counts(rows: Iterable[VerdictRow]) -> str:
    rows = list(rows)
    c = Counter(agreement(got, ref, border) for _, got, ref, border in rows)
    judged = len(rows) - c["not judged"]
    return (
        f"of {judged} judged legs, {c['agree']} agree with the reference, {c['flagged']} "
        f"differ by one band and were flagged borderline, {c['unflagged']} differ without a "
        f"flag; {c['not judged']} legs not judged"
    )


def _mae_bias(values: list[float], scale: float = 1.0, digits: int = 1) -> str:
    if not values:
        return "-"
    v = np.asarray(values) * scale
    return f"{np.mean(np.abs(v)):.{digits}f} / {np.mean(v):+.{digits}f}"


def _pooled(
    name: str, values: list[float], unit: str, scale: float = 1.0, digits: int = 1, of: str = ""
) -> str:
    """`name MAE x unit, bias y, max |error| z (n = k of)` over pooled errors."""
    if not values:
        return f"{name}: no values"
    v = np.asarray(values) * scale
    return (
        f"{name} MAE {np.mean(np.abs(v)):.{digits}f}{' ' + unit if unit else ''}, "
        f"bias {np.mean(v):+.{digits}f}, "
        f"max |error| {np.max(np.abs(v)):.{digits}f} (n = {v.size}{' ' + of if of else ''})"
    )


def _view(view: str, yaw_est: float | None, error: str) -> str:
    out = view + (f" ({yaw_est:g})" if yaw_est is not None else "")
    return out + (f": refused ({error})" if error else "")


# ---------------------------------------------------------------------------------------
# Bilateral squat
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    group: str
    valgus_left: float = 15.0
    valgus_right: float = 0.0
    yaw_deg: float = 0.0
    depth_deg: float = 90.0
    size: str = "720x1280"
    pattern: str = "bottom_only"

    def label(self) -> str:
        return (
            f"L{self.valgus_left:g}/R{self.valgus_right:g} yaw {self.yaw_deg:g} "
            f"depth {self.depth_deg:g} {self.size} {self.pattern}"
        )


def default_cases(quick: bool = False) -> list[Case]:
    """One-factor-at-a-time sweeps around a frontal 90-degree squat."""
    if quick:
        return [Case("valgus", 20, 5)]
    cases = [Case("valgus", v, 25 - v) for v in (0, 5, 10, 15, 20, 25)]
    cases += [Case("valgus", 0, 0)]
    cases += [Case("yaw", yaw_deg=y) for y in (10, 20, 30, 40, 50, 60, 75)]
    cases += [Case("depth", depth_deg=d) for d in (65, 75, 110)]
    cases += [
        Case("size", size="1080x1920"),
        Case("size", size="2160x3840"),
        Case("pattern", pattern="throughout"),
    ]
    return cases


@dataclass
class Outcome:
    case: Case
    seconds: float
    view: str = ""
    yaw_est: float | None = None
    error: str = ""
    reps_found: int = 0
    reps_true: int = 0
    diffs: dict[str, list[float]] = field(default_factory=dict)
    verdicts: list[VerdictRow] = field(default_factory=list)
    auto: str = ""
    auto_ref: str = ""


def squat_params(
    valgus_left: float,
    valgus_right: float,
    *,
    seed: int,
    depth_deg: float = 90.0,
    pattern: str = "bottom_only",
    heel_raise_m: float = 0.0,
) -> SquatParams:
    return SquatParams(
        reps=3,
        rep_s=2.5,
        pause_before_s=1.0,
        pause_after_s=1.0,
        depth_deg=depth_deg,
        valgus_left_deg=valgus_left,
        valgus_right_deg=valgus_right,
        pattern=pattern,  # type: ignore[arg-type]
        seed=seed,
        heel_raise_m=heel_raise_m,
    )


def _squat(case: Case, seed: int) -> SquatParams:
    return squat_params(
        case.valgus_left,
        case.valgus_right,
        seed=seed,
        depth_deg=case.depth_deg,
        pattern=case.pattern,
    )


def run_case(case: Case, clips: Clips) -> Outcome:
    """Render, analyze and compare one squat case."""
    clip, _ = clips.get(_squat(case, clips.seed), Shot(case.yaw_deg, case.size))
    t0 = time.perf_counter()
    out = Outcome(case, 0.0, reps_true=len(clip.truth["reps"]))
    reference = analyze(clip.reference, "squat", kind="poses")
    out.auto, out.auto_ref = recognised(clip.poses), recognised(clip.reference)
    result = analyze(clip.poses, "squat")
    out.seconds = clip.seconds + time.perf_counter() - t0
    if not isinstance(result, AnalysisResult):
        out.error = result
        out.view = "side" if result == "unsuitable_view" else "?"
        return out
    out.view, out.yaw_est, out.reps_found = (
        result.quality.view,
        result.quality.view_yaw_deg,
        len(result.reps),
    )
    true_reps = [
        r | {"knee_over_foot": k}
        for r, k in zip(clip.truth["reps"], true_knee_over_foot(clip.truth), strict=True)
    ]
    out.diffs = _diffs(result.reps, true_reps)
    out.verdicts = verdict_rows(result, reference, SIDES)
    return out


def _diffs(reps: list[Any], true_reps: list[dict[str, Any]]) -> dict[str, list[float]]:
    """Measured minus true at the deepest frame, matched by bottom time."""
    d: dict[str, list[float]] = {
        "fppa_deg": [],
        "mkd": [],
        "knee_over_foot": [],
        "kasr": [],
        "nksd": [],
    }
    for rep in reps:
        tr = min(true_reps, key=lambda r: abs(r["bottom_s"] - rep.bottom_s))
        for side in SIDES:
            leg, tleg = getattr(rep, side), tr[side]
            for key in ("fppa_deg", "mkd"):
                if getattr(leg, key) is not None and tleg[key] is not None:
                    d[key].append(getattr(leg, key) - tleg[key])
            if leg.knee_over_foot is not None and "knee_over_foot" in tr:
                d["knee_over_foot"].append(leg.knee_over_foot - tr["knee_over_foot"][side])
        for key in ("kasr", "nksd"):
            if getattr(rep, key) is not None and tr[key] is not None:
                d[key].append(getattr(rep, key) - tr[key])
    return d


def table(outcomes: Iterable[Outcome]) -> str:
    """Markdown table of the squat outcomes."""
    head = (
        "| case | view (est. yaw) | reps | FPPA MAE / bias, deg | knee over foot MAE / bias, "
        "% leg | MKD MAE / bias, % leg | KASR MAE / bias | NKSD MAE / bias | "
        "verdict L, R (reference) | s |"
    )
    lines = [head, "|" + "---|" * 10]
    for o in outcomes:
        lines.append(
            f"| {o.case.label()} | {_view(o.view, o.yaw_est, o.error)} | "
            f"{o.reps_found}/{o.reps_true} | "
            f"{_mae_bias(o.diffs.get('fppa_deg', []))} | "
            f"{_mae_bias(o.diffs.get('knee_over_foot', []), 100)} | "
            f"{_mae_bias(o.diffs.get('mkd', []), 100)} | "
            f"{_mae_bias(o.diffs.get('kasr', []), digits=2)} | "
            f"{_mae_bias(o.diffs.get('nksd', []), digits=2)} | {verdict_cell(o.verdicts)} | "
            f"{o.seconds:.0f} |"
        )
    return "\n".join(lines)


def summary_lines(outcomes: list[Outcome]) -> list[str]:
    """Pooled figures for frontal and near-frontal views."""
    near = [o for o in outcomes if not o.error and o.case.yaw_deg <= 20]
    fppa = [x for o in near for x in o.diffs.get("fppa_deg", [])]
    mkd = [x for o in near for x in o.diffs.get("mkd", [])]
    kof = [x for o in near for x in o.diffs.get("knee_over_foot", [])]
    refused = sorted(o.case.yaw_deg for o in outcomes if o.error == "unsuitable_view")
    not_judged = sorted(
        o.case.yaw_deg
        for o in outcomes
        if not o.error and all(v is None for _, v, _, _ in o.verdicts)
    )
    lines = [
        f"- Frontal and near-frontal (yaw <= 20 deg), {len(near)} cases: "
        f"{_pooled('FPPA', fppa, 'deg', digits=2, of='leg-reps')}; "
        f"{_pooled('knee over foot', kof, '% of leg length', 100, 2)}; "
        f"{_pooled('MKD', mkd, '% of leg length', 100, 2)}; verdicts: "
        f"{verdict_counts(r for o in near for r in o.verdicts)} (view).",
        f"- Yaw where valgus is no longer judged (legs not judged): {not_judged or 'none'}; "
        f"refused as side view: {refused or 'none'}.",
    ]
    return lines if near else lines[1:]


# ---------------------------------------------------------------------------------------
# Single-leg squat
# ---------------------------------------------------------------------------------------

SLS_REPS = 3  # per side; the protocol asks for 5 (time: docs/accuracy.md)


@dataclass(frozen=True)
class SlsCase:
    stance: Literal["left", "right", "both"] = "left"
    valgus_deg: float = 12.0
    trunk_lean_deg: float = 0.0
    pelvic_drop_deg: float = 0.0
    yaw_deg: float = 0.0

    def label(self) -> str:
        return (
            f"{self.stance} valgus {self.valgus_deg:g} lean {self.trunk_lean_deg:g} "
            f"drop {self.pelvic_drop_deg:g} yaw {self.yaw_deg:g}"
        )

    def params(self, seed: int) -> SingleLegSquatParams:
        return SingleLegSquatParams(
            stance_side=self.stance,
            reps=SLS_REPS,
            valgus_deg=self.valgus_deg,
            trunk_lean_deg=self.trunk_lean_deg,
            pelvic_drop_deg=self.pelvic_drop_deg,
            seed=seed,
        )


def sls_cases(quick: bool = False) -> list[SlsCase]:
    """Valgus on both sides, then lean, drop and yaw one at a time on one side."""
    if quick:
        return [SlsCase("left", 12.0)]
    return [
        SlsCase("both", 0.0),
        SlsCase("both", 12.0),
        SlsCase("both", 25.0),
        SlsCase("left", 12.0, trunk_lean_deg=12.0),
        SlsCase("right", 12.0, pelvic_drop_deg=8.0),
        SlsCase("right", 25.0, trunk_lean_deg=12.0, pelvic_drop_deg=8.0),
        SlsCase("left", 12.0, yaw_deg=10.0),
    ]


@dataclass
class SlsOutcome:
    case: SlsCase
    seconds: float
    view: str = ""
    yaw_est: float | None = None
    error: str = ""
    reps_found: int = 0
    reps_true: int = 0
    side_ok: int = 0
    pelvic_reported: int = 0  # video reps that report a pelvic drop (expected: none)
    diffs: dict[str, list[float]] = field(default_factory=dict)
    verdicts: list[VerdictRow] = field(default_factory=list)
    auto: str = ""
    auto_ref: str = ""


def _nearest(true_reps: list[dict[str, Any]], t_s: float, key: str = "bottom_s") -> dict[str, Any]:
    return min(true_reps, key=lambda r: abs(r[key] - t_s))


def _hip_line_deg(poses: xr.Dataset, stance: str, t_s: float) -> float:
    """Pelvic drop read off the pose model's raw hip points at the frame nearest t_s."""
    i = int(np.argmin(np.abs(poses.time.values - t_s)))
    other = "right" if stance == "left" else "left"
    xy = poses.position.isel(time=i)
    return float(
        angles.pelvic_drop_deg(
            xy.sel(keypoint=f"{stance}_hip").values, xy.sel(keypoint=f"{other}_hip").values
        )
    )


def _sls_diffs(
    result: AnalysisResult, poses: xr.Dataset, truth: dict[str, Any]
) -> tuple[dict[str, list[float]], int]:
    d: dict[str, list[float]] = {
        k: [] for k in ("fppa_deg", "mkd", "trunk_lean_deg", "bottom_ms", "hip_line_deg")
    }
    side_ok = 0
    for rep in result.reps:
        tr = _nearest(truth["reps"], rep.bottom_s)
        if rep.stance_side != tr["stance_side"]:
            continue
        side_ok += 1
        leg, true = getattr(rep, tr["stance_side"]), tr["stance"]
        for key in ("fppa_deg", "mkd"):
            if getattr(leg, key) is not None and true[key] is not None:
                d[key].append(getattr(leg, key) - true[key])
        if rep.trunk_lean_deg is not None and tr["trunk_lean_deg"] is not None:
            d["trunk_lean_deg"].append(rep.trunk_lean_deg - tr["trunk_lean_deg"])
        d["bottom_ms"].append(1000 * (rep.bottom_s - tr["bottom_s"]))
        hip_line = _hip_line_deg(poses, tr["stance_side"], rep.bottom_s)
        if np.isfinite(hip_line) and tr["pelvic_drop_deg"] is not None:
            d["hip_line_deg"].append(hip_line - tr["pelvic_drop_deg"])
    return d, side_ok


def _pelvic_ref_diffs(reference: Any, frontal: dict[str, Any]) -> list[float]:
    """Pelvic drop on the true landmarks (frontal camera) minus the truth."""
    if not isinstance(reference, AnalysisResult):
        return []
    out = []
    for rep in reference.reps:
        tr = _nearest(frontal["reps"], rep.bottom_s)
        if rep.pelvic_drop_deg is not None and tr["pelvic_drop_deg"] is not None:
            out.append(rep.pelvic_drop_deg - tr["pelvic_drop_deg"])
    return out


def run_sls(case: SlsCase, clips: Clips) -> SlsOutcome:
    clip, _ = clips.get(case.params(clips.seed), Shot(case.yaw_deg))
    t0 = time.perf_counter()
    out = SlsOutcome(case, 0.0, reps_true=len(clip.truth["reps"]))
    reference = analyze(clip.reference, "single-leg-squat", kind="poses")
    out.auto, out.auto_ref = recognised(clip.poses), recognised(clip.reference)
    result = analyze(clip.poses, "single-leg-squat")
    out.seconds = clip.seconds + time.perf_counter() - t0
    if not isinstance(result, AnalysisResult):
        out.error = result
        return out
    out.view, out.yaw_est = result.quality.view, result.quality.view_yaw_deg
    out.reps_found = len(result.reps)
    out.pelvic_reported = sum(r.pelvic_drop_deg is not None for r in result.reps)
    out.diffs, out.side_ok = _sls_diffs(result, clip.poses, clip.truth)
    out.diffs["pelvic_ref_deg"] = _pelvic_ref_diffs(reference, clip.frontal_truth)
    stood = [s for s in SIDES if any(r["stance_side"] == s for r in clip.truth["reps"])]
    out.verdicts = verdict_rows(result, reference, stood)
    return out


def sls_table(outcomes: Iterable[SlsOutcome]) -> str:
    head = (
        "| case | view (est. yaw) | reps | stance side right | bottom time MAE / bias, ms | "
        "FPPA MAE / bias, deg | MKD MAE / bias, % leg | trunk lean MAE / bias, deg | "
        "pelvic drop, truth poses, MAE / bias | MediaPipe hip line - drop (not reported) | "
        "verdict stance legs (reference) | s |"
    )
    lines = [head, "|" + "---|" * 12]
    for o in outcomes:
        d = o.diffs
        lines.append(
            f"| {o.case.label()} | {_view(o.view, o.yaw_est, o.error)} | "
            f"{o.reps_found}/{o.reps_true} | {o.side_ok}/{o.reps_found} | "
            f"{_mae_bias(d.get('bottom_ms', []), digits=0)} | {_mae_bias(d.get('fppa_deg', []))} | "
            f"{_mae_bias(d.get('mkd', []), 100)} | {_mae_bias(d.get('trunk_lean_deg', []))} | "
            f"{_mae_bias(d.get('pelvic_ref_deg', []), digits=2)} | "
            f"{_mae_bias(d.get('hip_line_deg', []))} | {verdict_cell(o.verdicts)} | "
            f"{o.seconds:.0f} |"
        )
    return "\n".join(lines)


def sls_summary(outcomes: list[SlsOutcome]) -> list[str]:
    ok = [o for o in outcomes if not o.error]

    def pool(key: str) -> list[float]:
        return [x for o in ok for x in o.diffs.get(key, [])]

    reps = sum(o.reps_found for o in ok)
    return [
        f"- {len(ok)} of {len(outcomes)} cases analysed; reps found "
        f"{reps}/{sum(o.reps_true for o in outcomes)}, stance side right in "
        f"{sum(o.side_ok for o in ok)}/{reps}; {_pooled('bottom time', pool('bottom_ms'), 'ms', digits=0)}.",
        f"- Stance leg at the bottom: {_pooled('FPPA', pool('fppa_deg'), 'deg')}; "
        f"{_pooled('MKD', pool('mkd'), '% of leg length', 100)}; "
        f"{_pooled('trunk lean', pool('trunk_lean_deg'), 'deg')}.",
        f"- Pelvic drop: not reported from video ({sum(o.pelvic_reported for o in ok)} video "
        f"reps carried a value); on the truth poses "
        f"{_pooled('pelvic drop', pool('pelvic_ref_deg'), 'deg', digits=2)}. The pose model's "
        f"raw hip line at the bottom minus the true drop: "
        f"{_pooled('hip line', pool('hip_line_deg'), 'deg')}.",
        f"- Verdicts (stance legs): {verdict_counts(r for o in ok for r in o.verdicts)}.",
    ]


# ---------------------------------------------------------------------------------------
# Drop jump
# ---------------------------------------------------------------------------------------

DJ_TRIALS = 2
DJ_OPTIONS = api.Options(sex="female")
DJ_EVENTS = (("contact", "contact_s", "contact_s"), ("peak", "bottom_s", "peak_flexion_s"))
DJ_EVENT_WORDS = (("contact", "contact"), ("peak", "peak flexion"), ("take_off", "take-off"))


@dataclass(frozen=True)
class DjCase:
    valgus_left: float = 0.0
    valgus_right: float = 0.0
    fps: float = 30.0

    def label(self) -> str:
        return f"L{self.valgus_left:g}/R{self.valgus_right:g} {self.fps:g} fps"

    def params(self, seed: int) -> DropJumpParams:
        return DropJumpParams(
            trials=DJ_TRIALS,
            valgus_left_deg=self.valgus_left,
            valgus_right_deg=self.valgus_right,
            seed=seed,
        )


def dj_cases(quick: bool = False) -> list[DjCase]:
    if quick:
        return [DjCase(20.0, 0.0)]
    return [
        DjCase(0.0, 0.0),
        DjCase(20.0, 0.0),
        DjCase(40.0, 0.0),
        DjCase(0.0, 40.0),
        DjCase(20.0, 20.0),
        DjCase(40.0, 40.0),
        DjCase(20.0, 0.0, fps=60.0),
    ]


@dataclass
class DjOutcome:
    case: DjCase
    seconds: float
    view: str = ""
    yaw_est: float | None = None
    error: str = ""
    trials_found: int = 0
    trials_true: int = 0
    diffs: dict[str, list[float]] = field(default_factory=dict)
    ref_diffs: dict[str, list[float]] = field(default_factory=dict)
    verdicts: list[VerdictRow] = field(default_factory=list)
    auto: str = ""
    auto_ref: str = ""


def _dj_diffs(result: AnalysisResult, truth: dict[str, Any]) -> dict[str, list[float]]:
    """Measured minus true per trial, matched by contact time."""
    keys = ["contact_ms", "peak_ms", "take_off_ms", "fppa_contact", "fppa_peak"]
    keys += ["mkd_contact", "mkd_peak"]
    keys += ["kasr_contact", "kasr_peak", "nksd_contact", "nksd_peak"]
    d: dict[str, list[float]] = {k: [] for k in keys}
    for rep in result.reps:
        if rep.contact_s is None:
            continue
        tr = _nearest(truth["trials"], rep.contact_s, "contact_s")
        for name, got, true in (*DJ_EVENTS, ("take_off", "take_off_s", "take_off_s")):
            if getattr(rep, got) is not None:
                d[f"{name}_ms"].append(1000 * (getattr(rep, got) - tr[true]))
        c, p = tr["at_contact"], tr["at_peak_flexion"]
        for side in SIDES:
            leg = getattr(rep, side)
            if leg.fppa_contact_deg is not None and c[side]["fppa_deg"] is not None:
                d["fppa_contact"].append(leg.fppa_contact_deg - c[side]["fppa_deg"])
            if leg.fppa_deg is not None and p[side]["fppa_deg"] is not None:
                d["fppa_peak"].append(leg.fppa_deg - p[side]["fppa_deg"])
            if leg.mkd_contact is not None and c[side]["mkd"] is not None:
                d["mkd_contact"].append(leg.mkd_contact - c[side]["mkd"])
            if leg.mkd is not None and p[side]["mkd"] is not None:
                d["mkd_peak"].append(leg.mkd - p[side]["mkd"])
        for ratio in ("kasr", "nksd"):
            for got, at, where in ((f"{ratio}_contact", c, "contact"), (ratio, p, "peak")):
                if getattr(rep, got) is not None and at[ratio] is not None:
                    d[f"{ratio}_{where}"].append(getattr(rep, got) - at[ratio])
    return d


def run_dj(case: DjCase, clips: Clips) -> DjOutcome:
    clip, _ = clips.get(case.params(clips.seed), Shot(fps=case.fps))
    t0 = time.perf_counter()
    out = DjOutcome(case, 0.0, trials_true=len(clip.truth["trials"]))
    reference = analyze(clip.reference, "drop-jump", DJ_OPTIONS, kind="poses")
    out.auto, out.auto_ref = recognised(clip.poses), recognised(clip.reference)
    result = analyze(clip.poses, "drop-jump", DJ_OPTIONS)
    out.seconds = clip.seconds + time.perf_counter() - t0
    if isinstance(reference, AnalysisResult):
        out.ref_diffs = _dj_diffs(reference, clip.frontal_truth)
    if not isinstance(result, AnalysisResult):
        out.error = result
        return out
    out.view, out.yaw_est = result.quality.view, result.quality.view_yaw_deg
    out.trials_found = len(result.reps)
    out.diffs = _dj_diffs(result, clip.truth)
    out.verdicts = verdict_rows(result, reference, SIDES)
    return out


def dj_table(outcomes: Iterable[DjOutcome]) -> str:
    head = (
        "| case | view (est. yaw) | trials | contact, ms | peak flexion, ms | take-off, ms | "
        "FPPA at contact, deg | FPPA at peak, deg | MKD contact; peak, % leg | "
        "KASR contact; peak | NKSD contact; peak | verdict L, R (reference) | s |"
    )
    lines = [head, "|" + "---|" * 13]
    for o in outcomes:
        d = o.diffs

        def ratio(name: str, d: dict[str, list[float]] = d, scale: float = 1.0) -> str:
            c, p = (
                _mae_bias(d.get(f"{name}_{w}", []), scale, digits=1 if scale > 1 else 2)
                for w in ("contact", "peak")
            )
            return f"{c}; {p}"

        lines.append(
            f"| {o.case.label()} | {_view(o.view, o.yaw_est, o.error)} | "
            f"{o.trials_found}/{o.trials_true} | {_mae_bias(d.get('contact_ms', []), digits=0)} | "
            f"{_mae_bias(d.get('peak_ms', []), digits=0)} | "
            f"{_mae_bias(d.get('take_off_ms', []), digits=0)} | "
            f"{_mae_bias(d.get('fppa_contact', []))} | {_mae_bias(d.get('fppa_peak', []))} | "
            f"{ratio('mkd', scale=100)} | {ratio('kasr')} | {ratio('nksd')} | "
            f"{verdict_cell(o.verdicts)} | {o.seconds:.0f} |"
        )
    return "\n".join(lines)


def dj_summary(outcomes: list[DjOutcome]) -> list[str]:
    ok = [o for o in outcomes if not o.error]

    def pool(key: str, fps: float | None = None, ref: bool = False) -> list[float]:
        return [
            x
            for o in ok
            if fps is None or o.case.fps == fps
            for x in (o.ref_diffs if ref else o.diffs).get(key, [])
        ]

    lines = [
        f"- {len(ok)} of {len(outcomes)} cases analysed; trials found "
        f"{sum(o.trials_found for o in ok)}/{sum(o.trials_true for o in outcomes)}."
    ]
    for fps in sorted({o.case.fps for o in ok}):
        events, ref = (
            "; ".join(
                _pooled(words, pool(f"{name}_ms", fps, ref=ref), "ms", digits=0)
                for name, words in DJ_EVENT_WORDS
            )
            for ref in (False, True)
        )
        lines.append(f"- Events at {fps:g} fps, video: {events}. Truth poses: {ref}.")
    lines += [
        f"- {_pooled('FPPA at contact', pool('fppa_contact'), 'deg', of='leg-trials')}; "
        f"{_pooled('FPPA at peak flexion', pool('fppa_peak'), 'deg', of='leg-trials')}.",
        f"- {_pooled('MKD at contact', pool('mkd_contact'), '% of leg length', 100)}; "
        f"{_pooled('MKD at peak flexion', pool('mkd_peak'), '% of leg length', 100)}.",
        f"- {_pooled('KASR at contact', pool('kasr_contact'), '', digits=2)}; "
        f"{_pooled('KASR at peak', pool('kasr_peak'), '', digits=2)}; "
        f"{_pooled('NKSD at contact', pool('nksd_contact'), '', digits=2)}; "
        f"{_pooled('NKSD at peak', pool('nksd_peak'), '', digits=2)}.",
        f"- Truth poses against the truth: "
        f"{_pooled('FPPA at contact', pool('fppa_contact', ref=True), 'deg')}; "
        f"{_pooled('FPPA at peak', pool('fppa_peak', ref=True), 'deg')}.",
        f"- Verdicts (women's landing norms): {verdict_counts(r for o in ok for r in o.verdicts)}.",
    ]
    return lines


# ---------------------------------------------------------------------------------------
# Heel-raised squat: flat / heels-raised pairs through `valgus compare`
# ---------------------------------------------------------------------------------------

HEEL_RAISE_M = 0.05
# A change of valgus at least this large (deg of the renderer's valgus) should read as
# "less valgus"; none as "no measurable change".
HEEL_CLEAR_CHANGE_DEG = 15.0


@dataclass(frozen=True)
class HeelCase:
    flat: tuple[float, float] = (25.0, 25.0)
    raised: tuple[float, float] = (5.0, 25.0)

    def label(self) -> str:
        return (
            f"flat L{self.flat[0]:g}/R{self.flat[1]:g} -> heels raised "
            f"L{self.raised[0]:g}/R{self.raised[1]:g}"
        )

    def expected(self, side: str) -> str:
        i = SIDES.index(side)
        fall = self.flat[i] - self.raised[i]
        return "less valgus" if fall >= HEEL_CLEAR_CHANGE_DEG else "no measurable change"


def heel_cases(quick: bool = False) -> list[HeelCase]:
    if quick:
        return [HeelCase()]
    return [HeelCase(), HeelCase(raised=(25.0, 5.0)), HeelCase((0.0, 0.0), (0.0, 0.0))]


@dataclass
class HeelOutcome:
    case: HeelCase
    seconds: float
    error: str = ""
    # per side: (expected, video change, reference change, video measure and fall)
    legs: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    raised_diffs: dict[str, list[float]] = field(default_factory=dict)
    interpretation: list[str] = field(default_factory=list)
    auto: list[tuple[str, str, str]] = field(default_factory=list)  # (truth, video, ref)


def _compare(a: Any, b: Any) -> Any:
    if not (isinstance(a, AnalysisResult) and isinstance(b, AnalysisResult)):
        return None
    return compare(
        read_analysis(a.model_dump(mode="json")),
        read_analysis(b.model_dump(mode="json")),
        first="flat",
        second="heels raised",
    )


def run_heel(case: HeelCase, clips: Clips) -> HeelOutcome:
    seed = clips.seed
    flat_clip, made_flat = clips.get(squat_params(*case.flat, seed=seed), Shot())
    raised_params = squat_params(*case.raised, seed=seed, heel_raise_m=HEEL_RAISE_M)
    raised_clip, _ = clips.get(raised_params, Shot())
    t0 = time.perf_counter()
    out = HeelOutcome(case, raised_clip.seconds + (flat_clip.seconds if made_flat else 0.0))
    for clip, truth_name in ((flat_clip, "squat"), (raised_clip, "heel-raised-squat")):
        out.auto.append((truth_name, recognised(clip.poses), recognised(clip.reference)))
    flat = analyze(flat_clip.poses, "squat")
    raised = analyze(raised_clip.poses, "heel-raised-squat")
    got = _compare(flat, raised)
    ref = _compare(
        analyze(flat_clip.reference, "squat", kind="poses"),
        analyze(raised_clip.reference, "heel-raised-squat", kind="poses"),
    )
    out.seconds += time.perf_counter() - t0
    if got is None:
        out.error = next(r for r in (flat, raised) if isinstance(r, str))
        return out
    if isinstance(raised, AnalysisResult):
        out.raised_diffs = _diffs(raised.reps, raised_clip.truth["reps"])
    for i, side in enumerate(SIDES):
        leg = got.legs[i]
        size = "; ".join(_fall(m) for m in leg.measures) or "-"
        out.legs.append(
            (side, case.expected(side), leg.change, ref.legs[i].change if ref else "-", size)
        )
    out.interpretation = got.interpretation
    return out


MEASURE_NAMES = {"fppa_deg": "FPPA", "mkd": "MKD", "knee_over_foot": "knee over foot"}


def _fall(m: Any) -> str:
    """How far a measure fell from the flat to the raised squat, and the change it needed."""
    unit, k = ("deg", 1) if m.measure == "fppa_deg" else ("% leg", 100)
    return (
        f"{MEASURE_NAMES[m.measure]} {-k * m.change:+.1f} {unit} "
        f"(needs {k * m.smallest_detectable_change:.1f})"
    )


def heel_table(outcomes: Iterable[HeelOutcome]) -> str:
    head = (
        "| pair | leg | expected | `compare` on video | on truth poses | fall (flat - raised) | "
        "raised squat: FPPA MAE / bias, deg | MKD MAE / bias, % leg | s |"
    )
    lines = [head, "|" + "---|" * 9]
    for o in outcomes:
        if o.error:
            lines.append(f"| {o.case.label()} | - | - | refused ({o.error}) | - | - | - | - | - |")
            continue
        for side, expected, got, ref, size in o.legs:
            mark = "" if got == expected else " **(wrong)**"
            lines.append(
                f"| {o.case.label()} | {side} | {expected} | {got}{mark} | {ref} | {size} | "
                f"{_mae_bias(o.raised_diffs.get('fppa_deg', []))} | "
                f"{_mae_bias(o.raised_diffs.get('mkd', []), 100)} | {o.seconds:.0f} |"
            )
    return "\n".join(lines)


def heel_summary(outcomes: list[HeelOutcome]) -> list[str]:
    legs = [leg for o in outcomes for leg in o.legs]
    right = sum(got == expected for _, expected, got, _, _ in legs)
    ref_right = sum(ref == expected for _, expected, _, ref, _ in legs)
    lines = [
        f"- `valgus compare` on video gave the expected change for {right} of {len(legs)} legs "
        f"(on the truth poses: {ref_right} of {len(legs)})."
    ]
    for o in outcomes:
        if o.interpretation:
            lines.append(f"- {o.case.label()}: " + " ".join(o.interpretation))
    return lines


# ---------------------------------------------------------------------------------------
# --movement auto
# ---------------------------------------------------------------------------------------


def auto_rows(
    squats: list[Outcome], sls: list[SlsOutcome], dj: list[DjOutcome], heels: list[HeelOutcome]
) -> list[tuple[str, str, str, str]]:
    """(truth movement, case label, recognised on video, recognised on truth poses)."""
    rows = [("squat", o.case.label(), o.auto, o.auto_ref) for o in squats]
    rows += [("single-leg-squat", o.case.label(), o.auto, o.auto_ref) for o in sls]
    rows += [("drop-jump", o.case.label(), o.auto, o.auto_ref) for o in dj]
    seen: set[tuple[str, str]] = set()
    for o in heels:
        for (truth, got, ref), part in zip(o.auto, ("flat", "raised"), strict=True):
            label = (
                f"L{o.case.flat[0]:g}/R{o.case.flat[1]:g} flat"
                if part == "flat"
                else f"L{o.case.raised[0]:g}/R{o.case.raised[1]:g} heels raised"
            )
            if (truth, label) not in seen:  # a flat clip shared by two pairs counts once
                seen.add((truth, label))
                rows.append((truth, label, got, ref))
    return rows


def auto_table(rows: list[tuple[str, str, str, str]]) -> str:
    columns = [*MOVEMENT_NAMES, *sorted({g for _, _, g, _ in rows} - set(MOVEMENT_NAMES))]
    lines = [
        "| true movement \\ recognised | " + " | ".join(columns) + " |",
        "|" + "---|" * (len(columns) + 1),
    ]
    for truth in MOVEMENT_NAMES:
        mine = [g for t, _, g, _ in rows if t == truth]
        if mine:
            counts = Counter(mine)
            lines.append(f"| {truth} | " + " | ".join(str(counts[c]) for c in columns) + " |")
    return "\n".join(lines)


def auto_summary(rows: list[tuple[str, str, str, str]]) -> list[str]:
    def expected(truth: str) -> str:
        return "squat" if truth == "heel-raised-squat" else truth

    right = [r for r in rows if r[2] == expected(r[0])]
    refused = [r for r in rows if r[2].startswith("refused")]
    wrong = [r for r in rows if r not in right and r not in refused]
    differ = [r for r in rows if r[2] != r[3]]
    return [
        f"- {len(right)} of {len(rows)} clips recognised as expected (heel-raised squats as "
        f"`squat`, the documented limit); {len(refused)} refused"
        + (": " + "; ".join(f"{label} ({got})" for _, label, got, _ in refused) if refused else "")
        + f"; {len(wrong)} recognised as another movement"
        + (": " + "; ".join(f"{t} {label} -> {got}" for t, label, got, _ in wrong) if wrong else "")
        + ".",
        f"- On the true landmarks of a perfectly frontal camera (the verdict reference; so a "
        f"yawed clip differs by design) the recognition differs from the video's for "
        f"{len(differ)} clips"
        + (
            ": " + "; ".join(f"{t} {label}: video {g}, truth {r}" for t, label, g, r in differ)
            if differ
            else ""
        )
        + ".",
    ]


# ---------------------------------------------------------------------------------------
# The run and the report
# ---------------------------------------------------------------------------------------


@dataclass
class Results:
    squats: list[Outcome]
    sls: list[SlsOutcome]
    dj: list[DjOutcome]
    heels: list[HeelOutcome]
    seconds: float


def run(
    cases: list[Case],
    *,
    quick: bool = False,
    progress: Callable[[str], None] | None = None,
    seed: int = 0,
) -> Results:
    """All parts, in order: squats, single-leg squats, drop jumps, heel-raise pairs."""
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    parts: list[tuple[str, Sequence[Any], Callable[[Any, Clips], Any]]] = [
        ("squat", cases, run_case),
        ("single-leg squat", sls_cases(quick), run_sls),
        ("drop jump", dj_cases(quick), run_dj),
        ("heel raise", heel_cases(quick), run_heel),
    ]
    total = sum(len(p[1]) for p in parts)
    done = 0
    got: list[list[Any]] = []
    with tempfile.TemporaryDirectory(prefix="valgus-bench-") as tmp:
        clips = Clips(Path(tmp), seed)
        for name, part_cases, fn in parts:
            got.append([])
            for case in part_cases:
                done += 1
                say(f"[{done}/{total}] {name}: {case.label()}")
                got[-1].append(fn(case, clips))
    squats, sls, dj, heels = got
    return Results(squats, sls, dj, heels, seconds=time.perf_counter() - t0)


INTRO_SQUAT = (
    "Each case: 3 reps (2.5 s each) of a bodyweight squat rendered by `valgus.synth` "
    "(camera 2.5 m away at 0.9 m, 45 deg horizontal field of view, 30 fps), analyzed from the "
    "video with MediaPipe Pose (full). Errors are measured minus true at the deepest frame, "
    "per rep and leg (FPPA, MKD; the knee over the foot, the verdict's measure, as the "
    "median of the frames within 0.1 s of the deepest, against its truth from the renderer's "
    "3D points) or per rep (KASR, NKSD); MAE / mean signed error. "
    "Valgus L/R is the frontal-plane valgus the renderer adds beyond knees tracking over "
    "the toes (docs/synthetic-truth.md). The reference verdict is the analysis run on the "
    "true landmarks as a perfectly frontal camera would see them (so camera yaw counts as "
    "error); it is shown in brackets where the video verdict differs; * = the result or the "
    "reference flagged the leg borderline (within measurement error of a band edge). "
    "n/j = not judged."
)
INTRO_SLS = (
    f"Each case: {SLS_REPS} single-leg squats per stance side (`both` = left then right in "
    "one clip), 60 deg of knee flexion, hands on the hips, the lifted foot behind, camera as "
    "above, 720x1280, 30 fps; analysed with `--movement single-leg-squat --side auto`. "
    "Valgus is the renderer's valgus beyond knee-over-foot, lean the lateral trunk lean toward "
    "the stance leg and drop the contralateral pelvic drop at the bottom, all in degrees. Reps "
    "are matched to the truth by bottom time; errors (measured minus true, MAE / bias) are "
    "over the reps whose stance side was found right, against the truth projected through "
    "the real camera. The video analysis does not report the pelvic drop (the pose model's "
    "hips do not follow the pelvis): its column is the analysis on the true landmarks; the "
    "next column shows what MediaPipe's raw hip line at the bottom would have said. Verdicts "
    "are per stance leg (single-leg squat bands), against the truth-poses reference."
)
INTRO_DJ = (
    f"Each case: {DJ_TRIALS} drop vertical jumps off a 0.30 m box (peak landing flexion 80 "
    "deg), camera as above, 720x1280; analysed with `--movement drop-jump --sex female`. "
    "Valgus L/R is reached at peak flexion, relative to knee-over-foot: with the feet turned "
    "out the knee-over-foot FPPA at 80 deg is about -20 deg (frontal) or -26 deg (through "
    "the camera), so at peak flexion 20 deg of valgus still projects about -4 deg and 40 deg "
    "about +18 deg. Event errors are the analysis minus the "
    "truth's exact (sub-frame) times, in ms; FPPA and MKD per leg and KASR / NKSD per trial "
    "at initial contact and at peak flexion, against the truth at the contact frame (first "
    "frame at or after contact) and at the peak flexion frame; MAE / bias; the MKD and ratio "
    "cells read `contact; peak`. The box stands behind the landing spot: MKD is scaled by the "
    "leg measured on the landing spot (docs/movements.md)."
)
INTRO_HEEL = (
    f"Each pair: the flat squat and the squat with the heels on a {100 * HEEL_RAISE_M:.0f} cm "
    "board, 3 reps each as in the squat section, both analysed (`squat`, "
    "`heel-raised-squat`) and compared with `valgus compare` "
    "(`valgus.assessment.compare.compare` on `read_analysis` of each result's JSON). "
    f"Expected: `less valgus` where the raise takes at least {HEEL_CLEAR_CHANGE_DEG:g} deg of "
    "valgus away, else `no measurable change`. The flat clip of the first two pairs is the same "
    "clip. The last columns are the raised squat's errors against its truth."
)
INTRO_AUTO = (
    "Every clip above analysed once more with `--movement auto`, on the same poses (the pose "
    "model is not run again). Rows: the rendered movement; columns: the movement recognised "
    "on the video's poses, or the refusal. A heel-raised squat is expected to read as "
    "`squat` (a 5 cm raise cannot be seen from the front; docs/movements.md)."
)
NOTES_MARKER = "<!-- notes: written by hand; kept when the report is regenerated -->"


def report(results: Results, command: str) -> str:
    r = results
    return "\n".join(
        [
            "# Accuracy against rendered ground truth",
            "",
            f"Made by `{command}` on {platform.machine()}, Python {platform.python_version()}; "
            f"the run took {r.seconds / 60:.1f} min (render + pose model + analysis; the s "
            "column is per case).",
            "",
            "## Bilateral squat",
            "",
            INTRO_SQUAT,
            "",
            table(r.squats),
            "",
            *summary_lines(r.squats),
            "",
            "## Single-leg squat",
            "",
            INTRO_SLS,
            "",
            sls_table(r.sls),
            "",
            *sls_summary(r.sls),
            "",
            "## Drop vertical jump",
            "",
            INTRO_DJ,
            "",
            dj_table(r.dj),
            "",
            *dj_summary(r.dj),
            "",
            "## Heel-raised squat and `valgus compare`",
            "",
            INTRO_HEEL,
            "",
            heel_table(r.heels),
            "",
            *heel_summary(r.heels),
            "",
            "## `--movement auto`",
            "",
            INTRO_AUTO,
            "",
            auto_table(auto_rows(r.squats, r.sls, r.dj, r.heels)),
            "",
            *auto_summary(auto_rows(r.squats, r.sls, r.dj, r.heels)),
            "",
        ]
    )


def _kept_notes(out: Path) -> str:
    """The hand-written part of an earlier report (from the notes marker on), if any."""
    if not out.exists():
        return ""
    text = out.read_text(encoding="utf-8")
    i = text.find(NOTES_MARKER)
    return text[i:] if i >= 0 else ""


def main(out: Path | None, quick: bool, progress: Callable[[str], None]) -> str:
    command = (
        "valgus bench accuracy" + (" --quick" if quick else "") + (f" --out {out}" if out else "")
    )
    text = report(run(default_cases(quick), quick=quick, progress=progress), command)
    if out is not None:
        notes = _kept_notes(out)
        out.write_text(text + ("\n" + notes if notes else ""), encoding="utf-8")
    return text


if __name__ == "__main__":  # pragma: no cover
    print(
        json.dumps(
            {
                "squat": [c.label() for c in default_cases()],
                "single-leg-squat": [c.label() for c in sls_cases()],
                "drop-jump": [c.label() for c in dj_cases()],
                "heel-raise": [c.label() for c in heel_cases()],
            },
            indent=1,
        )
    )
