"""One leg in a movement test: its measures in a rep, and its verdict over the reps.

Shared by every movement. The verdict rests on measures that stay valid at depth: the
knee's medial displacement relative to the foot (MKD). FPPA joins it where the thigh does
not point at the camera (FPPA >= its band counts then too). Left-right asymmetry is judged
against the method's error and the session's own smallest detectable change.
"""

from __future__ import annotations

import math
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from valgus.assessment import bands
from valgus.assessment.series import LegSeries
from valgus.assessment.stats import half_ci, num, sdc, stat
from valgus.kinematics.reps import Rep as RepIdx
from valgus.results import Asymmetry, LegRep, LegSummary, Stat
from valgus.schema import Side

FloatArray = NDArray[np.float64]


def _peak(values: FloatArray) -> float | None:
    return num(float(np.nanmax(values))) if np.isfinite(values).any() else None


def not_measured_leg() -> LegRep:
    """A leg with no measures in a rep (hidden, or the lifted leg of a single-leg squat)."""
    return LegRep(
        visible=False,
        fppa_deg=None,
        fppa_peak_deg=None,
        fppa_mid_deg=None,
        fppa_valid=False,
        mkd=None,
        mkd_peak=None,
        mkd_mid=None,
        knee_flexion_deg=None,
        thigh_foreshortening=None,
    )


# The knee over the foot at the bottom is the median of the frames this close to the deepest
# one (DERIVED: the hips move < 1 % of leg length within 0.1 s of the bottom of a 2-3 s rep,
# and a median of ~7 frames at 30 fps lowers the rep-to-rep spread of a single frame by
# about a tenth on rendered square-on squats, 0.200 -> 0.177 % of leg length pooled; 0.2-0.3 s
# gained little more and diluted the bottom; docs/accuracy.md "Knee over the foot").
BOTTOM_WINDOW_S = 0.1


def near_bottom(time_s: FloatArray, rep: RepIdx) -> slice:
    """Frames of the rep within BOTTOM_WINDOW_S of its deepest frame."""
    t = time_s[rep.bottom]
    inside = np.flatnonzero(np.abs(time_s[rep.start : rep.end + 1] - t) <= BOTTOM_WINDOW_S)
    if not inside.size or not np.isfinite(t):
        return slice(rep.bottom, rep.bottom + 1)
    return slice(rep.start + int(inside[0]), rep.start + int(inside[-1]) + 1)


def _median_num(values: FloatArray) -> float | None:
    finite = values[np.isfinite(values)]
    return num(float(np.median(finite))) if finite.size else None


def leg_rep(
    leg: LegSeries,
    rep: RepIdx,
    mid: int,
    *,
    visible: bool,
    depth: float,
    bottom: slice | None = None,
) -> LegRep:
    """One leg's measures in one rep. bottom: the frames around the deepest (near_bottom)
    over which the knee over the foot is taken; the deepest frame alone when not given."""
    if not visible:
        return not_measured_leg()
    b = rep.bottom
    around = bottom if bottom is not None else slice(b, b + 1)
    window = slice(rep.start, rep.end + 1)
    fs = leg.thigh_foreshortening[b]
    return LegRep(
        visible=True,
        fppa_deg=num(leg.fppa_deg[b]),
        fppa_peak_deg=_peak(leg.fppa_deg[window]),
        fppa_mid_deg=num(leg.fppa_deg[mid]),
        fppa_valid=bool(math.isfinite(depth) and depth <= bands.FPPA_MAX_DEPTH),
        mkd=num(leg.mkd[b]),
        mkd_peak=_peak(leg.mkd[window]),
        mkd_mid=num(leg.mkd[mid]),
        knee_flexion_deg=num(leg.knee_flexion_deg[b]),
        thigh_foreshortening=num(fs),
        knee_over_foot=_median_num(leg.knee_over_foot[around]),
        knee_over_foot_mid=num(leg.knee_over_foot[mid]),
        knee_forward=_median_num(leg.knee_forward[around]),
    )


def _pattern(bottom_level: int, mid_level: int) -> str:
    if bottom_level == 0:
        return "none"
    return "bottom_only" if mid_level == 0 else "throughout"


def not_judged(side: Side, why: str) -> LegSummary:
    """A leg that could not be judged, with the reason in its description."""
    empty = Stat(mean=None, sd=None, n=0)
    return LegSummary(
        valgus=None,
        band="not judged",
        pattern=None,
        basis=[],
        borderline=False,
        fppa_deg=empty,
        fppa_peak_deg=empty,
        mkd=empty,
        knee_flexion_deg=empty,
        fppa_sdc_deg=None,
        mkd_sdc=None,
        description=f"{side.value.capitalize()} leg not judged: {why}.",
    )


def summarize_leg(
    side: Side,
    legs: list[LegRep],
    *,
    why_not: str = "",
    task: str = "squat",
    knee_error: float | None = None,
) -> LegSummary:
    """Verdict, pattern and spread for one leg over its reps (task names the movement in
    the description). The knee measure is the knee over the foot's line where the reps
    carry it, else MKD; knee_error: its measurement error for these feet and this camera
    (bands.knee_over_foot_error), the default when not given."""
    seen = [lr for lr in legs if lr.visible and lr.mkd is not None]
    if not seen:
        return not_judged(side, why_not or "its hip, knee or ankle is hidden in the reps")
    mkd = stat([lr.mkd for lr in seen])
    kof_values = [lr.knee_over_foot for lr in seen]
    use_kof = all(v is not None for v in kof_values)
    kof = stat(kof_values) if use_kof else None
    knee = kof if kof is not None else mkd
    error = (knee_error or bands.KOF_MEASUREMENT_ERROR) if use_kof else bands.MKD_MEASUREMENT_ERROR
    fppa = stat([lr.fppa_deg for lr in seen])
    fppa_ok = sum(lr.fppa_valid for lr in seen) > len(seen) / 2
    assert knee.mean is not None
    level = bands.mkd_level(knee.mean)
    knee_mids = [lr.knee_over_foot_mid if use_kof else lr.mkd_mid for lr in seen]
    mids_ok = [m for m in knee_mids if m is not None]
    mid_level = bands.mkd_level(float(np.mean(mids_ok))) if mids_ok else 0
    basis = ["knee_over_foot" if use_kof else "mkd"]
    borderline = bands.near_edge(
        knee.mean, half_ci(knee), error, (bands.MKD_MILD, bands.MKD_MARKED)
    )
    if fppa_ok and fppa.mean is not None:
        basis.append("fppa_deg")
        f_level = bands.fppa_level(fppa.mean)
        mids = [lr.fppa_mid_deg for lr in seen if lr.fppa_mid_deg is not None]
        mid_level = max(mid_level, bands.fppa_level(float(np.mean(mids))) if mids else 0)
        borderline |= bands.near_edge(
            fppa.mean,
            half_ci(fppa),
            bands.FPPA_MEASUREMENT_ERROR_DEG,
            (bands.FPPA_MILD_DEG, bands.FPPA_MARKED_DEG),
        )
        level = max(level, f_level)
    pattern = _pattern(level, mid_level)
    return LegSummary(
        valgus=bands.VERDICTS[level],  # type: ignore[arg-type]
        band=bands.BAND_WORDS[level],  # type: ignore[arg-type]
        pattern=pattern,  # type: ignore[arg-type]
        basis=basis,
        borderline=borderline,
        fppa_deg=fppa,
        fppa_peak_deg=stat([lr.fppa_peak_deg for lr in seen]),
        mkd=mkd,
        knee_flexion_deg=stat([lr.knee_flexion_deg for lr in seen]),
        fppa_sdc_deg=sdc(fppa),
        mkd_sdc=sdc(mkd),
        knee_over_foot=kof,
        knee_over_foot_sdc=sdc(kof) if kof is not None else None,
        knee_over_foot_error=round(error, 4) if use_kof else None,
        description=describe_leg(
            side, level, pattern, knee, fppa, fppa_ok, borderline, task=task, foot_line=use_kof
        ),
    )


def describe_leg(
    side: Side,
    level: int,
    pattern: str,
    mkd: Stat,
    fppa: Stat,
    fppa_ok: bool,
    borderline: bool,
    *,
    task: str = "squat",
    foot_line: bool = False,
) -> str:
    """Plain words for what the camera saw: no diagnosis, no risk. mkd: the knee measure
    (the knee over the foot's line when foot_line, else the line over the toes)."""
    assert mkd.mean is not None
    where = "inside" if mkd.mean > 0 else "outside"
    line = "the line of its foot" if foot_line else "the line over the toes"
    text = (
        f"At the bottom of the {task} the {side.value} knee was {abs(mkd.mean) * 100:.1f}% of "
        f"leg length {where} {line}"
    )
    if fppa_ok and fppa.mean is not None:
        text += f"; frontal-plane angle {fppa.mean:+.0f} deg"
    text += f" ({bands.BAND_WORDS[level]}"
    text += ", close to a band edge)" if borderline else ")"
    if pattern == "bottom_only":
        text += "; it moved in only near the bottom"
    elif pattern == "throughout":
        text += "; it was already in at mid-descent"
    return text + "."


def asymmetry(left: LegSummary, right: LegSummary) -> Asymmetry:
    lf, rf = left.fppa_deg.mean, right.fppa_deg.mean
    lm, rm = left.knee().mean, right.knee().mean
    fppa_diff = num(lf - rf) if lf is not None and rf is not None else None
    mkd_diff = num(lm - rm) if lm is not None and rm is not None else None
    side: Literal["left", "right"] | None = None
    if mkd_diff is not None and mkd_diff != 0:
        side = "left" if mkd_diff > 0 else "right"
    # A camera slightly off frontal moves the two knees in opposite directions, so a
    # left-right difference must exceed twice the method's error and the session's own SDC.
    own = [x for x in (left.knee_sdc(), right.knee_sdc()) if x is not None]
    errors = [leg.knee_over_foot_error or bands.MKD_MEASUREMENT_ERROR for leg in (left, right)]
    mkd_floor = max([2 * max(errors), *own])
    mkd_beyond = mkd_diff is not None and abs(mkd_diff) > mkd_floor
    fppa_beyond = (
        fppa_diff is not None
        and abs(fppa_diff) > bands.FPPA_SDD_DEG
        and ("fppa_deg" in left.basis and "fppa_deg" in right.basis)
    )
    return Asymmetry(
        fppa_diff_deg=fppa_diff,
        mkd_diff=mkd_diff,
        more_valgus_side=side,
        beyond_error=bool(mkd_beyond or fppa_beyond),
    )
