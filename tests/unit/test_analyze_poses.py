"""analyze_poses end to end on synthetic pose Datasets (no video, no pose model).

The stick figure (tests/synthetic_poses.py) squats in front of an orthographic camera;
each knee moves medially by a known amount at the bottom, so MKD and FPPA at the bottom
are known exactly: MKD = shift / leg length, FPPA = atan(shift / thigh height) +
atan(shift / shank height) with the projected segment heights at the bottom.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from tests.synthetic_poses import (
    LEG,
    SHANK,
    THIGH,
    Squat,
    make_squat_poses,
    with_confidence,
    with_nan,
)
from valgus.api import analyze_poses
from valgus.errors import (
    NoPersonDetectedError,
    NoRepsFoundError,
    OutOfFrameError,
    PoseFileError,
    UnsuitableViewError,
)
from valgus.io.poses import load_poses, save_poses

# Knees 1 cm outside the line over the toes at the bottom: typical, and (unlike an
# exact 0) clear of the zero-MKD bug noted in test_exactly_zero_knee_shift.
TYPICAL = -0.01


def shifts(left: float = TYPICAL, right: float = TYPICAL) -> dict[str, float]:
    return {"left": left, "right": right}


def expected_fppa(shift_m: float, sq: Squat) -> float:
    thigh_h = THIGH * math.cos(math.radians(sq.thigh_max_deg))
    shank_h = SHANK * math.cos(math.radians(sq.shank_max_deg))
    sign = math.copysign(1.0, shift_m)
    a = abs(shift_m)
    return sign * math.degrees(math.atan(a / thigh_h) + math.atan(a / shank_h))


@pytest.fixture(scope="module")
def left_marked() -> tuple[Squat, xr.Dataset]:
    sq = Squat(medial_shift_m=shifts(left=0.10))
    return sq, make_squat_poses(sq)


class TestVerdicts:
    def test_no_valgus_both_none(self) -> None:
        sq = Squat(medial_shift_m=shifts())
        r = analyze_poses(make_squat_poses(sq)).result
        assert r.quality.usable and r.quality.view == "frontal"
        assert r.quality.warnings == []
        assert r.summary.left.valgus == "none" and r.summary.right.valgus == "none"
        assert r.summary.left.pattern == "none"
        for rep in r.reps:
            assert rep.kasr == pytest.approx((0.2 - 2 * TYPICAL) / 0.2, abs=0.005)
            assert rep.left.mkd == pytest.approx(TYPICAL / LEG, abs=0.002)
        assert r.summary.asymmetry.more_valgus_side is None

    def test_exactly_zero_knee_shift(self) -> None:
        r = analyze_poses(make_squat_poses(Squat())).result
        assert r.summary.left.valgus == "none" and r.summary.right.valgus == "none"

    def test_left_marked_right_none(self, left_marked: tuple[Squat, xr.Dataset]) -> None:
        _, ds = left_marked
        r = analyze_poses(ds).result
        s = r.summary
        assert s.left.valgus == "marked" and s.right.valgus == "none"
        assert s.asymmetry.more_valgus_side == "left"
        assert s.asymmetry.mkd_diff is not None and s.asymmetry.mkd_diff > 0
        assert s.asymmetry.beyond_error
        assert s.left.pattern == "throughout"  # the shift grows with depth, linear in phase

    def test_sign_and_size_at_the_bottom(self, left_marked: tuple[Squat, xr.Dataset]) -> None:
        sq, ds = left_marked
        for rep in analyze_poses(ds).result.reps:
            assert rep.left.mkd == pytest.approx(0.10 / LEG, abs=0.003)
            assert rep.right.mkd == pytest.approx(TYPICAL / LEG, abs=0.003)
            assert rep.left.fppa_deg == pytest.approx(expected_fppa(0.10, sq), abs=0.5)
            assert rep.right.fppa_deg == pytest.approx(expected_fppa(TYPICAL, sq), abs=0.5)
            # ~88 deg of knee flexion: the thigh points at the camera (projected < 85 % of its
            # standing length), so FPPA is reported but not used for the verdict.
            assert rep.left.thigh_foreshortening is not None
            assert rep.left.thigh_foreshortening < 0.85
            assert not rep.left.fppa_valid and not rep.right.fppa_valid
            # knees: left moved 0.1 m in, right 0.01 m out; ankles 0.2 m apart
            assert rep.kasr == pytest.approx((0.2 - 0.1 + 0.01) / 0.2, abs=0.01)

    def test_an_fppa_not_meaningful_is_shown_as_a_dash_and_why(
        self, left_marked: tuple[Squat, xr.Dataset]
    ) -> None:
        from valgus import present

        s = analyze_poses(left_marked[1]).result.summary
        assert s.left.fppa_deg.mean is not None  # kept in the JSON for researchers
        assert present.fppa(s.left) == present.fppa(s.right) == f"- ({present.NOT_USED})"

    def test_right_leg_sign(self) -> None:
        sq = Squat(medial_shift_m=shifts(right=0.10))
        r = analyze_poses(make_squat_poses(sq)).result
        assert r.summary.right.valgus == "marked" and r.summary.left.valgus == "none"
        assert r.summary.asymmetry.more_valgus_side == "right"
        assert r.reps[0].right.mkd == pytest.approx(0.10 / LEG, abs=0.003)
        assert r.reps[0].right.fppa_deg == pytest.approx(expected_fppa(0.10, sq), abs=0.5)

    def test_lateral_knee_is_negative(self) -> None:
        sq = Squat(medial_shift_m=shifts(left=-0.06))
        r = analyze_poses(make_squat_poses(sq)).result
        assert r.reps[0].left.mkd == pytest.approx(-0.06 / LEG, abs=0.003)
        assert r.reps[0].left.fppa_deg == pytest.approx(expected_fppa(-0.06, sq), abs=0.5)
        assert r.summary.left.valgus == "none"

    def test_mild_bottom_only(self) -> None:
        # MKD 0.034 and FPPA 11 deg at the bottom: both in the mild band
        sq = Squat(medial_shift_m=shifts(left=0.03))
        s = analyze_poses(make_squat_poses(sq)).result.summary
        assert s.left.valgus == "mild" and s.left.pattern == "bottom_only"

    def test_marked_only_near_bottom(self) -> None:
        sq = Squat(medial_shift_m=shifts(left=0.10), shift_power=4)
        s = analyze_poses(make_squat_poses(sq)).result.summary
        assert s.left.valgus == "marked" and s.left.pattern == "bottom_only"

    def test_mirrored_video_same_result(self, left_marked: tuple[Squat, xr.Dataset]) -> None:
        sq, ds = left_marked
        mirrored = Squat(medial_shift_m=sq.medial_shift_m, mirrored=True)
        a = analyze_poses(ds).result.model_dump()
        b = analyze_poses(make_squat_poses(mirrored)).result.model_dump()
        assert a == b


class TestReps:
    @pytest.mark.parametrize("n_reps", [3, 5])
    def test_count_and_bottom_times(self, n_reps: int) -> None:
        sq = Squat(n_reps=n_reps, medial_shift_m=shifts())
        r = analyze_poses(make_squat_poses(sq)).result
        assert r.summary.n_reps == len(r.reps) == n_reps
        np.testing.assert_allclose([rep.bottom_s for rep in r.reps], sq.bottoms_s, atol=2 / sq.fps)
        for rep, start in zip(r.reps, sq.rep_starts_s, strict=True):
            assert start <= rep.start_s < rep.bottom_s < rep.end_s <= start + sq.rep_s
            assert rep.complete
            assert rep.depth == pytest.approx(sq.bottom_depth(), abs=0.005)

    def test_few_reps_warned(self) -> None:
        r = analyze_poses(make_squat_poses(Squat(n_reps=1, medial_shift_m=shifts()))).result
        assert len(r.reps) == 1
        assert "few_reps" in [w.code for w in r.quality.warnings]

    def test_source_from_attrs(self) -> None:
        sq = Squat(medial_shift_m=shifts())
        src = analyze_poses(make_squat_poses(sq)).result.source
        assert (src.width, src.height, src.fps, src.frames) == (1080, 1920, 30.0, len(sq.time_s))
        assert src.duration_s == pytest.approx(sq.time_s[-1])


class TestRefusals:
    @pytest.mark.parametrize("yaw", [80.0, 85.0, 90.0])
    def test_side_view(self, yaw: float) -> None:
        with pytest.raises(UnsuitableViewError):
            analyze_poses(make_squat_poses(Squat(yaw_deg=yaw, medial_shift_m=shifts())))

    def test_strong_oblique_reported_not_judged(self) -> None:
        r = analyze_poses(make_squat_poses(Squat(yaw_deg=50, medial_shift_m=shifts()))).result
        assert "strong_oblique_view" in [w.code for w in r.quality.warnings]
        assert r.summary.left.valgus is None and r.summary.right.valgus is None
        assert len(r.reps) == 3

    @pytest.mark.parametrize("positions_nan", [False, True])
    def test_no_person(self, positions_nan: bool) -> None:
        ds = make_squat_poses(Squat(medial_shift_m=shifts())).copy(deep=True)
        ds.confidence.values[:] = 0.0
        if positions_nan:
            ds.position.values[:] = np.nan
            ds.world.values[:] = np.nan
        with pytest.raises(NoPersonDetectedError):
            analyze_poses(ds)

    def test_standing_only(self) -> None:
        with pytest.raises(NoRepsFoundError):
            analyze_poses(
                make_squat_poses(Squat(n_reps=0, lead_s=3, tail_s=3, medial_shift_m=shifts()))
            )

    def test_feet_below_the_image(self) -> None:
        # hips at y=1100: ankles at 1980 px > 1920 (+1% margin) in every frame
        with pytest.raises(OutOfFrameError):
            analyze_poses(make_squat_poses(Squat(hip_y_px=1100, medial_shift_m=shifts())))


class TestVisibilityAndGaps:
    def test_unclear_leg_not_judged(self, left_marked: tuple[Squat, xr.Dataset]) -> None:
        # 0.4: kept as a landmark (>= 0.3) but too unclear to judge the leg (< 0.5)
        _, ds = left_marked
        r = analyze_poses(with_confidence(ds, ["left_knee", "left_ankle"], 0.4)).result
        assert r.summary.left.valgus is None and r.summary.left.band == "not judged"
        assert r.summary.right.valgus == "none"
        assert "left_leg_hidden" in [w.code for w in r.quality.warnings]
        assert all(rep.left.mkd is None and rep.kasr is None for rep in r.reps)
        assert r.summary.asymmetry.more_valgus_side is None

    def test_hidden_leg_not_judged(self, left_marked: tuple[Squat, xr.Dataset]) -> None:
        _, ds = left_marked
        r = analyze_poses(with_confidence(ds, ["left_knee", "left_ankle"], 0.1)).result
        assert r.summary.left.valgus is None
        assert r.summary.right.valgus == "none"
        assert "left_leg_hidden" in [w.code for w in r.quality.warnings]

    @pytest.mark.parametrize("frames", [slice(60, 65), slice(64, 70), slice(150, 154)])
    def test_short_knee_gaps_still_analysed(
        self, left_marked: tuple[Squat, xr.Dataset], frames: slice
    ) -> None:
        _, ds = left_marked
        full = analyze_poses(ds).result
        r = analyze_poses(with_nan(ds, "left_knee", frames)).result
        assert len(r.reps) == 3
        assert r.summary.left.valgus == "marked" and r.summary.right.valgus == "none"
        for a, b in zip(r.reps, full.reps, strict=True):
            # a gap over the bottom is bridged by a straight line: at most 3% of the peak lost
            assert a.left.mkd == pytest.approx(b.left.mkd, abs=0.005)

    def test_left_right_swaps_corrected(self, left_marked: tuple[Squat, xr.Dataset]) -> None:
        _, ds = left_marked
        bad = ds.copy(deep=True)
        for part in ("knee", "ankle", "heel", "foot_index"):
            left = bad.position.sel(keypoint=f"left_{part}").values.copy()
            right = bad.position.sel(keypoint=f"right_{part}").values.copy()
            bad.position.loc[{"keypoint": f"left_{part}"}][60:63] = right[60:63]
            bad.position.loc[{"keypoint": f"right_{part}"}][60:63] = left[60:63]
        r = analyze_poses(bad).result
        assert r.quality.swapped_frames == 3
        assert "left_right_swaps" in [w.code for w in r.quality.warnings]
        assert r.summary.left.valgus == "marked" and r.summary.right.valgus == "none"

    def test_variable_frame_rate_warned(self) -> None:
        sq = Squat(medial_shift_m=shifts())
        ds = make_squat_poses(sq)
        t = ds.time.values.copy()
        t[1::2] += 0.01  # alternating 43 ms / 23 ms intervals
        r = analyze_poses(ds.assign_coords(time=t)).result
        assert "variable_frame_rate" in [w.code for w in r.quality.warnings]
        assert len(r.reps) == 3


class TestPoseFiles:
    def test_round_trip_identical(
        self, tmp_path: Path, left_marked: tuple[Squat, xr.Dataset]
    ) -> None:
        _, ds = left_marked
        path = save_poses(ds, tmp_path / "squat.poses.nc")
        assert not (tmp_path / "squat.poses.nc.part").exists()
        reloaded = load_poses(path)
        xr.testing.assert_identical(reloaded, ds)
        a = analyze_poses(ds).result.model_dump()
        b = analyze_poses(reloaded).result.model_dump()
        assert a == b

    def test_round_trip_keeps_nan(
        self, tmp_path: Path, left_marked: tuple[Squat, xr.Dataset]
    ) -> None:
        _, ds = left_marked
        gappy = with_nan(ds, "left_knee", slice(60, 64))
        reloaded = load_poses(save_poses(gappy, tmp_path / "gappy.poses.nc"))
        assert np.isnan(reloaded.position.sel(keypoint="left_knee").values[60:64]).all()
        assert analyze_poses(reloaded).result == analyze_poses(gappy).result

    def _bad_file(self, kind: str, tmp_path: Path, ds: xr.Dataset) -> Path:
        path = tmp_path / f"{kind}.poses.nc"
        if kind == "text":
            path.write_text("time,x,y\n0,1,2\n", encoding="utf-8")
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "no_schema":
            plain = ds.copy()
            plain.attrs = {k: v for k, v in ds.attrs.items() if k != "schema"}
            plain.to_netcdf(path, engine="h5netcdf")
        elif kind == "no_width":
            plain = ds.copy()
            plain.attrs = {k: v for k, v in ds.attrs.items() if k != "width"}
            plain.to_netcdf(path, engine="h5netcdf")
        elif kind == "no_position":
            ds.drop_vars("position").to_netcdf(path, engine="h5netcdf")
        elif kind == "unrelated_netcdf":
            xr.Dataset({"a": ("t", np.arange(3.0))}).to_netcdf(path, engine="h5netcdf")
        elif kind == "missing":
            pass
        return path

    @pytest.mark.parametrize(
        "kind",
        ["text", "empty", "no_schema", "no_width", "no_position", "unrelated_netcdf", "missing"],
    )
    def test_bad_pose_files(
        self, kind: str, tmp_path: Path, left_marked: tuple[Squat, xr.Dataset]
    ) -> None:
        _, ds = left_marked
        with pytest.raises(PoseFileError):
            load_poses(self._bad_file(kind, tmp_path, ds))


class TestFppaValidity:
    """FPPA joins the verdict only in shallow squats (thigh not pointing at the camera)."""

    def test_shallow_squat_uses_fppa(self) -> None:
        sq = Squat(
            thigh_max_deg=31.0, shank_max_deg=30.0, medial_shift_m={"left": 0.05, "right": TYPICAL}
        )
        r = analyze_poses(make_squat_poses(sq)).result
        for rep in r.reps:
            assert rep.left.fppa_valid and rep.right.fppa_valid
            assert rep.left.fppa_deg == pytest.approx(expected_fppa(0.05, sq), abs=0.5)
        assert r.summary.left.basis == ["knee_over_foot", "fppa_deg"]
        # 5 cm medial on a 0.9 m leg with the thigh nearly upright: FPPA above 10 deg
        # makes the leg at least "mild" even though MKD alone is 0.056 (also mild).
        assert r.summary.left.valgus in ("mild", "marked")
        assert r.summary.right.valgus == "none"

    def test_deep_squat_rests_on_the_knee_measure_only(
        self, left_marked: tuple[Squat, xr.Dataset]
    ) -> None:
        _, ds = left_marked
        r = analyze_poses(ds).result
        assert r.summary.left.basis == ["knee_over_foot"]
        assert r.summary.right.basis == ["knee_over_foot"]
