"""Fetch a few frames of a video by time, streaming (only the wanted frames are kept)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import numpy as np

from valgus.io.video import DecodedFrame, RGBFrame, iter_decoded


def grab_frames(path: Path, times_s: Iterable[float], /) -> dict[float, RGBFrame]:
    """The frame nearest each requested time (upright, full size). Missing times are absent.

    Frames are decoded in order but converted to RGB only when chosen (converting costs
    more than decoding), and decoding stops half a second after the last wanted time.
    """
    wanted = sorted(set(times_s))
    chosen: dict[float, DecodedFrame] = {}
    best: dict[float, float] = dict.fromkeys(wanted, np.inf)
    for frame in iter_decoded(path):
        for w in wanted:
            if abs(frame.time_s - w) < best[w]:
                best[w], chosen[w] = abs(frame.time_s - w), frame
        if not wanted or frame.time_s > wanted[-1] + 0.5:
            break
    return {w: f.rgb() for w, f in chosen.items()}
