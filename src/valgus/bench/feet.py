"""`valgus bench accuracy --feet`: the knee over the foot whatever the feet and the camera do.

Rendered bodyweight squats (valgus.synth, 3 reps, 720x1280, 30 fps) analyzed from the video
by the real pose model, in two sweeps: the feet (toe-out 0/15/30/45 deg x stance 1.0/1.5/2.0
hip widths x valgus 0/10/20/30 deg, camera square-on) and the camera (yaw -25..25 deg in
5-deg steps x valgus 0/20 deg, feet 10 deg out, stance 1.3). The truth of the knee over the
foot is taken from the renderer's 3D points with the measure's own definition (the knee's
distance from the vertical plane through the ankle along the heel-to-2nd-toe direction,
/ leg length); its band is the reference verdict. Per leg: the verdict against it (agree,
flagged = a disagreement the result itself called borderline, UNFLAGGED, not judged with
the reason), the measure against its truth, and MKD (the line over the toes) against its.
The margin between valgus 0 and 10 deg is in units of the measure's own rep-to-rep SD.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_context
from pathlib import Path

import numpy as np

from valgus.bench.speed import into_page
from valgus.synth.truth import true_knee_over_foot

TOE_OUTS = (0.0, 15.0, 30.0, 45.0)
STANCES = (1.0, 1.5, 2.0)
VALGUS = (0.0, 10.0, 20.0, 30.0)
YAWS = tuple(float(y) for y in range(-25, 30, 5))
YAW_VALGUS = (0.0, 20.0)
DEFAULT_TOE_OUT, DEFAULT_STANCE = 10.0, 1.3  # the renderer's usual squat
SIDES = ("left", "right")
MILD, MARKED = 0.03, 0.08  # assessment/bands.py MKD_MILD, MKD_MARKED (same edges)


@dataclass(frozen=True)
class Case:
    sweep: str  # "toe" or "yaw"
    toe_out: float
    stance: float
    valgus: float
    yaw: float

    def name(self) -> str:
        """File stem of the clip's poses and truth (a cache key)."""
        return f"{self.sweep}_t{self.toe_out:g}_w{self.stance:.1f}_v{self.valgus:g}_y{self.yaw:g}"

    def label(self) -> str:
        return (
            f"toe-out {self.toe_out:g}, stance {self.stance:g}, valgus {self.valgus:g}, "
            f"yaw {self.yaw:+g}"
        )


@dataclass
class Leg:
    verdict: str | None = None
    borderline: bool = False
    why_not: str = ""
    kof: list[float] = field(default_factory=list)  # per rep
    kof_true: list[float] = field(default_factory=list)
    mkd: list[float] = field(default_factory=list)  # per rep, the deepest frame (as before)
    mkd_true: list[float] = field(default_factory=list)
    error: float | None = None
    toe_out: float | None = None

    def reference(self) -> str:
        return band(float(np.mean(self.kof_true))) if self.kof_true else "?"

    def agreement(self) -> str:
        if self.verdict is None:
            return "not judged"
        if self.verdict == self.reference():
            return "agree"
        return "flagged" if self.borderline else "UNFLAGGED"


@dataclass
class Outcome:
    case: Case
    legs: dict[str, Leg] = field(default_factory=dict)
    view_yaw: float | None = None
    refused: str = ""
    warnings: list[str] = field(default_factory=list)


def band(value: float) -> str:
    return "none" if value < MILD else ("mild" if value < MARKED else "marked")


def cases(quick: bool = False) -> list[Case]:
    if quick:
        return [Case("toe", 30.0, 1.5, 0.0, 0.0), Case("yaw", 10.0, 1.3, 20.0, 10.0)]
    toe = [Case("toe", t, w, v, 0.0) for t in TOE_OUTS for w in STANCES for v in VALGUS]
    yaw = [Case("yaw", DEFAULT_TOE_OUT, DEFAULT_STANCE, v, y) for y in YAWS for v in YAW_VALGUS]
    margin = [Case("yaw", DEFAULT_TOE_OUT, DEFAULT_STANCE, 10.0, 0.0)]
    return toe + yaw + margin


def _clip(case: Case, cache: Path) -> tuple[Path, Path]:
    """Render and pose-estimate the case once (kept in cache)."""
    from valgus.io.poses import save_poses
    from valgus.pose.extract import estimate_poses
    from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

    poses, truth = cache / f"{case.name()}.poses.nc", cache / f"{case.name()}.truth.json"
    if poses.exists() and truth.exists():
        return poses, truth
    video = cache / f"{case.name()}.mp4"
    params = SquatParams(
        reps=3,
        rep_s=2.5,
        pause_before_s=1.0,
        pause_after_s=1.0,
        toe_out_deg=case.toe_out,
        stance_width=case.stance,
        valgus_left_deg=case.valgus,
        valgus_right_deg=case.valgus,
        seed=0,
    )
    render_squat(video, params, CameraParams(yaw_deg=case.yaw), RenderParams(seed=0))
    save_poses(estimate_poses(video, naive=True), poses)
    video.unlink(missing_ok=True)
    return poses, truth


def run_case(case: Case, cache: str) -> Outcome:
    from valgus import api
    from valgus.errors import ValgusError
    from valgus.io.poses import load_poses

    poses, truth_path = _clip(case, Path(cache))
    truth = json.loads(truth_path.read_text())
    out = Outcome(case)
    try:
        result = api.analyze_poses(load_poses(poses), movement="squat").result
    except ValgusError as e:
        out.refused = e.code
        return out
    out.view_yaw = result.quality.view_yaw_deg
    out.warnings = [w.code for w in result.quality.warnings]
    kof_true = true_knee_over_foot(truth)
    for side in SIDES:
        s = getattr(result.summary, side)
        leg = Leg(
            s.valgus,
            s.borderline,
            s.description if s.valgus is None else "",
            error=s.knee_over_foot_error,
            toe_out=s.toe_out_deg,
        )
        for rep in result.reps:
            k = min(
                range(len(truth["reps"])),
                key=lambda i: abs(truth["reps"][i]["bottom_s"] - rep.bottom_s),
            )
            r = getattr(rep, side)
            leg.kof_true.append(kof_true[k][side])
            leg.mkd_true.append(truth["reps"][k][side]["mkd"])
            if r.knee_over_foot is not None:
                leg.kof.append(r.knee_over_foot)
            if r.mkd is not None:
                leg.mkd.append(r.mkd)
        out.legs[side] = leg
    return out


def _pct(values: list[float]) -> str:
    return f"{100 * float(np.mean(values)):+.1f}" if values else "-"


def _err(got: list[float], true: list[float]) -> str:
    if not got or len(got) != len(true):
        return "-"
    return f"{100 * (float(np.mean(got)) - float(np.mean(true))):+.1f}"


def _cell(leg: Leg) -> str:
    if leg.verdict is None:
        return "n/j"
    return leg.verdict + ("*" if leg.borderline else "")


def table(outcomes: Iterable[Outcome]) -> list[str]:
    lines = [
        "| toe-out, stance, valgus, yaw | view est. | leg | verdict (reference) | agreement | "
        "knee over foot % (true), error | its stated error % | MKD % (true), error | toe-out seen |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        c = o.case
        head = f"{c.toe_out:g}, {c.stance:g}, {c.valgus:g}, {c.yaw:+g}"
        if o.refused:
            lines.append(f"| {head} | - | both | refused: {o.refused} | | | | | |")
            continue
        for side, leg in o.legs.items():
            stated = f"{100 * leg.error:.1f}" if leg.error is not None else "-"
            lines.append(
                f"| {head} | {o.view_yaw} | {side} | {_cell(leg)} ({leg.reference()}) | "
                f"{leg.agreement()} | {_pct(leg.kof)} ({_pct(leg.kof_true)}), "
                f"{_err(leg.kof, leg.kof_true)} | {stated} | {_pct(leg.mkd)} "
                f"({_pct(leg.mkd_true)}), {_err(leg.mkd, leg.mkd_true)} | "
                f"{'-' if leg.toe_out is None else f'{leg.toe_out:g}'} |"
            )
    return lines


def margin(low: list[Outcome], high: list[Outcome], measure: str) -> float | None:
    """(mean at valgus 10 - mean at valgus 0) / pooled rep-to-rep SD, over both legs."""

    def means(outcomes: list[Outcome]) -> list[float]:
        legs = [getattr(leg, measure) for o in outcomes for leg in o.legs.values()]
        return [float(np.mean(v)) for v in legs if len(v) > 1]

    a, b = means(low), means(high)
    sd = _pooled_sd(low + high, measure)
    if not a or not b or not sd > 0:
        return None
    return (float(np.mean(b)) - float(np.mean(a))) / sd


def margin_lines(outcomes: list[Outcome]) -> list[str]:
    by = {(o.case.toe_out, o.case.stance, o.case.valgus, o.case.yaw): o for o in outcomes}
    cells = sorted({(o.case.toe_out, o.case.stance) for o in outcomes if o.case.yaw == 0})
    lines = [
        "| toe-out, stance (square-on) | knee over foot: margin in SD (SD %) | "
        "MKD at the deepest frame, as before: margin in SD (SD %) |",
        "|---|---|---|",
    ]
    for t, w in cells:
        low, high = by.get((t, w, 0.0, 0.0)), by.get((t, w, 10.0, 0.0))
        if low is None or high is None:
            continue
        row = [f"{t:g}, {w:g}"]
        for measure in ("kof", "mkd"):
            m = margin([low], [high], measure)
            sd = _pooled_sd([low, high], measure)
            row.append("-" if m is None else f"{m:.1f} ({100 * sd:.2f})")
        lines.append("| " + " | ".join(row) + " |")
    return lines


def _pooled_sd(outcomes: list[Outcome], measure: str) -> float:
    v = [getattr(leg, measure) for o in outcomes for leg in o.legs.values()]
    v = [x for x in v if len(x) > 1]
    return float(np.sqrt(np.mean([np.var(x, ddof=1) for x in v]))) if v else float("nan")


def summary(outcomes: list[Outcome]) -> list[str]:
    legs = [(o, s, leg) for o in outcomes for s, leg in o.legs.items()]
    counts = {
        k: sum(leg.agreement() == k for _, _, leg in legs)
        for k in ("agree", "flagged", "UNFLAGGED", "not judged")
    }
    clean_above = [
        f"{o.case.label()} {s}"
        for o, s, leg in legs
        if o.case.valgus == 0 and leg.verdict in ("mild", "marked")
    ]
    v20_missed = [
        f"{o.case.label()} {s}"
        for o, s, leg in legs
        if o.case.sweep == "yaw"
        and o.case.valgus >= 20
        and abs(o.case.yaw) <= 10
        and leg.verdict not in ("mild", "marked")
    ]
    not_judged = sorted(
        {o.case.yaw for o, _, leg in legs if o.case.sweep == "yaw" and leg.verdict is None}
    )
    kof_err = [
        float(np.mean(leg.kof)) - float(np.mean(leg.kof_true)) for _, _, leg in legs if leg.kof
    ]
    mkd_err = [
        float(np.mean(leg.mkd)) - float(np.mean(leg.mkd_true)) for _, _, leg in legs if leg.mkd
    ]
    return (
        [
            f"- Legs: {counts['agree']} agree, {counts['flagged']} disagree but flagged borderline, "
            f"{counts['UNFLAGGED']} disagree unflagged, {counts['not judged']} not judged.",
            f"- Valgus 0 called above typical: {', '.join(clean_above) or 'none'}.",
            f"- Valgus 20 or more not found at yaw up to 10 deg: {', '.join(v20_missed) or 'none'}.",
            f"- Camera yaw at which the legs were not judged: {', '.join(f'{y:+g}' for y in not_judged) or 'none'}.",
            f"- Knee over the foot, error against its truth (mean per leg): MAE "
            f"{100 * float(np.mean(np.abs(kof_err))):.1f} %, bias {100 * float(np.mean(kof_err)):+.1f} %, "
            f"largest {100 * float(np.max(np.abs(kof_err))):.1f} % of leg length; MKD against its own truth: MAE "
            f"{100 * float(np.mean(np.abs(mkd_err))):.1f} %, bias {100 * float(np.mean(mkd_err)):+.1f} %.",
        ]
        if kof_err and mkd_err
        else []
    )


def report(outcomes: list[Outcome], command: str) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    feet = [o for o in outcomes if o.case.sweep == "toe"]
    camera = sorted(
        (o for o in outcomes if o.case.sweep == "yaw"), key=lambda o: (o.case.yaw, o.case.valgus)
    )
    return (
        "\n".join(
            [
                f"Made by `{command}` on {platform.machine()}, {os.cpu_count()} cores, Python "
                f"{platform.python_version()}, {when}. {len(outcomes)} rendered squats, 3 reps each. "
                "Verdict * = borderline; reference = the band of the true knee over the foot; "
                "errors are measured minus true, % of leg length.",
                "",
                *summary(outcomes),
                "",
                "### Margin between valgus 0 and 10 deg",
                "",
                *margin_lines(outcomes),
                "",
                "### Feet: toe-out x stance x valgus (camera square-on)",
                "",
                *table(feet),
                "",
                "### Camera: yaw x valgus (feet 10 deg out, stance 1.3)",
                "",
                *table(camera),
            ]
        )
        + "\n"
    )


def main(
    out: Path | None, quick: bool, progress: Callable[[str], None], cache: Path | None = None
) -> str:
    command = (
        "valgus bench accuracy --feet"
        + (" --quick" if quick else "")
        + (f" --out {out}" if out else "")
    )
    todo = cases(quick)
    outcomes: list[Outcome] = []
    with tempfile.TemporaryDirectory(prefix="valgus-bench-feet-") as tmp:
        where = cache or Path(tmp)
        where.mkdir(parents=True, exist_ok=True)
        progress(f"{len(todo)} rendered squats, 2 at a time (poses kept in {where})")
        with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(run_case, c, str(where)) for c in todo]
            for c, f in zip(todo, futures, strict=True):
                outcomes.append(f.result())
                progress(f"  {c.label()}: done")
    text = report(outcomes, command)
    if out is not None:
        out.write_text(into_page(out.read_text() if out.exists() else "", text, bench="feet"))
    return text
