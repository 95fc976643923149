"""Drop-jump events: synthetic series with analytic event times, and the OpenCap drop jumps
against their force plate (DJ1) or their own 100 Hz estimate (DJ4)."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pytest

from tests.paths import shared_file
from valgus.bench.landing import (
    force_events,
    frontal_measures,
    plate_events,
    pose_drop_jumps,
    resample_poses,
    standing_offsets,
)
from valgus.errors import InputError
from valgus.io.mocap import load_mocap
from valgus.kinematics.landing import (
    CONTACT_LEVEL,
    JumpEvents,
    detect_drop_jumps,
    landing_heights,
    noise_sd,
)
from valgus.schema import KEYPOINTS

G = 9.81 / 0.9  # gravity in leg lengths / s^2 for a 0.9 m leg
BOX = 0.35  # a 30 cm box, in leg lengths
V_LIFT = 0.8  # the feet rise off the box at this speed (L/s): a 2.9 cm lift
V_JUMP = 2.5  # take-off speed of the jump (L/s): flight 0.46 s
CONTACT_S = 0.45  # ground contact of the drop jump
DEPTH = 0.3  # hip drop at peak flexion (L)

Fn = Callable[[np.ndarray], np.ndarray]


@dataclass
class Series:
    """A piecewise analytic foot and hip path and its event times (s)."""

    pieces: list[tuple[float, float, Fn, Fn]] = field(default_factory=list)  # t0, t1, foot, hip
    drops: list[float] = field(default_factory=list)
    contacts: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    take_offs: list[float | None] = field(default_factory=list)
    end: float = 0.0

    def add(self, duration: float, foot: Fn, hip: Fn | None = None) -> None:
        t0 = self.end
        hip_fn = hip if hip is not None else (lambda tau, f=foot: f(tau) + 1.0)
        self.pieces.append((t0, t0 + duration, foot, hip_fn))
        self.end = t0 + duration

    def stand_box(self, duration: float = 1.0) -> None:
        self.add(duration, lambda tau: np.full_like(tau, BOX))

    def stand_floor(self, duration: float = 1.0) -> None:
        self.add(duration, lambda tau: np.zeros_like(tau))

    def fall(self, *, lift: float = V_LIFT, height: float = BOX) -> None:
        """Leave the box rising at `lift`, fall freely to the floor."""
        tau_c = (lift + math.sqrt(lift**2 + 2 * G * height)) / G
        self.drops.append(self.end)
        self.add(tau_c, lambda tau: height + lift * tau - G * tau**2 / 2)
        self.contacts.append(self.end)

    def absorb_and_jump(self, *, jump: bool = True, contact_s: float = CONTACT_S) -> None:
        self.peaks.append(self.end + contact_s / 2)
        self.add(
            contact_s,
            lambda tau: np.zeros_like(tau),
            lambda tau: 1.0 - DEPTH * np.sin(np.pi * tau / contact_s),
        )
        if not jump:
            self.take_offs.append(None)
            return
        self.take_offs.append(self.end)
        self.add(2 * V_JUMP / G, lambda tau: V_JUMP * tau - G * tau**2 / 2)  # flight
        self.add(
            0.5, lambda tau: np.zeros_like(tau), lambda tau: 1 - 0.15 * np.sin(np.pi * tau / 0.5)
        )

    def drop_jump(self, **kw: float) -> None:
        self.fall()
        self.absorb_and_jump(**kw)  # type: ignore[arg-type]

    def walk_back_and_step_up(self) -> None:
        """Walk on the floor (the lower foot stays down, small bumps), step onto the box."""
        self.add(1.5, lambda tau: 0.02 * np.abs(np.sin(2 * np.pi * tau)))
        self.add(0.5, lambda tau: BOX * (1 - np.cos(np.pi * tau / 0.5)) / 2)

    def sample(
        self, fps: float, *, phase: float = 0.0, noise: float = 0.0, seed: int = 0
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        t = np.arange(phase, self.end, 1.0 / fps)
        foot, hip = np.full_like(t, np.nan), np.full_like(t, np.nan)
        for t0, t1, f, h in self.pieces:
            m = (t >= t0) & (t < t1)
            foot[m], hip[m] = f(t[m] - t0), h(t[m] - t0)
        rng = np.random.default_rng(seed)
        return t, foot + rng.normal(0, noise, t.size), hip + rng.normal(0, noise, t.size)


def one_trial(*, jump: bool = True) -> Series:
    s = Series()
    s.stand_box()
    s.fall()
    s.absorb_and_jump(jump=jump)
    s.stand_floor()
    return s


# Analytic error bounds of the interpolated threshold crossing (module docstring of
# valgus.kinematics.landing). The foot path has a kink at contact: falling at speed v,
# then flat. The detector times the crossing of c above the floor, which on the true
# path is c / v early. Linear interpolation between the last sample in the air (tau
# before the kink) and the first on the floor puts it at dt (1 - c / (v tau)) after the
# air sample: the error dt (1 - c/(v tau)) - tau is largest, dt - 2 sqrt(dt c / v), at
# tau = sqrt(dt c / v). Noise of SD sigma moves the samples, the crossing by about
# sigma / v each; 4 SD covers the seeds used. The level c widens to 3 noise SDs.
def contact_bounds(fps: float, noise: float, v: float) -> tuple[float, float]:
    dt = 1 / fps
    c = max(CONTACT_LEVEL, 3 * noise)
    early = -(c + 4 * noise) / v - 1e-3
    late = max(0.0, dt - 2 * math.sqrt(dt * c / v)) + 4 * noise / v + 1e-3
    return early, late


def take_off_bounds(fps: float, noise: float) -> tuple[float, float]:
    lo, hi = contact_bounds(fps, noise, V_JUMP)  # mirror image: time runs the other way
    return -hi, -lo


def peak_bound(fps: float, noise: float) -> float:
    """The hip near its lowest point: 1 - A + A (pi/T)^2 dt^2 / 2; a 3-SD error of the
    0.1 s running mean (sigma / sqrt(samples)) moves the minimum by (T/pi) sqrt(2 d / A)."""
    samples = max(3, round(0.1 * fps) | 1)
    d = 3 * noise / math.sqrt(samples)
    return CONTACT_S / math.pi * math.sqrt(2 * d / DEPTH) + 0.5 / fps + 1e-3


IMPACT = math.sqrt(V_LIFT**2 + 2 * G * BOX)


def check(events: list[JumpEvents], s: Series, fps: float, noise: float) -> None:
    assert len(events) == len(s.contacts)
    lo, hi = contact_bounds(fps, noise, IMPACT)
    to_lo, to_hi = take_off_bounds(fps, noise)
    for e, contact, peak, take_off, drop in zip(
        events, s.contacts, s.peaks, s.take_offs, s.drops, strict=True
    ):
        assert lo <= e.contact_s - contact <= hi, (e, contact)
        assert abs(e.peak_flexion_s - peak) <= peak_bound(fps, noise), (e, peak)
        if take_off is None:
            assert e.take_off is None and e.take_off_s is None
        else:
            assert e.take_off_s is not None
            assert to_lo <= e.take_off_s - take_off <= to_hi, (e, take_off)
        # drop: the end of the stance before the 2.9 cm lift (clean), or, when jitter
        # hides the lift, the frame the foot falls 3 SD below the box (analytic time).
        assert e.drop_s is not None
        band = max(0.01, 3 * noise)
        late = (V_LIFT + math.sqrt(V_LIFT**2 + 2 * G * band)) / G if noise else 0.05
        assert drop - 1 / fps - 0.02 <= e.drop_s <= drop + late + 1 / fps, (e, drop)


@pytest.mark.parametrize("fps", [30.0, 60.0, 100.0])
@pytest.mark.parametrize("noise", [0.0, 0.005, 0.01])
def test_one_trial_events_within_analytic_bounds(fps: float, noise: float) -> None:
    s = one_trial()
    for k, phase in enumerate(np.linspace(0, 1 / fps, 4, endpoint=False)):
        t, foot, hip = s.sample(fps, phase=float(phase), noise=noise, seed=k)
        events = detect_drop_jumps(t, foot, hip)
        check(events, s, fps, noise)
        e = events[0]
        # frames agree with the times
        assert t[e.contact - 1] < e.contact_s <= t[e.contact]
        assert e.take_off is not None and e.take_off_s is not None
        assert t[e.take_off] <= e.take_off_s < t[e.take_off + 1]
        assert e.contact < e.peak_flexion < e.take_off


def test_bounds_are_tight_enough_to_fail() -> None:
    """A detector that reported the first floor frame (no interpolation) would be late by
    up to a frame at 30 fps: beyond the analytic bound."""
    s = one_trial()
    fps = 30.0
    _, hi = contact_bounds(fps, 0.0, IMPACT)
    worst = 0.0
    for phase in np.linspace(0, 1 / fps, 10, endpoint=False):
        t, foot, hip = s.sample(fps, phase=float(phase))
        e = detect_drop_jumps(t, foot, hip)[0]
        worst = max(worst, t[e.contact] - s.contacts[0])
    assert worst > hi


@pytest.mark.parametrize("fps, noise", [(30.0, 0.005), (60.0, 0.01), (100.0, 0.0)])
def test_three_trials_with_walking_back_onto_the_box(fps: float, noise: float) -> None:
    s = Series()
    s.stand_box()
    for i in range(3):
        if i:
            s.walk_back_and_step_up()
            s.stand_box(0.8)
        s.drop_jump()
    s.stand_floor()
    t, foot, hip = s.sample(fps, noise=noise, seed=3)
    events = detect_drop_jumps(t, foot, hip)
    check(events, s, fps, noise)  # the landings after each jump are not new trials


def test_drop_landing_without_jump_has_no_take_off() -> None:
    s = one_trial(jump=False)
    t, foot, hip = s.sample(60.0, noise=0.005)
    events = detect_drop_jumps(t, foot, hip)
    check(events, s, 60.0, 0.005)
    assert events[0].take_off is None


def test_recording_starting_mid_fall_has_no_drop_frame() -> None:
    s = one_trial()
    t, foot, hip = s.sample(30.0)
    start = np.searchsorted(t, s.drops[0] + 0.1)  # 0.1 s into the fall
    events = detect_drop_jumps(t[start:], foot[start:], hip[start:])
    assert len(events) == 1
    assert events[0].drop is None and events[0].drop_s is None
    lo, hi = contact_bounds(30.0, 0.0, IMPACT)
    assert lo <= events[0].contact_s - s.contacts[0] <= hi


def test_short_gaps_are_bridged() -> None:
    s = one_trial()
    t, foot, hip = s.sample(60.0)
    foot[np.abs(t - s.peaks[0]) < 0.08] = np.nan  # feet hidden around peak flexion
    hip[np.abs(t - s.contacts[0] + 0.3) < 0.05] = np.nan  # hips hidden in the fall
    check(detect_drop_jumps(t, foot, hip), s, 60.0, 0.0)


def test_no_drop_jump_gives_nothing() -> None:
    fps = 30.0
    rng = np.random.default_rng(7)
    t = np.arange(0, 8, 1 / fps)
    # squats on the floor
    hip = 1 - 0.3 * np.sin(np.pi * t / 2) ** 2
    assert detect_drop_jumps(t, rng.normal(0, 0.01, t.size), hip) == []
    # standing on the box the whole time
    assert detect_drop_jumps(t, BOX + rng.normal(0, 0.01, t.size), hip) == []
    # countermovement jumps from the floor: flights, but no drop from a box
    s = Series()
    for _ in range(3):
        s.stand_floor()
        s.absorb_and_jump()
    s.stand_floor()
    tt, foot, hh = s.sample(fps, noise=0.005)
    assert detect_drop_jumps(tt, foot, hh) == []
    # stepping down from the box slowly (the foot arrives at walking speed)
    s = Series()
    s.stand_box()
    s.add(0.6, lambda tau: BOX * (1 + np.cos(np.pi * tau / 0.6)) / 2)
    s.stand_floor(2.0)
    tt, foot, hh = s.sample(fps)
    assert detect_drop_jumps(tt, foot, hh) == []
    # nothing seen, or too short
    assert detect_drop_jumps(t, np.full_like(t, np.nan), hip) == []
    assert detect_drop_jumps(t[:2], t[:2], t[:2]) == []


def test_bad_inputs_raise() -> None:
    t = np.arange(10) / 30
    with pytest.raises(InputError, match="same length"):
        detect_drop_jumps(t, t[:-1], t)
    with pytest.raises(InputError, match="increasing"):
        detect_drop_jumps(t[::-1], t, t)


def test_noise_sd_estimate() -> None:
    rng = np.random.default_rng(1)
    t = np.arange(0, 10, 1 / 30)
    smooth = 0.3 * np.sin(2 * np.pi * 0.3 * t)
    assert noise_sd(smooth + rng.normal(0, 0.01, t.size)) == pytest.approx(0.01, rel=0.15)
    assert noise_sd(smooth) < 0.001


def test_landing_heights_from_image_points() -> None:
    """Leg length = hip-knee + knee-ankle (px); foot = lowest foot point; hip = mean."""
    k = len(KEYPOINTS)
    xy = np.full((2, 2, k), np.nan)
    conf = np.zeros((2, k))

    def put(name: str, x: float, y: list[float]) -> None:
        j = KEYPOINTS.index(name)
        xy[:, 0, j], xy[:, 1, j], conf[:, j] = x, y, 1.0

    for side, x in (("left", 300.0), ("right", 100.0)):
        put(f"{side}_hip", x, [100.0, 110.0])
        put(f"{side}_knee", x, [300.0, 310.0])
        put(f"{side}_ankle", x, [500.0, 510.0])
        put(f"{side}_heel", x, [520.0, 530.0])
        put(f"{side}_foot_index", x, [515.0, 540.0])
    conf[1, KEYPOINTS.index("right_foot_index")] = 0.1  # too unsure: ignored
    h = landing_heights(xy, conf, list(KEYPOINTS))
    assert h.leg_length_px == pytest.approx(400.0)
    np.testing.assert_allclose(h.foot, [-520.0 / 400, -540.0 / 400])
    np.testing.assert_allclose(h.hip, [-100.0 / 400, -110.0 / 400])


def test_force_events_interpolate_the_threshold() -> None:
    t = np.arange(8) * 0.01
    f = np.array([0.0, 0.0, 40.0, 800.0, 900.0, 30.0, 10.0, 0.0])
    # 20 N: up between 0.01 (0 N) and 0.02 (40 N) at half; down between 0.05 and 0.06
    ((contact, take_off),) = force_events(t, f, threshold_n=20.0)
    assert contact == pytest.approx(0.015)
    assert take_off == pytest.approx(0.05 + 0.01 * 10 / 20)


# ---------------------------------------------------------------------------- real drop jumps

# Tolerances measured on DJ1 (docs/landing.md, `valgus bench landing`): initial contact
# within +0.6 ms at 100 Hz; the interpolated crossing adds up to half a frame at lower
# rates. Take-off reads 13.7 ms early at 100 Hz: the toe marker sits on top of the shoe
# tip and rises as the foot plantarflexes about the toe, before the shoe leaves the plate;
# we allow that bias (15 ms) plus half a frame.
MARKER_TAKE_OFF_BIAS_S = 0.015


@pytest.fixture(scope="module")
def dj1() -> tuple[object, tuple[float, float]]:
    poses = load_mocap(shared_file("data", "mocap", "DJ1.trc"))
    (contact, take_off), _second_landing = plate_events(shared_file("data", "mocap", "DJ1_grf.mot"))
    assert take_off is not None
    return poses, (contact, take_off)


def test_dj1_force_plate_truth() -> None:
    """The plates: 7.3 N at 1.20 s, 338 N at 1.21 s; 32.7 N at 1.75 s, 0 at 1.76; the second
    landing 6.5 N at 2.34 s, 445.6 N at 2.35 s, still on the plates when the file ends."""
    (contact, take_off), (landing, end) = plate_events(shared_file("data", "mocap", "DJ1_grf.mot"))
    assert contact == pytest.approx(1.20 + 0.01 * (20 - 7.3) / (338.0 - 7.3), abs=1e-4)
    assert take_off == pytest.approx(1.75 + 0.01 * (32.7 - 20) / 32.7, abs=2e-4)
    assert landing == pytest.approx(2.34 + 0.01 * (20 - 6.5) / (445.6 - 6.5), abs=2e-4)
    assert end is None


@pytest.mark.parametrize("fps", [100.0, 60.0, 30.0])
def test_dj1_events_against_the_force_plate(dj1: tuple, fps: float) -> None:
    poses, (contact, take_off) = dj1
    half = 0.5 / fps
    phases = [0.0] if fps == 100.0 else [0.0, 0.01, 0.02]
    for phase in phases:
        ds = poses if fps == 100.0 else resample_poses(poses, fps, phase_s=phase)
        (e,) = pose_drop_jumps(ds)
        assert e.take_off_s is not None
        assert abs(e.contact_s - contact) <= half + 0.003, (fps, phase, e)
        err = e.take_off_s - take_off
        assert -MARKER_TAKE_OFF_BIAS_S - half <= err <= 0.003, (fps, phase, e)
        assert 1.38 <= e.peak_flexion_s <= 1.48  # lowest hip joint centres: 1.43-1.44 s
        assert e.drop_s is not None and 0.8 <= e.drop_s <= 0.95  # toes leave the box


def test_dj1_with_pose_model_jitter(dj1: tuple) -> None:
    """30 fps with 1 cm of jitter on every landmark: still one trial, errors within
    1.5 frame-halves plus the noise bound (4 SD / foot speed ~2.5 m/s = 16 ms)."""
    poses, (contact, take_off) = dj1
    for seed, phase in enumerate([0.0, 0.01, 0.02]):
        ds = resample_poses(poses, 30.0, phase_s=phase, jitter_mm=10.0, seed=seed)
        (e,) = pose_drop_jumps(ds)
        assert e.take_off_s is not None
        assert abs(e.contact_s - contact) <= 1 / 60 + 0.016
        assert -MARKER_TAKE_OFF_BIAS_S - 1 / 60 - 0.016 <= e.take_off_s - take_off <= 0.016


@pytest.mark.parametrize("fps", [60.0, 30.0])
def test_dj4_lower_rates_agree_with_its_100_hz_events(fps: float) -> None:
    poses = load_mocap(shared_file("data", "mocap", "DJ4.trc"))
    (ref,) = pose_drop_jumps(poses)
    assert ref.take_off_s is not None
    assert 1.35 <= ref.contact_s <= 1.45 and 1.85 <= ref.take_off_s <= 1.95
    for phase in (0.0, 0.01):
        (e,) = pose_drop_jumps(resample_poses(poses, fps, phase_s=phase))
        assert e.take_off_s is not None
        assert abs(e.contact_s - ref.contact_s) <= 0.5 / fps + 0.003
        assert abs(e.take_off_s - ref.take_off_s) <= 0.5 / fps + 0.003


@pytest.mark.parametrize("name", ["DJ1", "DJ4"])
def test_frontal_measures_at_contact_and_peak_flexion(name: str) -> None:
    """SOURCES.md: no gross valgus; lateral-knee / ankle separation about 1.3 at the
    deepest landing. The knees stay wider than the ankles at peak flexion (KASR > 1) and
    much wider than Noyes's untrained mean of 23 cm; the lateral knee markers sit about
    5 cm outside the joint (measured standing), so the joint-centre knee separation is
    about 10 cm less."""
    poses = load_mocap(shared_file("data", "mocap", f"{name}.trc"))
    (event,) = pose_drop_jumps(poses)
    contact, peak = frontal_measures(name, poses, event)
    assert 1.2 <= peak.kasr_markers <= 1.5
    assert peak.kasr_centres > 1.2 and contact.kasr_centres >= 0.95
    assert peak.knee_sep_cm > 40 and peak.knee_sep_cm > peak.ankle_sep_cm
    assert peak.nksd_markers > 1.5 and peak.nksd_centres > 1.3
    off = standing_offsets(poses)
    assert 0.04 <= off.knee_m <= 0.07 and 0.035 <= off.ankle_m <= 0.06
    # moving the knee 2 x offset inwards shrinks the knee separation by that much
    assert peak.nksd_markers - peak.nksd_centres == pytest.approx(
        2 * off.knee_m * 100 / peak.hip_sep_cm, rel=0.05
    )
