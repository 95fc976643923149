"""A real video remuxed with one large jump in its timestamps (PTS), analyzed end to end
through `valgus analyze` (real PyAV decoding, real MediaPipe)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import av
import numpy as np
import pytest

from tests.paths import shared_file
from valgus.assessment.analysis import time_gap_warning
from valgus.io.poses import load_poses

pytestmark = pytest.mark.integration

JUMP_S = 1e8  # before: the filter asked for 22.6 GiB and the analysis died with a traceback
JUMP_AT_S = 9.5  # between the 2nd and 3rd of the clip's 4 reps
# Run argv[1:], then print its peak resident memory (kB) on stderr; exit with its status.
PEAK_OF = (
    "import os, subprocess, sys\n"
    "p = subprocess.Popen(sys.argv[1:])\n"
    "_, status, usage = os.wait4(p.pid, 0)\n"
    "p.returncode = os.waitstatus_to_exitcode(status)\n"
    "sys.stderr.write(f'PEAK_KB {usage.ru_maxrss}\\n')\n"
    "sys.exit(p.returncode)\n"
)


def remux_with_pts_jump(src: Path, dst: Path, *, at_s: float, jump_s: float) -> Path:
    """Copy the video stream into Matroska, adding jump_s to every timestamp from at_s on."""
    with av.open(str(src)) as inp, av.open(str(dst), "w", format="matroska") as out:
        ist = inp.streams.video[0]
        ost = out.add_stream_from_template(ist)
        tb = ist.time_base
        assert tb is not None
        shift = round(jump_s / tb)
        for pkt in inp.demux(ist):
            if pkt.dts is None:
                continue
            if pkt.pts is not None and pkt.pts * tb >= at_s:
                pkt.pts += shift
                pkt.dts += shift
            pkt.stream = ost
            out.mux(pkt)
    return dst


@pytest.fixture(scope="module")
def analyzed(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, object], Path, int]:
    tmp = tmp_path_factory.mktemp("gap")
    src = shared_file("data", "video", "frontal-bodyweight-squat.mp4")
    video = remux_with_pts_jump(src, tmp / "jump.mkv", at_s=JUMP_AT_S, jump_s=JUMP_S)
    exe = Path(sys.executable).with_name("valgus")
    # The peak memory of the valgus process alone: it is started by a small Python process
    # that waits for it (os.wait4). Not RUSAGE_CHILDREN (the largest of every child this
    # test session ever waited for), nor a child of this process directly: a forked child's
    # peak includes the parent's memory at the fork (ru_maxrss survives exec), and this
    # test session can hold more than 1.5 GB by the time it gets here.
    out, err = tmp / "stdout.json", tmp / "stderr.txt"
    cmd = [str(exe), "analyze", str(video), "--json", "--out", str(tmp / "out")]
    with out.open("wb") as fo, err.open("wb") as fe:
        code = subprocess.run(
            [sys.executable, "-c", PEAK_OF, *cmd], stdout=fo, stderr=fe, timeout=600
        ).returncode
    stderr = err.read_text(errors="replace")
    assert code == 0, stderr[-3000:]
    assert "Traceback" not in stderr
    peak_kb = int(stderr.rsplit("PEAK_KB ", 1)[1].split()[0])
    return json.loads(out.read_text()), tmp / "out" / "jump.poses.nc", peak_kb


def test_video_with_a_1e8_s_pts_jump_is_analyzed_in_bounded_memory(
    analyzed: tuple[dict[str, object], Path, int],
) -> None:
    result, _, peak_kb = analyzed
    assert peak_kb < 1_500_000, f"{peak_kb / 1e3:.0f} MB"
    reps = result["reps"]
    assert isinstance(reps, list) and len(reps) == 4
    summary = result["summary"]
    assert isinstance(summary, dict)
    assert summary["left"]["valgus"] == "none" and summary["right"]["valgus"] == "none"


def test_the_gap_is_found_where_it_is(analyzed: tuple[dict[str, object], Path, int]) -> None:
    _, poses_path, _ = analyzed
    t = load_poses(poses_path).time.values
    assert np.diff(t).max() == pytest.approx(JUMP_S, rel=1e-6)
    warning = time_gap_warning(t)
    assert warning is not None and warning.code == "time_gap"
    assert "1e+08 s after 9.4" in warning.message and "lasts 19" in warning.message


def test_the_analysis_says_so(analyzed: tuple[dict[str, object], Path, int]) -> None:
    result, _, _ = analyzed
    quality = result["quality"]
    assert isinstance(quality, dict)
    assert "time_gap" in [w["code"] for w in quality["warnings"]]
