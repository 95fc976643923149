"""A mirror-imaged video through the real pose model: the legs' names swap, --mirrored
swaps them back. (The unit test simulates the mirror; this checks what MediaPipe does.)"""

from __future__ import annotations

from pathlib import Path

import av
import numpy as np
import pytest
from typer.testing import CliRunner

from valgus import api
from valgus.cli.main import app
from valgus.pose.extract import estimate_poses
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

pytestmark = pytest.mark.integration


def mirror_video(src: Path, dst: Path) -> None:
    """dst = src flipped left-right, frame by frame (H.264)."""
    with av.open(str(src)) as inp, av.open(str(dst), "w") as out:
        stream = inp.streams.video[0]
        enc = out.add_stream("libx264", rate=stream.average_rate)
        enc.width, enc.height, enc.pix_fmt = stream.width, stream.height, "yuv420p"
        for frame in inp.decode(stream):
            img = np.ascontiguousarray(frame.to_ndarray(format="rgb24")[:, ::-1])
            out.mux(enc.encode(av.VideoFrame.from_ndarray(img, format="rgb24")))
        out.mux(enc.encode())


@pytest.fixture(scope="module")
def mirrored_clip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mirrored")
    filmed = folder / "squat.mp4"
    render_squat(
        filmed,
        SquatParams(reps=2, rep_s=2.5, valgus_left_deg=40.0, valgus_right_deg=0.0, seed=4),
        CameraParams(width_px=720, height_px=1280),
        RenderParams(seed=4),
    )
    mirrored = folder / "mirrored.mp4"
    mirror_video(filmed, mirrored)
    return mirrored


def test_the_pose_model_names_sides_by_place_and_mirrored_fixes_it(mirrored_clip: Path) -> None:
    poses = estimate_poses(mirrored_clip)
    as_filmed = api.analyze_poses(poses).result.summary
    # valgus drawn on the left leg: in the mirror image the model calls that leg "right"
    assert as_filmed.right.valgus in ("mild", "marked") and as_filmed.left.valgus == "none"
    fixed = api.analyze_poses(poses, options=api.Options(mirrored=True)).result
    assert fixed.summary.left.valgus in ("mild", "marked") and fixed.summary.right.valgus == "none"
    assert fixed.summary.left.mkd.mean == pytest.approx(as_filmed.right.mkd.mean)


def test_cli_mirrored_option(mirrored_clip: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app, ["analyze", str(mirrored_clip), "--mirrored", "--json", "--out", str(tmp_path)]
    )
    assert res.exit_code == 0, res.output
    assert '"mirrored"' in res.stdout
