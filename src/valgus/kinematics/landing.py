"""Drop-jump events from the heights of the feet and hips (pure; no I/O).

The drop-jump screening test (Noyes et al. 2005, AJSM; docs/evidence.md §1, §4): the
subject stands on a box of about 30 cm, drops off, lands on both feet (**initial
contact**, IC), absorbs the landing down to **peak flexion** (PF) and jumps straight up as
high as possible (**take-off**), then lands again. Knee separation (NKSD), KASR and FPPA
are read at IC and PF (docs/evidence.md §1; Mizner 2012; Gray 2017), so those frames matter.

Inputs are heights **positive up, in units of standing leg length** (hip-knee + knee-ankle)
with an arbitrary zero: video callers pass -(image y) / leg length in px (see
``landing_heights``), mocap callers vertical metres / leg length. ``foot_height`` should be
the **lowest foot point of both feet** in each frame (the largest image y of both heels
and both foot indices), so that initial contact is the first foot to touch the floor and
take-off the last foot to leave it, as a total vertical-force threshold on two force
plates reads them. ``hip_height`` is the mean height of both hips. NaN marks gaps.

Definitions (all levels in leg lengths, L = standing leg length):

- floor: the lowest level the feet dwell at (minimum of a 0.1 s running median).
- on the floor: foot height within FLOOR_TOL of the floor (or 5 noise SDs if more); the
  series is cut into floor and air stretches; stretches shorter than MIN_RUN_S are noise.
- a drop: an air stretch that holds a still stance (range <= STILL_TOL for MIN_DWELL_S)
  at least BOX_MIN above the floor (the box), then falls to the floor within MAX_FALL_S,
  hitting it at MIN_IMPACT_SPEED or more (a free fall from 0.15 L reaches about 1.8 L/s;
  walking or stepping down is slower). An air stretch at the very start that only falls
  is a drop filmed mid-fall (``drop`` is None). A stretch that rises from the floor and
  falls back (the jump's flight) is not a drop: the landing after it is no new trial.
- initial contact: the first time the foot height comes down to CONTACT_LEVEL above the
  local floor (the median foot height of that floor stretch), linearly interpolated
  between frames (sub-frame time, ``contact_s``); ``contact`` is the first frame at or
  below that level.
- take-off: the last time the foot is at that level before a flight (air stretch rising
  at least JUMP_MIN above the floor, back down within MAX_FLIGHT_S, with no stance in
  it), interpolated likewise; ``take_off`` is the last frame on the floor. None when no
  such flight follows within MAX_CONTACT_S (drop landing, or the recording ends).
- peak flexion: the lowest hip between contact and take-off (or MAX_CONTACT_S after
  contact), on the hip height smoothed over 0.1 s; ``peak_flexion_s`` is the vertex of
  a parabola through the three samples around it.
- drop: the last frame of the box stance: the end of the last stretch of MIN_DWELL_S in
  which the foot stays within 0.02 L (or 6 noise SDs) before the fall, which ends where
  the toes lift off the box (at most MAX_LIFT_S before the fall). With 1 cm of jitter a
  lift of 2-3 cm is not seen and ``drop`` reads up to about 0.2 s late (the frame the
  foot falls 3 noise SDs below the box).

Truth for checking: force-plate initial contact / take-off where the total vertical force
of both plates crosses 20 N, interpolated between samples (docs/landing.md). Thresholds of
10-20 N are a common choice in force-plate landing work; the clinical reference gives no
figure, so 20 N is our choice (DERIVED); 10 N moves the DJ1 truth by -0.3 ms at contact
and +3.1 ms at take-off.
"""

from __future__ import annotations

import itertools
import math
import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from valgus.errors import InputError
from valgus.kinematics.angles import leg_length_px
from valgus.kinematics.filtering import interpolate_gaps

FloatArray = NDArray[np.float64]

# Levels in standing leg lengths (L, hip joint to ankle, about 0.85-0.9 m in adults); a
# 30 cm box is about 0.35 L. These are our own choices (DERIVED), set on the OpenCap drop
# jumps (docs/landing.md) and on synthetic series with up to 1 cm of jitter.
FLOOR_TOL = 0.08  # on-floor band; well above pose jitter (~0.01 L), well below a box
CONTACT_LEVEL = 0.02  # timing level above the local floor (~2 cm): fast-moving foot there
BOX_MIN = 0.15  # box stance at least this high above the floor (a ~13 cm step)
JUMP_MIN = 0.12  # the flight lifts the feet at least this high (~10 cm)
STILL_TOL = 0.04  # range of the foot height while standing on the box
MIN_DWELL_S = 0.25  # standing on the box at least this long
MAX_FALL_S = 0.8  # from leaving the box to contact (a 30 cm free fall takes 0.25 s)
MIN_IMPACT_SPEED = 1.0  # L/s, mean downward foot speed over the last 0.1 s before contact
MAX_FLIGHT_S = 1.0  # a vertical jump's flight (0.5 m high: 0.64 s)
MAX_CONTACT_S = 1.5  # drop-jump ground contact is well under this (DJ1: 0.55 s, DJ4: 0.51 s)
MIN_RUN_S = 0.05  # floor or air stretches shorter than this are noise
MAX_GAP_S = 0.25  # gaps up to this long are bridged linearly
MAX_LIFT_S = 0.3  # the feet lift off the box at most this long before falling past it
SMOOTH_S = 0.1  # hip smoothing window for peak flexion
MIN_CONFIDENCE = 0.3  # landmarks below this visibility count as missing


@dataclass(frozen=True)
class JumpEvents:
    """One drop-jump trial. Frame indices into the input series; times in s."""

    drop: int | None  # last frame on the box (None if the recording starts mid-fall)
    contact: int  # initial contact: first frame of the first landing on the floor
    peak_flexion: int  # deepest frame (lowest hip) between contact and take-off (or end)
    take_off: int | None  # last frame on the floor before the jump's flight (None if not seen)
    contact_s: float
    peak_flexion_s: float
    take_off_s: float | None
    drop_s: float | None


@dataclass(frozen=True)
class LandingHeights:
    """Heights for detect_drop_jumps from image points (positive up, leg lengths)."""

    foot: FloatArray  # (T,) lowest foot point of both feet
    hip: FloatArray  # (T,) mean of both hips
    leg_length_px: float  # standing leg length used as the unit


@dataclass(frozen=True)
class _Run:
    kind: str  # "floor", "air" or "gap"
    start: int
    stop: int  # exclusive


# ------------------------------------------------------------------------------ signals


def _nan_quiet_max(a: FloatArray, axis: int) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmax(a, axis=axis), dtype=np.float64)


def _nan_quiet_mean(a: FloatArray, axis: int) -> FloatArray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(a, axis=axis), dtype=np.float64)


def landing_heights(
    xy: FloatArray,
    confidence: FloatArray,
    names: list[str],
    /,
    *,
    min_confidence: float = MIN_CONFIDENCE,
) -> LandingHeights:
    """Foot and hip heights in leg lengths from image points (pose Dataset layout).

    xy (T, 2, K) px, y down; confidence (T, K); names the K keypoint names. Points below
    min_confidence are missing. The unit is the standing leg length: the 90th percentile
    over frames of the mean projected hip-knee-ankle length of both legs (squatting
    shortens the projection, standing does not).
    """
    if xy.ndim != 3 or xy.shape[1] != 2 or confidence.shape != (xy.shape[0], xy.shape[2]):
        raise InputError(f"landing_heights: xy {xy.shape} and confidence {confidence.shape} differ")
    pts = np.where((confidence >= min_confidence)[:, None, :], xy, np.nan)

    def p(name: str) -> FloatArray:
        return np.asarray(pts[:, :, names.index(name)], dtype=np.float64)

    legs = np.stack(
        [leg_length_px(p(f"{s}_hip"), p(f"{s}_knee"), p(f"{s}_ankle")) for s in ("left", "right")]
    )
    per_frame = _nan_quiet_mean(legs, axis=0)
    finite = per_frame[np.isfinite(per_frame)]
    if not finite.size:
        raise InputError("no frame shows hip, knee and ankle: the leg length is unknown")
    leg = float(np.percentile(finite, 90))
    feet = np.stack(
        [p(f"{s}_{part}")[:, 1] for s in ("left", "right") for part in ("heel", "foot_index")],
        axis=1,
    )
    hips = np.stack([p("left_hip")[:, 1], p("right_hip")[:, 1]], axis=1)
    foot = -_nan_quiet_max(feet, axis=1) / leg
    hip = -_nan_quiet_mean(hips, axis=1) / leg
    return LandingHeights(foot, hip, leg)


def noise_sd(values: FloatArray, /) -> float:
    """Robust SD of white noise on a smooth series, from second differences (MAD)."""
    d2 = np.diff(values[np.isfinite(values)], n=2)
    if d2.size < 3:
        return 0.0
    # Var(x[i+1] - 2x[i] + x[i-1]) = 6 sigma^2 for white noise; 1.4826 MAD = SD (normal).
    return float(1.4826 * np.median(np.abs(d2)) / math.sqrt(6.0))


def _window(time_s: FloatArray, seconds: float) -> int:
    """Odd number of samples spanning about `seconds` (at least 3)."""
    n = round(seconds / float(np.median(np.diff(time_s)))) if len(time_s) > 1 else 1
    return max(3, n + (n + 1) % 2)


def _running(values: FloatArray, width: int, how: str) -> FloatArray:
    """Centred running median or mean over `width` samples, NaN-aware; NaN stays NaN."""
    half = width // 2
    padded = np.concatenate([np.full(half, np.nan), values, np.full(half, np.nan)])
    windows = np.lib.stride_tricks.sliding_window_view(padded, width)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        out = np.nanmedian(windows, axis=1) if how == "median" else np.nanmean(windows, axis=1)
    return np.where(np.isfinite(values), out, np.nan)


def floor_level(time_s: FloatArray, foot: FloatArray, /) -> float:
    """The lowest level the feet dwell at: minimum of a 0.1 s running median."""
    med = _running(foot, _window(time_s, 0.1), "median")
    return float(np.nanmin(med))


# ------------------------------------------------------------------------------ segments


def _runs(state: NDArray[np.int8]) -> list[_Run]:
    kinds = {1: "floor", 0: "air", -1: "gap"}
    edges = np.flatnonzero(np.diff(state)) + 1
    bounds = [0, *edges.tolist(), len(state)]
    return [_Run(kinds[int(state[a])], a, b) for a, b in itertools.pairwise(bounds)]


def _segments(
    time_s: FloatArray, foot: FloatArray, floor: float, tol: float, min_run_s: float
) -> list[_Run]:
    """Floor / air / gap stretches; floor or air stretches shorter than min_run_s between
    two stretches of the other kind are absorbed (noise blips)."""
    state = np.where(np.isnan(foot), -1, np.where(foot <= floor + tol, 1, 0)).astype(np.int8)
    dt = float(np.median(np.diff(time_s)))
    changed = True
    while changed:
        changed = False
        runs = _runs(state)
        for i in range(1, len(runs) - 1):
            r, before, after = runs[i], runs[i - 1], runs[i + 1]
            if r.kind == "gap" or before.kind != after.kind or before.kind == "gap":
                continue
            if time_s[r.stop - 1] - time_s[r.start] + dt < min_run_s:
                state[r.start : r.stop] = 1 if before.kind == "floor" else 0
                changed = True
                break
    return _runs(state)


def _last_still_window(
    time_s: FloatArray, foot: FloatArray, start: int, stop: int, dwell_s: float, still_tol: float
) -> tuple[int, int] | None:
    """(start, stop) of the last window of >= dwell_s within [start, stop) in which the foot
    stays within still_tol (max - min), extended forward while it stays so; None if none."""
    j = stop - 1
    while j >= start:
        lo = hi = foot[j]
        i = j
        while i - 1 >= start:  # grow the window backwards from j while it stays still
            v = foot[i - 1]
            if max(hi, v) - min(lo, v) > still_tol:
                break
            lo, hi = min(lo, v), max(hi, v)
            i -= 1
        if time_s[j] - time_s[i] >= dwell_s:
            k = j
            while k + 1 < stop and max(hi, foot[k + 1]) - min(lo, foot[k + 1]) <= still_tol:
                k += 1
                lo, hi = min(lo, foot[k]), max(hi, foot[k])
            return i, k + 1
        j -= 1
    return None


def _crossing(time_s: FloatArray, foot: FloatArray, a: int, b: int, level: float) -> float:
    """Time at which the foot passes `level` between samples a and b (linear)."""
    fa, fb = float(foot[a]), float(foot[b])
    if fa == fb:
        return float(time_s[b])
    frac = (fa - level) / (fa - fb)
    return float(time_s[a] + min(max(frac, 0.0), 1.0) * (time_s[b] - time_s[a]))


def _parabola_vertex(time_s: FloatArray, y: FloatArray, i: int) -> float:
    """Time of the vertex of the parabola through samples i-1, i, i+1 (or time_s[i])."""
    if i <= 0 or i >= len(y) - 1 or not np.all(np.isfinite(y[i - 1 : i + 2])):
        return float(time_s[i])
    t = time_s[i - 1 : i + 2] - time_s[i]
    a, b, _ = np.polyfit(t, y[i - 1 : i + 2], 2)
    if a <= 0:
        return float(time_s[i])
    return float(time_s[i] + min(max(-b / (2 * a), t[0]), t[2]))


# ------------------------------------------------------------------------------ events


@dataclass(frozen=True)
class _Settings:
    floor_tol: float
    contact_level: float
    box_min: float
    jump_min: float
    still_tol: float
    min_dwell_s: float
    max_fall_s: float
    min_impact_speed: float
    max_flight_s: float
    max_contact_s: float
    min_run_s: float


def _drop_start(
    time_s: FloatArray, foot: FloatArray, air: _Run, floor: float, band: float, s: _Settings
) -> tuple[bool, int | None]:
    """(is a drop, drop frame) for the air stretch before a floor stretch."""
    still = _last_still_window(time_s, foot, air.start, air.stop, s.min_dwell_s, s.still_tol)
    if still is None:
        # Filmed mid-fall: the stretch opens the recording and only goes down.
        head = foot[air.start : air.stop]
        opens = air.start == 0
        high = float(head[0]) >= floor + s.box_min
        falling = float(np.nanmax(head)) <= float(head[0]) + band
        return opens and high and falling, None
    level = float(np.median(foot[still[0] : still[1]]))
    if level < floor + s.box_min:
        return False, None
    # The fall starts after the last frame at box level; a lift off the box just before it
    # (toes rising) shows as the end of a stiller stance, looked for with a tighter band.
    span = np.arange(still[0], air.stop)
    at_level = span[foot[span] >= level - band]
    fall = int(at_level[-1]) if at_level.size else still[1] - 1
    tight = _last_still_window(time_s, foot, still[0], fall + 1, s.min_dwell_s, 2 * band)
    lift = tight[1] - 1 if tight is not None else fall
    drop = lift if time_s[fall] - time_s[lift] <= MAX_LIFT_S else fall
    return time_s[air.stop] - time_s[fall] <= s.max_fall_s, drop


def _impact_speed(time_s: FloatArray, foot: FloatArray, k: int, t_contact: float) -> float:
    """Mean downward foot speed over the 0.1 s before contact (L/s)."""
    t0 = t_contact - 0.1
    before = float(np.interp(t0, time_s[: k + 1], foot[: k + 1]))
    at = float(np.interp(t_contact, time_s[: k + 1], foot[: k + 1]))
    return (before - at) / 0.1 if np.isfinite(before) and time_s[0] <= t0 else math.inf


def _is_flight(
    time_s: FloatArray,
    foot: FloatArray,
    runs: list[_Run],
    i: int,
    local_floor: float,
    s: _Settings,
) -> bool:
    """Is runs[i] (air) the flight of a jump: high enough, short, no stance, lands again
    (or the recording ends in the air)?"""
    r = runs[i]
    seg = foot[r.start : r.stop]
    lands = i + 1 < len(runs) and runs[i + 1].kind == "floor"
    ends = i + 1 == len(runs)
    return (
        (lands or ends)
        and float(np.nanmax(seg)) >= local_floor + s.jump_min
        and time_s[r.stop - 1] - time_s[r.start] <= s.max_flight_s
        and _last_still_window(time_s, foot, r.start, r.stop, s.min_dwell_s, s.still_tol) is None
    )


def _trial(
    time_s: FloatArray,
    foot: FloatArray,
    hip_smooth: FloatArray,
    runs: list[_Run],
    i: int,
    floor: float,
    sigma: float,
    s: _Settings,
) -> JumpEvents | None:
    """The trial whose initial contact opens floor stretch runs[i], or None."""
    air, ground = runs[i - 1], runs[i]
    band = max(0.01, 3 * sigma)
    is_drop, drop = _drop_start(time_s, foot, air, floor, band, s)
    if not is_drop:
        return None
    local = float(np.median(foot[ground.start : ground.stop]))
    level = local + max(s.contact_level, 3 * sigma)
    below = np.flatnonzero(foot[ground.start : ground.stop] <= level)
    k = ground.start + int(below[0])
    t_contact = _crossing(time_s, foot, k - 1, k, level)
    if _impact_speed(time_s, foot, k, t_contact) < s.min_impact_speed:
        return None
    take_off: int | None = None
    t_take_off: float | None = None
    if i + 1 < len(runs) and runs[i + 1].kind == "air":
        j = ground.start + int(np.flatnonzero(foot[ground.start : ground.stop] <= level)[-1])
        t_up = _crossing(time_s, foot, j, j + 1, level)
        if t_up - t_contact <= s.max_contact_s and _is_flight(time_s, foot, runs, i + 1, local, s):
            take_off, t_take_off = j, t_up
    if take_off is not None:
        end = take_off
    else:
        end = int(np.searchsorted(time_s, t_contact + s.max_contact_s, side="right")) - 1
        end = min(end, ground.stop - 1)
    window = hip_smooth[k : end + 1]
    if not np.isfinite(window).any():
        raise InputError(
            f"the hips are missing in every frame from {time_s[k]:.2f} s to {time_s[end]:.2f} s "
            "(landing): peak flexion cannot be found. Keep the whole body in view."
        )
    peak = k + int(np.nanargmin(window))
    t_peak = min(max(_parabola_vertex(time_s, hip_smooth, peak), time_s[k]), time_s[end])
    return JumpEvents(
        drop=drop,
        contact=k,
        peak_flexion=peak,
        take_off=take_off,
        contact_s=t_contact,
        peak_flexion_s=t_peak,
        take_off_s=t_take_off,
        drop_s=None if drop is None else float(time_s[drop]),
    )


def detect_drop_jumps(
    time_s: FloatArray,
    foot_height: FloatArray,
    hip_height: FloatArray,
    *,
    floor_tol: float = FLOOR_TOL,
    contact_level: float = CONTACT_LEVEL,
    box_min: float = BOX_MIN,
    jump_min: float = JUMP_MIN,
    still_tol: float = STILL_TOL,
    min_dwell_s: float = MIN_DWELL_S,
    max_fall_s: float = MAX_FALL_S,
    min_impact_speed: float = MIN_IMPACT_SPEED,
    max_flight_s: float = MAX_FLIGHT_S,
    max_contact_s: float = MAX_CONTACT_S,
    min_run_s: float = MIN_RUN_S,
    max_gap_s: float = MAX_GAP_S,
) -> list[JumpEvents]:
    """Drop-jump trials in a recording, in time order; [] when there is none.

    time_s, foot_height, hip_height: (T,) arrays; heights positive up in standing leg
    lengths, any zero, NaN for gaps (module docstring). Works at 30-100+ fps and with
    pose-model jitter: the on-floor and stillness bands widen with the noise SD estimated
    from the series. The landing after the jump is not counted as a new trial.
    """
    t = np.asarray(time_s, dtype=np.float64)
    foot_in = np.asarray(foot_height, dtype=np.float64)
    hip_in = np.asarray(hip_height, dtype=np.float64)
    if t.ndim != 1 or foot_in.shape != t.shape or hip_in.shape != t.shape:
        raise InputError(
            f"time {t.shape}, foot height {foot_in.shape} and hip height {hip_in.shape} "
            "must be 1-D arrays of the same length"
        )
    if t.size < 3:
        return []
    if not np.all(np.diff(t) > 0):
        raise InputError("time must be strictly increasing")
    foot = interpolate_gaps(foot_in, t, max_gap_s=max_gap_s)
    hip = interpolate_gaps(hip_in, t, max_gap_s=max_gap_s)
    if np.isfinite(foot).sum() < 3:
        return []
    sigma = noise_sd(foot)
    settings = _Settings(
        floor_tol=max(floor_tol, 5 * sigma),
        contact_level=contact_level,
        box_min=box_min,
        jump_min=jump_min,
        still_tol=max(still_tol, 6 * sigma),
        min_dwell_s=min_dwell_s,
        max_fall_s=max_fall_s,
        min_impact_speed=min_impact_speed,
        max_flight_s=max_flight_s,
        max_contact_s=max_contact_s,
        min_run_s=min_run_s,
    )
    floor = floor_level(t, foot)
    runs = _segments(t, foot, floor, settings.floor_tol, min_run_s)
    hip_smooth = _running(hip, _window(t, SMOOTH_S), "mean")
    events = []
    for i in range(1, len(runs)):
        if runs[i].kind == "floor" and runs[i - 1].kind == "air":
            trial = _trial(t, foot, hip_smooth, runs, i, floor, sigma, settings)
            if trial is not None:
                events.append(trial)
    return events
