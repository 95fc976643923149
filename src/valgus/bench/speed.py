"""Speed of video -> landmarks: the naive loop against the pipeline, on the same videos.

Every variant runs in a fresh subprocess (``python -m valgus.bench.speed worker ...``) so
that its peak resident memory (VmHWM: native memory included) is its own; the
landmarks it produced come back as a pose file and are analyzed here, so both variants'
verdicts and FPPA at the deepest frame can be compared. Timings include building the
model(s) but not importing MediaPipe (the same for both variants).
"""

from __future__ import annotations

import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import av
import numpy as np

from valgus import api
from valgus.bench.landing import shared_dir
from valgus.errors import ValgusError
from valgus.io.poses import load_poses
from valgus.schema import SIDE_NAMES

CEILING_FRAMES = 120  # frames pre-decoded to time the model alone
FPPA_AGREE_DEG = 0.5
SIDES = SIDE_NAMES


@dataclass(frozen=True)
class Clip:
    label: str
    path: Path
    all_squat: bool = False
    idle: bool = False
    movement: str = "squat"  # the analysis run on both variants' landmarks


@dataclass
class Run:
    frames: int = 0
    seconds: float = 0.0
    cpu_s: float = 0.0
    maxrss_mb: float = 0.0
    interpolated: int = 0
    poses: Path | None = None

    @property
    def fps(self) -> float:
        return self.frames / self.seconds if self.seconds else 0.0


@dataclass
class Ceiling:
    model_ms: float = 0.0  # wall per frame, model alone on pre-decoded frames
    model_cpu_ms: float = 0.0
    decode_ms: float = 0.0  # wall per frame, decode + convert to RGB (the naive loop's)
    decode_cpu_ms: float = 0.0
    decode_only_ms: float = 0.0  # wall per frame, decode without RGB conversion


@dataclass
class Row:
    clip: Clip
    naive: Run
    pipe: Run
    ceiling: Ceiling
    agreement: dict[str, Any] = field(default_factory=dict)
    control: dict[str, Any] = field(default_factory=dict)  # naive vs naive, tracking nudged
    truth_mae: tuple[float | None, float | None] = (None, None)  # FPPA vs truth: naive, pipe


# ---------------------------------------------------------------- inputs


def _squat(reps: int, before_s: float, after_s: float) -> Any:
    from valgus.synth import SquatParams

    return SquatParams(
        reps=reps,
        rep_s=2.5,
        pause_before_s=before_s,
        pause_after_s=after_s,
        valgus_left_deg=40.0,
        valgus_right_deg=0.0,
        seed=1,
    )


def _other_movements(workdir: Path, progress: Callable[[str], None]) -> list[Clip]:
    """A drop jump (1.5 s still on the box before each drop: idle sampling right before a
    landing) and single-leg squats on each leg (shallow, slow bottoms), 1080p."""
    from valgus.synth import (
        CameraParams,
        DropJumpParams,
        RenderParams,
        SingleLegSquatParams,
        render_movement,
    )

    cam = CameraParams(width_px=1080, height_px=1920)
    dj = DropJumpParams(
        trials=2, valgus_left_deg=20.0, pause_before_s=1.5, pause_after_s=1.5, seed=2
    )
    sls = SingleLegSquatParams(stance_side="both", reps=3, valgus_deg=15.0, seed=3)
    specs: list[tuple[str, str, Any, float, str]] = [
        ("1080p60 drop jump, 2 trials", "dj-1080-60", dj, 60.0, "drop-jump"),
        ("1080p30 single-leg squat, 3 reps a leg", "sls-1080-30", sls, 30.0, "single-leg-squat"),
    ]
    clips = []
    for label, name, params, fps, movement in specs:
        progress(f"rendering {label}")
        path = workdir / f"{name}.mp4"
        render_movement(path, params, cam, RenderParams(fps=fps, seed=2))
        clips.append(Clip(label, path, movement=movement))
    return clips


def render_inputs(workdir: Path, *, quick: bool, progress: Callable[[str], None]) -> list[Clip]:
    """Rendered squats (all squatting, 1080p/4K, 30/60 fps; one with long idle stretches),
    a drop jump and single-leg squats (not with quick)."""
    from valgus.synth import CameraParams, RenderParams, render_squat

    specs: list[tuple[str, str, tuple[int, int], float, Any, bool]] = [
        ("1080p30 squat", "sq-1080-30", (1080, 1920), 30.0, _squat(4, 0.5, 0.5), False),
        ("1080p60 squat", "sq-1080-60", (1080, 1920), 60.0, _squat(4, 0.5, 0.5), False),
        ("4K30 squat", "sq-2160-30", (2160, 3840), 30.0, _squat(2, 0.6, 0.6), False),
        ("4K60 squat", "sq-2160-60", (2160, 3840), 60.0, _squat(2, 0.6, 0.6), False),
        ("1080p30 idle 25 s + 3 reps + 25 s", "idle-1080-30", (1080, 1920), 30.0,
         _squat(3, 25.0, 25.0), True),
    ]  # fmt: skip
    if quick:
        specs = [
            specs[0],
            ("1080p30 idle 6 s + 2 reps + 6 s", *specs[4][1:4], _squat(2, 6, 6), True),
        ]
    clips = []
    for label, name, (w, h), fps, squat, idle in specs:
        progress(f"rendering {label}")
        path = workdir / f"{name}.mp4"
        render_squat(
            path, squat, CameraParams(width_px=w, height_px=h), RenderParams(fps=fps, seed=1)
        )
        clips.append(Clip(label, path, all_squat=not idle, idle=idle))
    return clips if quick else clips + _other_movements(workdir, progress)


def loop_video(src: Path, dst: Path, /, *, times: int) -> None:
    """Write src repeated `times` times into dst, without re-encoding (packet copy)."""
    with av.open(str(src)) as inp:
        s_in = inp.streams.video[0]
        packets = [p for p in inp.demux(s_in) if p.dts is not None]
        span = max(int(p.pts) + int(p.duration or 0) for p in packets if p.pts is not None)
        span -= min(int(p.dts or 0) for p in packets)
        time_base = s_in.time_base
        assert time_base is not None
        with av.open(str(dst), "w") as out:
            s_out = out.add_stream_from_template(s_in)
            for k in range(times):
                for p in packets:
                    q = av.Packet(bytes(p))
                    q.pts = int(p.pts) + k * span if p.pts is not None else None
                    q.dts = int(p.dts or 0) + k * span
                    q.duration = p.duration
                    q.is_keyframe = p.is_keyframe
                    q.time_base = time_base
                    q.stream = s_out
                    out.mux(q)


# ---------------------------------------------------------------- workers (subprocess)


def _worker(variant: str, video: Path, out: Path) -> dict[str, Any]:
    from mediapipe.python.solutions import pose as _mp_pose  # noqa: F401  (import not timed)

    from valgus.io.poses import save_poses
    from valgus.io.video import iter_frames
    from valgus.pose.extract import DECODE_MAX_SIDE_PX, estimate_poses

    if variant == "ceiling":
        return asdict_ceiling(_ceiling(video))
    t0, c0 = time.perf_counter(), time.process_time()
    if variant == "control":  # the naive loop, its tracking nudged (first frame seen twice)
        from valgus.pose.mediapipe_backend import MediaPipePose

        with MediaPipePose() as est:
            est.process(next(iter_frames(video, max_side_px=DECODE_MAX_SIDE_PX))[1])
            ds = estimate_poses(video, estimator=est, naive=True)
    else:
        ds = estimate_poses(video, naive=variant == "naive")
    seconds, cpu = time.perf_counter() - t0, time.process_time() - c0
    save_poses(ds, out)
    return {
        "frames": int(ds.sizes["time"]),
        "seconds": seconds,
        "cpu_s": cpu,
        "interpolated": int(ds.attrs.get("interpolated_frames", 0)),
        "maxrss_mb": _peak_rss_mb(),
    }


def _peak_rss_mb() -> float:
    """This process's peak resident memory. Linux's ru_maxrss carries over the parent's
    peak across fork + exec, so read the high-water mark of this address space instead."""
    status = Path("/proc/self/status")
    if status.exists():
        for line in status.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def asdict_ceiling(c: Ceiling) -> dict[str, Any]:
    return dict(c.__dict__)


def _ceiling(video: Path) -> Ceiling:
    from valgus.io.video import iter_decoded, iter_frames
    from valgus.pose.extract import DECODE_MAX_SIDE_PX
    from valgus.pose.mediapipe_backend import MediaPipePose

    def timed(fn: Callable[[], int]) -> tuple[float, float]:
        t0, c0 = time.perf_counter(), time.process_time()
        n = fn()
        return 1e3 * (time.perf_counter() - t0) / n, 1e3 * (time.process_time() - c0) / n

    out = Ceiling()
    out.decode_ms, out.decode_cpu_ms = timed(
        lambda: sum(1 for _ in iter_frames(video, max_side_px=DECODE_MAX_SIDE_PX))
    )
    out.decode_only_ms, _ = timed(
        lambda: sum(1 for _ in iter_decoded(video, max_side_px=DECODE_MAX_SIDE_PX))
    )
    frames = [
        rgb
        for _, (_, rgb) in zip(
            range(CEILING_FRAMES), iter_frames(video, max_side_px=DECODE_MAX_SIDE_PX), strict=False
        )
    ]
    with MediaPipePose() as est:
        for rgb in frames[:5]:  # warm up: detector, then tracking
            est.process(rgb)

        def model() -> int:
            for rgb in frames:
                est.process(rgb)
            return len(frames)

        out.model_ms, out.model_cpu_ms = timed(model)
    return out


def _spawn(variant: str, video: Path, out: Path) -> dict[str, Any]:
    cmd = [sys.executable, "-m", "valgus.bench.speed", "worker", variant, str(video), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{variant} on {video.name} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run_variant(variant: str, video: Path, workdir: Path) -> Run:
    out = workdir / f"{video.stem}.{variant}.poses.nc"
    r = _spawn(variant, video, out)
    return Run(r["frames"], r["seconds"], r["cpu_s"], r["maxrss_mb"], r["interpolated"], out)


# ---------------------------------------------------------------- agreement


def _analyze(poses: Path, movement: str) -> Any:
    try:
        return api.analyze_poses(load_poses(poses), movement=movement).result
    except ValgusError as err:
        return err.code


def _event_gaps_ms(a: Any, b: Any) -> str:
    """Drop jumps: largest contact and take-off time gaps over trials (matched by contact)."""
    contact, take_off = [], []
    for rep in a.reps:
        other = min(b.reps, key=lambda r: abs(r.contact_s - rep.contact_s), default=None)
        if other is None:
            continue
        contact.append(abs(rep.contact_s - other.contact_s))
        if rep.take_off_s is not None and other.take_off_s is not None:
            take_off.append(abs(rep.take_off_s - other.take_off_s))
    ms = [f"{1e3 * max(x):.0f}" if x else "-" for x in (contact, take_off)]
    return f"; contact / take-off within {ms[0]} / {ms[1]} ms"


def agreement(naive: Path, pipe: Path, movement: str = "squat") -> dict[str, Any]:
    """Verdicts per leg identical? FPPA at the deepest frame (drop jump: at peak flexion)
    per rep and leg: largest gap. Drop jumps: also the contact and take-off time gaps."""
    a, b = _analyze(naive, movement), _analyze(pipe, movement)
    pa, pb = load_poses(naive).position.values, load_poses(pipe).position.values
    gap = np.abs(pa - pb)
    lm = {"landmark_median_px": float(np.nanmedian(gap)) if np.isfinite(gap).any() else 0.0}
    if isinstance(a, str) or isinstance(b, str):
        return {"verdicts": a == b, "text": f"{a} / {b}", "fppa_max_deg": None, **lm}
    verdicts = [
        (getattr(a.summary, s).valgus, getattr(b.summary, s).valgus) for s in ("left", "right")
    ]
    legs = [
        abs(x.mean - y.mean)
        for x, y in (
            (getattr(a.summary, s).fppa_deg, getattr(b.summary, s).fppa_deg) for s in SIDES
        )
        if x.mean is not None and y.mean is not None
    ]
    gaps = []
    for rep in a.reps:
        other = min(b.reps, key=lambda r: abs(r.bottom_s - rep.bottom_s), default=None)
        for s in ("left", "right"):
            x = getattr(rep, s).fppa_deg
            y = getattr(other, s).fppa_deg if other else None
            if x is not None and y is not None:
                gaps.append(abs(x - y))
    return {
        "verdicts": all(x == y for x, y in verdicts) and len(a.reps) == len(b.reps),
        "text": ", ".join(
            f"{x or 'n/j'}" + ("*" if getattr(a.summary, s).borderline else "")
            for (x, _), s in zip(verdicts, ("left", "right"), strict=True)
        )
        + f"; {len(a.reps)}/{len(b.reps)} {'trials' if movement == 'drop-jump' else 'reps'}"
        + (_event_gaps_ms(a, b) if movement == "drop-jump" else ""),
        "fppa_max_deg": max(gaps) if gaps else None,
        "fppa_leg_deg": max(legs) if legs else None,
        **lm,
    }


def truth_mae(poses: Path, video: Path, movement: str) -> float | None:
    """Rendered clips: mean |FPPA - true FPPA| over reps and legs, matched by bottom time
    (drop jump: at peak flexion, matched by contact; single-leg squat: the standing leg),
    or None without a truth file or a result."""
    truth_file = video.with_suffix(".truth.json")
    result = _analyze(poses, movement)
    if not truth_file.exists() or isinstance(result, str):
        return None
    return fppa_truth_mae(result, json.loads(truth_file.read_text()), movement)


def fppa_truth_mae(result: Any, truth: dict[str, Any], movement: str) -> float | None:
    from valgus.bench.accuracy import _nearest

    diffs = []
    for rep in result.reps:
        if movement == "drop-jump":
            if rep.contact_s is None or not truth["trials"]:
                continue
            tr = _nearest(truth["trials"], rep.contact_s, "contact_s")
            true_legs = tr["at_peak_flexion"]
        else:
            tr = _nearest(truth["reps"], rep.bottom_s)
            true_legs = {tr["stance_side"]: tr["stance"]} if "stance" in tr else tr
        for side in SIDES:
            got = getattr(rep, side).fppa_deg
            true = (true_legs.get(side) or {}).get("fppa_deg")
            if got is not None and true is not None:
                diffs.append(abs(got - true))
    return float(np.mean(diffs)) if diffs else None


# ---------------------------------------------------------------- report


def _row_line(r: Row) -> str:
    c, n, p = r.ceiling, r.naive, r.pipe
    one_model = 1e3 / c.model_ms
    cpu = 2e3 / (c.model_cpu_ms + c.decode_cpu_ms)
    fppa = f"{_deg(r.agreement.get('fppa_leg_deg'))} / {_deg(r.agreement.get('fppa_max_deg'))}"
    truth = " / ".join(_deg(x) for x in r.truth_mae)
    return (
        f"| {r.clip.label} | {n.frames} | {n.fps:.1f} | {p.fps:.1f} | **{p.fps / n.fps:.2f}x** | "
        f"{c.model_ms:.1f} / {c.decode_ms:.1f} / {c.decode_only_ms:.1f} | "
        f"{one_model:.0f} / {cpu:.0f} / {1e3 / c.decode_only_ms:.0f} | "
        f"{100 * p.interpolated / max(p.frames, 1):.0f} % | "
        f"{n.maxrss_mb:.0f} / {p.maxrss_mb:.0f} | "
        f"{'same' if r.agreement['verdicts'] else 'DIFFER'} ({r.agreement['text']}) | "
        f"{fppa} | {truth} | {r.agreement['landmark_median_px']:.2f} | "
        f"{'same' if r.control['verdicts'] else 'DIFFER'}, {_deg(r.control.get('fppa_max_deg'))}, "
        f"{r.control['landmark_median_px']:.2f} |"
    )


def _deg(x: float | None) -> str:
    return "-" if x is None else f"{x:.2f}"


def agreement_line(rows: list[Row]) -> str:
    """How many videos agree: verdicts (and counts), and the reported per-leg FPPA."""
    legs = [r.agreement.get("fppa_leg_deg") for r in rows]
    judged = [x for x in legs if x is not None]
    return (
        f"Verdicts, reps and trials identical on {sum(r.agreement['verdicts'] for r in rows)} "
        f"of {len(rows)} videos; the reported per-leg FPPA (mean over reps) within "
        f"{FPPA_AGREE_DEG} deg of the naive loop's on {sum(x <= FPPA_AGREE_DEG for x in judged)} "
        f"of the {len(judged)} videos with a judged leg"
        + (f" (largest gap {max(judged):.2f} deg)." if judged else ".")
    )


def report(rows: list[Row], memory: list[tuple[str, Run]], command: str) -> str:
    head = (
        "| video | frames | naive fps | pipeline fps | ratio | model / decode+RGB / decode "
        "ms per frame | ceilings fps: 1 model / 2 cores / decode | interpolated | "
        "peak RSS MB naive / pipeline | verdicts L, R; reps | FPPA gap deg: per leg "
        "(reported mean) / largest rep | FPPA error vs truth deg (MAE), naive / pipeline | "
        "median landmark gap px | control: naive vs naive nudged (verdicts, largest rep FPPA "
        "gap, px) |"
    )
    lines = [
        "# Speed: the naive loop against the pipeline",
        "",
        f"Made by `{command}` on {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}.",
        "",
        head,
        "|" + "---|" * 14,
        *[_row_line(r) for r in rows],
        "",
        agreement_line(rows),
        "",
        "Peak memory of the pipeline against video length (same resolution):",
        "",
        "| video | frames | duration s | pipeline fps | peak RSS MB |",
        "|---|---|---|---|---|",
        *[
            f"| {label} | {r.frames} | {r.frames / 30:.0f} | {r.fps:.1f} | {r.maxrss_mb:.0f} |"
            for label, r in memory
        ],
        "",
    ]
    return "\n".join(lines)


def _best(a: Run, b: Run) -> Run:
    """The faster run, with the larger peak memory of the two."""
    best = b if not a.frames or b.seconds < a.seconds else a
    best.maxrss_mb = max(a.maxrss_mb, b.maxrss_mb)
    return best


def run(
    *, quick: bool, long_loops: int, repeats: int, progress: Callable[[str], None]
) -> tuple[list[Row], list[tuple[str, Run]]]:
    rows: list[Row] = []
    memory: list[tuple[str, Run]] = []
    with tempfile.TemporaryDirectory(prefix="valgus-speed-") as tmp:
        work = Path(tmp)
        clips = render_inputs(work, quick=quick, progress=progress)
        if not quick:
            real = sorted((shared_dir() / "data" / "video").glob("*.mp4"))
            clips += [Clip(f"real: {p.name}", p) for p in real]
        for clip in clips:
            progress(f"{clip.label}: ceiling, naive, pipeline")
            ceiling = Ceiling(**_spawn("ceiling", clip.path, work / "unused.nc"))
            naive, pipe = Run(), Run()
            for _ in range(repeats):  # interleaved; best time of each (the machine is shared)
                naive = _best(naive, run_variant("naive", clip.path, work))
                pipe = _best(pipe, run_variant("pipeline", clip.path, work))
            control = run_variant("control", clip.path, work)
            assert naive.poses is not None and pipe.poses is not None and control.poses
            rows.append(
                Row(
                    clip,
                    naive,
                    pipe,
                    ceiling,
                    agreement(naive.poses, pipe.poses, clip.movement),
                    agreement(naive.poses, control.poses, clip.movement),
                    (
                        truth_mae(naive.poses, clip.path, clip.movement),
                        truth_mae(pipe.poses, clip.path, clip.movement),
                    ),
                )
            )
        short = next(r for r in rows if r.clip.label.startswith("1080p30 squat"))
        idle = next(r for r in rows if r.clip.idle)
        memory = [(short.clip.label, short.pipe), (idle.clip.label, idle.pipe)]
        if long_loops > 1:
            long = work / "idle-looped.mp4"
            progress(f"looping {idle.clip.label} x{long_loops}")
            loop_video(idle.clip.path, long, times=long_loops)
            progress("pipeline on the long video")
            memory.append(
                (f"{idle.clip.label}, looped x{long_loops}", run_variant("pipeline", long, work))
            )
    return rows, memory


def main(
    out: Path | None,
    quick: bool,
    long_loops: int,
    repeats: int,
    progress: Callable[[str], None],
) -> str:
    command = (
        "valgus bench speed"
        + (" --quick" if quick else "")
        + (f" --long-loops {long_loops}" if long_loops != 10 else "")
        + (f" --repeats {repeats}" if repeats != 2 else "")
        + (f" --out {out}" if out else "")
    )
    rows, memory = run(quick=quick, long_loops=long_loops, repeats=repeats, progress=progress)
    text = report(rows, memory, command)
    if out is not None:
        out.write_text(into_page(out.read_text() if out.exists() else "", text))
    return text


def into_page(page: str, text: str, /, *, bench: str = "speed") -> str:
    """The report between the page's `<!-- valgus bench BENCH: report start/end -->` markers
    (the prose around them kept); a page without them gets them, with the report, at its
    end."""
    start_mark = f"<!-- valgus bench {bench}: report start -->"
    end_mark = f"<!-- valgus bench {bench}: report end -->"
    body = text.split("\n", 2)[2] if text.startswith("# ") and page else text  # page has a title
    start, end = page.find(start_mark), page.find(end_mark)
    if start < 0 or end < start:
        head = page.rstrip() + "\n\n" if page.strip() else ""
        return f"{head}{start_mark}\n\n{body.strip()}\n\n{end_mark}\n"
    return page[: start + len(start_mark)] + "\n\n" + body.strip() + "\n\n" + page[end:]


if __name__ == "__main__":  # pragma: no cover
    if len(sys.argv) == 5 and sys.argv[1] == "worker":
        print(json.dumps(_worker(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))))
    else:
        sys.exit("usage: python -m valgus.bench.speed worker VARIANT VIDEO OUT.poses.nc")
