"""Fetch a few frames of a video by time, streaming (only the wanted frames are kept)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from valgus.io.video import RGBFrame, iter_frames


def grab_frames(path: Path, times_s: Iterable[float], /) -> dict[float, RGBFrame]:
    """The frame nearest each requested time (upright, full size). Missing times are absent."""
    wanted = sorted(set(times_s))
    out: dict[float, RGBFrame] = {}
    best: dict[float, float] = dict.fromkeys(wanted, np.inf)
    for t, img in iter_frames(path):
        for w in wanted:
            if abs(t - w) < best[w]:
                best[w], out[w] = abs(t - w), img
        if wanted and t > wanted[-1] + 0.5:
            break
    return out
