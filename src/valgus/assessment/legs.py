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


def leg_rep(leg: LegSeries, rep: RepIdx, mid: int, *, visible: bool, depth: float) -> LegRep:
    """One leg's measures in one rep."""
    if not visible:
        return not_measured_leg()
    b = rep.bottom
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
    side: Side, legs: list[LegRep], *, why_not: str = "", task: str = "squat"
) -> LegSummary:
    """Verdict, pattern and spread for one leg over its reps (task names the movement in
    the description)."""
    seen = [lr for lr in legs if lr.visible and lr.mkd is not None]
    if not seen:
        return not_judged(side, why_not or "its hip, knee or ankle is hidden in the reps")
    mkd = stat([lr.mkd for lr in seen])
    fppa = stat([lr.fppa_deg for lr in seen])
    fppa_ok = sum(lr.fppa_valid for lr in seen) > len(seen) / 2
    assert mkd.mean is not None
    level = bands.mkd_level(mkd.mean)
    mkd_mids = [lr.mkd_mid for lr in seen if lr.mkd_mid is not None]
    mid_level = bands.mkd_level(float(np.mean(mkd_mids))) if mkd_mids else 0
    basis = ["mkd"]
    borderline = bands.near_edge(
        mkd.mean, half_ci(mkd), bands.MKD_MEASUREMENT_ERROR, (bands.MKD_MILD, bands.MKD_MARKED)
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
        description=describe_leg(side, level, pattern, mkd, fppa, fppa_ok, borderline, task=task),
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
) -> str:
    """Plain words for what the camera saw: no diagnosis, no risk."""
    assert mkd.mean is not None
    where = "inside" if mkd.mean > 0 else "outside"
    text = (
        f"At the bottom of the {task} the {side.value} knee was {abs(mkd.mean) * 100:.1f}% of "
        f"leg length {where} the line over the toes"
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
    lm, rm = left.mkd.mean, right.mkd.mean
    fppa_diff = num(lf - rf) if lf is not None and rf is not None else None
    mkd_diff = num(lm - rm) if lm is not None and rm is not None else None
    side: Literal["left", "right"] | None = None
    if mkd_diff is not None and mkd_diff != 0:
        side = "left" if mkd_diff > 0 else "right"
    # A camera slightly off frontal moves the two knees in opposite directions, so a
    # left-right difference must exceed twice the method's error and the session's own SDC.
    own = [x for x in (left.mkd_sdc, right.mkd_sdc) if x is not None]
    mkd_floor = max([2 * bands.MKD_MEASUREMENT_ERROR, *own])
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
