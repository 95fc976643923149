"""Toe-out from a frontal picture (kinematics/angles.toe_out_deg) and what the squat does
with it: named in the result, a warning beyond 30 deg, and a 'well above typical' knee that
stayed over its ankle capped at 'above typical'."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from tests.synthetic_poses import LEG, Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.kinematics.angles import FOOT_TO_LEG, toe_out_deg

L = 800.0  # leg length, px


@pytest.mark.parametrize("angle", [-10.0, 0.0, 15.0, 30.0, 45.0])
@pytest.mark.parametrize("side", [1.0, -1.0])  # the foot on the image's right or left
def test_toe_out_is_the_sideways_toe_offset_of_a_foot_of_known_length(
    angle: float, side: float
) -> None:
    hip, other_hip = np.array([500.0 + side * 100, 900.0]), np.array([500.0 - side * 100, 900.0])
    heel = np.array([500.0 + side * 120, 1700.0])
    toe = heel + np.array([side * FOOT_TO_LEG * L * np.sin(np.radians(angle)), 10.0])
    assert float(toe_out_deg(heel, toe, hip, other_hip, L)) == pytest.approx(angle, abs=1e-9)


def test_an_impossible_offset_reads_at_most_90_and_missing_points_nan() -> None:
    hip, other = np.array([600.0, 900.0]), np.array([400.0, 900.0])
    heel = np.array([620.0, 1700.0])
    assert float(toe_out_deg(heel, heel + np.array([900.0, 0.0]), hip, other, L)) == 90.0
    assert np.isnan(toe_out_deg(heel, np.array([np.nan, 1.0]), hip, other, L))


def _turned_out(ds: xr.Dataset, degrees: float) -> xr.Dataset:
    """Move each toe sideways, out, as a foot turned out `degrees` shows it."""
    out = ds.copy(deep=True)
    pos = out["position"]
    px_per_m = float(ds.attrs.get("px_per_m", 1000.0))
    shift = FOOT_TO_LEG * LEG * px_per_m * np.sin(np.radians(degrees))
    for side, sign in (("left", 1.0), ("right", -1.0)):
        heel_x = pos.sel(keypoint=f"{side}_heel", space="x")
        pos.loc[{"keypoint": f"{side}_foot_index", "space": "x"}] = heel_x + sign * shift
    return out


def test_feet_turned_out_far_are_named_warned_and_cap_a_knee_over_its_ankle() -> None:
    ds = make_squat_poses(Squat())
    straight = analyze_poses(ds).result
    assert straight.summary.left.toe_out_deg == pytest.approx(0.0, abs=3.0)
    assert straight.summary.left.valgus == "none"
    wide = analyze_poses(_turned_out(ds, 40.0)).result
    left, right = wide.summary.left, wide.summary.right
    assert left.toe_out_deg == pytest.approx(40.0, abs=3.0)
    assert right.toe_out_deg == pytest.approx(40.0, abs=3.0)
    # The knee never moved: the toe line alone puts it 'inside' by ~0.2 of the leg.
    assert left.mkd.mean is not None and left.mkd.mean > 0.08
    assert (left.valgus, right.valgus) == ("mild", "mild")  # capped, not 'marked'
    assert "Capped at above typical: the feet were turned out about 40 deg" in left.description
    codes = [w.code for w in wide.quality.warnings]
    assert "feet_turned_out" in codes


def test_a_knee_inside_its_ankle_is_not_capped() -> None:
    ds = make_squat_poses(Squat(medial_shift_m={"left": 0.10, "right": 0.0}))
    wide = analyze_poses(_turned_out(ds, 40.0)).result
    assert wide.summary.left.valgus == "marked"  # the knee went 10 cm in: past its ankle
