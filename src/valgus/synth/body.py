"""Parametric body: segment lengths and radii scaled by standing height. Pure numpy.

Segment lengths follow the Drillis & Contini (1966) fractions of standing height H,
as reproduced in Winter, *Biomechanics and Motor Control of Human Movement*
(4th ed., 2009, Fig. 4.1): greater trochanter (hip) 0.530 H, knee 0.285 H,
ankle 0.039 H, shoulder 0.818 H, chin 0.870 H, upper arm 0.186 H, forearm
0.146 H, hand 0.108 H, foot length 0.152 H, foot breadth 0.055 H, shoulder
breadth 0.259 H, hip breadth 0.191 H. Joint-centre separations (hip joints,
shoulder joints) and limb radii are not in that table; they are set to plausible
adult values (hip joint centres about 0.12 H apart, i.e. ~21 cm at 1.75 m) and
scaled by H / 1.75 m.

Body frame: x = subject's left, y = up, z = forward (the subject faces +z), metres,
floor at y = 0.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]

REFERENCE_HEIGHT_M = 1.75


@dataclass(frozen=True)
class BodyDims:
    """Segment lengths, widths and radii of one body, metres."""

    height_m: float
    thigh_m: float
    shank_m: float
    ankle_height_m: float
    hip_joint_width_m: float
    pelvis_width_m: float
    trunk_m: float
    shoulder_joint_width_m: float
    neck_m: float
    head_half_width_m: float
    head_half_height_m: float
    head_half_depth_m: float
    upper_arm_m: float
    forearm_m: float
    hand_m: float
    foot_length_m: float
    foot_breadth_m: float
    heel_back_m: float
    thigh_radius_m: float
    knee_radius_m: float
    calf_radius_m: float
    ankle_radius_m: float
    arm_radius_m: float
    forearm_radius_m: float

    @property
    def scale(self) -> float:
        """Height relative to the 1.75 m reference body."""
        return self.height_m / REFERENCE_HEIGHT_M


def body_dims(height_m: float = 1.75) -> BodyDims:
    """Body dimensions for a standing height, from the Drillis & Contini fractions."""
    h = float(height_m)
    s = h / REFERENCE_HEIGHT_M
    return BodyDims(
        height_m=h,
        thigh_m=(0.530 - 0.285) * h,
        shank_m=(0.285 - 0.039) * h,
        ankle_height_m=0.039 * h,
        hip_joint_width_m=0.12 * h,
        pelvis_width_m=0.191 * h,
        trunk_m=(0.818 - 0.530) * h,
        shoulder_joint_width_m=0.205 * h,
        neck_m=(0.870 - 0.818) * h,
        head_half_width_m=0.078 * s,
        head_half_height_m=0.112 * s,
        head_half_depth_m=0.097 * s,
        upper_arm_m=0.186 * h,
        forearm_m=0.146 * h,
        hand_m=0.108 * h,
        foot_length_m=0.152 * h,
        foot_breadth_m=0.055 * h,
        heel_back_m=0.05 * s,
        thigh_radius_m=0.085 * s,
        knee_radius_m=0.056 * s,
        calf_radius_m=0.054 * s,
        ankle_radius_m=0.036 * s,
        arm_radius_m=0.045 * s,
        forearm_radius_m=0.035 * s,
    )


def unit(v: FloatArray) -> FloatArray:
    """v / |v| over the last axis (zero vectors stay zero)."""
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return np.asarray(np.where(n > 0, v / np.where(n > 0, n, 1.0), 0.0), dtype=np.float64)


def rot_y(angle_rad: float) -> FloatArray:
    """Rotation about the vertical axis (x toward z positive for positive angles... see code)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    return np.array([[c, 0.0, s], [0.0, 1.0, 0.0], [-s, 0.0, c]])


def foot_points(
    ankle: FloatArray, dims: BodyDims, *, toe_out_deg: float, side_sign: float
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Heel, foot index (2nd toe tip) and the foot's forward unit vector, for one foot.

    side_sign: +1 for the left foot (x = subject's left), -1 for the right.
    Toe-out turns the toes away from the midline.
    """
    a = np.radians(toe_out_deg) * side_sign
    forward = np.array([np.sin(a), 0.0, np.cos(a)])
    heel = ankle - forward * dims.heel_back_m
    heel = np.array([heel[0], 0.022 * dims.scale, heel[2]])
    medial = -side_sign * np.array([forward[2], 0.0, -forward[0]])
    # The 2nd toe tip lies a little medial of the foot's long axis.
    toe = (
        ankle
        + forward * (dims.foot_length_m - dims.heel_back_m - 0.012 * dims.scale)
        + medial * 0.1 * dims.foot_breadth_m
    )
    toe = np.array([toe[0], 0.018 * dims.scale, toe[2]])
    return heel, toe, forward


def head_points(
    head: FloatArray, forward: FloatArray, up: FloatArray, dims: BodyDims
) -> dict[str, FloatArray]:
    """Face landmarks (MediaPipe names) on the head ellipsoid, given its centre and axes."""
    fwd, upv = unit(forward), unit(up)
    left = unit(np.cross(upv, fwd))
    a, b, c = dims.head_half_width_m, dims.head_half_height_m, dims.head_half_depth_m

    def on(x: float, y: float, z: float) -> FloatArray:
        return np.asarray(head + left * x + upv * y + fwd * z, dtype=np.float64)

    eye_x, eye_y = 0.40 * a, 0.10 * b
    eye_z = c * np.sqrt(max(0.0, 1 - 0.4**2 - 0.1**2))
    return {
        "nose": on(0.0, -0.12 * b, c + 0.018 * dims.scale),
        "left_eye_inner": on(eye_x * 0.6, eye_y, eye_z),
        "left_eye": on(eye_x, eye_y, eye_z * 0.98),
        "left_eye_outer": on(eye_x * 1.4, eye_y, eye_z * 0.93),
        "right_eye_inner": on(-eye_x * 0.6, eye_y, eye_z),
        "right_eye": on(-eye_x, eye_y, eye_z * 0.98),
        "right_eye_outer": on(-eye_x * 1.4, eye_y, eye_z * 0.93),
        "left_ear": on(a, 0.0, -0.05 * c),
        "right_ear": on(-a, 0.0, -0.05 * c),
        "mouth_left": on(0.28 * a, -0.45 * b, 0.86 * c),
        "mouth_right": on(-0.28 * a, -0.45 * b, 0.86 * c),
    }


# Heights above the sole of the heel and foot-index points (foot_points), and how far the
# drawn sole reaches beyond them (render._shoe_parts), at the 1.75 m reference body.
HEEL_SOLE_M = 0.022
TOE_SOLE_M = 0.018
SOLE_OVERHANG_M = 0.012


def sole_front_m(dims: BodyDims) -> float:
    """Distance along the foot from the ankle to the front end of the sole (toe tip)."""
    return dims.foot_length_m - dims.heel_back_m


def sole_length_m(dims: BodyDims) -> float:
    """Length of the drawn sole, heel end to toe end."""
    return dims.foot_length_m + SOLE_OVERHANG_M * dims.scale


def foot_axes(
    toe_out_deg: float, side_sign: float, pitch_deg: float
) -> tuple[FloatArray, FloatArray]:
    """(forward, up) unit vectors of a foot turned out and pitched.

    forward runs heel to toe, up is the sole's normal. pitch_deg > 0 raises the heel
    (plantar flexion): forward tilts down, up tilts forward. pitch 0 gives the flat foot
    of :func:`foot_points`.
    """
    a = np.radians(toe_out_deg) * side_sign
    flat = np.array([np.sin(a), 0.0, np.cos(a)])
    p = np.radians(pitch_deg)
    vertical = np.array([0.0, 1.0, 0.0])
    return flat * np.cos(p) - vertical * np.sin(p), vertical * np.cos(p) + flat * np.sin(p)


def foot_at_ankle(
    ankle: FloatArray, dims: BodyDims, forward: FloatArray, up: FloatArray, side_sign: float
) -> tuple[FloatArray, FloatArray]:
    """Heel and foot index (2nd toe tip) of a foot in any orientation (forward, up unit).

    Same foot as :func:`foot_points` (heel 5 cm behind the ankle, 2.2 cm above the sole;
    the toe tip at the front, 1.8 cm above the sole, slightly medial), posed rigidly.
    """
    sc = dims.scale
    medial = -side_sign * np.cross(up, forward)
    heel = ankle - forward * dims.heel_back_m + up * (HEEL_SOLE_M * sc - dims.ankle_height_m)
    toe = (
        ankle
        + forward * (sole_front_m(dims) - SOLE_OVERHANG_M * sc)
        + medial * 0.1 * dims.foot_breadth_m
        + up * (TOE_SOLE_M * sc - dims.ankle_height_m)
    )
    return np.asarray(heel, dtype=np.float64), np.asarray(toe, dtype=np.float64)


def ankle_from_front(
    front: FloatArray, dims: BodyDims, forward: FloatArray, up: FloatArray
) -> FloatArray:
    """Ankle of a foot whose sole's front end (under the toe tip) is at `front`.

    A foot pivoting on its toes (heel rising, toes landing first) keeps this point fixed.
    """
    return np.asarray(
        front - forward * sole_front_m(dims) + up * dims.ankle_height_m, dtype=np.float64
    )


def sole_points(
    heel: FloatArray, toe: FloatArray, up: FloatArray, dims: BodyDims
) -> tuple[FloatArray, FloatArray]:
    """The sole under the heel point and under the toe tip (their lowest points)."""
    sc = dims.scale
    return (
        np.asarray(heel - up * HEEL_SOLE_M * sc, dtype=np.float64),
        np.asarray(toe - up * TOE_SOLE_M * sc, dtype=np.float64),
    )
