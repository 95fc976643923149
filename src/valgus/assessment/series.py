"""Per-frame measure series for a bilateral task, from a cleaned track."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from valgus.assessment.track import Track
from valgus.kinematics import angles
from valgus.schema import Side

FloatArray = NDArray[np.float64]

# Frames whose hips are within the highest 20% of the video are taken as standing.
STANDING_PERCENTILE = 20.0


@dataclass(frozen=True)
class LegSeries:
    fppa_deg: FloatArray
    mkd: FloatArray
    knee_flexion_deg: FloatArray
    thigh_foreshortening: FloatArray
    # Knee over the foot along the foot's direction, / leg length (angles.knee_over_foot),
    # the knee's forward travel from its ankle / leg length, and the foot's toe-out as the
    # camera sees it (median over the standing frames; NaN when the feet were not seen).
    knee_over_foot: FloatArray
    knee_forward: FloatArray
    toe_out_deg: float
    foot_line_x: FloatArray  # picture x of the foot's line at the knee's travel (drawings)


@dataclass(frozen=True)
class FrameSeries:
    """Measures per frame (T,). depth = hip drop / standing leg length."""

    time_s: FloatArray
    depth: FloatArray
    legs: dict[Side, LegSeries]
    kasr: FloatArray
    nksd: FloatArray
    leg_length_px: float

    def as_columns(self) -> dict[str, FloatArray]:
        """Flat named columns, e.g. for a CSV export."""
        cols = {"time_s": self.time_s, "depth": self.depth, "kasr": self.kasr, "nksd": self.nksd}
        for side, leg in self.legs.items():
            for field in (
                "fppa_deg",
                "mkd",
                "knee_over_foot",
                "knee_forward",
                "knee_flexion_deg",
                "thigh_foreshortening",
            ):
                cols[f"{side.value}_{field}"] = getattr(leg, field)
        return cols


def _median(values: FloatArray) -> float:
    """Median of the finite values; NaN (without a warning) when there are none."""
    finite = values[np.isfinite(values)]
    return float(np.median(finite)) if finite.size else float("nan")


def _hip_mid_y(track: Track) -> FloatArray:
    return np.asarray((track.point("left_hip")[:, 1] + track.point("right_hip")[:, 1]) / 2)


def standing_frames(track: Track, /) -> NDArray[np.bool_]:
    """Frames with the hips highest in the image (smallest y)."""
    y = _hip_mid_y(track)
    if not np.isfinite(y).any():
        return np.zeros(len(y), dtype=bool)
    cut = np.nanpercentile(y, STANDING_PERCENTILE)
    return np.asarray(np.isfinite(y) & (y <= cut))


def _leg(track: Track, side: Side) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    p = track.point
    return p(f"{side}_hip"), p(f"{side}_knee"), p(f"{side}_ankle"), p(f"{side.other}_hip")


def compute_series(
    track: Track, /, *, single_leg: bool = False, standing: NDArray[np.bool_] | None = None
) -> FrameSeries:
    """Every per-frame measure the squat analyses use.

    The leg length is the median over standing frames of both legs' projected lengths;
    single_leg: of the longer leg per frame (the lifted leg is bent and looks short).
    standing: the standing frames, where the caller knows better than "hips highest"
    (drop jumps: on the landing surface, not on the box).
    """
    stand = standing_frames(track) if standing is None else standing
    lengths = {s: angles.leg_length_px(*_leg(track, s)[:3]) for s in Side}
    if single_leg:
        with np.errstate(invalid="ignore"):
            longer = np.fmax(lengths[Side.LEFT], lengths[Side.RIGHT])
        leg_len = _median(longer[stand])
    else:
        leg_len = _median(np.concatenate([lengths[s][stand] for s in Side]))
    y = _hip_mid_y(track)
    depth = (y - _median(y[stand])) / leg_len
    legs: dict[Side, LegSeries] = {}
    for side in Side:
        hip, knee, ankle, other_hip = _leg(track, side)
        thigh_stand = _median(angles.separation(hip, knee)[stand])
        toe_out = _median(
            angles.toe_out_deg(
                track.point(f"{side}_heel"),
                track.point(f"{side}_foot_index"),
                hip,
                other_hip,
                leg_len,
            )[stand]
        )
        forward = angles.knee_forward_px(
            knee, ankle, _median(angles.separation(knee, ankle)[stand])
        )
        legs[side] = LegSeries(
            fppa_deg=angles.fppa_deg(hip, knee, ankle, other_hip),
            mkd=angles.medial_knee_displacement(
                knee, track.point(f"{side}_foot_index"), other_hip, hip, leg_len
            ),
            knee_flexion_deg=angles.flexion_deg_3d(
                track.point3d(f"{side}_hip"),
                track.point3d(f"{side}_knee"),
                track.point3d(f"{side}_ankle"),
            ),
            thigh_foreshortening=angles.thigh_foreshortening(hip, knee, thigh_stand),
            knee_over_foot=angles.knee_over_foot(
                knee,
                ankle,
                hip,
                other_hip,
                forward_px=forward,
                toe_out_deg=toe_out,
                leg_length_px=leg_len,
            ),
            knee_forward=np.asarray(forward / leg_len),
            toe_out_deg=toe_out,
            foot_line_x=angles.foot_line_x(
                ankle, hip, other_hip, forward_px=forward, toe_out_deg=toe_out
            ),
        )
    p = track.point
    return FrameSeries(
        time_s=track.time_s,
        depth=np.asarray(depth),
        legs=legs,
        kasr=angles.kasr(p("left_knee"), p("right_knee"), p("left_ankle"), p("right_ankle")),
        nksd=angles.nksd(p("left_knee"), p("right_knee"), p("left_hip"), p("right_hip")),
        leg_length_px=leg_len,
    )
