"""Bilateral squat, bodyweight or overhead (docs/movements.md): per rep and leg, valgus at
the deepest frame and its course through the rep; KASR and NKSD for the pair of knees."""

from __future__ import annotations

import numpy as np

from valgus.assessment import bands
from valgus.assessment import quality_warnings as qw
from valgus.assessment.analysis import (
    MIN_REPS_RECOMMENDED,
    Analysis,
    Context,
    base_method,
    build_result,
    frames_of,
    leg_gates,
    no_reps,
    view_gates,
)
from valgus.assessment.legs import asymmetry, leg_rep, near_bottom, summarize_leg
from valgus.assessment.movements.spec import MovementSpec
from valgus.assessment.quality import KOF_MAX_YAW_DEG
from valgus.assessment.series import FrameSeries, compute_series
from valgus.assessment.stats import num, stat
from valgus.assessment.track import Track
from valgus.kinematics import angles
from valgus.kinematics.reps import MIN_REP_DEPTH, detect_reps, mid_descent_index
from valgus.kinematics.reps import Rep as RepIdx
from valgus.results import LegSummary, Rep, Summary
from valgus.schema import Side

# Toe-out beyond which the line over the toes no longer stands for the foot's direction of a
# knee that tracks over the ankle (DERIVED: at 30 deg the toe tip is ~0.15 of a leg length
# outside the heel line, twice the 'well above typical' MKD band of 0.08; the filming guide
# asks for the person's usual stance, which for most is 5-20 deg).
TOE_OUT_GUIDE_DEG = 30.0
# Beyond this apparent toe-out (the foot's own turn plus the camera's yaw on that side) the
# foot's direction is read from a foot seen nearly side-on, and the measure's error passes the
# width of the 'above typical' band (bands.knee_over_foot_error: 2 + 6 x sin 50 = 6.6 % of
# leg length; DERIVED, docs/accuracy.md "Knee over the foot").
MAX_APPARENT_TOE_OUT_DEG = 50.0
# The feet's yaw cue (feet_yaw_deg) beyond which neither knee is judged. DERIVED on rendered
# squats (feet 10 deg out, camera -25..25 deg): the cue reads about 0.8 of the true yaw
# (16-18 at 20 deg, 20-23 at 25 deg); at 25 deg the knee nearer the camera read 3-7 % of leg
# length too far in, beyond the stated error, while up to 20 deg both legs held.
FEET_YAW_MAX_DEG = 19.0


def measure_reps(
    series: FrameSeries, reps: list[RepIdx], visible: dict[Side, bool], *, ratios_ok: bool
) -> list[Rep]:
    """Per-rep results. ratios_ok: both knees and ankles seen well enough for KASR/NKSD
    (which stay valid in oblique views: a common sideways shift of both knees cancels)."""
    out = []
    for i, rep in enumerate(reps):
        mid = mid_descent_index(series.depth, rep)
        t = series.time_s
        depth = float(series.depth[rep.bottom])
        bottom = near_bottom(t, rep)
        out.append(
            Rep(
                index=i + 1,
                start_s=num(t[rep.start]) or 0.0,
                bottom_s=num(t[rep.bottom]) or 0.0,
                end_s=num(t[rep.end]) or 0.0,
                complete=rep.complete,
                depth=num(depth) or 0.0,
                left=leg_rep(
                    series.legs[Side.LEFT],
                    rep,
                    mid,
                    visible=visible[Side.LEFT],
                    depth=depth,
                    bottom=bottom,
                ),
                right=leg_rep(
                    series.legs[Side.RIGHT],
                    rep,
                    mid,
                    visible=visible[Side.RIGHT],
                    depth=depth,
                    bottom=bottom,
                ),
                kasr=num(series.kasr[rep.bottom]) if ratios_ok else None,
                nksd=num(series.nksd[rep.bottom]) if ratios_ok else None,
            )
        )
    return out


def summarize(
    reps: list[Rep],
    why_not: dict[Side, str] | None = None,
    *,
    task: str = "squat",
    errors: dict[Side, float] | None = None,
) -> Summary:
    """Per-leg verdicts over the reps, the pair's ratios and the left-right asymmetry.
    errors: each leg's knee-over-foot measurement error (bands.knee_over_foot_error)."""
    why = why_not or {}
    err = errors or {}
    left = summarize_leg(
        Side.LEFT,
        [r.left for r in reps],
        why_not=why.get(Side.LEFT, ""),
        task=task,
        knee_error=err.get(Side.LEFT),
    )
    right = summarize_leg(
        Side.RIGHT,
        [r.right for r in reps],
        why_not=why.get(Side.RIGHT, ""),
        task=task,
        knee_error=err.get(Side.RIGHT),
    )
    return Summary(
        n_reps=len(reps),
        left=left,
        right=right,
        kasr=stat([r.kasr for r in reps]),
        nksd=stat([r.nksd for r in reps]),
        depth=stat([r.depth for r in reps]),
        asymmetry=asymmetry(left, right),
        statement=bands.WELLNESS_STATEMENT,
    )


def _leg_points(track: Track, side: Side, part: str) -> angles.FloatArray:
    return track.point(f"{side.value}_{part}")


def toe_out(series: FrameSeries, side: Side) -> float | None:
    """The foot's toe-out as the camera sees it, degrees, median over the standing frames
    (angles.toe_out_deg)."""
    toe = series.legs[side].toe_out_deg
    return round(toe, 1) if np.isfinite(toe) else None


def knee_errors(series: FrameSeries) -> dict[Side, float]:
    """Each leg's knee-over-foot measurement error, from its foot's apparent toe-out."""
    return {s: bands.knee_over_foot_error(toe_out(series, s)) for s in Side}


def feet_yaw_deg(series: FrameSeries) -> float | None:
    """The camera's yaw from the feet, degrees, + = the camera toward the person's left:
    half the difference of the two feet's apparent toe-out (a camera turned by y adds y to
    one foot's turn and takes it from the other's). Assumes the feet turn out alike."""
    left, right = toe_out(series, Side.LEFT), toe_out(series, Side.RIGHT)
    return None if left is None or right is None else round((right - left) / 2, 1)


def foot_gates(
    ctx: Context, series: FrameSeries, visible: dict[Side, bool], why_not: dict[Side, str]
) -> tuple[dict[Side, bool], dict[Side, str]]:
    """Not judged: both legs when the feet show the camera more than FEET_YAW_MAX_DEG off
    square; a leg whose foot points further sideways in the picture than
    MAX_APPARENT_TOE_OUT_DEG (its line cannot be drawn from a frontal picture)."""
    visible, why_not = dict(visible), dict(why_not)
    yaw = feet_yaw_deg(series)
    if yaw is not None and abs(yaw) > FEET_YAW_MAX_DEG and any(visible.values()):
        ctx.warnings.append(qw.feet_yaw(yaw, FEET_YAW_MAX_DEG))
        why = f"the feet show the camera about {abs(yaw):.0f} degrees off square"
        return dict.fromkeys(Side, False), dict.fromkeys(Side, why)
    for side in Side:
        toe = toe_out(series, side)
        if visible[side] and toe is not None and abs(toe) > MAX_APPARENT_TOE_OUT_DEG:
            visible[side] = False
            why_not[side] = (
                f"its foot points {abs(toe):.0f} degrees {'out' if toe > 0 else 'in'} as the "
                f"camera sees it (more than {MAX_APPARENT_TOE_OUT_DEG:.0f}): the line of the "
                "foot cannot be drawn from this view; film square to the body, feet in your "
                "usual stance"
            )
    return visible, why_not


def knee_inside_ankle(
    track: Track, series: FrameSeries, reps: list[RepIdx], side: Side
) -> float | None:
    """How far the knee is inside the vertical through its ankle at the bottom, / leg
    length (+ inside), median over reps."""
    bottoms = [r.bottom for r in reps]
    values = angles.medial_knee_displacement(
        _leg_points(track, side, "knee")[bottoms],
        _leg_points(track, side, "ankle")[bottoms],
        _leg_points(track, side.other, "hip")[bottoms],
        _leg_points(track, side, "hip")[bottoms],
        series.leg_length_px,
    )
    values = values[np.isfinite(values)]
    return float(np.median(values)) if values.size else None


def _capped(leg: LegSummary, toe: float, over_ankle: float) -> LegSummary:
    """'Well above typical' with the feet turned out far and the knee over or outside its
    ankle: no more certain than the geometry allows."""
    note = (
        f" Capped at above typical: the feet were turned out about {toe:.0f} deg and the knee "
        f"stayed {'over' if over_ankle > -0.01 else 'outside'} its ankle "
        f"({100 * over_ankle:+.1f}% of leg length). With the feet turned out this far the "
        "foot's line at the knee rests on how far the knee travelled forward, which a frontal "
        "camera sees only roughly."
    )
    return leg.model_copy(
        update={
            "valgus": "mild",
            "band": "above typical",
            "borderline": True,
            "description": leg.description + note,
        }
    )


def with_feet(
    ctx: Context, track: Track, series: FrameSeries, reps: list[RepIdx], summary: Summary
) -> Summary:
    """Each leg's toe-out in the summary; a warning beyond TOE_OUT_GUIDE_DEG, where a
    'well above typical' knee that stayed over or outside its ankle is capped."""
    legs = {}
    turned_out: dict[str, float] = {}
    for side in Side:
        leg = summary.left if side is Side.LEFT else summary.right
        toe = toe_out(series, side) if leg.valgus is not None else None
        leg = leg.model_copy(update={"toe_out_deg": toe})
        if toe is not None and toe > TOE_OUT_GUIDE_DEG:
            turned_out[side.value] = toe
            over = knee_inside_ankle(track, series, reps, side)
            if leg.valgus == "marked" and over is not None and over <= bands.MKD_MEASUREMENT_ERROR:
                leg = _capped(leg, toe, over)
        legs[side] = leg
    if turned_out:
        ctx.warnings.append(qw.feet_turned_out(turned_out, TOE_OUT_GUIDE_DEG))
    left, right = legs[Side.LEFT], legs[Side.RIGHT]
    return summary.model_copy(
        update={"left": left, "right": right, "asymmetry": asymmetry(left, right)}
    )


def analyze_bilateral(ctx: Context, movement: str) -> Analysis:
    """A bilateral squat, flat or with the heels raised (the same measures)."""
    track = ctx.track
    series = compute_series(track)
    reps = detect_reps(series.depth, series.time_s)
    if not reps:
        raise no_reps(ctx, "squat", MIN_REP_DEPTH, "Film 3-5 full squats, the whole body in frame.")
    in_reps = frames_of(track, reps)
    view = view_gates(ctx, in_reps, limit=KOF_MAX_YAW_DEG)
    visible, why_not, ratios_ok = leg_gates(ctx, view, in_reps, "squats", limit=KOF_MAX_YAW_DEG)
    visible, why_not = foot_gates(ctx, series, visible, why_not)
    if len(reps) < MIN_REPS_RECOMMENDED:
        ctx.warnings.append(qw.few_reps(len(reps)))
    rep_results = measure_reps(series, reps, visible, ratios_ok=ratios_ok)
    task = movement.replace("-", " ")
    summary = with_feet(
        ctx,
        track,
        series,
        reps,
        summarize(rep_results, why_not, task=task, errors=knee_errors(series)),
    )
    result = build_result(
        ctx,
        movement,
        view,
        any(visible.values()),
        rep_results,
        summary,
        base_method(ctx.poses) | {"toe_out_guide_deg": TOE_OUT_GUIDE_DEG},
    )
    quality = result.quality.model_copy(update={"view_yaw_feet_deg": feet_yaw_deg(series)})
    return Analysis(result.model_copy(update={"quality": quality}), ctx.poses, series)


def _analyze(ctx: Context) -> Analysis:
    return analyze_bilateral(ctx, "squat")


SPEC = MovementSpec(
    name="squat",
    label="squat",
    order=0,
    role="bilateral",
    options=frozenset(),
    filming="Phone at hip height, 2-3 m in front, square to the body, the whole body and the "
    "feet in frame. 3-5 bodyweight (or overhead) squats at your usual depth, standing still "
    "for a second before and after.",
    summary_title="Knee valgus at the bottom of the squat (mean ± SD over reps)",
    analyze=_analyze,
)
