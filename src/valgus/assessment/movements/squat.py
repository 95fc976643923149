"""Bilateral squat, bodyweight or overhead (docs/movements.md): per rep and leg, valgus at
the deepest frame and its course through the rep; KASR and NKSD for the pair of knees."""

from __future__ import annotations

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
from valgus.assessment.legs import asymmetry, leg_rep, summarize_leg
from valgus.assessment.movements.spec import MovementSpec
from valgus.assessment.series import FrameSeries, compute_series
from valgus.assessment.stats import num, stat
from valgus.kinematics.reps import MIN_REP_DEPTH, detect_reps, mid_descent_index
from valgus.kinematics.reps import Rep as RepIdx
from valgus.results import Rep, Summary
from valgus.schema import Side


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
        out.append(
            Rep(
                index=i + 1,
                start_s=num(t[rep.start]) or 0.0,
                bottom_s=num(t[rep.bottom]) or 0.0,
                end_s=num(t[rep.end]) or 0.0,
                complete=rep.complete,
                depth=num(depth) or 0.0,
                left=leg_rep(
                    series.legs[Side.LEFT], rep, mid, visible=visible[Side.LEFT], depth=depth
                ),
                right=leg_rep(
                    series.legs[Side.RIGHT], rep, mid, visible=visible[Side.RIGHT], depth=depth
                ),
                kasr=num(series.kasr[rep.bottom]) if ratios_ok else None,
                nksd=num(series.nksd[rep.bottom]) if ratios_ok else None,
            )
        )
    return out


def summarize(
    reps: list[Rep], why_not: dict[Side, str] | None = None, *, task: str = "squat"
) -> Summary:
    """Per-leg verdicts over the reps, the pair's ratios and the left-right asymmetry."""
    why = why_not or {}
    left = summarize_leg(
        Side.LEFT, [r.left for r in reps], why_not=why.get(Side.LEFT, ""), task=task
    )
    right = summarize_leg(
        Side.RIGHT, [r.right for r in reps], why_not=why.get(Side.RIGHT, ""), task=task
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


def analyze_bilateral(ctx: Context, movement: str) -> Analysis:
    """A bilateral squat, flat or with the heels raised (the same measures)."""
    track = ctx.track
    series = compute_series(track)
    reps = detect_reps(series.depth, series.time_s)
    if not reps:
        raise no_reps(ctx, "squat", MIN_REP_DEPTH, "Film 3-5 full squats, the whole body in frame.")
    in_reps = frames_of(track, reps)
    view = view_gates(ctx, in_reps)
    visible, why_not, ratios_ok = leg_gates(ctx, view, in_reps, "squats")
    if len(reps) < MIN_REPS_RECOMMENDED:
        ctx.warnings.append(qw.few_reps(len(reps)))
    rep_results = measure_reps(series, reps, visible, ratios_ok=ratios_ok)
    result = build_result(
        ctx,
        movement,
        view,
        any(visible.values()),
        rep_results,
        summarize(rep_results, why_not, task=movement.replace("-", " ")),
        base_method(ctx.poses),
    )
    return Analysis(result, ctx.poses, series)


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
