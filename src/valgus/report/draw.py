"""Drawing on frames: hip-knee-ankle lines, the line over the foot, labels, face blur.

Functions take an RGB uint8 image and return a new one (inputs are not modified).
Points are pixel (x, y) pairs of the same image.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

RGB = NDArray[np.uint8]
Point = tuple[float, float]

GREEN = (46, 160, 67)
AMBER = (230, 150, 0)
RED = (215, 38, 61)
WHITE = (255, 255, 255)
LEVEL_COLOURS = {0: GREEN, 1: AMBER, 2: RED}
FACE_POINTS = (
    "nose",
    "left_eye",
    "right_eye",
    "left_ear",
    "right_ear",
    "mouth_left",
    "mouth_right",
)


@dataclass(frozen=True)
class LegDrawing:
    hip: Point
    knee: Point
    ankle: Point
    foot_index: Point
    level: int  # 0 typical, 1 above typical, 2 well above typical
    label: str
    line_x: float | None = None  # the foot's line at the knee's travel; None: over the toes


def png_bytes(img: RGB, /) -> bytes:
    """An RGB image as PNG file bytes."""
    ok, buf = cv2.imencode(".png", cv2.cvtColor(img, cv2.COLOR_RGB2BGR))
    if not ok:  # pragma: no cover - OpenCV failure
        raise ValueError("could not encode a PNG")
    return bytes(buf)


def _pt(p: Point) -> tuple[int, int]:
    return round(p[0]), round(p[1])


def blur_face(img: RGB, face: list[Point], /, *, scale_px: float) -> RGB:
    """Blur an ellipse around the face landmarks (eyes, ears, nose, mouth)."""
    pts = np.array([p for p in face if np.all(np.isfinite(p))], dtype=np.float64)
    if len(pts) < 2:
        return img.copy()
    cx, cy = pts.mean(axis=0)
    r = max(float(np.ptp(pts[:, 0])), 0.08 * scale_px) * 1.1
    mask = np.zeros(img.shape[:2], dtype=np.uint8)
    cv2.ellipse(mask, _pt((cx, cy)), (int(r), int(r * 1.35)), 0, 0, 360, 255, -1)
    k = max(15, int(r) | 1)
    out = img.copy()
    ys, xs = np.nonzero(mask)
    if len(ys) == 0:
        return out
    # Blur only a window around the ellipse, padded by the kernel's radius: the pixels inside
    # the ellipse get the values a whole-picture blur gives (8 faces at 1080x1920: 0.53 -> 0.05 s).
    pad = k // 2 + 1
    y0, y1 = max(0, ys.min() - pad), min(img.shape[0], ys.max() + 1 + pad)
    x0, x1 = max(0, xs.min() - pad), min(img.shape[1], xs.max() + 1 + pad)
    window = np.ascontiguousarray(img[y0:y1, x0:x1])
    blurred = cv2.GaussianBlur(window, (k, k), 0)
    inside = mask[y0:y1, x0:x1] > 0
    out[y0:y1, x0:x1][inside] = blurred[inside]
    return out


def draw_leg(img: RGB, leg: LegDrawing, /, *, thickness: int) -> RGB:
    """Hip-knee-ankle lines in the leg's colour (white for a level below 0: not judged), the
    foot's line at the knee dashed (the vertical over the toes where line_x is not given)."""
    out = img.copy()
    colour = LEVEL_COLOURS[leg.level] if leg.level >= 0 else (230, 230, 230)
    base = leg.foot_index if leg.line_x is None else (leg.line_x, leg.ankle[1])
    _dashed_vertical(
        out, base, leg.knee[1] - 0.15 * abs(leg.ankle[1] - leg.hip[1]), WHITE, thickness
    )
    cv2.line(out, _pt(leg.hip), _pt(leg.knee), colour, thickness, cv2.LINE_AA)
    cv2.line(out, _pt(leg.knee), _pt(leg.ankle), colour, thickness, cv2.LINE_AA)
    cv2.line(out, _pt(leg.ankle), _pt(leg.foot_index), WHITE, max(1, thickness // 2), cv2.LINE_AA)
    for p in (leg.hip, leg.knee, leg.ankle):
        cv2.circle(out, _pt(p), thickness + 2, colour, -1, cv2.LINE_AA)
    return out


def _dashed_vertical(
    img: RGB, base: Point, top_y: float, colour: tuple[int, int, int], thickness: int
) -> None:
    x, y = base
    step = max(6, 3 * thickness)
    while y > top_y:
        cv2.line(
            img,
            _pt((x, y)),
            _pt((x, max(top_y, y - step))),
            colour,
            max(1, thickness // 2),
            cv2.LINE_AA,
        )
        y -= 2 * step


def fit_text_scale(texts: list[str], *, width_px: int, preferred: float) -> float:
    """Largest font scale up to `preferred` at which every text fits in width_px."""
    widest = max(cv2.getTextSize(t, cv2.FONT_HERSHEY_SIMPLEX, 1.0, 2)[0][0] for t in texts)
    return float(max(0.3, min(preferred, width_px / max(widest, 1))))


def put_label(
    img: RGB, text: str, origin: Point, colour: tuple[int, int, int], *, scale: float
) -> RGB:
    """Text on a dark box, readable on any background."""
    out = img.copy()
    font, thick = cv2.FONT_HERSHEY_SIMPLEX, max(1, round(scale * 2))
    (w, h), base = cv2.getTextSize(text, font, scale, thick)
    x, y = _pt(origin)
    x = int(np.clip(x, 0, max(0, out.shape[1] - w - 4)))
    y = int(np.clip(y, h + 4, out.shape[0] - 4))
    cv2.rectangle(out, (x - 3, y - h - 5), (x + w + 3, y + base), (20, 20, 20), -1)
    cv2.putText(out, text, (x, y), font, scale, colour, thick, cv2.LINE_AA)
    return out


def crop_around(img: RGB, points: list[Point], /, *, margin: float, top_margin: float) -> RGB:
    """Crop to the points' bounding box grown by `margin` of its size (top: `top_margin`,
    room for the head above the eye and ear landmarks)."""
    pts = np.array([p for p in points if np.all(np.isfinite(p))], dtype=np.float64)
    if not len(pts):
        return img.copy()
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    size = max(y1 - y0, x1 - x0)
    h, w = img.shape[:2]
    xa, xb = int(max(0, x0 - margin * size)), int(min(w, x1 + margin * size))
    ya, yb = int(max(0, y0 - top_margin * size)), int(min(h, y1 + margin * size))
    return img[ya:yb, xa:xb].copy()


def side_by_side(images: list[RGB], /, *, height: int) -> RGB:
    """Images scaled to one height and joined left to right with a thin gap."""
    scaled = [
        cv2.resize(
            im,
            (max(1, int(im.shape[1] * height / im.shape[0])), height),
            interpolation=cv2.INTER_AREA,
        )
        for im in images
    ]
    gap = np.full((height, 8, 3), 255, dtype=np.uint8)
    parts: list[RGB] = []
    for im in scaled:
        parts += [im, gap]
    return np.ascontiguousarray(np.concatenate(parts[:-1], axis=1))
