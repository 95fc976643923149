"""The real pose model on the real clips in ../shared/data/video (see data/SOURCES.md)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import xarray as xr
from typer.testing import CliRunner

import valgus
from tests.paths import shared_file
from valgus.cli.main import app
from valgus.errors import UnsuitableViewError
from valgus.io.poses import load_poses, save_poses
from valgus.pose import estimate_poses

pytestmark = pytest.mark.integration

SIDE = "side-view-barbell-squat.mp4"  # rohanx01/Squat-Analysis-Model, MIT
OBLIQUE = "oblique-dim-heavy-squat.mp4"  # yousufk1729/NoQuarterSquats1.0, MIT


@pytest.fixture(scope="module")
def side_poses() -> xr.Dataset:
    return estimate_poses(shared_file("data", "video", SIDE))


@pytest.fixture(scope="module")
def oblique_poses() -> xr.Dataset:
    return estimate_poses(shared_file("data", "video", OBLIQUE))


def test_pose_data_keeps_pixels_world_and_visibility(side_poses: xr.Dataset) -> None:
    assert side_poses.attrs["width"] == 608 and side_poses.attrs["height"] == 1080
    assert side_poses.sizes["time"] == 614
    x = side_poses.position.sel(space="x")
    assert float(x.max()) > 1.5  # pixels, not normalised coordinates
    assert 0 < float(side_poses.confidence.mean()) <= 1
    assert abs(float(side_poses.time[1] - side_poses.time[0]) - 1 / 29.97) < 1e-3


@pytest.mark.parametrize(
    "movement", ["squat", "heel-raised-squat", "single-leg-squat", "drop-jump", "auto"]
)
def test_side_view_is_refused(side_poses: xr.Dataset, movement: str) -> None:
    with pytest.raises(UnsuitableViewError, match="from the side"):
        valgus.analyze_poses(side_poses, movement=movement)


def test_side_view_cli_json_error(side_poses: xr.Dataset, tmp_path: Path) -> None:
    poses = save_poses(side_poses, tmp_path / "side.poses.nc")
    res = CliRunner().invoke(app, ["analyze", str(poses), "--json", "--no-save"])
    assert res.exit_code == 5
    payload = json.loads(res.stdout)
    assert payload["error"]["code"] == "unsuitable_view"
    assert "Film from the front" in payload["error"]["message"]
    assert len(res.stderr.strip().splitlines()) == 1
    assert "Traceback" not in res.stderr


def test_dim_oblique_clip_says_what_it_could_judge(oblique_poses: xr.Dataset) -> None:
    result = valgus.analyze_poses(oblique_poses).result
    # One heavy single: bottom around frames 420-480 at 30 fps (data/SOURCES.md).
    assert len(result.reps) == 1
    assert 14.0 <= result.reps[0].bottom_s <= 16.0
    assert result.reps[0].depth > 0.4
    assert result.quality.view == "oblique"
    codes = {w.code for w in result.quality.warnings}
    assert "few_reps" in codes
    assert codes & {"oblique_view", "strong_oblique_view"}
    for leg in (result.summary.left, result.summary.right):
        if leg.valgus is None:
            assert leg.band == "not judged" and "not judged" in leg.description


def test_rerun_from_pose_file_gives_the_same_result(
    oblique_poses: xr.Dataset, tmp_path: Path
) -> None:
    direct = valgus.analyze_poses(oblique_poses).result
    path = save_poses(oblique_poses, tmp_path / "clip.poses.nc")
    again = valgus.analyze_file(path).result
    assert again.model_dump(exclude={"source"}) == direct.model_dump(exclude={"source"})
    assert load_poses(path).attrs["model"].startswith("mediapipe-pose-full")


def test_cli_writes_results_and_reruns_from_them(tmp_path: Path) -> None:
    out = tmp_path / "out"
    runner = CliRunner()
    res = runner.invoke(
        app, ["analyze", str(shared_file("data", "video", OBLIQUE)), "--out", str(out)]
    )
    assert res.exit_code == 0, res.stderr
    assert "rep(s) found" in res.stdout and "not a medical assessment" in res.stdout
    stem = Path(OBLIQUE).stem
    saved = json.loads((out / f"{stem}.analysis.json").read_text())
    assert saved["schema_version"] == 4 and len(saved["reps"]) == 1
    header = (out / f"{stem}.frames.csv").read_text().splitlines()[0]
    assert header.startswith("time_s,depth,kasr,nksd,left_fppa_deg")
    res2 = runner.invoke(app, ["analyze", str(out / f"{stem}.poses.nc"), "--json", "--no-save"])
    assert res2.exit_code == 0, res2.stderr
    assert json.loads(res2.stdout)["reps"] == saved["reps"]
