"""Drawing helpers: inputs untouched, blur blurs, crops and joins have the promised sizes."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from valgus.report.draw import (
    GREEN,
    RED,
    LegDrawing,
    blur_face,
    crop_around,
    draw_leg,
    side_by_side,
)


def _noise(h: int = 200, w: int = 120, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, 256, (h, w, 3), dtype=np.uint8)


def test_blur_face_smooths_only_the_face_and_keeps_the_input() -> None:
    img = _noise()
    before = img.copy()
    face = [(60.0, 40.0), (50.0, 35.0), (70.0, 35.0), (45.0, 40.0), (75.0, 40.0)]
    out = blur_face(img, face, scale_px=150)
    assert np.array_equal(img, before)
    assert out[40, 60].std() >= 0  # same shape, valid pixel
    assert out[30:50, 50:70].std() < 0.5 * img[30:50, 50:70].std()  # face smoothed
    assert np.array_equal(out[150:, :], img[150:, :])  # legs untouched


@pytest.mark.parametrize("centre", [(300.0, 200.0), (20.0, 15.0), (590.0, 790.0)])
def test_blur_face_window_equals_a_whole_picture_blur(centre: tuple[float, float]) -> None:
    """Blurring a window around the face gives the pixels a whole-picture blur gives, also
    where the face touches the picture's edge."""
    img = _noise(800, 600, seed=3)
    cx, cy = centre
    face = [(cx - 20, cy), (cx + 20, cy), (cx, cy + 10)]
    out = blur_face(img, face, scale_px=400)
    r = max(40.0, 0.08 * 400) * 1.1
    mask = np.zeros(img.shape[:2], dtype=np.uint8)
    cv2.ellipse(mask, (round(cx), round(cy + 10 / 3)), (int(r), int(r * 1.35)), 0, 0, 360, 255, -1)
    k = max(15, int(r) | 1)
    whole = cv2.GaussianBlur(img, (k, k), 0)
    expected = img.copy()
    expected[mask > 0] = whole[mask > 0]
    assert np.array_equal(out, expected)


def test_blur_face_without_face_points_changes_nothing() -> None:
    img = _noise()
    assert np.array_equal(blur_face(img, [(np.nan, np.nan)], scale_px=100), img)


def test_draw_leg_colours_by_level() -> None:
    img = np.zeros((300, 200, 3), dtype=np.uint8)
    marked = LegDrawing((100, 50), (110, 150), (100, 250), (100, 280), level=2, label="")
    out = draw_leg(img, marked, thickness=3)
    assert not img.any()  # input untouched
    assert tuple(out[100, 105]) == RED  # on the thigh line, drawn in red
    typical = draw_leg(
        img, LegDrawing((100, 50), (110, 150), (100, 250), (100, 280), 0, ""), thickness=3
    )
    assert tuple(typical[100, 105]) == GREEN


def test_crop_and_side_by_side_sizes() -> None:
    img = _noise(400, 300)
    crop = crop_around(img, [(100.0, 100.0), (200.0, 300.0)], margin=0.1, top_margin=0.2)
    assert crop.shape[:2] == (200 + 20 + 40, 100 + 40)
    joined = side_by_side([crop, img], height=100)
    assert joined.shape[0] == 100 and joined.dtype == np.uint8
