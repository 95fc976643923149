"""Key frames: the deepest frame of each rep with the legs drawn, and best/worst rep per leg."""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from valgus.assessment import bands
from valgus.assessment.series import FrameSeries
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
from valgus.schema import SIDE_NAMES

SIDES = SIDE_NAMES
# Key frames are drawn at least this tall (px): a coach zooms in to see the knee over the
# toes, and a person filmed small in a 720p frame is only ~500 px tall.
MIN_HEIGHT_PX = 1000
# Best and worst rep are shown side by side only when they differ by more than the pose
# model's frame-to-frame noise in MKD (about 1 % of leg length on rendered squats); closer
# reps look the same and the pair would only suggest a difference that is not there.
MIN_BEST_WORST_GAP = 0.01


@dataclass(frozen=True)
class KeyFrame:
    rep_index: int
    time_s: float
    image: RGB


def leg_level(leg: LegRep) -> int:
    """Band of one leg in one rep, by the same rule as the verdict (the knee over the foot's
    line, or MKD in earlier results, plus FPPA if valid)."""
    knee = leg.knee()
    if knee is None:
        return 0
    level = bands.mkd_level(knee)
    if leg.fppa_valid and leg.fppa_deg is not None:
        level = max(level, bands.fppa_level(leg.fppa_deg))
    return int(level)


def _label(side: str, leg: LegRep) -> str:
    """e.g. 'left knee 5% in, FPPA +15°' (FPPA only where the verdict may use it)."""
    knee = leg.knee()
    if knee is None:
        return f"{side} knee: not measured"
    where = "in" if knee > 0 else "out"
    text = f"{side} knee {abs(100 * knee):.0f}% {where}"
    if leg.fppa_valid and leg.fppa_deg is not None:
        text += f", FPPA {leg.fppa_deg:+.0f} deg"  # the video font has no degree sign
    return text


def _point(track: Track, name: str, i: int, zoom: float = 1.0) -> Point:
    x, y = track.point(name)[i]
    return float(x) * zoom, float(y) * zoom


def _zoom(track: Track, i: int) -> float:
    """How much to enlarge the frame so the body crop is at least MIN_HEIGHT_PX tall."""
    ys = np.array([track.point(k)[i][1] for k in track.names], dtype=np.float64)
    ys = ys[np.isfinite(ys)]
    body = float(ys.max() - ys.min()) * 1.3 if ys.size else float(track.height)
    return float(np.clip(MIN_HEIGHT_PX / max(body, 1.0), 1.0, 4.0))


def _frame_index(track: Track, time_s: float) -> int:
    return int(np.argmin(np.abs(track.time_s - time_s)))


def draw_rep(
    img: RGB, track: Track, rep: Rep, *, blur: bool, series: FrameSeries | None = None
) -> RGB:
    """The rep's deepest frame with both legs drawn and labelled, cropped to the body; with
    the series, the dashed line is the foot's line at the knee (else over the toes)."""
    i = _frame_index(track, rep.bottom_s)
    zoom = _zoom(track, i)
    leg_len = zoom * max(
        1.0,
        float(
            np.nanmedian(np.abs(track.point("left_ankle")[:, 1] - track.point("left_hip")[:, 1]))
        ),
    )
    thickness = max(2, int(leg_len / 90))
    h, w = img.shape[:2]
    out = cv2.resize(img, (round(w * zoom), round(h * zoom)), interpolation=cv2.INTER_CUBIC)
    if blur:
        face = [_point(track, k, i, zoom) for k in FACE_POINTS]
        out = blur_face(out, face, scale_px=2 * leg_len)
    for side in SIDES:
        leg: LegRep = getattr(rep, side)
        if not leg.visible:
            continue
        drawing = LegDrawing(
            *(
                _point(track, f"{side}_{p}", i, zoom)
                for p in ("hip", "knee", "ankle", "foot_index")
            ),
            level=leg_level(leg),
            label=_label(side, leg),
            line_x=_line_x(series, side, i, zoom) if leg.knee_over_foot is not None else None,
        )
        out = draw_leg(out, drawing, thickness=thickness)
    body = [_point(track, k, i, zoom) for k in track.names if not k.endswith(("_pinky", "_thumb"))]
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
    kasr = f", knees/ankles {rep.kasr:.2f}" if rep.kasr is not None else ""
    return put_label(
        out, f"rep {rep.index}{kasr}", (6, out.shape[0] - 8), (255, 255, 255), scale=scale
    )


def _line_x(series: FrameSeries | None, side: str, i: int, zoom: float) -> float | None:
    if series is None:
        return None
    x = next(leg for s, leg in series.legs.items() if s.value == side).foot_line_x[i]
    return float(x) * zoom if np.isfinite(x) else None


def key_frames(
    frames: dict[float, RGB],
    track: Track,
    result: AnalysisResult,
    *,
    blur: bool = True,
    series: FrameSeries | None = None,
) -> list[KeyFrame]:
    """One drawn key frame per rep whose frame is available."""
    out = []
    for rep in result.reps:
        img = frames.get(rep.bottom_s)
        if img is not None:
            image = draw_rep(img, track, rep, blur=blur, series=series)
            out.append(KeyFrame(rep.index, rep.bottom_s, image))
    return out


@dataclass(frozen=True)
class BestWorst:
    """One knee's best rep (furthest out) beside its worst (furthest in)."""

    side: str
    best_rep: int
    worst_rep: int
    image: RGB

    @property
    def caption(self) -> str:
        return (
            f"{self.side.capitalize()} knee: rep {self.best_rep}, where it stayed furthest out "
            f"(left picture), beside rep {self.worst_rep}, where it went furthest in (right)"
        )


def best_worst(keys: list[KeyFrame], result: AnalysisResult, side: str) -> BestWorst | None:
    """This knee's best and worst rep side by side; None unless they clearly differ."""
    by_index = {k.rep_index: k for k in keys}
    knee = {r.index: getattr(r, side).knee() for r in result.reps}
    reps = [r for r in result.reps if knee[r.index] is not None and r.index in by_index]
    if len(reps) < 2:
        return None
    best = min(reps, key=lambda r: knee[r.index] or 0.0)
    worst = max(reps, key=lambda r: knee[r.index] or 0.0)
    if (knee[worst.index] or 0.0) - (knee[best.index] or 0.0) < MIN_BEST_WORST_GAP:
        return None
    images = [by_index[best.index].image, by_index[worst.index].image]
    return BestWorst(side, best.index, worst.index, side_by_side(images, height=MIN_HEIGHT_PX))
