"""Follow one chosen person when others are in the picture (a gym): the model sees only a
window around that person, which moves with them.

The user gives the person's box in the first frame (x, y, width, height in pixels of the
upright picture). Each frame is cropped to the window, the model runs on the crop, and its
landmarks are mapped back to the whole picture. The window then follows the landmarks
(their bounding box, widened), and moves only when the person nears its edge, so the
model's own tracking sees a steady picture. With nobody found in the window it stays put.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from valgus.errors import InputError
from valgus.pose.base import FramePose, PoseEstimator

MARGIN = 0.35  # the window: the person's box widened by this share of its size on each side
EDGE = 0.12  # the window moves when a landmark comes this close (share of the window) to its edge
MIN_VISIBILITY = 0.3  # landmarks that place the window


@dataclass(frozen=True)
class Box:
    """x, y, width, height in pixels of the upright picture."""

    x: float
    y: float
    w: float
    h: float

    @property
    def text(self) -> str:
        """'x,y,w,h', as parse reads it."""
        return f"{self.x:g},{self.y:g},{self.w:g},{self.h:g}"

    @classmethod
    def parse(cls, text: str, /) -> Box:
        """'x,y,w,h' in pixels, as the user gives it."""
        try:
            x, y, w, h = (float(v) for v in text.split(","))
        except ValueError:
            raise InputError(
                f"the person's box (--person-box) takes x,y,width,height in pixels of the first "
                f"frame, got {text!r}"
            ) from None
        if not np.all(np.isfinite([x, y, w, h])) or w <= 0 or h <= 0 or x < 0 or y < 0:
            raise InputError(
                f"the person's box (--person-box) needs a positive width and height inside the "
                f"picture, got {text!r}"
            )
        return cls(x, y, w, h)

    def widened(self, share: float, width: int, height: int) -> Box:
        x0 = max(0.0, self.x - share * self.w)
        y0 = max(0.0, self.y - share * self.h)
        x1 = min(float(width), self.x + self.w * (1 + share))
        y1 = min(float(height), self.y + self.h * (1 + share))
        return Box(x0, y0, x1 - x0, y1 - y0)


def box_of(points_px: NDArray[np.float64], /) -> Box:
    lo, hi = points_px.min(axis=0), points_px.max(axis=0)
    return Box(float(lo[0]), float(lo[1]), float(hi[0] - lo[0]), float(hi[1] - lo[1]))


class PersonBoxEstimator:
    """A PoseEstimator that runs the inner model on a window that follows one person."""

    def __init__(self, inner: PoseEstimator, box: Box) -> None:
        self.inner = inner
        self.name = inner.name
        self.start = box
        self.window: Box | None = None

    def process(self, rgb: NDArray[np.uint8], /) -> FramePose | None:
        h, w = rgb.shape[:2]
        if self.window is None:
            if self.start.x >= w or self.start.y >= h:
                raise InputError(
                    f"--person-box {self.start.x:g},{self.start.y:g},... lies outside the "
                    f"{w}x{h} picture"
                )
            self.window = self.start.widened(MARGIN, w, h)
        win = self.window
        x0, y0 = int(win.x), int(win.y)
        x1, y1 = int(np.ceil(win.x + win.w)), int(np.ceil(win.y + win.h))
        crop = np.ascontiguousarray(rgb[y0:y1, x0:x1])
        if crop.shape[0] < 16 or crop.shape[1] < 16:
            return None
        pose = self.inner.process(crop)
        if pose is None:
            return None
        cw, ch = crop.shape[1], crop.shape[0]
        xy_px = pose.xy_norm * np.array([cw, ch]) + np.array([x0, y0])
        self._follow(xy_px, pose.visibility, w, h)
        return FramePose(xy_px / np.array([w, h]), pose.world_m, pose.visibility)

    def _follow(
        self, xy_px: NDArray[np.float64], vis: NDArray[np.float64], width: int, height: int
    ) -> None:
        """Move the window when the person nears its edge (hysteresis)."""
        seen = xy_px[vis >= MIN_VISIBILITY]
        if len(seen) < 4 or self.window is None:
            return
        person = box_of(seen)
        win = self.window
        near = (
            person.x < win.x + EDGE * win.w
            or person.y < win.y + EDGE * win.h
            or person.x + person.w > win.x + (1 - EDGE) * win.w
            or person.y + person.h > win.y + (1 - EDGE) * win.h
        )
        if near:
            self.window = person.widened(MARGIN, width, height)

    def close(self) -> None:
        self.inner.close()
