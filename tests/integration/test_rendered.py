"""The pose model in the loop: rendered squats with known valgus (valgus.synth) must come
out with the right verdict per leg and measures within stated tolerances of the truth."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
from typer.testing import CliRunner

import valgus
from valgus.cli.main import app
from valgus.schema import Side
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

pytestmark = pytest.mark.integration

# Tolerances, from the accuracy benchmark (docs/accuracy.md) with margin. FPPA at the bottom
# of a 90-deg squat is very sensitive (the thigh points at the camera): single legs at high
# valgus read up to ~4-5 deg low, while the mean error stays small. It is not used for the
# verdict at this depth; MKD is, and is held tighter.
FPPA_TOL_DEG = 6.0  # any single leg and rep, 90-deg squat
FPPA_MEAN_TOL_DEG = 4.5  # mean absolute error over all legs and reps, 90-deg squat
FPPA_SHALLOW_TOL_DEG = 3.0  # any single leg and rep where FPPA is valid (<= ~75 deg flexion)
MKD_TOL = 0.03
RATIO_TOL = 0.15  # at 40 deg of valgus the model reads the knees ~0.1 wider apart than drawn
BOTTOM_TOL_S = 0.2


def _render(
    tmp: Path,
    name: str,
    *,
    left: float,
    right: float,
    pattern: str = "bottom_only",
    rotation: int = 0,
    size: tuple[int, int] = (720, 1280),
    depth_deg: float = 90.0,
) -> tuple[Path, dict[str, Any]]:
    video = tmp / f"{name}.mp4"
    truth = render_squat(
        video,
        SquatParams(
            reps=3,
            rep_s=2.5,
            depth_deg=depth_deg,
            valgus_left_deg=left,
            valgus_right_deg=right,
            pattern=pattern,  # type: ignore[arg-type]
            seed=3,
        ),
        CameraParams(width_px=size[0], height_px=size[1]),
        RenderParams(rotation_deg=rotation, seed=3),
    )
    return video, truth


def _check_against_truth(result: valgus.AnalysisResult, truth: dict[str, Any]) -> None:
    assert result.quality.view == "frontal"
    assert len(result.reps) == len(truth["reps"]) == 3
    fppa_errors = []
    for rep, true in zip(result.reps, truth["reps"], strict=True):
        assert abs(rep.bottom_s - true["bottom_s"]) <= BOTTOM_TOL_S
        for side in ("left", "right"):
            leg, t = getattr(rep, side), true[side]
            assert leg.fppa_deg == pytest.approx(t["fppa_deg"], abs=FPPA_TOL_DEG), side
            fppa_errors.append(abs(leg.fppa_deg - t["fppa_deg"]))
            assert leg.mkd == pytest.approx(t["mkd"], abs=MKD_TOL), side
        assert rep.kasr == pytest.approx(true["kasr"], abs=RATIO_TOL)
        assert rep.nksd == pytest.approx(true["nksd"], abs=RATIO_TOL)
    assert np.mean(fppa_errors) <= FPPA_MEAN_TOL_DEG


@pytest.mark.parametrize(
    ("left", "right", "pattern", "expected"),
    [
        (0.0, 0.0, "bottom_only", {"left": ("none", "none"), "right": ("none", "none")}),
        (40.0, 0.0, "throughout", {"left": ("marked", "throughout"), "right": ("none", "none")}),
        (0.0, 40.0, "bottom_only", {"left": ("none", "none"), "right": ("marked", "bottom_only")}),
        (22.0, 0.0, "bottom_only", {"left": ("mild", "bottom_only"), "right": ("none", "none")}),
    ],
    ids=["no-valgus", "left-marked-throughout", "right-marked-bottom", "left-mild"],
)
def test_rendered_squat_verdicts(
    tmp_path: Path, left: float, right: float, pattern: str, expected: dict[str, tuple[str, str]]
) -> None:
    video, truth = _render(tmp_path, "squat", left=left, right=right, pattern=pattern)
    result = valgus.analyze_video(video).result
    _check_against_truth(result, truth)
    for side, (verdict, pat) in expected.items():
        leg = getattr(result.summary, side)
        assert (leg.valgus, leg.pattern) == (verdict, pat), (side, leg.description)
    if left != right:
        more = "left" if left > right else "right"
        assert result.summary.asymmetry.more_valgus_side == more
        assert result.summary.asymmetry.beyond_error


def test_shallow_squat_fppa_is_accurate_and_used(tmp_path: Path) -> None:
    """At 65 deg of knee flexion the thigh still faces the camera: FPPA is held to 3 deg
    and joins MKD in the verdict."""
    video, truth = _render(tmp_path, "shallow", left=25.0, right=0.0, depth_deg=65.0)
    result = valgus.analyze_video(video).result
    assert len(result.reps) == 3
    for rep, true in zip(result.reps, truth["reps"], strict=True):
        for side in ("left", "right"):
            leg = getattr(rep, side)
            assert leg.fppa_valid
            assert leg.fppa_deg == pytest.approx(true[side]["fppa_deg"], abs=FPPA_SHALLOW_TOL_DEG)
            assert leg.mkd == pytest.approx(true[side]["mkd"], abs=MKD_TOL)
    assert result.summary.left.basis == ["knee_over_foot", "fppa_deg"]
    assert result.summary.left.valgus in ("mild", "marked")
    assert result.summary.right.valgus == "none"


def test_rotated_phone_video_gives_the_same_result(tmp_path: Path) -> None:
    """Stored sideways with a rotation flag (as phones do): read upright, same numbers."""
    upright, truth = _render(tmp_path, "upright", left=40.0, right=0.0)
    rotated, _ = _render(tmp_path, "rotated", left=40.0, right=0.0, rotation=90)
    a = valgus.analyze_video(upright).result
    b = valgus.analyze_video(rotated).result
    assert (b.source.width, b.source.height, b.source.rotation) == (720, 1280, 90)
    _check_against_truth(b, truth)
    for side in ("left", "right"):
        ma, mb = getattr(a.summary, side), getattr(b.summary, side)
        assert ma.valgus == mb.valgus
        assert ma.mkd.mean == pytest.approx(mb.mkd.mean, abs=0.01)


def test_demo_runs_and_reports_against_truth(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["demo", "--out", str(tmp_path)])
    assert res.exit_code == 0, res.stderr
    assert "Truth from the renderer" in res.stdout
    assert "left knee" in res.stdout and "not a medical assessment" in res.stdout
    files = {p.name for p in tmp_path.iterdir()}
    assert {
        "demo-squat.mp4",
        "demo-squat.truth.json",
        "demo-squat.analysis.json",
        "demo-squat.frames.csv",
        "demo-squat.poses.nc",
        "demo-squat.report.html",
        "demo-squat.rep1.png",
        "demo-squat.measures.png",
    } <= files
    assert "demo-squat.report.html" in res.stdout
    assert not any(name.endswith(".part") for name in files)


def test_synth_cli_refuses_bad_options(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["synth", str(tmp_path / "x.mp4"), "--reps", "0"])
    assert res.exit_code == 2
    assert "Traceback" not in res.stderr + res.stdout
    assert not (tmp_path / "x.mp4").exists()


def test_per_frame_series_follow_the_truth(tmp_path: Path) -> None:
    """Not just the bottom frame: the whole MKD curve of the caving leg tracks the truth."""
    video, truth = _render(tmp_path, "series", left=40.0, right=0.0, pattern="throughout")
    analysis = valgus.analyze_video(video)
    measured = analysis.series.legs[Side.LEFT].mkd
    true = np.array([f["left"]["mkd"] for f in truth["frames"]], dtype=float)
    n = min(len(measured), len(true))
    err = measured[:n] - true[:n]
    assert np.nanmean(np.abs(err)) < MKD_TOL
    assert np.corrcoef(np.nan_to_num(measured[:n]), true[:n])[0, 1] > 0.9


def test_legs_cut_off_by_the_frame_are_refused(tmp_path: Path) -> None:
    """Phone too close and too high: only the thighs are in the picture."""
    video = tmp_path / "cut.mp4"
    render_squat(
        video,
        SquatParams(reps=2, rep_s=2.5, valgus_left_deg=20.0),
        CameraParams(height_m=1.5, distance_m=1.6, pitch_deg=-5.0),
        RenderParams(),
    )
    res = CliRunner().invoke(app, ["analyze", str(video), "--json", "--no-save"])
    assert res.exit_code == 6
    assert "outside the picture" in res.stdout and "Step back" in res.stdout
