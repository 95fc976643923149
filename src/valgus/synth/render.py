"""Draw the synthetic subject with OpenCV and stream it to an MP4 with PyAV.

The figure is a clothed, shaded cartoon person (face, hair, neck, shirt, arms,
trousers, socks, shoes with sole, heel and toe) on a wall-and-floor background.
Body parts are drawn back to front by camera depth, anti-aliased, with sub-pixel
precision. MediaPipe Pose detects this figure and places its landmarks on the drawn
joints (see docs/synthetic-truth.md for the measured agreement).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import cv2
import numpy as np
from numpy.typing import NDArray

from valgus.synth.body import BodyDims, unit
from valgus.synth.camera import CameraParams, camera_pose, project
from valgus.synth.scene import Block

FloatArray = NDArray[np.float64]
Image = NDArray[np.uint8]
RGB = tuple[int, int, int]

_SHIFT = 4
_ONE = 1 << _SHIFT


@dataclass(frozen=True)
class RenderParams:
    """Look of the figure and how the video is stored. Colours are RGB."""

    fps: float = 30.0
    rotation_deg: int = 0
    noise_std: float = 0.0
    wall_rgb: RGB = (224, 220, 210)
    floor_rgb: RGB = (150, 126, 100)
    shirt_rgb: RGB = (40, 105, 185)
    trousers_rgb: RGB = (48, 50, 62)
    sock_rgb: RGB = (236, 236, 232)
    shoe_rgb: RGB = (196, 52, 46)
    sole_rgb: RGB = (246, 246, 240)
    skin_rgb: RGB = (226, 176, 140)
    hair_rgb: RGB = (62, 42, 28)
    crf: int = 18
    seed: int = 0

    def __post_init__(self) -> None:
        problems = render_param_problems(self)
        if problems:
            raise ValueError("; ".join(problems))


def render_param_problems(r: RenderParams) -> list[str]:
    """Human-readable problems with render options (empty when valid)."""
    out = []
    if not 1.0 <= r.fps <= 240.0:
        out.append(f"fps must be in 1..240, got {r.fps}")
    if r.rotation_deg not in (0, 90, 180, 270):
        out.append(f"rotation_deg must be 0, 90, 180 or 270, got {r.rotation_deg}")
    if not 0.0 <= r.noise_std <= 50.0:
        out.append(f"noise_std must be in 0..50, got {r.noise_std}")
    if not 0 <= r.crf <= 51:
        out.append(f"crf must be in 0..51, got {r.crf}")
    return out


# ---------------------------------------------------------------- primitives


def _shade(color: RGB, k: float) -> RGB:
    """Colour scaled toward black (k < 1) or white (k > 1)."""
    c = np.asarray(color, dtype=np.float64)
    out = c * k if k <= 1 else c + (255 - c) * (k - 1)
    r, g, b = np.clip(out, 0, 255).round().astype(int)
    return (int(r), int(g), int(b))


def _fixed(pts: FloatArray) -> NDArray[np.int32]:
    return np.asarray(np.round(pts * _ONE), dtype=np.int32)


def _hull_of_circles(centres: FloatArray, radii: FloatArray) -> FloatArray:
    """Convex hull (k, 2) of 2D circles."""
    ang = np.linspace(0, 2 * np.pi, 28, endpoint=False)
    ring = np.stack([np.cos(ang), np.sin(ang)], axis=-1)
    pts = (centres[:, None, :] + radii[:, None, None] * ring[None]).reshape(-1, 2)
    hull = cv2.convexHull(pts.astype(np.float32))
    return np.asarray(hull.reshape(-1, 2), dtype=np.float64)


def _fill(img: Image, poly: FloatArray, color: RGB) -> None:
    cv2.fillPoly(img, [_fixed(poly)], color, cv2.LINE_AA, _SHIFT)


def _blob(
    img: Image, centres: FloatArray, radii: FloatArray, color: RGB, light: FloatArray
) -> None:
    """A shaded solid: dark rim, base colour, highlight offset toward the light."""
    if not np.all(np.isfinite(centres)) or np.any(radii <= 0):
        return
    _fill(img, _hull_of_circles(centres, radii), _shade(color, 0.72))
    _fill(img, _hull_of_circles(centres + light * radii[:, None] * 0.10, radii * 0.84), color)
    _fill(
        img,
        _hull_of_circles(centres + light * radii[:, None] * 0.35, radii * 0.38),
        _shade(color, 1.16),
    )


def _ellipse(
    img: Image, centre: FloatArray, axes: FloatArray, angle_deg: float, color: RGB
) -> None:
    c = (round(float(centre[0]) * _ONE), round(float(centre[1]) * _ONE))
    ax = (max(1, round(float(axes[0]) * _ONE)), max(1, round(float(axes[1]) * _ONE)))
    cv2.ellipse(img, c, ax, angle_deg, 0, 360, color, -1, cv2.LINE_AA, _SHIFT)


# ---------------------------------------------------------------- scene


@dataclass(frozen=True)
class _View:
    """Everything a part needs to project itself."""

    cam: CameraParams
    centre: FloatArray
    rot: FloatArray
    dims: BodyDims
    style: RenderParams

    def px(self, p: FloatArray) -> tuple[FloatArray, FloatArray]:
        return project(np.asarray(p, dtype=np.float64), self.cam)

    def spheres(self, centres: FloatArray, radii_m: FloatArray) -> tuple[FloatArray, FloatArray]:
        xy, depth = self.px(centres)
        return xy, self.cam.focal_px * np.asarray(radii_m, dtype=np.float64) / depth

    def facing(self, point: FloatArray, normal: FloatArray) -> float:
        """Cosine between a surface normal and the direction to the camera."""
        return float(np.dot(unit(normal), unit(self.centre - point)))


Part = tuple[float, Callable[[Image], None]]


def background(cam: CameraParams, style: RenderParams, wall_distance_m: float = 1.6) -> Image:
    """Wall and floor as the camera sees them (the wall stands behind the subject)."""
    h, w = cam.height_px, cam.width_px
    img = np.empty((h, w, 3), dtype=np.uint8)
    _, rot = camera_pose(cam)
    f = cam.focal_px
    # Row of the wall-floor line: floor point straight ahead at camera distance + wall distance.
    pitch = np.radians(cam.pitch_deg)
    dist = cam.distance_m + wall_distance_m
    ang = np.arctan2(cam.height_m, dist) - pitch
    row = int(np.clip(h / 2 + f * np.tan(ang), 0, h))
    rows = np.arange(h, dtype=np.float64)[:, None]
    wall_grad = 1.0 - 0.06 * (rows / max(h, 1))
    floor_grad = 0.92 + 0.12 * (rows - row) / max(h - row, 1)
    img[:row] = np.clip(np.asarray(style.wall_rgb) * wall_grad[:row, :, None], 0, 255)
    img[row:] = np.clip(np.asarray(style.floor_rgb) * floor_grad[row:, :, None], 0, 255)
    skirting = max(2, int(0.006 * h))
    img[max(0, row - skirting) : row] = _shade(style.wall_rgb, 0.8)
    del rot
    return img


# Box faces: (outward normal, corner indices, shade); corner i has x = bit 0, y = bit 1,
# z = bit 2 of i (0 = low, 1 = high).
_BLOCK_FACES = (
    ((0.0, 1.0, 0.0), (2, 3, 7, 6), 1.12),
    ((0.0, 0.0, 1.0), (4, 5, 7, 6), 0.92),
    ((1.0, 0.0, 0.0), (1, 3, 7, 5), 0.74),
    ((-1.0, 0.0, 0.0), (0, 2, 6, 4), 0.74),
    ((0.0, 0.0, -1.0), (0, 1, 3, 2), 0.6),
)


def draw_blocks(img: Image, blocks: Sequence[Block], cam: CameraParams) -> Image:
    """Shaded axis-aligned boxes (valgus.synth.scene) drawn onto a copy of img.

    Meant for the background: the figure stands on or in front of them, so it is drawn
    after them. Faces turned away from the camera are skipped; edges are darkened.
    """
    out = img.copy()
    centre, _ = camera_pose(cam)
    for b in blocks:
        corners = np.array(
            [
                [(b.x0, b.x1)[i & 1], (b.y0, b.y1)[(i >> 1) & 1], (b.z0, b.z1)[(i >> 2) & 1]]
                for i in range(8)
            ]
        )
        xy, depth = project(corners, cam)
        if np.any(depth <= 0.05):
            continue
        for normal, idx, k in _BLOCK_FACES:
            face = corners[list(idx)]
            if np.dot(np.asarray(normal), centre - face.mean(axis=0)) <= 0:
                continue
            poly = xy[list(idx)]
            _fill(out, poly, _shade(b.rgb, k))
            edge = _shade(b.rgb, 0.55)
            cv2.polylines(out, [_fixed(poly)], True, edge, 1, cv2.LINE_AA, _SHIFT)
    return out


def _limb(
    v: _View,
    a: FloatArray,
    b: FloatArray,
    ra: float,
    rb: float,
    color: RGB,
    light: FloatArray,
    bias: float = 0.0,
) -> Part:
    xy, r = v.spheres(np.stack([a, b]), np.array([ra, rb]))
    _, depth = v.px(np.stack([a, b]))
    return float(depth.mean()) + bias, lambda img: _blob(img, xy, r, color, light)


def _solid(
    v: _View,
    centres: FloatArray,
    radii: FloatArray,
    color: RGB,
    light: FloatArray,
    depth_key: float,
) -> Part:
    xy, r = v.spheres(centres, radii)
    return depth_key, lambda img: _blob(img, xy, r, color, light)


def _leg_parts(v: _View, p: dict[str, FloatArray], side: str, light: FloatArray) -> list[Part]:
    d, s = v.dims, v.style
    hip, knee, ankle = p[f"{side}_hip"], p[f"{side}_knee"], p[f"{side}_ankle"]
    hem = ankle + (knee - ankle) * 0.32
    knee_depth = float(v.px(knee)[1])
    ankle_depth = float(v.px(ankle)[1])
    parts = [
        _limb(
            v, hip, knee, d.thigh_radius_m, d.knee_radius_m + 0.004 * d.scale, s.trousers_rgb, light
        ),
        _limb(v, knee, hem, d.knee_radius_m, d.calf_radius_m * 0.9, s.trousers_rgb, light),
        _solid(
            v,
            knee[None],
            np.array([d.knee_radius_m + 0.006 * d.scale]),
            s.trousers_rgb,
            light,
            knee_depth - 0.03,
        ),
        _limb(
            v, hem, ankle, d.calf_radius_m * 0.78, d.ankle_radius_m * 0.9, s.skin_rgb, light, 0.004
        ),
        _solid(v, ankle[None], np.array([d.ankle_radius_m]), s.skin_rgb, light, ankle_depth - 0.01),
    ]
    parts += _shoe_parts(v, p, side, light)
    return parts


def _shoe_parts(v: _View, p: dict[str, FloatArray], side: str, light: FloatArray) -> list[Part]:
    d, s = v.dims, v.style
    ankle, heel, toe = p[f"{side}_ankle"], p[f"{side}_heel"], p[f"{side}_foot_index"]
    frame = _sole_frame(p, side, d.scale)
    if frame is not None:  # a foot off the floor: build the shoe where its sole is y = 0
        heel, toe = _to_sole(frame, heel), _to_sole(frame, toe)
    fwd = unit(np.array([toe[0] - heel[0], 0.0, toe[2] - heel[2]]))
    lat = np.cross([0.0, 1.0, 0.0], fwd)
    half = d.foot_breadth_m / 2
    back = np.array([heel[0], 0.0, heel[2]]) - fwd * 0.012 * d.scale
    front = np.array([toe[0], 0.0, toe[2]]) + fwd * 0.012 * d.scale
    length = float(np.linalg.norm(front - back))
    sole_h, sc = 0.022 * d.scale, d.scale
    # (along the foot from the heel, across, height) of the shoe outline.
    upper_pts = [
        (0.0, 0.75, 0.0),
        (0.0, 0.75, 0.04 * sc),
        (0.22, 0.8, 0.042 * sc),
        (0.22, 0.8, 0.0),
        (0.72, 1.0, 0.0),
        (0.72, 1.0, 0.042 * sc),
        (0.92, 0.75, 0.0),
        (0.92, 0.75, 0.034 * sc),
        (1.0, 0.3, 0.0),
        (1.0, 0.3, 0.022 * sc),
        (0.5, 0.9, 0.05 * sc),
    ]
    pts3 = []
    for along, across, height in upper_pts:
        for sign in (-1.0, 1.0):
            base = back + fwd * along * length + lat * sign * across * half
            pts3.append(base + np.array([0.0, height, 0.0]))
    upper = np.asarray(pts3)
    sole = np.asarray([q + np.array([0.0, 0.0, 0.0]) for q in upper])
    sole = sole[sole[:, 1] < 1e-9]
    centre = sole.mean(axis=0)
    sole = centre + (sole - centre) * np.array([1.04, 1.0, 1.04])
    sole = np.concatenate([sole, sole + np.array([0.0, sole_h, 0.0])])
    upper = np.maximum(upper, [-np.inf, sole_h * 0.6, -np.inf])
    if frame is not None:
        upper, sole = _from_sole(frame, upper), _from_sole(frame, sole)
    up_xy_lift, _ = v.px(upper)
    sole_xy, _ = v.px(sole)
    key = float(v.px(ankle)[1]) - 0.001

    def draw(img: Image) -> None:
        _fill(img, _as_hull(sole_xy), _shade(s.sole_rgb, 0.8))
        _fill(img, _shrink(_as_hull(sole_xy), 0.97), s.sole_rgb)
        upper_lifted = _as_hull(up_xy_lift)
        _fill(img, upper_lifted, _shade(s.shoe_rgb, 0.72))
        _fill(img, _shrink(upper_lifted, 0.9), s.shoe_rgb)

    del light
    return [(key, draw)]


def _sole_frame(
    p: dict[str, FloatArray], side: str, scale: float
) -> tuple[FloatArray, FloatArray] | None:
    """(rotation, offset) to a frame where the sole lies on y = 0, for a foot with a given
    sole normal p['{side}_foot_up'] (lying or sitting figures, valgus.synth.figure_pose);
    None for a foot on the floor (the sole is then the floor)."""
    up = p.get(f"{side}_foot_up")
    if up is None:
        return None
    u = unit(np.asarray(up, dtype=np.float64))
    axis, c = np.cross(u, [0.0, 1.0, 0.0]), float(u[1])
    if np.linalg.norm(axis) < 1e-9:
        rot = np.eye(3) if c > 0 else np.diag([1.0, -1.0, -1.0])
    else:
        k = np.array([[0, -axis[2], axis[1]], [axis[2], 0, -axis[0]], [-axis[1], axis[0], 0]])
        rot = np.eye(3) + k + k @ k / (1 + c)  # Rodrigues: u -> y
    heel_y = float((rot @ p[f"{side}_heel"])[1])
    return rot, np.array([0.0, heel_y - 0.022 * scale, 0.0])


def _to_sole(frame: tuple[FloatArray, FloatArray], pts: FloatArray) -> FloatArray:
    rot, offset = frame
    return np.asarray(pts @ rot.T - offset, dtype=np.float64)


def _from_sole(frame: tuple[FloatArray, FloatArray], pts: FloatArray) -> FloatArray:
    rot, offset = frame
    return np.asarray((pts + offset) @ rot, dtype=np.float64)


def _as_hull(pts: FloatArray) -> FloatArray:
    return np.asarray(cv2.convexHull(pts.astype(np.float32)).reshape(-1, 2), dtype=np.float64)


def _shrink(poly: FloatArray, k: float) -> FloatArray:
    c = poly.mean(axis=0)
    return np.asarray(c + (poly - c) * k, dtype=np.float64)


def _trunk_parts(v: _View, p: dict[str, FloatArray], light: FloatArray) -> list[Part]:
    d, s, sc = v.dims, v.style, v.dims.scale
    pelvis, neck = p["pelvis"], p["neck"]
    up = unit(neck - pelvis)
    # The body's left, across the shoulders ((1, 0, 0) for an upright figure facing +z).
    left = p["left_shoulder"] - p["right_shoulder"]
    left = unit(left - np.dot(left, up) * up)
    # The pelvis's left, along the hip joints: a tilted pelvis (pelvic drop) tilts the
    # waist; the shirt turns from it to the shoulder line going up.
    pelvis_left = unit(p["left_hip"] - p["right_hip"])
    hw = d.hip_joint_width_m / 2
    pelvis_depth = float(v.px(pelvis)[1])
    hips = np.stack(
        [
            p["left_hip"] - up * 0.03 * sc,
            p["right_hip"] - up * 0.03 * sc,
            pelvis + up * 0.07 * sc + pelvis_left * 0.1 * sc,
            pelvis + up * 0.07 * sc - pelvis_left * 0.1 * sc,
            pelvis - up * 0.06 * sc,
        ]
    )
    hip_r = np.array([d.thigh_radius_m + 0.01 * sc] * 2 + [0.075 * sc] * 2 + [0.06 * sc])
    rows = [(0.12, 0.095, 0.095), (0.45, 0.105, 0.105), (0.78, 0.11, 0.1), (0.93, 0.135, 0.065)]
    centres, radii = [], []
    for frac, off, r in rows:
        across = unit(pelvis_left + (left - pelvis_left) * frac)
        for sign in (1.0, -1.0):
            centres.append(pelvis + up * frac * d.trunk_m + across * sign * off * sc)
            radii.append(r * sc)
    del hw
    return [
        _solid(v, hips, hip_r, s.trousers_rgb, light, pelvis_depth + 0.08),
        _solid(v, np.asarray(centres), np.asarray(radii), s.shirt_rgb, light, pelvis_depth + 0.09),
    ]


def _arm_parts(v: _View, p: dict[str, FloatArray], side: str, light: FloatArray) -> list[Part]:
    d, s, sc = v.dims, v.style, v.dims.scale
    sh, el, wr = p[f"{side}_shoulder"], p[f"{side}_elbow"], p[f"{side}_wrist"]
    sleeve = sh + (el - sh) * 0.55
    hand = wr + unit(wr - el) * 0.045 * sc
    hand_key = float(v.px(hand)[1])
    return [
        _limb(v, sh, el, d.arm_radius_m * 0.95, d.forearm_radius_m * 1.1, s.skin_rgb, light),
        _limb(
            v, sh, sleeve, d.arm_radius_m * 1.25, d.arm_radius_m * 1.15, s.shirt_rgb, light, -0.003
        ),
        _limb(v, el, wr, d.forearm_radius_m, d.forearm_radius_m * 0.8, s.skin_rgb, light),
        _solid(v, hand[None], np.array([0.042 * sc]), s.skin_rgb, light, hand_key),
    ]


def _ellipsoid_outline(
    v: _View, centre: FloatArray, axes: list[FloatArray]
) -> tuple[FloatArray, FloatArray, float]:
    """Image ellipse (centre, semi-axes, angle deg) of an ellipsoid with 3D semi-axis vectors."""
    c_xy, depth = v.px(centre)
    jac = v.rot[:2]  # right, down rows
    m = sum(np.outer(jac @ a, jac @ a) for a in axes)
    vals, vecs = np.linalg.eigh(m)
    scale = v.cam.focal_px / float(depth)
    semi = np.sqrt(np.maximum(vals, 1e-12)) * scale
    angle = float(np.degrees(np.arctan2(vecs[1, 0], vecs[0, 0])))
    return c_xy, semi, angle


def _head_part(v: _View, p: dict[str, FloatArray], light: FloatArray) -> list[Part]:
    d, s, sc = v.dims, v.style, v.dims.scale
    head, neck = p["head"], p["neck"]
    fwd = unit(p["nose"] - head)
    up = unit(p["head_top"] - head)
    fwd = unit(fwd - np.dot(fwd, up) * up)
    left = np.cross(up, fwd)
    a, b, c = d.head_half_width_m, d.head_half_height_m, d.head_half_depth_m
    head_key = float(v.px(head)[1])
    neck_top = head - up * b * 0.75

    hair = _ellipsoid_outline(
        v, head + up * 0.07 * b - fwd * 0.08 * c, [left * a * 1.04, up * b * 0.98, fwd * c * 1.0]
    )
    face = _ellipsoid_outline(
        v, head - up * 0.04 * b + fwd * 0.03 * c, [left * a * 0.97, up * b * 0.94, fwd * c * 0.97]
    )

    def feature(name: str) -> tuple[FloatArray, float]:
        xy, _ = v.px(p[name])
        return xy, v.facing(p[name], p[name] - head)

    def draw(img: Image) -> None:
        f = v.cam.focal_px / float(v.px(head)[1])
        ears = [(feature(n), n) for n in ("left_ear", "right_ear")]
        for (xy, facing), _ in ears:
            if facing <= 0.25:
                _ellipse(img, xy, np.array([0.018, 0.03]) * sc * f, 0, _shade(s.skin_rgb, 0.85))
        _ellipse(img, hair[0], hair[1], hair[2], s.hair_rgb)
        _ellipse(img, face[0], face[1], face[2], s.skin_rgb)
        # Fringe: the hair line over the forehead.
        _fringe(img, v, head, up, fwd, left, (a, b, c), s.hair_rgb)
        for (xy, facing), _ in ears:
            if facing > 0.25:
                _ellipse(img, xy, np.array([0.016, 0.028]) * sc * f, 0, _shade(s.skin_rgb, 0.85))
                _ellipse(img, xy, np.array([0.008, 0.016]) * sc * f, 0, _shade(s.skin_rgb, 0.65))
        _face_features(img, v, p, head, f, sc)

    return [
        _limb(v, neck, neck_top, 0.052 * sc, 0.05 * sc, s.skin_rgb, light, 0.02),
        (head_key, draw),
    ]


def _fringe(
    img: Image,
    v: _View,
    head: FloatArray,
    up: FloatArray,
    fwd: FloatArray,
    left: FloatArray,
    abc: tuple[float, float, float],
    color: RGB,
) -> None:
    a, b, c = abc
    pts = []
    for el in np.linspace(np.radians(35), np.radians(90), 6):
        for az in np.linspace(-np.pi, np.pi, 24, endpoint=False):
            q = (
                head
                + left * a * np.cos(el) * np.sin(az)
                + up * b * np.sin(el)
                + fwd * c * np.cos(el) * np.cos(az)
            )
            if v.facing(q, q - head) > -0.1:
                pts.append(q)
    if len(pts) >= 3:
        xy, _ = v.px(np.asarray(pts))
        _fill(img, _as_hull(xy), color)


def _face_features(
    img: Image, v: _View, p: dict[str, FloatArray], head: FloatArray, f: float, sc: float
) -> None:
    s = v.style
    for side in ("left", "right"):
        name = f"{side}_eye"
        if v.facing(p[name], p[name] - head) <= 0.15:
            continue
        xy, _ = v.px(p[name])
        _ellipse(img, xy, np.array([0.011, 0.007]) * sc * f, 0, (250, 250, 250))
        _ellipse(img, xy, np.array([0.0055, 0.0055]) * sc * f, 0, (35, 28, 24))
        brow = xy + np.array([0.0, -0.016 * sc * f])
        half = np.array([0.012 * sc * f, 0.0])
        cv2.line(
            img,
            tuple(_fixed(brow - half)),
            tuple(_fixed(brow + half)),
            s.hair_rgb,
            max(1, round(0.004 * sc * f)),
            cv2.LINE_AA,
            _SHIFT,
        )
    if v.facing(p["nose"], p["nose"] - head) > 0.1:
        xy, _ = v.px(p["nose"])
        _ellipse(img, xy, np.array([0.008, 0.009]) * sc * f, 0, _shade(s.skin_rgb, 0.78))
        _ellipse(
            img,
            xy - np.array([0, 0.004 * sc * f]),
            np.array([0.005, 0.007]) * sc * f,
            0,
            _shade(s.skin_rgb, 1.08),
        )
    ml, mr = p["mouth_left"], p["mouth_right"]
    if v.facing((ml + mr) / 2, (ml + mr) / 2 - head) > 0.1:
        a, _ = v.px(ml)
        b, _ = v.px(mr)
        cv2.line(
            img,
            tuple(_fixed(a)),
            tuple(_fixed(b)),
            (150, 60, 60),
            max(1, round(0.007 * sc * f)),
            cv2.LINE_AA,
            _SHIFT,
        )


def frame_parts(
    points: dict[str, FloatArray], cam: CameraParams, dims: BodyDims, style: RenderParams
) -> list[Part]:
    """All drawable parts of one frame, each with its camera depth (farthest drawn first)."""
    centre, rot = camera_pose(cam)
    v = _View(cam, centre, rot, dims, style)
    light = np.array([-0.6, -0.8])  # highlight toward the image's upper left
    parts: list[Part] = []
    parts += _trunk_parts(v, points, light)
    for side in ("left", "right"):
        parts += _leg_parts(v, points, side, light)
        parts += _arm_parts(v, points, side, light)
    parts += _head_part(v, points, light)
    return parts


def draw_frame(
    points: dict[str, FloatArray],
    cam: CameraParams,
    dims: BodyDims,
    style: RenderParams,
    bg: Image,
    rng: np.random.Generator | None = None,
) -> Image:
    """One RGB frame (height_px, width_px, 3) of the figure over a background."""
    img = bg.copy()
    for _, draw in sorted(frame_parts(points, cam, dims, style), key=lambda x: -x[0]):
        draw(img)
    img = cv2.GaussianBlur(img, (3, 3), 0.6)
    if style.noise_std > 0 and rng is not None:
        noise = rng.normal(0.0, style.noise_std, img.shape)
        img = np.clip(img.astype(np.float64) + noise, 0, 255).astype(np.uint8)
    return img


# ---------------------------------------------------------------- video


# stored_frame and video_writer live in valgus.io.video_out (shared with the report).
