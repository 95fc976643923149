"""`valgus bench stance`: the standing leg of single-leg squats as people do them.

Rendered single-leg squats (valgus.synth) with the free leg held behind, bent in front, or
straight out in front (a pistol), on one leg or alternating legs in one video, the camera
0-15 deg off square; the stance knee caving in 15 deg. Each is analyzed from the video by
the real pose model. Per case: reps found against the truth, the standing leg right, reps
where the lifted leg got a verdict (must never happen), reps left unjudged because the cues
disagreed, the stance legs' verdicts, and how often each cue took part.
"""

from __future__ import annotations

import datetime as dt
import os
import platform
import tempfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from valgus.bench.speed import into_page

LIFTED = ("behind", "front", "pistol")
STANCES = ("left", "alternate")
YAWS = (0.0, 8.0, 15.0)
VALGUS_DEG = 15.0
REPS = 2  # per leg
SIZE = (540, 960)


@dataclass(frozen=True)
class Case:
    lifted: str
    stance: str
    yaw: float

    def label(self) -> str:
        return f"{self.lifted}, {self.stance}, yaw {self.yaw:g}"


@dataclass
class Outcome:
    case: Case
    reps_true: int = 0
    reps_found: int = 0
    stance_right: int = 0
    lifted_judged: int = 0  # reps whose stance was wrong and got a verdict
    unclear: int = 0
    two_leg: int = 0
    verdicts: str = ""
    knees_in_found: bool = False
    planted_cue: int = 0
    error: str = ""


def run_case(case: Case, work: str) -> Outcome:
    """Render the case, analyze the video, compare with the truth (in a worker process)."""
    from valgus import api
    from valgus.errors import ValgusError
    from valgus.synth import CameraParams, RenderParams, SingleLegSquatParams
    from valgus.synth.squat import render_movement

    path = Path(work) / f"{case.lifted}-{case.stance}-{case.yaw:g}.mp4"
    truth = render_movement(
        path,
        SingleLegSquatParams(
            stance_side=case.stance,  # type: ignore[arg-type]
            reps=REPS,
            valgus_deg=VALGUS_DEG,
            lifted_foot=case.lifted,  # type: ignore[arg-type]
            seed=7,
        ),
        CameraParams(width_px=SIZE[0], height_px=SIZE[1], yaw_deg=case.yaw),
        RenderParams(seed=7),
    )
    out = Outcome(case, reps_true=len(truth["reps"]))
    try:
        result = api.analyze_video(path, movement="single-leg-squat").result
    except ValgusError as e:
        out.error = e.code
        return out
    out.reps_found = len(result.reps)
    for rep in result.reps:
        true = min(truth["reps"], key=lambda r: abs(r["bottom_s"] - rep.bottom_s))
        if rep.stance_side == true["stance_side"]:
            out.stance_right += 1
        else:
            leg = getattr(rep, rep.stance_side or "left")
            out.lifted_judged += int(leg.fppa_deg is not None or leg.mkd is not None)
        out.planted_cue += int("stayed put" in (rep.stance_cues or ""))
    for w in result.quality.warnings:
        if w.code == "stance_unclear":
            out.unclear += int(w.message.split(" ", 1)[0])
        if w.code == "two_leg_reps_ignored":
            out.two_leg += int(w.message.split(" ", 1)[0])
    stood = {r["stance_side"] for r in truth["reps"]}
    s = result.summary
    out.verdicts = ", ".join(f"{side} {getattr(s, side).valgus}" for side in sorted(stood))
    out.knees_in_found = all(getattr(s, side).valgus in ("mild", "marked") for side in stood)
    return out


def cases(quick: bool = False) -> list[Case]:
    if quick:
        return [Case("pistol", "alternate", 0.0)]
    return [Case(lifted, stance, yaw) for lifted in LIFTED for stance in STANCES for yaw in YAWS]


def report(outcomes: list[Outcome], command: str) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Made by `{command}` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {when}. Single-leg squats at {SIZE[0]}x{SIZE[1]}, "
        f"{REPS} reps a leg, the stance knee caving in {VALGUS_DEG:g} deg.",
        "",
        "| free leg, stance, camera yaw deg | reps found / true | standing leg right | "
        "lifted leg judged | unclear (not judged) | read as two-leg | stance legs' verdicts "
        "| knee-in found | planted-foot cue took part |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        if o.error:
            lines.append(f"| {o.case.label()} | refused: {o.error} | | | | | | | |")
            continue
        lines.append(
            f"| {o.case.label()} | {o.reps_found} / {o.reps_true} | {o.stance_right} | "
            f"{o.lifted_judged} | {o.unclear} | {o.two_leg} | {o.verdicts} | "
            f"{'yes' if o.knees_in_found else 'NO'} | {o.planted_cue} of {o.reps_found} |"
        )
    found = sum(o.reps_found for o in outcomes)
    right = sum(o.stance_right for o in outcomes)
    judged = sum(o.lifted_judged for o in outcomes)
    planted = sum(o.planted_cue for o in outcomes)
    lines += [
        "",
        f"Standing leg right on {right} of {found} reps found ({sum(o.reps_true for o in outcomes)}"
        f" true); a lifted leg judged in {judged}; knee-in found in "
        f"{sum(o.knees_in_found for o in outcomes)} of {len(outcomes)} cases. Cues: foot lift "
        f"decided and leg reach agreed in every rep kept (both are required); the planted foot "
        f"took part in {planted} of {found} reps and abstained in the rest.",
    ]
    return "\n".join(lines) + "\n"


def main(out: Path | None, quick: bool, progress: Callable[[str], None]) -> str:
    command = (
        "valgus bench stance" + (" --quick" if quick else "") + (f" --out {out}" if out else "")
    )
    todo = cases(quick)
    outcomes: list[Any] = []
    with tempfile.TemporaryDirectory(prefix="valgus-bench-stance-") as work:
        progress(f"{len(todo)} rendered single-leg squat videos, 2 at a time")
        with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
            futures = [pool.submit(run_case, c, work) for c in todo]
            for c, f in zip(todo, futures, strict=True):
                outcomes.append(f.result())
                progress(f"  {c.label()}: done")
    text = report(outcomes, command)
    if out is not None:
        out.write_text(into_page(out.read_text() if out.exists() else "", text, bench="stance"))
    return text
