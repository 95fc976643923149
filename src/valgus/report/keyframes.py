"""Key frames: the deepest frame of each rep with the legs drawn, and best/worst rep per leg."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from valgus.assessment import bands
from valgus.assessment.track import Track
from valgus.report.draw import (
    FACE_POINTS,
    LEVEL_COLOURS,
    RGB,
    LegDrawing,
    Point,
    blur_face,
    crop_around,
    draw_leg,
    fit_text_scale,
    put_label,
    side_by_side,
)
from valgus.results import AnalysisResult, LegRep, Rep

SIDES = ("left", "right")


@dataclass(frozen=True)
class KeyFrame:
    rep_index: int
    time_s: float
    image: RGB


def leg_level(leg: LegRep) -> int:
    """Band of one leg in one rep, by the same rule as the verdict (MKD, plus FPPA if valid)."""
    if leg.mkd is None:
        return 0
    level = bands.mkd_level(leg.mkd)
    if leg.fppa_valid and leg.fppa_deg is not None:
        level = max(level, bands.fppa_level(leg.fppa_deg))
    return int(level)


def _label(side: str, leg: LegRep) -> str:
    inside = f"{100 * leg.mkd:+.0f}% in" if leg.mkd is not None else "?"
    fppa = f"FPPA {leg.fppa_deg:+.0f}" if leg.fppa_deg is not None else ""
    return f"{side[0].upper()} knee {inside}  {fppa}"


def _point(track: Track, name: str, i: int) -> Point:
    x, y = track.point(name)[i]
    return float(x), float(y)


def _frame_index(track: Track, time_s: float) -> int:
    return int(np.argmin(np.abs(track.time_s - time_s)))


def draw_rep(img: RGB, track: Track, rep: Rep, *, blur: bool) -> RGB:
    """The rep's deepest frame with both legs drawn and labelled, cropped to the body."""
    i = _frame_index(track, rep.bottom_s)
    leg_len = max(
        1.0,
        float(
            np.nanmedian(np.abs(track.point("left_ankle")[:, 1] - track.point("left_hip")[:, 1]))
        ),
    )
    thickness = max(2, int(leg_len / 90))
    out = img
    if blur:
        out = blur_face(out, [_point(track, k, i) for k in FACE_POINTS], scale_px=2 * leg_len)
    for side in SIDES:
        leg: LegRep = getattr(rep, side)
        if not leg.visible:
            continue
        drawing = LegDrawing(
            *(_point(track, f"{side}_{p}", i) for p in ("hip", "knee", "ankle", "foot_index")),
            level=leg_level(leg),
            label=_label(side, leg),
        )
        out = draw_leg(out, drawing, thickness=thickness)
    body = [_point(track, k, i) for k in track.names if not k.endswith(("_pinky", "_thumb"))]
    out = crop_around(out, body, margin=0.08, top_margin=0.2)
    labels = [_label(side, getattr(rep, side)) for side in SIDES]
    scale = fit_text_scale(labels, width_px=out.shape[1] - 12, preferred=out.shape[0] / 900)
    y = 24 * scale
    for side in SIDES:
        leg = getattr(rep, side)
        if leg.visible:
            out = put_label(
                out, _label(side, leg), (6, y + 4), LEVEL_COLOURS[leg_level(leg)], scale=scale
            )
            y += 30 * scale
    kasr = f"KASR {rep.kasr:.2f}" if rep.kasr is not None else ""
    return put_label(
        out, f"rep {rep.index}  {kasr}", (6, out.shape[0] - 8), (255, 255, 255), scale=scale
    )


def key_frames(
    frames: dict[float, RGB], track: Track, result: AnalysisResult, *, blur: bool = True
) -> list[KeyFrame]:
    """One drawn key frame per rep whose frame is available."""
    out = []
    for rep in result.reps:
        img = frames.get(rep.bottom_s)
        if img is not None:
            out.append(KeyFrame(rep.index, rep.bottom_s, draw_rep(img, track, rep, blur=blur)))
    return out


def best_worst(keys: list[KeyFrame], result: AnalysisResult, side: str) -> RGB | None:
    """Side-by-side: the rep where this knee stayed most outside vs went most inside."""
    by_index = {k.rep_index: k for k in keys}
    reps = [r for r in result.reps if getattr(r, side).mkd is not None and r.index in by_index]
    if len(reps) < 2:
        return None
    best = min(reps, key=lambda r: getattr(r, side).mkd)
    worst = max(reps, key=lambda r: getattr(r, side).mkd)
    return side_by_side([by_index[best.index].image, by_index[worst.index].image], height=480)
