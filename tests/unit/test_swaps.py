"""Left/right swap detection on synthetic frontal and side views with known swapped frames."""

from __future__ import annotations

import numpy as np
import pytest

from tests.synthetic_poses import LEG, Squat, make_squat_poses
from valgus.kinematics.swaps import LOWER_LEG, apply_swaps, detect_swaps
from valgus.schema import KEYPOINTS

NAMES = list(KEYPOINTS)
SQ = Squat(n_reps=2)
SCALE = LEG * SQ.px_per_m  # leg length in px


def frontal_x(**kw: object) -> tuple[np.ndarray, np.ndarray]:
    sq = Squat(n_reps=2, **kw)  # type: ignore[arg-type]
    ds = make_squat_poses(sq)
    return ds.position.sel(space="x").values.copy(), ds.time.values


def frames(n: int, idx: list[int] | range) -> np.ndarray:
    out = np.zeros(n, dtype=bool)
    out[list(idx)] = True
    return out


class TestDetectSwaps:
    def test_clean_frontal_has_no_swaps(self) -> None:
        x, t = frontal_x()
        rep = detect_swaps(x, NAMES, t, scale_px=SCALE)
        assert rep.facing_sign == 1  # subject's left on the image right
        assert rep.n_swapped == 0

    @pytest.mark.parametrize("mirrored", [False, True])
    def test_lower_leg_swap_found_exactly(self, mirrored: bool) -> None:
        x, t = frontal_x(mirrored=mirrored)
        swapped = frames(len(t), [40, 41, 42, 100])  # 40-42 mid-descent, 100 near standing
        bad = apply_swaps(x, NAMES, swapped, parts=LOWER_LEG)
        rep = detect_swaps(bad, NAMES, t, scale_px=SCALE)
        assert rep.facing_sign == (-1 if mirrored else 1)
        np.testing.assert_array_equal(rep.leg_frames, swapped)
        assert not rep.body_frames.any()
        assert rep.n_swapped == 4
        fixed = apply_swaps(bad, NAMES, rep.leg_frames, parts=LOWER_LEG)
        np.testing.assert_array_equal(fixed, x)

    def test_whole_body_flip_found_exactly(self) -> None:
        x, t = frontal_x()
        flipped = frames(len(t), range(70, 73))
        bad = apply_swaps(x, NAMES, flipped, parts=None)
        rep = detect_swaps(bad, NAMES, t, scale_px=SCALE)
        np.testing.assert_array_equal(rep.body_frames, flipped)
        assert not rep.leg_frames.any()  # the legs are right once the body is fixed
        assert rep.n_swapped == 3
        np.testing.assert_array_equal(apply_swaps(bad, NAMES, rep.body_frames, parts=None), x)

    def test_body_flip_and_leg_swap_together(self) -> None:
        x, t = frontal_x()
        body = frames(len(t), range(70, 73))
        legs = frames(len(t), [20, 21])
        bad = apply_swaps(apply_swaps(x, NAMES, body, parts=None), NAMES, legs, parts=LOWER_LEG)
        rep = detect_swaps(bad, NAMES, t, scale_px=SCALE)
        np.testing.assert_array_equal(rep.body_frames, body)
        np.testing.assert_array_equal(rep.leg_frames, legs)

    def test_missing_frames_are_not_swaps(self) -> None:
        x, t = frontal_x()
        x[30:35] = np.nan
        rep = detect_swaps(x, NAMES, t, scale_px=SCALE)
        assert rep.n_swapped == 0 and rep.facing_sign == 1

    @pytest.mark.parametrize("yaw", [85.0, 90.0])
    def test_side_view_gives_no_swaps(self, yaw: float) -> None:
        x, t = frontal_x(yaw_deg=yaw)
        # exchange labels in some frames: in a side view the order says nothing
        bad = apply_swaps(x, NAMES, frames(len(t), [10, 11, 50]), parts=None)
        rep = detect_swaps(bad, NAMES, t, scale_px=SCALE)
        assert rep.facing_sign == 0
        assert rep.n_swapped == 0

    def test_long_body_flip_is_not_a_leg_swap(self) -> None:
        # e.g. the subject walks in facing away: every lower leg stays on its own hip's side
        x, t = frontal_x()
        turned = frames(len(t), range(0, 45))  # 1.5 s facing away at the start
        bad = apply_swaps(x, NAMES, turned, parts=None)
        rep = detect_swaps(bad, NAMES, t, scale_px=SCALE)
        assert not rep.body_frames.any()  # too long for a pose-model glitch
        assert not rep.leg_frames.any()  # knees and feet stay on their own hip's side


class TestApplySwaps:
    def test_exchanges_only_given_parts_and_frames(self) -> None:
        values = np.arange(4 * 2 * len(NAMES), dtype=float).reshape(4, 2, len(NAMES))
        sel = frames(4, [1, 3])
        out = apply_swaps(values, NAMES, sel, parts=("knee",))
        lk, rk = NAMES.index("left_knee"), NAMES.index("right_knee")
        np.testing.assert_array_equal(out[sel][..., lk], values[sel][..., rk])
        np.testing.assert_array_equal(out[sel][..., rk], values[sel][..., lk])
        keep = [i for i in range(len(NAMES)) if i not in (lk, rk)]
        np.testing.assert_array_equal(out[..., keep], values[..., keep])
        np.testing.assert_array_equal(out[~sel], values[~sel])

    def test_all_pairs_and_involution(self) -> None:
        values = np.random.default_rng(0).normal(size=(5, 3, len(NAMES)))
        sel = frames(5, [0, 2])
        out = apply_swaps(values, NAMES, sel, parts=None)
        for name in NAMES:
            if name.startswith("left_"):
                j = NAMES.index("right_" + name[5:])
                np.testing.assert_array_equal(out[sel][..., NAMES.index(name)], values[sel][..., j])
        nose = NAMES.index("nose")
        np.testing.assert_array_equal(out[..., nose], values[..., nose])
        np.testing.assert_array_equal(apply_swaps(out, NAMES, sel, parts=None), values)

    def test_input_not_modified(self) -> None:
        values = np.random.default_rng(1).normal(size=(3, len(NAMES)))
        before = values.copy()
        apply_swaps(values, NAMES, frames(3, [1]), parts=None)
        np.testing.assert_array_equal(values, before)
