"""The window that follows one person: crops, maps the landmarks back, moves with them.
The model is replaced by a stand-in that reports where it was told the person is in the
crop, so the arithmetic can be checked exactly (the real model: tests/integration/
test_person_box.py)."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.typing import NDArray

from valgus.pose.base import FramePose
from valgus.pose.person_box import MARGIN, Box, PersonBoxEstimator


class SeesPersonAt:
    """Reports 33 landmarks spread over a person at a fixed place in the whole picture,
    in the coordinates of the crop it is given (which it learns from `origin`)."""

    name = "stand-in"

    def __init__(self, person: Box) -> None:
        self.person = person
        self.origin = (0.0, 0.0)
        self.crops: list[tuple[int, int]] = []

    def process(self, rgb: NDArray[np.uint8], /) -> FramePose | None:
        h, w = rgb.shape[:2]
        self.crops.append((w, h))
        xs = np.linspace(self.person.x, self.person.x + self.person.w, 33) - self.origin[0]
        ys = np.linspace(self.person.y, self.person.y + self.person.h, 33) - self.origin[1]
        xy = np.stack([xs / w, ys / h], axis=1)
        return FramePose(xy, np.zeros((33, 3)), np.ones(33))

    def close(self) -> None:
        pass


def test_landmarks_come_back_in_the_whole_picture_and_the_window_follows() -> None:
    frame = np.zeros((1000, 2000, 3), dtype=np.uint8)
    model = SeesPersonAt(Box(1200, 200, 200, 600))
    est = PersonBoxEstimator(model, Box(1200, 200, 200, 600))
    window = Box(1200, 200, 200, 600).widened(MARGIN, 2000, 1000)
    model.origin = (int(window.x), int(window.y))
    pose = est.process(frame)
    assert pose is not None
    xy_px = pose.xy_norm * [2000, 1000]
    assert xy_px[0] == pytest.approx([1200, 200]) and xy_px[-1] == pytest.approx([1400, 800])
    assert model.crops[0] == (
        int(np.ceil(window.x + window.w)) - int(window.x),
        int(np.ceil(window.y + window.h)) - int(window.y),
    )
    # The person walks right, near the window's edge: the window moves with them.
    model.person = Box(1420, 200, 200, 600)
    model.origin = (int(window.x), int(window.y))
    est.process(frame)
    assert est.window is not None and est.window.x > window.x


def test_nobody_in_the_window_keeps_it_where_it_was() -> None:
    class Nobody(SeesPersonAt):
        def process(self, rgb: NDArray[np.uint8], /) -> FramePose | None:
            return None

    est = PersonBoxEstimator(Nobody(Box(0, 0, 1, 1)), Box(100, 100, 200, 400))
    assert est.process(np.zeros((800, 600, 3), dtype=np.uint8)) is None
    assert est.window == Box(100, 100, 200, 400).widened(MARGIN, 600, 800)
