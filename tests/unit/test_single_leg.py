"""Single-leg squat analysis on synthetic poses with known stance, pelvic drop and lean."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr

import valgus
from tests.synthetic_poses import HIP_HALF_WIDTH, SHANK, THIGH, Squat, make_squat_poses
from valgus.api import Options
from valgus.assessment.movements import single_leg_squat as single_leg
from valgus.errors import InputError, NoRepsFoundError
from valgus.kinematics.angles import pelvic_drop_deg, trunk_lean_deg

SLS = {"n_reps": 5, "thigh_max_deg": 40.0, "shank_max_deg": 25.0}


def sls(**kw: object) -> valgus.Analysis:
    movement = str(kw.pop("movement", "single-leg-squat"))
    side = str(kw.pop("side", "auto"))
    sq = Squat(**(SLS | kw))  # type: ignore[arg-type]
    return valgus.analyze_poses(make_squat_poses(sq), movement=movement, options=Options(side=side))


def test_pelvic_drop_is_the_tilt_of_the_hip_line() -> None:
    # Frontal view: the subject's left hip on the image right. Standing on the left leg,
    # the right (lifted-side) hip 20 px * tan(5 deg) lower: +5 deg.
    stance, other = (
        np.array([110.0, 100.0]),
        np.array([90.0, 100.0 + 20 * math.tan(math.radians(5))]),
    )
    assert pelvic_drop_deg(stance, other) == pytest.approx(5.0)
    assert pelvic_drop_deg(other, stance) == pytest.approx(-5.0)  # standing on the other leg


def test_trunk_lean_is_signed_toward_the_stance_side() -> None:
    sh, oh = np.array([110.0, 100.0]), np.array([90.0, 100.0])
    dx = 100 * math.tan(math.radians(10))
    ss, os_ = np.array([110.0 + dx, 0.0]), np.array([90.0 + dx, 0.0])
    assert trunk_lean_deg(sh, oh, ss, os_) == pytest.approx(10.0)
    # The same picture standing on the right leg: the trunk leans away from it.
    assert trunk_lean_deg(oh, sh, os_, ss) == pytest.approx(-10.0)


@pytest.mark.parametrize("stance", ["left", "right"])
def test_stance_leg_pelvic_drop_and_lean_are_recovered(stance: str) -> None:
    r = sls(stance=stance, pelvic_drop_deg=8.0).result
    assert r.movement == "single-leg-squat"
    assert r.summary.n_reps == 5
    assert all(rep.stance_side == stance for rep in r.reps)
    # The synthetic pelvis tilts exactly 8 deg at the bottom (orthographic camera).
    assert all(rep.pelvic_drop_deg == pytest.approx(8.0, abs=0.2) for rep in r.reps)
    judged = getattr(r.summary, stance)
    lifted = getattr(r.summary, "right" if stance == "left" else "left")
    assert judged.valgus is not None and judged.pelvic_drop is True
    assert lifted.valgus is None and "lifted leg" in lifted.description
    assert all(getattr(rep, stance).role == "stance" for rep in r.reps)


def test_trunk_lean_without_pelvic_drop_is_exact() -> None:
    r = sls(stance="left", trunk_lean_deg=12.0).result
    assert all(rep.trunk_lean_deg == pytest.approx(12.0, abs=0.2) for rep in r.reps)
    assert r.summary.left.trunk_lean is True and r.summary.left.pelvic_drop is False


def test_level_pelvis_and_upright_trunk_are_not_flagged() -> None:
    left = sls(stance="left").result.summary.left
    assert left.pelvic_drop is False and left.trunk_lean is False
    assert left.valgus == "none"


def test_knee_caving_in_on_the_standing_leg_is_judged_with_the_sls_bands() -> None:
    # 5 cm medial knee shift, thigh 40 deg and shank 25 deg from vertical at the bottom:
    # projected thigh rises 0.45 cos 40, shank 0.43 cos 25, so FPPA = atan(0.05 / 0.345)
    # + atan(0.05 / 0.390) = 15.5 deg: above typical for the single-leg squat (10-17).
    r = sls(stance="right", medial_shift_m={"right": 0.05}).result
    expected = math.degrees(
        math.atan(0.05 / (THIGH * math.cos(math.radians(40))))
        + math.atan(0.05 / (SHANK * math.cos(math.radians(25))))
    )
    assert r.summary.right.fppa_deg.mean == pytest.approx(expected, abs=0.3)
    assert r.summary.right.valgus == "mild"
    assert "fppa_deg" in r.summary.right.basis


def test_side_given_that_never_stood_is_refused() -> None:
    with pytest.raises(InputError, match="off the floor in every rep"):
        sls(stance="left", side="right")


def test_two_leg_squat_is_not_a_single_leg_squat() -> None:
    with pytest.raises(NoRepsFoundError, match="both feet stayed on the floor"):
        sls()


def test_foot_lift_threshold_decides_the_stance() -> None:
    ok = sls(stance="left", lift_m=0.10).result
    assert ok.summary.n_reps == 5
    with pytest.raises(NoRepsFoundError):
        sls(stance="left", lift_m=0.02)  # 2 cm: both feet on the floor for the analysis
    assert single_leg.MIN_FOOT_LIFT * 0.88 < 0.10  # 10 cm is well above the threshold


def test_synthetic_hip_width_matches_the_pelvic_drop_sign_threshold_note() -> None:
    # PELVIC_DROP_SIGN_DEG = atan(2 cm / 19 cm); the synthetic body's hip width is 20 cm.
    assert math.degrees(math.atan(0.02 / 0.19)) == pytest.approx(
        single_leg.PELVIC_DROP_SIGN_DEG, abs=0.1
    )
    assert pytest.approx(0.20) == 2 * HIP_HALF_WIDTH


def test_options_that_do_not_apply_are_refused() -> None:
    poses = make_squat_poses(Squat())
    with pytest.raises(InputError, match="--side is for the single-leg squat"):
        valgus.analyze_poses(poses, movement="squat", options=Options(side="left"))
    with pytest.raises(InputError, match="drop-jump landing norms"):
        valgus.analyze_poses(poses, movement="squat", options=Options(sex="male"))
    with pytest.raises(InputError, match="not known"):
        valgus.analyze_poses(poses, movement="single-leg-squat", options=Options(side="up"))


def test_a_lifted_foot_hidden_behind_the_standing_leg_still_counts() -> None:
    # The pose model's visibility of the lifted foot falls below the cut-off (it is hidden):
    # its guessed place still shows the foot high and the leg bent.
    from tests.synthetic_poses import with_confidence

    poses = make_squat_poses(Squat(**(SLS | {"stance": "right"})))  # type: ignore[arg-type]
    hidden = with_confidence(poses, ["left_ankle", "left_heel", "left_foot_index"], 0.05)
    r = valgus.analyze_poses(hidden, movement="single-leg-squat").result
    assert r.summary.n_reps == 5 and {rep.stance_side for rep in r.reps} == {"right"}


def test_perspective_alone_does_not_lift_a_foot() -> None:
    # A two-leg squat in which the right foot looks 0.08 leg lengths higher in the image (a
    # camera off to one side): the 3D landmarks keep both feet on the floor.
    poses = make_squat_poses(Squat(**SLS))  # type: ignore[arg-type]
    raised = poses.copy(deep=True)
    for part in ("ankle", "heel", "foot_index"):
        raised.position.loc[{"keypoint": f"right_{part}", "space": "y"}] -= 0.08 * 880
    with pytest.raises(NoRepsFoundError, match="both feet stayed on the floor"):
        valgus.analyze_poses(raised, movement="single-leg-squat")


def test_auto_will_not_guess_one_leg_or_two_from_a_strong_angle() -> None:
    from valgus.errors import UnsuitableViewError

    poses = make_squat_poses(Squat(**(SLS | {"stance": "left", "yaw_deg": 40.0})))  # type: ignore[arg-type]
    with pytest.raises(UnsuitableViewError, match="cannot be told from perspective"):
        valgus.analyze_poses(poses, movement="auto")


class TestStanceCues:
    """The standing leg from three cues; disagreeing cues leave the rep unjudged."""

    REP = single_leg.RepIdx(0, 10, 20, True)

    @staticmethod
    def cues(
        lift: float, reach_l: float, reach_r: float, move_l: float, move_r: float
    ) -> single_leg.FootCues:
        n = 21
        ramp = np.sin(np.linspace(0, np.pi, n))
        return single_leg.FootCues(
            np.full(n, lift),
            np.full(n, reach_l),
            np.full(n, reach_r),
            1.0 + move_l * ramp,
            1.0 + move_r * ramp,
        )

    def test_the_cues_agree_and_say_so(self) -> None:
        call = single_leg.stance_in_rep(self.cues(0.3, 400, 200, 0.0, 0.2), self.REP)
        assert call.side is single_leg.Side.LEFT and not call.unclear
        assert "foot lift" in call.cues and "the left foot stayed put" in call.cues

    def test_a_still_foot_held_behind_leaves_the_planted_cue_out(self) -> None:
        call = single_leg.stance_in_rep(self.cues(-0.3, 200, 400, 0.0, 0.01), self.REP)
        assert call.side is single_leg.Side.RIGHT and "planted foot: no cue" in call.cues

    def test_the_planted_foot_disagreeing_leaves_the_rep_unjudged(self) -> None:
        # The right foot reads higher, but the left foot moved with the body while the
        # right stayed put (a pistol's free foot low in the picture, read as planted).
        call = single_leg.stance_in_rep(self.cues(0.3, 400, 200, 0.25, 0.0), self.REP)
        assert call.side is None
        assert "the left foot moved while the right foot stayed put" in call.unclear

    def test_the_reach_disagreeing_leaves_the_rep_unjudged(self) -> None:
        call = single_leg.stance_in_rep(self.cues(0.3, 200, 400, 0.0, 0.2), self.REP)
        assert call.side is None and "the left leg is the shorter" in call.unclear

    def test_both_feet_down_is_a_two_leg_rep_not_an_unclear_one(self) -> None:
        call = single_leg.stance_in_rep(self.cues(0.01, 400, 400, 0.0, 0.0), self.REP)
        assert call.side is None and not call.unclear


def test_each_rep_says_which_cues_found_its_standing_leg() -> None:
    result = sls(stance="right").result
    assert all(r.stance_side == "right" and r.stance_cues for r in result.reps)
    assert "foot lift: the left foot" in (result.reps[0].stance_cues or "")


def _one_leg_then_the_other(left_yaw: float, right_yaw: float) -> xr.Dataset:
    """Left-leg reps filmed at one camera angle, then right-leg reps at another (the person
    turned between the sets), as one recording."""
    left = make_squat_poses(Squat(**(SLS | {"stance": "left", "n_reps": 3, "yaw_deg": left_yaw})))  # type: ignore[arg-type]
    right = make_squat_poses(
        Squat(**(SLS | {"stance": "right", "n_reps": 3, "yaw_deg": right_yaw}))  # type: ignore[arg-type]
    )
    t0 = float(left.time[-1]) + 1 / 30
    return xr.concat([left, right.assign_coords(time=right.time + t0)], dim="time")


def test_each_standing_leg_is_judged_by_the_camera_angle_of_its_own_reps() -> None:
    result = valgus.analyze_poses(
        _one_leg_then_the_other(5.0, 50.0), movement="single-leg-squat"
    ).result
    assert result.summary.left.valgus is not None
    assert result.summary.right.valgus is None
    assert "degrees off frontal during its reps (more than 40)" in result.summary.right.description
    codes = {w.code: w.message for w in result.quality.warnings}
    assert "during the left-leg reps" in codes["stance_leg_view"]
    assert "during the right-leg reps" in codes["strong_oblique_view"]
    m = result.method
    assert float(m["view_yaw_left_stance_deg"]) < 10 < 40 < float(m["view_yaw_right_stance_deg"])


def test_legs_seen_alike_get_one_view_warning_as_before() -> None:
    result = valgus.analyze_poses(
        _one_leg_then_the_other(20.0, 22.0), movement="single-leg-squat"
    ).result
    assert result.summary.left.valgus is not None and result.summary.right.valgus is not None
    assert [w.code for w in result.quality.warnings].count("oblique_view") == 1
    assert not any(w.code == "stance_leg_view" for w in result.quality.warnings)


def _lifted_leg_drawn_long(poses: xr.Dataset, until_s: float) -> xr.Dataset:
    """The right foot held up in 3D, but drawn below the standing foot in the picture until
    `until_s` (the pose model mixing the legs up): foot lift and leg reach disagree there."""
    out = poses.copy(deep=True)
    early = out.time.values <= until_s
    for part in ("ankle", "heel", "foot_index"):
        sel = {"keypoint": f"right_{part}", "space": "y"}
        y = out.position.loc[sel].values
        y[early] += 0.45 * 880  # 0.45 leg lengths lower than where it is held
        out.position.loc[sel] = y
    return out


def test_reps_whose_cues_disagree_are_not_judged_and_said_with_their_time() -> None:
    poses = make_squat_poses(Squat(**(SLS | {"stance": "left", "height": 2400})))  # type: ignore[arg-type]
    sq = Squat(**SLS)  # type: ignore[arg-type]
    first_end = float(sq.rep_starts_s[0] + sq.rep_s + 0.1)
    result = valgus.analyze_poses(
        _lifted_leg_drawn_long(poses, first_end), movement="single-leg-squat"
    ).result
    assert result.summary.n_reps == 4 and {r.stance_side for r in result.reps} == {"left"}
    unclear = next(w for w in result.quality.warnings if w.code == "stance_unclear")
    assert unclear.message.startswith("1 rep(s) not judged because which leg stood was unclear")
    assert f"rep 1 at {sq.bottoms_s[0]:.1f} s" in unclear.message
    assert "the left leg is the shorter in the picture" in unclear.message


def test_a_video_whose_every_rep_is_unclear_is_refused_with_the_reason() -> None:
    poses = make_squat_poses(Squat(**(SLS | {"stance": "left", "height": 2400})))  # type: ignore[arg-type]
    with pytest.raises(NoRepsFoundError, match="which leg stood could not be told in any"):
        valgus.analyze_poses(_lifted_leg_drawn_long(poses, 1e9), movement="single-leg-squat")
