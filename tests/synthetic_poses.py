"""Synthetic pose Datasets: a 3D stick figure squatting, seen by an orthographic camera.

No video and no pose model: the 33 MediaPipe landmarks are placed on a simple body
(metres, y down, z towards the back of the scene; the subject faces the camera, so
the toes have smaller z than the heels), rotated about the vertical axis by a yaw
angle and projected to pixels. The world landmarks are the same 3D points relative
to the hip centre, as MediaPipe reports them.

Each rep follows a raised cosine (phase 0 standing, 1 at the bottom): the shank tilts
forward and the thigh backward, so the hips drop; the knee of each leg moves
medially by ``medial_shift_m * phase**shift_power`` (towards the other leg), which is the only
frontal-plane motion. Without a shift, hip, knee, ankle and foot index of each leg
share one image x, so FPPA and MKD are exactly 0.

The subject's left side has positive X before rotation: facing the camera, the
subject's left leg appears on the image right.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from valgus.schema import KEYPOINTS, make_poses

# Body in metres, standing, hip centre at the origin, y down.
HIP_HALF_WIDTH = 0.10
SHOULDER_HALF_WIDTH = 0.19
TORSO = 0.50  # hip centre to shoulder centre
THIGH = 0.45
SHANK = 0.43
LEG = THIGH + SHANK


@dataclass(frozen=True)
class Squat:
    """Parameters of a synthetic squat recording. Times in s, lengths in m."""

    n_reps: int = 3
    fps: float = 30.0
    rep_s: float = 2.4  # one rep, standing to standing
    pause_s: float = 0.6  # standing between reps
    lead_s: float = 1.0  # standing before the first rep
    tail_s: float = 1.0  # standing after the last rep
    thigh_max_deg: float = 55.0  # thigh angle from vertical at the bottom
    shank_max_deg: float = 30.0  # shank angle from vertical at the bottom
    medial_shift_m: dict[str, float] = field(default_factory=lambda: {"left": 0.0, "right": 0.0})
    shift_power: float = 1.0  # knee shift = medial_shift_m * phase**shift_power
    yaw_deg: float = 0.0  # rotation about the vertical axis; 0 = facing the camera
    mirrored: bool = False  # selfie-style mirrored image
    width: int = 1080
    height: int = 1920
    px_per_m: float = 1000.0
    hip_y_px: float = 800.0  # image y of the hip centre when standing
    visibility: float = 0.99
    # Single-leg squat: the standing leg ("left"/"right"); the other foot is held lift_m
    # off the floor and behind. At the bottom the lifted side's hip is lower by
    # pelvic_drop_deg and the trunk leans trunk_lean_deg toward the standing leg (both
    # scale with the phase).
    stance: str | None = None
    lift_m: float = 0.15
    pelvic_drop_deg: float = 0.0
    trunk_lean_deg: float = 0.0

    @property
    def rep_starts_s(self) -> np.ndarray:
        return self.lead_s + np.arange(self.n_reps) * (self.rep_s + self.pause_s)

    @property
    def bottoms_s(self) -> np.ndarray:
        return self.rep_starts_s + self.rep_s / 2

    @property
    def duration_s(self) -> float:
        return (
            self.lead_s
            + self.n_reps * self.rep_s
            + max(self.n_reps - 1, 0) * self.pause_s
            + self.tail_s
        )

    @property
    def time_s(self) -> np.ndarray:
        n = round(self.duration_s * self.fps) + 1
        return np.arange(n) / self.fps

    def phase(self) -> np.ndarray:
        """(T,) 0 standing, 1 at the bottom of each rep (raised cosine)."""
        t = self.time_s
        p = np.zeros_like(t)
        for start in self.rep_starts_s:
            inside = (t >= start) & (t <= start + self.rep_s)
            p[inside] = 0.5 * (1 - np.cos(2 * np.pi * (t[inside] - start) / self.rep_s))
        return p

    def bottom_depth(self) -> float:
        """Hip drop at the bottom / leg length (frontal view)."""
        drop = SHANK * (1 - np.cos(np.radians(self.shank_max_deg))) + THIGH * (
            1 - np.cos(np.radians(self.thigh_max_deg))
        )
        return float(drop / LEG)


def body_3d(sq: Squat) -> np.ndarray:
    """(T, 3, 33) landmark positions in metres, floor-fixed frame (before rotation)."""
    p = sq.phase()
    n = len(p)
    pts = np.full((n, 3, len(KEYPOINTS)), np.nan)
    idx = {k: i for i, k in enumerate(KEYPOINTS)}

    def put(name: str, x: np.ndarray | float, y: np.ndarray | float, z: np.ndarray | float) -> None:
        pts[:, 0, idx[name]] = x
        pts[:, 1, idx[name]] = y
        pts[:, 2, idx[name]] = z

    shank = np.radians(sq.shank_max_deg) * p
    thigh = np.radians(sq.thigh_max_deg) * p
    ankle_y = LEG
    knee_y = ankle_y - SHANK * np.cos(shank)
    knee_z = -SHANK * np.sin(shank)  # knee moves forward (towards the camera)
    hip_y = knee_y - THIGH * np.cos(thigh)
    hip_z = knee_z + THIGH * np.sin(thigh)  # hips move back
    drop_y = 2 * HIP_HALF_WIDTH * np.tan(np.radians(sq.pelvic_drop_deg) * p)
    stance_sign = {"left": 1.0, "right": -1.0}.get(sq.stance or "", 0.0)
    lean_x = stance_sign * TORSO * np.tan(np.radians(sq.trunk_lean_deg) * p)
    for side, sign in (("left", 1.0), ("right", -1.0)):
        x = sign * HIP_HALF_WIDTH
        shift = sq.medial_shift_m.get(side, 0.0) * p**sq.shift_power
        lifted = sq.stance is not None and side != sq.stance
        h_y = hip_y + (drop_y if lifted else 0.0)
        put(f"{side}_hip", x, h_y, hip_z)
        if lifted:  # knee bent, foot held behind and off the floor
            put(f"{side}_knee", x, h_y + THIGH * 0.95, hip_z - 0.12)
            a_y = ankle_y - sq.lift_m
            put(f"{side}_ankle", x, a_y, hip_z + 0.25)
            put(f"{side}_heel", x, a_y + 0.02, hip_z + 0.30)
            put(f"{side}_foot_index", x, a_y + 0.06, hip_z + 0.12)
        else:
            put(f"{side}_knee", x - sign * shift, knee_y, knee_z)
            put(f"{side}_ankle", x, ankle_y, 0.0)
            put(f"{side}_heel", x, ankle_y + 0.05, 0.06)
            put(f"{side}_foot_index", x, ankle_y + 0.07, -0.16)
        # upper body follows the hips, torso upright
        put(f"{side}_shoulder", sign * SHOULDER_HALF_WIDTH + lean_x, hip_y - TORSO, hip_z)
        put(f"{side}_elbow", sign * 0.22, hip_y - TORSO + 0.28, hip_z)
        put(f"{side}_wrist", sign * 0.23, hip_y - TORSO + 0.52, hip_z - 0.02)
        for part, dy in (("pinky", 0.60), ("index", 0.61), ("thumb", 0.57)):
            put(f"{side}_{part}", sign * 0.23, hip_y - TORSO + dy, hip_z - 0.03)
        put(f"{side}_eye_inner", sign * 0.02, hip_y - TORSO - 0.25, hip_z - 0.10)
        put(f"{side}_eye", sign * 0.035, hip_y - TORSO - 0.25, hip_z - 0.10)
        put(f"{side}_eye_outer", sign * 0.05, hip_y - TORSO - 0.25, hip_z - 0.09)
        put(f"{side}_ear", sign * 0.075, hip_y - TORSO - 0.23, hip_z - 0.02)
        put(f"mouth_{side}", sign * 0.025, hip_y - TORSO - 0.16, hip_z - 0.10)
    put("nose", 0.0, hip_y - TORSO - 0.21, hip_z - 0.12)
    assert not np.isnan(pts).any()
    return pts


def rotate_yaw(pts: np.ndarray, yaw_deg: float) -> np.ndarray:
    """Rotate (T, 3, K) points about the vertical (y) axis."""
    c, s = np.cos(np.radians(yaw_deg)), np.sin(np.radians(yaw_deg))
    out = pts.copy()
    out[:, 0] = c * pts[:, 0] + s * pts[:, 2]
    out[:, 2] = -s * pts[:, 0] + c * pts[:, 2]
    return out


def make_squat_poses(sq: Squat | None = None, /) -> xr.Dataset:
    """The pose Dataset of a synthetic squat recording."""
    sq = sq or Squat()
    pts = rotate_yaw(body_3d(sq), sq.yaw_deg)
    x = pts[:, 0] * sq.px_per_m
    if sq.mirrored:
        x = -x
    pos = np.stack([sq.width / 2 + x, sq.hip_y_px + pts[:, 1] * sq.px_per_m], axis=1)
    hip_centre = (
        pts[:, :, [KEYPOINTS.index("left_hip")]] + pts[:, :, [KEYPOINTS.index("right_hip")]]
    ) / 2
    world = pts - hip_centre
    conf = np.full((len(pts), len(KEYPOINTS)), sq.visibility)
    return make_poses(
        pos,
        world,
        conf,
        sq.time_s,
        attrs={
            "source": "synthetic",
            "width": sq.width,
            "height": sq.height,
            "rotation": 0,
            "fps": sq.fps,
            "model": "synthetic",
        },
    )


def with_nan(ds: xr.Dataset, keypoint: str, frames: slice, /) -> xr.Dataset:
    """Copy with one keypoint missing (NaN position, 0 confidence) in some frames."""
    out = ds.copy(deep=True)
    k = KEYPOINTS.index(keypoint)
    out.position.values[frames, :, k] = np.nan
    out.world.values[frames, :, k] = np.nan
    out.confidence.values[frames, k] = 0.0
    return out


def with_confidence(ds: xr.Dataset, keypoints: list[str], value: float, /) -> xr.Dataset:
    """Copy with the given keypoints' confidence set to `value` in every frame."""
    out = ds.copy(deep=True)
    for name in keypoints:
        out.confidence.values[:, KEYPOINTS.index(name)] = value
    return out
