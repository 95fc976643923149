"""The cleaned track: breaks in time are reported, single-frame spikes do not decide a verdict."""

from __future__ import annotations

import numpy as np
import pytest

from tests.synthetic_poses import LEG, Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.assessment.analysis import time_gap_warning
from valgus.assessment.track import build_track

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


def _spiked(sq: Squat, keypoint: str, jump_legs: float) -> tuple[object, object]:
    """Analyses of a clean squat and of the same squat with the keypoint moved medially by
    jump_legs leg lengths in the one frame at each rep's bottom."""
    ds = make_squat_poses(sq)
    spiky = ds.copy(deep=True)
    k = [str(n) for n in ds.keypoint.values].index(keypoint)
    sign = -1.0 if keypoint.startswith("left") else 1.0  # medial: towards the image centre
    for bottom in sq.bottoms_s:
        i = int(np.argmin(np.abs(ds.time.values - bottom)))
        spiky.position.values[i, 0, k] += sign * jump_legs * LEG * sq.px_per_m
    return analyze_poses(ds).result, analyze_poses(spiky).result


class TestSingleFrameSpikes:
    @pytest.mark.parametrize("keypoint", ["left_knee", "right_ankle"])
    def test_one_frame_jump_at_each_bottom_changes_nothing(self, keypoint: str) -> None:
        # Left in, a 0.3 leg-length knee spike read "marked" (MKD +0.11) on a typical leg.
        clean, spiky = _spiked(Squat(medial_shift_m=TYPICAL), keypoint, 0.3)
        for side in ("left", "right"):
            assert getattr(spiky.summary, side).valgus == getattr(clean.summary, side).valgus
            for a, b in zip(clean.reps, spiky.reps, strict=True):
                assert getattr(b, side).mkd == pytest.approx(getattr(a, side).mkd, abs=1e-3)
                assert getattr(b, side).fppa_deg == pytest.approx(
                    getattr(a, side).fppa_deg, abs=0.1
                )

    def test_clean_squat_has_no_spikes(self) -> None:
        for shift in (TYPICAL, {"left": 0.10, "right": 0.05}):
            track = build_track(make_squat_poses(Squat(medial_shift_m=shift)))
            assert track.spikes == 0
