"""The knee over the foot's line (angles.knee_over_foot): analytic cases, camera yaw, and
how the verdict, the change rule and the gates use it."""

from __future__ import annotations

import math

import numpy as np
import pytest

from valgus.assessment import bands, change
from valgus.assessment.drivers import LegIn, StatIn
from valgus.kinematics import angles

LEG = 0.9  # m, hip-knee + knee-ankle


def _project(p: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Orthographic picture (x right, y down) of 3D points (x = subject's left, y up,
    z toward the camera) seen by a camera turned yaw_deg about the vertical."""
    a = math.radians(yaw_deg)
    x = p[..., 0] * math.cos(a) - p[..., 2] * math.sin(a)
    return np.stack([x, -p[..., 1]], axis=-1)


def _left_leg(toe_out_deg: float, forward_m: float, inside_m: float) -> dict[str, np.ndarray]:
    """A left leg (x = subject's left; the other hip at -x): ankle at (0.1, 0.08, 0), the
    foot turned out toe_out_deg, the knee forward_m along the foot and inside_m medial of
    the foot's vertical plane, at knee height 0.35 m."""
    a = math.radians(toe_out_deg)
    fwd = np.array([math.sin(a), 0.0, math.cos(a)])  # out = +x for the left foot
    medial = np.array([-math.cos(a), 0.0, math.sin(a)])
    ankle = np.array([0.1, 0.08, 0.0])
    knee = ankle + fwd * forward_m + medial * inside_m + np.array([0.0, 0.27, 0.0])
    return {
        "ankle": ankle,
        "knee": knee,
        "heel": ankle - 0.05 * fwd + np.array([0.0, -0.06, 0.0]),
        "toe": ankle + 0.2 * fwd + np.array([0.0, -0.06, 0.0]),
        "hip": np.array([0.1, 0.9, 0.0]),
        "other_hip": np.array([-0.1, 0.9, 0.0]),
    }


def _measured(leg: dict[str, np.ndarray], yaw_deg: float) -> float:
    xy = {k: _project(v, yaw_deg) for k, v in leg.items()}
    shin = float(np.linalg.norm(leg["knee"] - leg["ankle"]))  # standing length: the same shin
    toe_out = math.degrees(
        math.asin(
            (xy["toe"][0] - xy["heel"][0]) / 0.25  # foot length, here known
        )
    )
    forward = angles.knee_forward_px(xy["knee"], xy["ankle"], shin)
    return float(
        angles.knee_over_foot(
            xy["knee"],
            xy["ankle"],
            xy["hip"],
            xy["other_hip"],
            forward_px=forward,
            toe_out_deg=toe_out,
            leg_length_px=LEG,
        )
    )


@pytest.mark.parametrize("toe_out", [0.0, 15.0, 30.0, 45.0])
@pytest.mark.parametrize("inside", [-0.03, 0.0, 0.05])
def test_the_knee_s_distance_from_the_foot_s_plane(toe_out: float, inside: float) -> None:
    leg = _left_leg(toe_out, forward_m=0.25, inside_m=inside)
    assert _measured(leg, 0.0) == pytest.approx(inside / LEG, abs=1e-9)


@pytest.mark.parametrize("yaw", [-25.0, -10.0, 10.0, 25.0])
def test_camera_yaw_drops_out(yaw: float) -> None:
    """The foot's direction and the knee's forward travel as the camera sees them: the
    distance from the foot's plane does not change when the camera turns (MKD does)."""
    leg = _left_leg(10.0, forward_m=0.25, inside_m=0.04)
    assert _measured(leg, yaw) == pytest.approx(0.04 / LEG, abs=1e-6)


def test_the_knee_s_forward_travel_from_the_shin_s_foreshortening() -> None:
    ankle = np.array([0.0, 0.0])
    tilt = math.radians(35.0)
    knee = np.array([0.0, -0.45 * math.cos(tilt)])  # y down: the knee above the ankle
    assert float(angles.knee_forward_px(knee, ankle, 0.45)) == pytest.approx(0.45 * math.sin(tilt))
    # a shin that looks longer than standing (noise) reads 0, not NaN
    assert float(angles.knee_forward_px(np.array([0.0, -0.5]), ankle, 0.45)) == 0.0


def test_the_error_grows_with_the_apparent_toe_out() -> None:
    assert bands.knee_over_foot_error(0.0) == pytest.approx(0.02)
    assert bands.knee_over_foot_error(30.0) == pytest.approx(0.05)
    assert bands.knee_over_foot_error(-30.0) == pytest.approx(0.05)  # toe-in as seen
    assert bands.knee_over_foot_error(None) == pytest.approx(0.05)


def _leg(basis: list[str], mkd: float, kof: float | None, error: float | None = None) -> LegIn:
    return LegIn(
        valgus="mild",
        basis=basis,
        mkd=StatIn(mean=mkd, sd=0.005, n=3),
        mkd_sdc=0.01,
        knee_over_foot=None if kof is None else StatIn(mean=kof, sd=0.005, n=3),
        knee_over_foot_sdc=None if kof is None else 0.01,
        knee_over_foot_error=error,
    )


def test_sessions_are_compared_on_the_measure_they_share() -> None:
    old = _leg(["mkd"], mkd=0.10, kof=None)  # made before the foot's line existed
    new = _leg(["knee_over_foot"], mkd=0.02, kof=0.09)
    (c,) = change.measure_changes(old, new)
    assert c.measure == "mkd" and c.verdict == "less valgus"
    both = change.measure_changes(_leg(["knee_over_foot"], 0.0, 0.10), new)
    assert [x.measure for x in both] == ["knee_over_foot"]
    assert both[0].verdict == "no measurable change"  # 1 % < the 4 % floor


def test_the_change_floor_grows_when_the_feet_stood_differently() -> None:
    turned_out = _leg(["knee_over_foot"], 0.0, 0.13, error=0.05)
    later = _leg(["knee_over_foot"], 0.0, 0.05, error=0.02)
    (c,) = change.measure_changes(turned_out, later)
    assert c.smallest_detectable_change == pytest.approx(0.07)  # 2 x 2 % + (5 - 2) %
    assert c.verdict == "less valgus"  # 8 % reaches it
    alike = _leg(["knee_over_foot"], 0.0, 0.12, error=0.031)
    (c,) = change.measure_changes(alike, _leg(["knee_over_foot"], 0.0, 0.07, error=0.031))
    assert c.smallest_detectable_change == pytest.approx(0.04)  # the feet's part cancels
    assert c.verdict == "less valgus"


def test_the_feet_say_which_way_the_camera_turned() -> None:
    """A camera turned y toward the person's left adds y to the right foot's apparent turn
    and takes it from the left's (x of the picture = the person's right)."""
    from types import SimpleNamespace

    from valgus.assessment.movements.squat import feet_yaw_deg
    from valgus.schema import Side

    def series(left: float, right: float) -> object:
        legs = {
            Side.LEFT: SimpleNamespace(toe_out_deg=left),
            Side.RIGHT: SimpleNamespace(toe_out_deg=right),
        }
        return SimpleNamespace(legs=legs)

    assert feet_yaw_deg(series(10.0 - 8.0, 10.0 + 8.0)) == pytest.approx(8.0)  # type: ignore[arg-type]
    assert feet_yaw_deg(series(14.0, 6.0)) == pytest.approx(-4.0)  # type: ignore[arg-type]
    assert feet_yaw_deg(series(float("nan"), 6.0)) is None  # type: ignore[arg-type]
