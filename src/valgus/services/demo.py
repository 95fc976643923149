"""The demo: render a squat with known knee valgus, analyze it with the real pose model,
write its results and report, and set the measures beside the renderer's truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from valgus import api
from valgus.assessment.analysis import Analysis
from valgus.io.results import writing
from valgus.pose.extract import ProgressFn
from valgus.schema import Side
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat
from valgus.synth.truth import true_knee_over_foot

STEM = "demo-squat"
DEMO_SQUAT = SquatParams(
    reps=3,
    rep_s=2.5,
    depth_deg=90.0,
    valgus_left_deg=40.0,
    valgus_right_deg=5.0,
    pattern="bottom_only",
    seed=7,
)


@dataclass(frozen=True)
class TruthRow:
    """One leg: what the renderer drew and what the analysis measured."""

    side: Side
    drawn_valgus_deg: float
    true_mkd: float
    measured_mkd: float | None
    true_fppa_deg: float
    measured_fppa_deg: float | None
    true_knee_over_foot: float = 0.0  # the verdict's measure (synth.truth.true_knee_over_foot)
    measured_knee_over_foot: float | None = None


@dataclass(frozen=True)
class Demo:
    analysis: Analysis
    truth: list[TruthRow]
    files: dict[str, Path]


def video_path(out: Path, /) -> Path:
    return out / f"{STEM}.mp4"


def run(out: Path, /, *, progress: ProgressFn | None = None) -> Demo:
    """Render, analyze, save and report the demo squat into `out`."""
    from valgus.report.build import build_report

    video = video_path(out)
    with writing(out):
        truth = render_squat(video, DEMO_SQUAT, CameraParams(), RenderParams(seed=7))
    analysis = api.analyze_video(video, progress=progress)
    files = {"video": video, **api.save_analysis(analysis, out, stem=STEM)}
    files["report"] = build_report(analysis, out, stem=STEM, video=video).html
    rows = []
    kof = true_knee_over_foot(truth)
    for side in Side:
        reps = [r[side.value] for r in truth["reps"]]
        got = analysis.result.summary.left if side is Side.LEFT else analysis.result.summary.right
        rows.append(
            TruthRow(
                side=side,
                drawn_valgus_deg=float(getattr(DEMO_SQUAT, f"valgus_{side.value}_deg")),
                true_mkd=sum(r["mkd"] for r in reps) / len(reps),
                measured_mkd=got.mkd.mean,
                true_fppa_deg=sum(r["fppa_deg"] for r in reps) / len(reps),
                measured_fppa_deg=got.fppa_deg.mean,
                true_knee_over_foot=sum(r[side.value] for r in kof) / len(kof),
                measured_knee_over_foot=got.knee().mean,
            )
        )
    return Demo(analysis, rows, files)
