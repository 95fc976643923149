"""From the raw pose Dataset to a cleaned track: swaps fixed, gaps bridged, filtered."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from valgus.kinematics.angles import leg_length_px
from valgus.kinematics.filtering import (
    DEFAULT_CUTOFF_HZ,
    interpolate_gaps,
    lowpass,
    mask_low_confidence,
    reject_spikes,
)
from valgus.kinematics.swaps import LOWER_LEG, SwapReport, apply_swaps, detect_swaps

FloatArray = NDArray[np.float64]

# Landmarks below this visibility are treated as missing before interpolation.
MIN_VISIBILITY = 0.3
# A landmark further than this (leg lengths) from the median of the 3 frames each side,
# and far outside the window's own spread, is a single-frame spike: dropped and bridged
# from its neighbours (filtering.reject_spikes). MediaPipe's jitter on a still person is
# 0.5-1 % of leg length; 5 % is about 4 cm. A spike of this size left in would move the
# filtered knee by about a third of it (the 6 Hz filter at 30 fps).
SPIKE_LEG_FRACTION = 0.05


@dataclass(frozen=True)
class Track:
    """Cleaned landmark series of one person. Arrays have time on axis 0."""

    time_s: FloatArray  # (T,)
    xy: FloatArray  # (T, 2, K) px, filtered
    world: FloatArray  # (T, 3, K) m, filtered
    confidence: FloatArray  # (T, K) after swap correction
    names: list[str]
    width: int
    height: int
    detected: NDArray[np.bool_]  # (T,) a person was found
    swaps: SwapReport
    spikes: int = 0  # landmark positions dropped as single-frame spikes

    def point(self, name: str) -> FloatArray:
        """(T, 2) pixel series of one keypoint."""
        return self.xy[:, :, self.names.index(name)]

    def point3d(self, name: str) -> FloatArray:
        return self.world[:, :, self.names.index(name)]

    def conf(self, name: str) -> FloatArray:
        return self.confidence[:, self.names.index(name)]


def _scale_px(xy: FloatArray, names: list[str]) -> float:
    """Median leg length (px, or m for world landmarks) over frames where a leg is found
    (for thresholds)."""
    i = names.index
    legs = [
        leg_length_px(xy[:, :, i(f"{s}_hip")], xy[:, :, i(f"{s}_knee")], xy[:, :, i(f"{s}_ankle")])
        for s in ("left", "right")
    ]
    values = np.concatenate(legs)
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else float("nan")


def build_track(ds: xr.Dataset, /, *, cutoff_hz: float = DEFAULT_CUTOFF_HZ) -> Track:
    """Swap-correct, mask low-visibility landmarks, bridge short gaps, low-pass filter."""
    names = [str(k) for k in ds.keypoint.values]
    t = ds.time.values.astype(np.float64)
    xy = ds.position.transpose("time", "space", "keypoint").values.astype(np.float64)
    world = ds.world.transpose("time", "space3", "keypoint").values.astype(np.float64)
    conf = ds.confidence.transpose("time", "keypoint").values.astype(np.float64)
    detected = conf.sum(axis=1) > 0
    scale = _scale_px(xy, names)
    swaps = detect_swaps(xy[:, 0, :], names, t, scale_px=scale if np.isfinite(scale) else 1.0)
    arrays = [xy, world, conf[:, None, :]]
    arrays = [apply_swaps(a, names, swaps.body_frames, parts=None) for a in arrays]
    arrays = [apply_swaps(a, names, swaps.leg_frames, parts=LOWER_LEG) for a in arrays]
    xy, world, conf = arrays[0], arrays[1], arrays[2][:, 0, :]
    seen_xy, spikes = reject_spikes(
        mask_low_confidence(xy, conf, min_conf=MIN_VISIBILITY),
        t,
        min_jump=SPIKE_LEG_FRACTION * scale,
    )
    seen_w, _ = reject_spikes(
        mask_low_confidence(world, conf, min_conf=MIN_VISIBILITY),
        t,
        min_jump=SPIKE_LEG_FRACTION * _scale_px(world, names),
    )
    clean_xy = lowpass(interpolate_gaps(seen_xy, t), t, cutoff_hz=cutoff_hz)
    clean_w = lowpass(interpolate_gaps(seen_w, t), t, cutoff_hz=cutoff_hz)
    return Track(
        t,
        clean_xy,
        clean_w,
        conf,
        names,
        int(ds.attrs["width"]),
        int(ds.attrs["height"]),
        detected,
        swaps,
        spikes,
    )
