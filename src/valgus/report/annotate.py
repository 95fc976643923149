"""Annotated video: skeleton of the legs, live measures and a rep counter, streamed.

Frames are read, drawn and encoded one at a time: memory does not grow with length.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from valgus import present
from valgus.assessment import bands
from valgus.assessment.series import FrameSeries
from valgus.assessment.track import Track
from valgus.io import atomic
from valgus.io.video import iter_frames
from valgus.io.video_out import video_writer
from valgus.report.draw import (
    FACE_POINTS,
    LEVEL_COLOURS,
    RGB,
    WHITE,
    LegDrawing,
    blur_face,
    draw_leg,
    fit_text_scale,
    put_label,
)
from valgus.results import AnalysisResult
from valgus.schema import Side

NEUTRAL = -1  # drawn white: not judged


def _signed(value: float) -> str:
    """+3 / -2 / 0 (no '-0')."""
    return f"{round(value) + 0:+d}" if np.isfinite(value) else "?"


def knee_series(series: FrameSeries, side: Side, result: AnalysisResult) -> NDArray[np.float64]:
    """Per frame, the knee measure the verdict rests on (the knee over the foot's line, or
    MKD where the verdict used it: drop jumps)."""
    leg = series.legs[side]
    kof = present.knee_measure(result.summary.left, result.summary.right) == "knee_over_foot"
    return leg.knee_over_foot if kof else leg.mkd


def _line_x(series: FrameSeries, side: Side, i: int, result: AnalysisResult) -> float | None:
    """The foot's line at the knee (where the verdict rests on it), for the dashed line."""
    if present.knee_measure(result.summary.left, result.summary.right) != "knee_over_foot":
        return None
    x = series.legs[side].foot_line_x[i]
    return float(x) if np.isfinite(x) else None


def frame_level(
    series: FrameSeries, side: Side, i: int, result: AnalysisResult | None = None
) -> int:
    """The band of one leg in one frame, by the verdict's rule (FPPA only while shallow)."""
    knee = series.legs[side].mkd if result is None else knee_series(series, side, result)
    mkd = knee[i]
    if not np.isfinite(mkd):
        return 0
    level = bands.mkd_level(float(mkd))
    fppa = series.legs[side].fppa_deg[i]
    if series.depth[i] <= bands.FPPA_MAX_DEPTH and np.isfinite(fppa):
        level = max(level, bands.fppa_level(float(fppa)))
    return int(level)


def annotate_frame(
    img: RGB,
    i: int,
    t: float,
    track: Track,
    series: FrameSeries,
    result: AnalysisResult,
    *,
    blur: bool,
    scale_px: float,
) -> RGB:
    """One frame with the legs drawn in their band colour, live numbers and the rep count."""

    def pt(name: str) -> tuple[float, float]:
        x, y = track.point(name)[i]
        return float(x), float(y)

    out = img
    if blur:
        out = blur_face(out, [pt(k) for k in FACE_POINTS], scale_px=scale_px)
    # Between reps nothing is judged (standing with the feet turned out can put the knee
    # "inside" the toe line): the legs are drawn neutral there.
    judged = any(r.start_s <= t <= r.end_s for r in result.reps)
    labels: list[tuple[str, int]] = []
    for side in Side:
        names = [f"{side.value}_{p}" for p in ("hip", "knee", "ankle", "foot_index")]
        points = [pt(n) for n in names]
        if not all(np.all(np.isfinite(p)) for p in points):
            continue
        level = frame_level(series, side, i, result) if judged else NEUTRAL
        knee = knee_series(series, side, result)
        leg = series.legs[side]
        # FPPA only where it means something (not in a squat deeper than FPPA_MAX_DEPTH).
        fppa = _signed(leg.fppa_deg[i]) if series.depth[i] <= bands.FPPA_MAX_DEPTH else "-"
        labels.append(
            (f"{side.value[0].upper()} knee {_signed(100 * knee[i])}% in  FPPA {fppa}", level)
        )
        out = draw_leg(
            out,
            LegDrawing(*points, level=level, label="", line_x=_line_x(series, side, i, result)),
            thickness=max(2, int(scale_px / 120)),
        )
    done = sum(r.end_s <= t for r in result.reps)
    labels.append((f"rep {min(done + 1, len(result.reps))}/{len(result.reps)}  t {t:.1f} s", -1))
    scale = fit_text_scale(
        [text for text, _ in labels], width_px=out.shape[1] - 12, preferred=out.shape[0] / 1100
    )
    y = 30 * scale
    for text, level in labels:
        colour = WHITE if level < 0 else LEVEL_COLOURS[level]
        out = put_label(out, text, (8, y), colour, scale=scale)
        y += 34 * scale
    return out


def write_annotated_video(
    video: Path,
    out: Path,
    /,
    *,
    track: Track,
    series: FrameSeries,
    result: AnalysisResult,
    blur: bool = True,
) -> Path:
    """NAME.annotated.mp4 (H.264, yuv420p: plays in browsers and phones)."""
    fps = 1.0 / float(np.median(np.diff(track.time_s)))
    w, h = track.width - track.width % 2, track.height - track.height % 2  # even for yuv420p
    scale_px = float(
        np.nanmedian(np.abs(track.point("left_ankle")[:, 1] - track.point("nose")[:, 1]))
    )
    with (
        atomic.atomic_path(out, keep_suffix=True) as tmp,
        video_writer(tmp, width=w, height=h, fps=fps, crf=23) as write,
    ):
        for t, img in iter_frames(video):
            i = int(np.clip(np.searchsorted(track.time_s, t - 1e-6), 0, len(track.time_s) - 1))
            drawn = annotate_frame(
                img,
                i,
                t,
                track,
                series,
                result,
                blur=blur,
                scale_px=scale_px if np.isfinite(scale_px) else h / 2,
            )
            write(np.ascontiguousarray(drawn[:h, :w]))
    return out
