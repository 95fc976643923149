"""The cleaned track: breaks in time are reported."""

from __future__ import annotations

import numpy as np

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.assessment.track import build_track, time_gap_warning

TYPICAL = {"left": -0.01, "right": -0.01}


class TestTimeGapWarning:
    def test_no_warning_without_a_break(self) -> None:
        assert time_gap_warning(np.arange(300) / 30.0) is None

    def test_warning_says_where_how_long_and_what_was_done(self) -> None:
        t = np.arange(600) / 30.0
        t[300:] += 1e8
        w = time_gap_warning(t)
        assert w is not None and w.code == "time_gap"
        assert "1e+08 s after 9.97 s" in w.message
        assert "filtered separately" in w.message
        assert "lasts 19.9 s" in w.message

    def test_track_of_poses_with_a_1e8_s_jump(self) -> None:
        ds = make_squat_poses(Squat(medial_shift_m=TYPICAL))
        t = ds.time.values.copy()
        t[len(t) // 2 :] += 1e8
        track = build_track(ds.assign_coords(time=t))
        assert np.isfinite(track.point("left_knee")).all()
