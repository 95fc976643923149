"""A tracked body that jumps faster than a person moves is flagged (quality.body_jumps)."""

from __future__ import annotations

import numpy as np
import xarray as xr

from tests.synthetic_poses import make_squat_poses
from valgus import api
from valgus.assessment.quality import JUMP_BASE_LEGS, body_jumps


def _jumps(ds: xr.Dataset) -> list[float]:
    names = [str(k) for k in ds.keypoint.values]
    xy = ds.position.transpose("time", "space", "keypoint").values
    return body_jumps(ds.time.values, xy, names)


def _leg_px(ds: xr.Dataset) -> float:
    p = ds.position.isel(time=0)
    hip, knee, ankle = (p.sel(keypoint=f"left_{k}").values for k in ("hip", "knee", "ankle"))
    return float(np.linalg.norm(hip - knee) + np.linalg.norm(knee - ankle))


def test_a_squat_does_not_jump() -> None:
    ds = make_squat_poses()
    assert _jumps(ds) == []
    codes = {w.code for w in api.analyze_poses(ds).result.quality.warnings}
    assert "body_jump" not in codes


def test_another_person_beside_is_flagged_at_the_switch_and_back() -> None:
    ds = make_squat_poses()
    n = ds.sizes["time"]
    a, b = n // 3, 2 * n // 3
    other = ds.copy(deep=True)
    other.position.values[a:b, 0, :] += 1.0 * _leg_px(ds)  # a leg length to the side
    assert _jumps(other) == [float(ds.time[a]), float(ds.time[b])]
    warnings = api.analyze_poses(other).result.quality.warnings
    message = next(w.message for w in warnings if w.code == "body_jump")
    assert f"{float(ds.time[a]):.1f} s" in message


def test_a_smaller_person_further_back_is_flagged_by_size() -> None:
    ds = make_squat_poses()
    n = ds.sizes["time"]
    a = n // 2
    other = ds.copy(deep=True)
    pos = other.position.values[a:]
    hips = (pos[:, :, 23:24] + pos[:, :, 24:25]) / 2
    other.position.values[a:] = hips + 0.7 * (pos - hips)  # same place, 30 % smaller
    assert _jumps(other) == [float(ds.time[a])]


def test_a_slow_drift_and_a_gap_are_not_jumps() -> None:
    ds = make_squat_poses()
    n = ds.sizes["time"]
    drift = ds.copy(deep=True)
    # walking sideways at 1 leg length a second is body motion
    drift.position.values[:, 0, :] += (_leg_px(ds) * ds.time.values)[:, None]
    assert _jumps(drift) == []
    gap = ds.copy(deep=True)
    gap.position.values[n // 2 : n // 2 + 30] = np.nan  # 1 s without a person at 30 fps
    gap.position.values[n // 2 + 30 :, 0, :] += 0.9 * (JUMP_BASE_LEGS + 4.0) * _leg_px(ds)
    assert _jumps(gap) == []
