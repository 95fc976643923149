"""--mirrored: a mirror-imaged recording gets its legs' names back (valgus.schema.swap_sides).

A mirror image shows each side where the other would be, and a pose model names each side
by where it appears. Simulated exactly on the renderer's landmarks: flip x (image and
world), then name the sides by where they appear (exchange the labels)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import xarray as xr

from tests.rendered_truth import rendered_truth
from valgus import api
from valgus.schema import MIRROR_SWAPPED_ATTR, swap_sides
from valgus.synth import SquatParams
from valgus.synth.truth_poses import truth_poses

W, H = 720, 1280


@pytest.fixture(scope="module")
def poses() -> xr.Dataset:
    params = SquatParams(reps=3, valgus_left_deg=25.0, valgus_right_deg=0.0, seed=1)
    return truth_poses(rendered_truth(params, fps=30.0, width=W, height=H))


def as_a_mirror_image_is_seen(ds: xr.Dataset) -> xr.Dataset:
    """What a pose model reports for the mirrored video: x flipped, sides named by place."""
    flipped = ds.copy(deep=True)
    flipped["position"].loc[{"space": "x"}] = W - ds.position.sel(space="x")
    flipped["world"].loc[{"space3": "x"}] = -ds.world.sel(space3="x")
    out = swap_sides(flipped)
    out.attrs = dict(ds.attrs)  # the model does not know it was mirrored
    return out


def _legs(result: Any) -> dict[str, tuple[Any, float | None, float | None]]:
    return {
        s: (getattr(result.summary, s).valgus, getattr(result.summary, s).mkd.mean,
            getattr(result.summary, s).fppa_deg.mean)
        for s in ("left", "right")
    }  # fmt: skip


def test_swapping_twice_gives_the_poses_back(poses: xr.Dataset) -> None:
    twice = swap_sides(swap_sides(poses))
    xr.testing.assert_identical(twice.drop_attrs(), poses.drop_attrs())
    once = swap_sides(poses)
    assert once.attrs[MIRROR_SWAPPED_ATTR] == 1
    np.testing.assert_array_equal(
        once.position.sel(keypoint="left_knee"), poses.position.sel(keypoint="right_knee")
    )
    np.testing.assert_array_equal(  # the nose has no side
        once.position.sel(keypoint="nose"), poses.position.sel(keypoint="nose")
    )


def test_a_mirror_image_swaps_the_legs_and_mirrored_swaps_them_back(poses: xr.Dataset) -> None:
    filmed = _legs(api.analyze_poses(poses).result)
    assert filmed["left"][0] != filmed["right"][0]  # the case must tell the legs apart
    mirror = as_a_mirror_image_is_seen(poses)
    wrong = _legs(api.analyze_poses(mirror).result)
    assert (
        wrong["left"] == pytest.approx(filmed["right"]) and wrong["right"][0] == filmed["left"][0]
    )
    fixed = api.analyze_poses(mirror, options=api.Options(mirrored=True))
    legs = _legs(fixed.result)
    for side in ("left", "right"):
        assert legs[side][0] == filmed[side][0]
        assert legs[side][1:] == pytest.approx(filmed[side][1:], abs=1e-9)
    assert "mirrored" in {w.code for w in fixed.result.quality.warnings}
    assert fixed.result.method["mirrored"] == "yes"
    # a rerun from the saved poses with the same settings does not swap a second time
    movement, options = api.settings_of(fixed.result.model_dump())
    assert options.mirrored
    again = _legs(api.analyze_poses(fixed.poses, movement=movement, options=options).result)
    assert again == legs
