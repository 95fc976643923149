"""Frontal-plane measures from 2D points.

Every function takes arrays of points with the coordinates in the last axis,
shape (..., 2), in pixels of the displayed frame (x right, y down), and works
frame by frame over any leading axes. Inputs are never modified; NaN in, NaN out.

Definitions follow docs/evidence.md §1:

- FPPA (Willson 2006; Munro 2012; mocapr ``add_frontal_plane_projection_angle``):
  the angle between the thigh vector u = K - H and the shank vector v = A - K,
  acos(u.v / |u||v|), 0 when hip, knee and ankle are collinear. Positive when
  the knee lies medial of the hip-ankle line (valgus), negative when lateral.
- Medial is the direction towards the other leg. We take it from the other
  hip, so the sign is right for either leg, for mirrored video and for a
  subject facing away, without knowing which image side a leg is on.
- KASR = |K_L - K_R| / |A_L - A_R| (Mizner 2012), NKSD = |K_L - K_R| / |H_L - H_R|
  (Noyes 2005; Sigward 2011). Bilateral tasks only.
- Medial knee displacement (MKD): horizontal offset of the knee from the
  vertical through the foot index (the 2nd-toe tip), positive medial,
  divided by the leg length. The LESS item 9 and the overhead-squat criterion
  ("the knee passes inside the big toe") judge the same geometry.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def _cross(a: FloatArray, b: FloatArray) -> FloatArray:
    """z component of the 2D cross product, over the last axis."""
    return np.asarray(a[..., 0] * b[..., 1] - a[..., 1] * b[..., 0], dtype=np.float64)


def medial_sign(
    hip: FloatArray, ankle: FloatArray, knee: FloatArray, other_hip: FloatArray
) -> FloatArray:
    """+1 where the knee lies on the other hip's side of the hip-ankle line, -1 otherwise.

    0 where the knee is exactly on the line; NaN where any point is missing.
    """
    axis = ankle - hip
    knee_side = np.sign(_cross(axis, knee - hip))
    medial_side = np.sign(_cross(axis, other_hip - hip))
    return np.asarray(knee_side * medial_side, dtype=np.float64)


def fppa_deg(
    hip: FloatArray, knee: FloatArray, ankle: FloatArray, other_hip: FloatArray
) -> FloatArray:
    """Frontal-plane projection angle in degrees, positive = valgus.

    All arguments (..., 2) in px. Returns (...).
    """
    u = knee - hip
    v = ankle - knee
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    with np.errstate(invalid="ignore"):
        angle = np.degrees(np.arccos(np.clip(cos, -1.0, 1.0)))
    return np.asarray(angle * medial_sign(hip, ankle, knee, other_hip), dtype=np.float64)


def knee_deviation(
    hip: FloatArray, knee: FloatArray, ankle: FloatArray, other_hip: FloatArray
) -> FloatArray:
    """Signed distance of the knee from the hip-ankle line, px; positive = medial (FPKD)."""
    axis = ankle - hip
    dist = np.abs(_cross(axis, knee - hip)) / np.linalg.norm(axis, axis=-1)
    return np.asarray(dist * medial_sign(hip, ankle, knee, other_hip), dtype=np.float64)


def separation(a: FloatArray, b: FloatArray) -> FloatArray:
    """Distance between two points, px."""
    return np.asarray(np.linalg.norm(a - b, axis=-1), dtype=np.float64)


def kasr(
    knee_l: FloatArray, knee_r: FloatArray, ankle_l: FloatArray, ankle_r: FloatArray
) -> FloatArray:
    """Knee-to-ankle separation ratio; < 1 means the knees are inside the ankles."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return separation(knee_l, knee_r) / separation(ankle_l, ankle_r)


def nksd(
    knee_l: FloatArray, knee_r: FloatArray, hip_l: FloatArray, hip_r: FloatArray
) -> FloatArray:
    """Normalised knee separation: knee separation / hip separation (Noyes 2005)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return separation(knee_l, knee_r) / separation(hip_l, hip_r)


def medial_knee_displacement(
    knee: FloatArray,
    foot_index: FloatArray,
    other_hip: FloatArray,
    hip: FloatArray,
    leg_length_px: FloatArray | float,
) -> FloatArray:
    """Knee offset from the vertical through the foot index, / leg length; + = medial.

    Medial is the image-x direction from this hip towards the other hip.
    leg_length_px: hip-knee + knee-ankle length of this leg when standing.
    """
    medial_x = np.sign(other_hip[..., 0] - hip[..., 0])
    offset = (knee[..., 0] - foot_index[..., 0]) * medial_x
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(offset / leg_length_px, dtype=np.float64)


# Heel-to-toe length over hip-to-ankle length. Anthropometry: foot length 0.152 and thigh +
# shank 0.245 + 0.246 of body height (Drillis & Contini 1966, in Winter, Biomechanics and Motor
# Control of Human Movement, 4th ed., 2009, fig. 4.1): 0.152 / 0.491 = 0.31. The renderer's
# body reads 0.33 through MediaPipe (heel to foot index, docs/method.md).
FOOT_TO_LEG = 0.31


def toe_out_deg(
    heel: FloatArray,
    foot_index: FloatArray,
    hip: FloatArray,
    other_hip: FloatArray,
    leg_length_px: FloatArray | float,
) -> FloatArray:
    """How far the foot is turned out from straight ahead, degrees (+ out, - in), from a
    frontal picture: the toe's sideways offset from the heel is foot length * sin(angle),
    the foot length taken as FOOT_TO_LEG of the leg. Out = away from the other hip."""
    lateral_x = np.sign(hip[..., 0] - other_hip[..., 0])
    offset = (foot_index[..., 0] - heel[..., 0]) * lateral_x
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.clip(offset / (FOOT_TO_LEG * np.asarray(leg_length_px)), -1.0, 1.0)
    return np.asarray(np.degrees(np.arcsin(ratio)), dtype=np.float64)


def knee_forward_px(
    knee: FloatArray, ankle: FloatArray, shin_standing_px: FloatArray | float
) -> FloatArray:
    """How far the knee has travelled forward of its ankle (toward the camera), px, from the
    shin's foreshortening: a shin of standing length S that looks s long in the picture is
    tilted out of the picture's plane by sqrt(S^2 - s^2). 0 where it looks full length.
    Unsigned (a frontal camera cannot tell forward from back; in a squat the knee goes
    forward). Perspective makes a knee nearer the camera look lower, so this reads a little
    high, about 0.02-0.05 of a leg length at the bottom of a squat (docs/method.md)."""
    s2 = np.sum((knee - ankle) ** 2, axis=-1)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.sqrt(np.clip(np.asarray(shin_standing_px) ** 2 - s2, 0.0, None)))


def knee_over_foot(
    knee: FloatArray,
    ankle: FloatArray,
    hip: FloatArray,
    other_hip: FloatArray,
    *,
    forward_px: FloatArray,
    toe_out_deg: FloatArray | float,
    leg_length_px: FloatArray | float,
) -> FloatArray:
    """Knee over the foot along the foot's own direction, / leg length; + = medial.

    The knee's horizontal distance from the vertical plane through the ankle along the
    foot's direction (heel to 2nd toe), the screening convention "knee over the second toe"
    (docs/method.md). In the picture: the foot's line leaves the ankle at its apparent
    toe-out (toe_out_deg, + out, as this camera sees it, so camera yaw is included) and, at
    the knee's forward travel forward_px, has moved outward by forward_px * tan(toe-out).
    The knee's medial offset from that point, times cos(toe-out), is its distance from the
    plane. A rotation about the vertical (camera yaw) leaves that distance unchanged when
    toe-out and forward travel are both taken as this camera sees them.
    """
    medial_x = np.sign(other_hip[..., 0] - hip[..., 0])
    phi = np.radians(np.asarray(toe_out_deg, dtype=np.float64))
    offset = (knee[..., 0] - ankle[..., 0]) * medial_x + forward_px * np.tan(phi)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.asarray(offset * np.cos(phi) / leg_length_px, dtype=np.float64)


def foot_line_x(
    ankle: FloatArray,
    hip: FloatArray,
    other_hip: FloatArray,
    *,
    forward_px: FloatArray,
    toe_out_deg: FloatArray | float,
) -> FloatArray:
    """Picture x of the foot's line (knee_over_foot) at the knee's forward travel: the
    ankle's x moved outward by forward_px * tan(toe-out). A knee medial of it is inside the
    foot's line (by knee_over_foot * leg length / cos(toe-out))."""
    medial_x = np.sign(other_hip[..., 0] - hip[..., 0])
    phi = np.radians(np.asarray(toe_out_deg, dtype=np.float64))
    return np.asarray(ankle[..., 0] - medial_x * forward_px * np.tan(phi), dtype=np.float64)


def leg_length_px(hip: FloatArray, knee: FloatArray, ankle: FloatArray) -> FloatArray:
    """Thigh + shank length in the image, px."""
    return separation(hip, knee) + separation(knee, ankle)


def thigh_foreshortening(hip: FloatArray, knee: FloatArray, thigh_standing_px: float) -> FloatArray:
    """Projected thigh length / standing thigh length: 1 upright, near 0 pointing at the camera."""
    return separation(hip, knee) / thigh_standing_px


def flexion_deg_3d(hip: FloatArray, knee: FloatArray, ankle: FloatArray) -> FloatArray:
    """Knee flexion from 3D points (..., 3): 0 straight, 90 at a right angle."""
    u = hip - knee
    v = ankle - knee
    cos = np.sum(u * v, axis=-1) / (np.linalg.norm(u, axis=-1) * np.linalg.norm(v, axis=-1))
    with np.errstate(invalid="ignore"):
        return np.asarray(180.0 - np.degrees(np.arccos(np.clip(cos, -1.0, 1.0))), dtype=np.float64)


def _lateral_unit(stance_hip: FloatArray, other_hip: FloatArray) -> FloatArray:
    """Image-x sign of the direction from the other (lifted-side) hip to the stance hip."""
    return np.asarray(np.sign(stance_hip[..., 0] - other_hip[..., 0]), dtype=np.float64)


def pelvic_drop_deg(stance_hip: FloatArray, other_hip: FloatArray) -> FloatArray:
    """Contralateral pelvic drop in a single-leg task, degrees (docs/evidence.md §1).

    The angle of the hip-to-hip line from the image horizontal, positive when the
    other (non-stance, lifted-side) hip is lower than the stance hip: the classic
    Trendelenburg sign (docs/evidence.md §6). Assumes a level camera (phone roll adds 1:1).
    """
    dx = np.abs(other_hip[..., 0] - stance_hip[..., 0])
    dy = other_hip[..., 1] - stance_hip[..., 1]  # y grows downwards: + = other hip lower
    return np.asarray(np.degrees(np.arctan2(dy, dx)), dtype=np.float64)


def trunk_lean_deg(
    stance_hip: FloatArray,
    other_hip: FloatArray,
    stance_shoulder: FloatArray,
    other_shoulder: FloatArray,
) -> FloatArray:
    """Lateral trunk lean in a single-leg task, degrees from the image vertical.

    The trunk line runs from the mid-hip to the mid-shoulder point; positive when it
    leans toward the stance side (the usual compensation for weak hip abductors,
    docs/evidence.md §6), negative toward the lifted side. Assumes a level camera.
    """
    trunk = (stance_shoulder + other_shoulder) / 2 - (stance_hip + other_hip) / 2
    toward_stance = trunk[..., 0] * _lateral_unit(stance_hip, other_hip)
    up = -trunk[..., 1]
    return np.asarray(np.degrees(np.arctan2(toward_stance, up)), dtype=np.float64)
