"""Two people in the picture (a gym): --person-box follows the one chosen.

Two rendered squats side by side in one video (PyAV): on the left of the picture a person
whose left knee caves in 25 deg, on the right one without valgus. Each analyzed with the
box around one of them gives that person's verdicts; the real pose model, real decoding.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np
import pytest

from valgus import api
from valgus.errors import InputError
from valgus.io.video import iter_frames
from valgus.pose.person_box import Box
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

pytestmark = pytest.mark.integration
W, H = 540, 960


@pytest.fixture(scope="module")
def two_people(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return render_two_people(tmp_path_factory.mktemp("gym"))


def render_two_people(folder: Path) -> Path:
    """Two rendered squats side by side: left knee caving in 25 deg on the picture's left
    half (x < W), none on the right."""
    clips = []
    for name, left in (("a", 25.0), ("b", 0.0)):
        clip = folder / f"{name}.mp4"
        render_squat(
            clip,
            SquatParams(reps=3, rep_s=2.5, valgus_left_deg=left, seed=3 if left else 8),
            CameraParams(width_px=W, height_px=H, distance_m=3.0),
            RenderParams(seed=3),
        )
        clips.append([img for _, img in iter_frames(clip)])
    out = folder / "two-people.mp4"
    with av.open(str(out), mode="w") as c:
        s = c.add_stream("libx264", rate=Fraction(30))
        s.width, s.height, s.pix_fmt = 2 * W, H, "yuv420p"
        for a, b in zip(*clips, strict=False):
            frame = av.VideoFrame.from_ndarray(np.hstack([a, b]), format="rgb24")
            for packet in s.encode(frame):
                c.mux(packet)
        for packet in s.encode():
            c.mux(packet)
    return out


def test_the_box_picks_whose_knees_are_measured(two_people: Path) -> None:
    a = api.analyze_video(two_people, person_box=Box(100, 150, 340, 750))
    b = api.analyze_video(two_people, person_box=Box(W + 100, 150, 340, 750))
    sa, sb = a.result.summary, b.result.summary
    assert len(a.result.reps) == len(b.result.reps) == 3
    assert sa.left.valgus in ("mild", "marked") and sa.right.valgus == "none"
    assert sb.left.valgus == "none" and sb.right.valgus == "none"
    # The landmarks are in the whole picture's pixels, each on its own person.
    for analysis, (lo, hi) in ((a, (0, W)), (b, (W, 2 * W))):
        hips_x = analysis.poses["position"].sel(keypoint="left_hip", space="x").values
        assert lo < np.nanmin(hips_x) and np.nanmax(hips_x) < hi
    assert b.poses.attrs["person_box"] == f"{W + 100},150,340,750"


def test_a_box_outside_the_picture_or_malformed_is_refused(two_people: Path) -> None:
    with pytest.raises(InputError, match="outside"):
        api.analyze_video(two_people, person_box=Box(5000, 10, 100, 100))
    with pytest.raises(InputError, match="x,y,width,height"):
        Box.parse("10,20,30")
    with pytest.raises(InputError, match="positive width"):
        Box.parse("10,20,0,30")
