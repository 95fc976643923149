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
import re
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
    valgus_left: float = VALGUS_DEG
    valgus_right: float = VALGUS_DEG

    def label(self) -> str:
        knees = "" if self.valgus_left == self.valgus_right else ", knee-in on the left only"
        return f"{self.lifted}, {self.stance}, yaw {self.yaw:g}{knees}"

    def valgus(self, side: str) -> float:
        return self.valgus_left if side == "left" else self.valgus_right


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
    knees_in_found: bool = False  # every stance leg as rendered: knee-in found, clean typical
    planted_cue: int = 0
    vetoed_by_reach: int = 0  # unclear reps: leg reach disagreed with foot lift
    vetoed_by_planted: int = 0  # unclear reps: the planted foot disagreed
    lift_alone_wrong: int = 0  # unclear reps where foot lift alone named the lifted leg
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
            valgus_left_deg=case.valgus_left,
            valgus_right_deg=case.valgus_right,
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
            _count_vetoes(out, w.message, truth["reps"])
        if w.code == "two_leg_reps_ignored":
            out.two_leg += int(w.message.split(" ", 1)[0])
    stood = {r["stance_side"] for r in truth["reps"]}
    s = result.summary
    out.verdicts = ", ".join(f"{side} {getattr(s, side).valgus}" for side in sorted(stood))
    out.knees_in_found = all(
        getattr(s, side).valgus in (("mild", "marked") if case.valgus(side) else ("none",))
        for side in stood
    )
    return out


UNCLEAR_REP = re.compile(
    r"rep \d+ at ([\d.]+) s: the (left|right) foot [\d.]+ leg lengths higher, but the "
    r"(?:\w+ leg is the shorter|\w+ foot moved)"
)


def _count_vetoes(out: Outcome, message: str, true_reps: list[dict[str, Any]]) -> None:
    """From a stance_unclear warning: which cue stopped each rep, and whether foot lift alone
    (the lifted foot named in the message) would have picked the right standing leg."""
    for m in UNCLEAR_REP.finditer(message):
        bottom_s, higher = float(m.group(1)), m.group(2)
        if "shorter" in m.group(0):
            out.vetoed_by_reach += 1
        else:
            out.vetoed_by_planted += 1
        true = min(true_reps, key=lambda r: abs(r["bottom_s"] - bottom_s))
        out.lift_alone_wrong += int(true["stance_side"] == higher)


def cases(quick: bool = False) -> list[Case]:
    if quick:
        return [Case("pistol", "alternate", 0.0)]
    every = [Case(lifted, stance, yaw) for lifted in LIFTED for stance in STANCES for yaw in YAWS]
    one_knee = [Case("behind", "alternate", yaw, valgus_right=0.0) for yaw in YAWS]
    return every + one_knee


def report(outcomes: list[Outcome], command: str) -> str:
    when = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        f"Made by `{command}` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {when}. Single-leg squats at {SIZE[0]}x{SIZE[1]}, "
        f"{REPS} reps a leg, the stance knee caving in {VALGUS_DEG:g} deg (the right one "
        "straight where the case says the left only).",
        "",
        "| free leg, stance, camera yaw deg | reps kept + unclear / true | standing leg right "
        "| lifted leg judged | unclear (not judged): vetoed by reach, by planted foot | read as "
        "two-leg | stance legs' verdicts | verdicts as rendered | planted-foot cue took part |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for o in outcomes:
        if o.error:
            lines.append(f"| {o.case.label()} | refused: {o.error} | | | | | | | |")
            continue
        lines.append(
            f"| {o.case.label()} | {o.reps_found} + {o.unclear} / {o.reps_true} | "
            f"{o.stance_right} | {o.lifted_judged} | {o.unclear}: {o.vetoed_by_reach}, "
            f"{o.vetoed_by_planted} | {o.two_leg} | {o.verdicts} | "
            f"{'yes' if o.knees_in_found else 'NO'} | {o.planted_cue} of {o.reps_found} |"
        )
    return "\n".join([*lines, "", summary(outcomes)]) + "\n"


def summary(outcomes: list[Outcome]) -> str:
    """The benchmark in one paragraph: the standing leg, the verdicts, and each cue's part."""
    kept = sum(o.reps_found for o in outcomes)
    unclear = sum(o.unclear for o in outcomes)
    wrong = sum(o.lift_alone_wrong for o in outcomes)
    return (
        f"Standing leg right on {sum(o.stance_right for o in outcomes)} of {kept} reps kept "
        f"({sum(o.reps_true for o in outcomes)} true; {unclear} not judged because the cues "
        f"disagreed); a lifted leg judged in {sum(o.lifted_judged for o in outcomes)}; "
        f"stance legs' verdicts as rendered in {sum(o.knees_in_found for o in outcomes)} of "
        f"{len(outcomes)} cases. Cues: foot lift decided every rep kept, and leg reach agreed "
        f"in every one (both are required); the planted foot took part in "
        f"{sum(o.planted_cue for o in outcomes)} of {kept} and abstained in the rest. Of the "
        f"{unclear} unclear reps, leg reach stopped {sum(o.vetoed_by_reach for o in outcomes)} "
        f"and the planted foot {sum(o.vetoed_by_planted for o in outcomes)}; foot lift alone "
        f"would have named the lifted leg as the standing one in {wrong} of them."
    )


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
