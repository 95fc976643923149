"""Single-leg squat: the standing leg per rep, its FPPA and MKD at the deepest frame,
contralateral pelvic drop and lateral trunk lean (docs/evidence.md §1, §10).

The FPPA was made for this task (Willson 2006; Herrington 2014), so the verdict uses
the single-leg squat bands (docs/evidence.md §3: < 10 deg typical, >= 17 deg well above)
together with the knee's position over the foot (MKD), as for the bilateral squat.
Pelvic drop and trunk lean are reported as numbers and flagged qualitatively: no
validated 2D threshold exists (docs/evidence.md §6; Nilstad: 2D pelvic tilt did not
discriminate injury).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from valgus.assessment import bands, quality
from valgus.assessment import quality_warnings as qw
from valgus.assessment.analysis import (
    MIN_REPS_RECOMMENDED,
    Analysis,
    Context,
    base_method,
    build_result,
    frames_of,
    no_reps,
)
from valgus.assessment.legs import asymmetry, leg_rep, near_bottom, not_measured_leg, summarize_leg
from valgus.assessment.movements.spec import ExtraMeasure, MovementSpec
from valgus.assessment.series import FrameSeries, compute_series
from valgus.assessment.stats import num, stat
from valgus.assessment.track import Track
from valgus.errors import InputError, NoRepsFoundError
from valgus.kinematics import angles
from valgus.kinematics.reps import Rep as RepIdx
from valgus.kinematics.reps import detect_reps, mid_descent_index
from valgus.results import LegRep, LegSummary, Rep, Summary
from valgus.schema import Side

FloatArray = NDArray[np.float64]

# Hip drop (fraction of leg length) that makes a single-leg rep. Single-leg squats are
# shallower than bilateral ones: protocols ask for about 45-60 deg of knee flexion
# (Herrington 2014 measured at 45 deg of flexion or the deepest point), which drops the
# hips about 0.06-0.12 leg lengths on rendered squats (kinematics/reps.py).
MIN_SLS_DEPTH = 0.06

# The lifted foot must be this much higher than the standing foot in the image (median
# over the rep, fraction of leg length, about 4 cm): a foot held off the floor.
MIN_FOOT_LIFT = 0.05

# The pose model's hip landmarks do not follow the pelvis: on rendered single-leg squats
# with a known 8 deg contralateral drop, MediaPipe's hip line read -3 to +2 deg, and a
# trunk lean moved it more than the pelvis did (docs/movements.md). Pelvic drop is
# therefore measured only where the hip points are joint centres: motion capture (hip
# joint centre markers) and the renderer's own truth.
HIP_JOINT_CENTRE_MODELS = ("ground-truth", "synthetic", "motion capture")


def hips_are_joint_centres(model: str) -> bool:
    """True for pose sources whose hip points are the hip joint centres."""
    return model.startswith(HIP_JOINT_CENTRE_MODELS)


# The lifted leg must also be clearly bent: its projected hip-to-ankle distance at most
# this share of the standing leg's (median over the rep; DERIVED on renders: foot held
# behind 0.51-0.59, held in front with 45-70 deg of knee flexion 0.77-0.86; both feet down
# 0.93-1.0 up to 40 deg of camera yaw, where perspective alone lifts the far foot 0.04-0.09
# leg lengths in the image).
MAX_LIFTED_REACH = 0.9

# The planted foot stays put while the body goes down; a held foot moves with the body (a
# pistol's straight leg with the hips, a foot behind with the swing of the thigh). Over one
# rep, the image height range (5th-95th percentile) of each foot, / leg length: a foot that
# moved this much more than the other is the lifted one (DERIVED from rendered single-leg
# squats, docs/movements.md: a planted foot moves ~0.00-0.01 leg lengths in the image, a
# pistol's free foot ~0.2; a foot held behind keeps its height, and there this cue abstains).
PLANTED_MARGIN = 0.04

# Qualitative signs (DERIVED; docs/evidence.md §6: no more than "seen / not seen").
# Pelvic drop: "more than 2 cm" (Magee, via a low-quality source; docs/evidence.md §6) over a
# hip-joint-centre width of about 19 cm is atan(2/19) = 6 deg.
PELVIC_DROP_SIGN_DEG = 6.0
# Trunk lean: no published number; 10 deg from vertical is clearly visible and well beyond
# the method's error on rendered single-leg squats (mean 0.8, max 1.6 deg; docs/accuracy.md).
TRUNK_LEAN_SIGN_DEG = 10.0


@dataclass(frozen=True)
class StanceCall:
    """Which foot stood in one rep: side None when both feet were on the floor, or when
    the cues disagree (unclear says why)."""

    side: Side | None
    lift: float  # median height of the lifted foot over the standing one, / leg length
    cues: str = ""  # the cues that decided, in words
    unclear: str = ""  # why the stance was not decided although a foot was off the floor


def _mean_rows(rows: list[FloatArray]) -> FloatArray:
    with warnings.catch_warnings():  # frames without a foot are NaN: said by the result
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.asarray(np.nanmean(np.vstack(rows), axis=0), dtype=np.float64)


FOOT_PARTS = ("ankle", "heel", "foot_index")


def _foot_y(track: Track, side: Side) -> FloatArray:
    return _mean_rows([track.point(f"{side.value}_{p}")[:, 1] for p in FOOT_PARTS])


def image_foot_lift(track: Track, leg_length_px: float) -> FloatArray:
    """Per frame: (y_left_foot - y_right_foot) / leg length in the image. Positive: the
    left foot is lower (the right foot is lifted). Perspective adds to it when the camera
    is not square: the far foot looks higher (0.04-0.09 leg lengths at 20-50 deg of yaw on
    rendered bilateral squats), so it is only the fallback."""
    return (_foot_y(track, Side.LEFT) - _foot_y(track, Side.RIGHT)) / leg_length_px


def world_foot_lift(world: FloatArray, names: list[str]) -> FloatArray:
    """Per frame, the same from the 3D landmarks (T, 3, K), y down, in 3D leg lengths.

    The vertical is unaffected by camera yaw: on rendered bilateral squats filmed 40 deg
    off frontal the feet differ by 0.002-0.008 leg lengths, on single-leg squats by
    0.38-0.45. The pose model guesses a hidden foot's place, so the raw landmarks serve
    when a lifted foot is hidden behind the standing leg.
    """

    def p(name: str) -> FloatArray:
        return np.asarray(world[:, :, names.index(name)], dtype=np.float64)

    def foot_y(side: str) -> FloatArray:
        return _mean_rows([p(f"{side}_{part}")[:, 1] for part in FOOT_PARTS])

    legs = [
        angles.separation(p(f"{s}_hip"), p(f"{s}_knee"))
        + angles.separation(p(f"{s}_knee"), p(f"{s}_ankle"))
        for s in ("left", "right")
    ]
    longer = np.fmax(legs[0], legs[1])
    finite = longer[np.isfinite(longer)]
    leg = float(np.percentile(finite, 90)) if finite.size else float("nan")
    return (foot_y("left") - foot_y("right")) / leg


def leg_reach(xy: FloatArray, names: list[str]) -> tuple[FloatArray, FloatArray]:
    """Per frame, the projected hip-to-ankle distance of the left and the right leg (px),
    from the raw landmarks (T, 2, K): a lifted foot hidden behind the standing leg keeps
    the pose model's guess."""

    def p(name: str) -> FloatArray:
        return np.asarray(xy[:, :, names.index(name)], dtype=np.float64)

    return (
        angles.separation(p("left_hip"), p("left_ankle")),
        angles.separation(p("right_hip"), p("right_ankle")),
    )


@dataclass(frozen=True)
class FootCues:
    """Per-frame cues of a single-leg stance.

    lift: how much higher the right foot is than the left (+ = the left leg stands), in
    leg lengths: from the 3D landmarks (cleaned, then raw where the cleaned are missing),
    else from the image. reach_left / reach_right: projected hip-ankle distances (px).
    """

    lift: FloatArray
    reach_left: FloatArray
    reach_right: FloatArray
    foot_y_left: FloatArray | None = None  # image height of each foot, / leg length
    foot_y_right: FloatArray | None = None


def foot_cues(
    track: Track,
    leg_length_px: float,
    raw_world: FloatArray | None = None,
    raw_xy: FloatArray | None = None,
) -> FootCues:
    """The cues from a cleaned track and, where given, the raw landmarks."""
    lift = world_foot_lift(track.world, track.names)
    if raw_world is not None:
        lift = np.where(np.isfinite(lift), lift, world_foot_lift(raw_world, track.names))
    image = image_foot_lift(track, leg_length_px)
    lift = np.asarray(np.where(np.isfinite(lift), lift, image), dtype=np.float64)
    left, right = leg_reach(raw_xy if raw_xy is not None else track.xy, track.names)
    return FootCues(
        lift,
        left,
        right,
        _foot_y(track, Side.LEFT) / leg_length_px,
        _foot_y(track, Side.RIGHT) / leg_length_px,
    )


def _still_foot(cues: FootCues, seg: slice) -> Side | None:
    """The foot that stayed put while the other moved (PLANTED_MARGIN), or None."""
    if cues.foot_y_left is None or cues.foot_y_right is None:
        return None
    moved = []
    for y in (cues.foot_y_left[seg], cues.foot_y_right[seg]):
        y = y[np.isfinite(y)]
        if y.size < 3:
            return None
        moved.append(float(np.percentile(y, 95) - np.percentile(y, 5)))
    if abs(moved[0] - moved[1]) < PLANTED_MARGIN:
        return None
    return Side.LEFT if moved[0] < moved[1] else Side.RIGHT


def stance_in_rep(cues: FootCues, rep: RepIdx) -> StanceCall:
    """The standing leg of one rep, from three cues a person would use:

    1. foot lift (decides that a foot is off the floor, and which): one foot held at least
       MIN_FOOT_LIFT higher (median over the rep, 3D landmarks, else the image);
    2. leg reach (must agree): the lifted leg clearly bent or pointing at the camera, its
       projected hip-ankle distance at most MAX_LIFTED_REACH of the standing leg's;
    3. planted foot (must not disagree): the standing foot stays put in the image while a
       held foot moves with the body; it abstains when both stay put.

    Both feet down: side None. A foot off the floor but the cues pointing at different legs:
    side None with the reason in `unclear` (the rep is not judged)."""
    seg = slice(rep.start, rep.end + 1)
    lift = cues.lift[seg]
    lift = lift[np.isfinite(lift)]
    if not lift.size:
        return StanceCall(None, float("nan"))
    m = float(np.median(lift))
    if abs(m) < MIN_FOOT_LIFT:
        return StanceCall(None, abs(m))
    stance = Side.LEFT if m > 0 else Side.RIGHT
    lifted, standing = (
        (cues.reach_right, cues.reach_left)
        if stance is Side.LEFT
        else (cues.reach_left, cues.reach_right)
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = lifted[seg] / standing[seg]
    ratio = ratio[np.isfinite(ratio)]
    if not ratio.size:
        return StanceCall(None, abs(m))
    said = f"the {stance.other.value} foot {abs(m):.2f} leg lengths higher"
    reach = float(np.median(ratio))
    if reach > MAX_LIFTED_REACH:
        if 1 / max(reach, 1e-9) <= MAX_LIFTED_REACH:
            return StanceCall(
                None,
                abs(m),
                unclear=f"{said}, but the {stance.value} leg is the shorter in the picture "
                "(bent or pointing at the camera)",
            )
        return StanceCall(None, abs(m))
    still = _still_foot(cues, seg)
    if still is not None and still is not stance:
        return StanceCall(
            None,
            abs(m),
            unclear=f"{said}, but the {stance.value} foot moved while the "
            f"{stance.other.value} foot stayed put",
        )
    planted = (
        f"; the {stance.value} foot stayed put" if still is stance else "; planted foot: no cue"
    )
    cue = f"foot lift: {said}; leg reach: {reach:.2f} of the standing leg's{planted}"
    return StanceCall(stance, abs(m), cues=cue)


def _at(track: Track, name: str, i: int) -> FloatArray:
    return np.asarray(track.point(name)[i], dtype=np.float64)


def pelvis_and_trunk(track: Track, stance: Side, i: int) -> tuple[float | None, float | None]:
    """Pelvic drop and trunk lean (degrees) at frame i, standing on `stance`."""
    o = stance.other.value
    s = stance.value
    drop = angles.pelvic_drop_deg(_at(track, f"{s}_hip", i), _at(track, f"{o}_hip", i))
    lean = angles.trunk_lean_deg(
        _at(track, f"{s}_hip", i),
        _at(track, f"{o}_hip", i),
        _at(track, f"{s}_shoulder", i),
        _at(track, f"{o}_shoulder", i),
    )
    return num(float(drop)), num(float(lean))


def measure_rep(
    track: Track,
    series: FrameSeries,
    rep: RepIdx,
    index: int,
    stance: Side,
    *,
    visible: bool,
    pelvis: bool = True,
    cues: str = "",
) -> Rep:
    """One single-leg rep: the stance leg measured, the lifted leg marked as such."""
    mid = mid_descent_index(series.depth, rep)
    depth = float(series.depth[rep.bottom])
    legs: dict[Side, LegRep] = {
        stance: leg_rep(
            series.legs[stance],
            rep,
            mid,
            visible=visible,
            depth=depth,
            bottom=near_bottom(series.time_s, rep),
        ).model_copy(update={"role": "stance"}),
        stance.other: not_measured_leg().model_copy(update={"role": "lifted"}),
    }
    drop, lean = pelvis_and_trunk(track, stance, rep.bottom) if visible else (None, None)
    if not pelvis:
        drop = None
    t = series.time_s
    return Rep(
        index=index,
        start_s=num(t[rep.start]) or 0.0,
        bottom_s=num(t[rep.bottom]) or 0.0,
        end_s=num(t[rep.end]) or 0.0,
        complete=rep.complete,
        depth=num(depth) or 0.0,
        left=legs[Side.LEFT],
        right=legs[Side.RIGHT],
        kasr=None,
        nksd=None,
        stance_side=stance.value,
        stance_cues=cues or None,
        pelvic_drop_deg=drop,
        trunk_lean_deg=lean,
    )


def summarize_side(
    side: Side, reps: list[Rep], *, why_not: str = "", knee_error: float | None = None
) -> LegSummary:
    """Verdict for one leg from the reps it stood on, plus pelvis and trunk."""
    stood = [r for r in reps if r.stance_side == side.value]
    if not stood:
        why = why_not or (
            "it was the lifted leg in every rep; film the other side too"
            if reps
            else "no single-leg rep was found"
        )
        return summarize_leg(side, [], why_not=why, task="single-leg squat")
    leg = summarize_leg(
        side,
        [r.left if side is Side.LEFT else r.right for r in stood],
        why_not=why_not,
        task="single-leg squat",
        knee_error=knee_error,
    )
    if leg.valgus is None:
        return leg
    drop = stat([r.pelvic_drop_deg for r in stood])
    lean = stat([r.trunk_lean_deg for r in stood])
    drop_seen = drop.mean is not None and drop.mean >= PELVIC_DROP_SIGN_DEG
    lean_seen = lean.mean is not None and lean.mean >= TRUNK_LEAN_SIGN_DEG
    extra = _describe_pelvis_trunk(drop.mean, lean.mean, drop_seen, lean_seen)
    return leg.model_copy(
        update={
            "pelvic_drop_deg": drop if drop.n else None,
            "trunk_lean_deg": lean,
            "pelvic_drop": drop_seen if drop.mean is not None else None,
            "trunk_lean": lean_seen if lean.mean is not None else None,
            "description": f"{leg.description} {extra}".strip(),
        }
    )


def _describe_pelvis_trunk(
    drop: float | None, lean: float | None, drop_seen: bool, lean_seen: bool
) -> str:
    parts = []
    if drop is not None:
        parts.append(
            f"the pelvis dropped {drop:.0f} deg on the lifted side (visible drop)"
            if drop_seen
            else f"the pelvis stayed about level ({drop:+.0f} deg)"
        )
    if lean is not None:
        parts.append(
            f"the trunk leaned {lean:.0f} deg toward the standing leg"
            if lean_seen
            else f"the trunk stayed about upright ({lean:+.0f} deg)"
        )
    return ("At the bottom " + " and ".join(parts) + ".") if parts else ""


def _keep_side(ctx: Context, reps: list[tuple[RepIdx, Side]]) -> list[tuple[RepIdx, Side]]:
    """Apply --side: keep the reps on that leg; refuse when none stood on it."""
    if ctx.options.side == "auto":
        return reps
    want = Side(ctx.options.side)
    kept = [(r, s) for r, s in reps if s is want]
    if not kept:
        raise InputError(
            f"you said --side {want.value}, but the {want.value} foot was off the floor in every "
            f"rep (the {want.other.value} leg stood). If the video is mirrored (a selfie camera) "
            "the sides swap: add --mirrored; or use --side auto to take the leg the camera saw "
            "standing."
        )
    if len(kept) < len(reps):
        ctx.warnings.append(qw.other_side_reps_ignored(len(reps) - len(kept), want))
    return kept


def _stance_reps(ctx: Context, series: FrameSeries) -> list[tuple[RepIdx, Side, str]]:
    """The single-leg reps, the leg each stood on and the cues that said so; two-leg reps
    and reps whose cues disagree dropped (and said)."""
    found = detect_reps(series.depth, series.time_s, min_depth=MIN_SLS_DEPTH)
    cues = foot_cues(ctx.track, series.leg_length_px, ctx.raw("world"), ctx.raw("position"))
    calls = [stance_in_rep(cues, r) for r in found]
    reps = [(r, c.side, c.cues) for r, c in zip(found, calls, strict=True) if c.side is not None]
    unclear = [
        (k + 1, float(series.time_s[r.bottom]), c.unclear)
        for k, (r, c) in enumerate(zip(found, calls, strict=True))
        if c.side is None and c.unclear
    ]
    if unclear:
        ctx.warnings.append(qw.stance_unclear(unclear))
    if found and not reps and not unclear:
        raise NoRepsFoundError(
            f"{len(found)} squat(s) found, but both feet stayed on the floor: this looks like "
            "a two-leg squat. Use --movement squat, or film the single-leg squat with the "
            "other foot held off the floor."
        )
    if found and not reps:
        raise NoRepsFoundError(
            f"{len(found)} single-leg squat(s) found, but which leg stood could not be told "
            f"in any ({unclear[0][2]}). Film square to the body, the lifted foot clear of the "
            "standing leg."
        )
    if not reps:
        raise no_reps(
            ctx,
            "single-leg squat",
            MIN_SLS_DEPTH,
            "Film 5 single-leg squats per side, the whole body in frame.",
        )
    two_leg = len(found) - len(reps) - len(unclear)
    if two_leg:
        ctx.warnings.append(qw.two_leg_reps_ignored(two_leg))
    said = {id(r): c for r, _, c in reps}
    kept = _keep_side(ctx, [(r, s) for r, s, _ in reps])
    return [(r, s, said[id(r)]) for r, s in kept]


def stance_views(
    ctx: Context, reps: list[tuple[RepIdx, Side, str]]
) -> tuple[quality.ViewEstimate, dict[Side, quality.ViewEstimate]]:
    """The camera angle over all reps (a side view is refused; the framing is checked) and
    during each standing leg's own reps. Each leg is judged by its own: a person who turns
    between the two legs' sets, or stands squarer on one leg, keeps the leg the camera saw
    well. The warnings describe the legs' own views (one warning when they agree)."""
    track = ctx.track
    every = frames_of(track, [r for r, _, _ in reps])
    whole = quality.estimate_view(track, every & track.detected)
    quality.refuse_side_view(whole)
    own = {
        s: quality.estimate_view(track, f & track.detected)
        for s in Side
        if (f := frames_of(track, [r for r, st, _ in reps if st is s])).any()
    }
    allowed = {
        s: quality.view_allows_valgus(v, limit=quality.KOF_MAX_YAW_DEG) for s, v in own.items()
    }
    if len(set(allowed.values())) > 1:
        ctx.warnings.extend(
            qw.stance_leg_view(s, v.yaw_deg, quality.KOF_MAX_YAW_DEG, judged=allowed[s])
            for s, v in own.items()
        )
    else:
        worst = max(own.values(), key=lambda v: np.inf if v.yaw_deg is None else v.yaw_deg)
        said = [w for w in quality.view_warnings(worst, limit=quality.KOF_MAX_YAW_DEG)]
        ctx.warnings.extend(said)
    ctx.warnings.extend(quality.check_framing(track, every))
    return whole, own


def _stance_legs_judged(
    ctx: Context,
    views: dict[Side, quality.ViewEstimate],
    reps: list[tuple[RepIdx, Side, str]],
) -> tuple[dict[Side, bool], dict[Side, str]]:
    """Per leg: judged (it stood in some rep, was seen there, and the camera was near enough
    square during its own reps) or why not."""
    visible: dict[Side, bool] = {}
    why_not: dict[Side, str] = {}
    for s in Side:
        stood = frames_of(ctx.track, [r for r, st, _ in reps if st is s])
        visible[s] = bool(stood.any()) and quality.leg_visible(ctx.track, s.value, stood)
        if stood.any() and not visible[s]:
            why_not[s] = "its hip, knee or ankle is hidden or unclear in the reps"
            ctx.warnings.append(qw.leg_hidden(s, "single-leg squats"))
        view = views.get(s)
        if view is not None and not quality.view_allows_valgus(view, limit=quality.KOF_MAX_YAW_DEG):
            visible[s] = False
            why_not[s] = (
                "the camera angle could not be estimated during its reps"
                if view.yaw_deg is None
                else f"the camera was about {view.yaw_deg:.0f} degrees off frontal during its "
                f"reps (more than {quality.KOF_MAX_YAW_DEG:.0f})"
            )
    return visible, why_not


def analyze(ctx: Context) -> Analysis:
    """Single-leg squat: reps, the standing leg of each, its measures."""
    track = ctx.track
    series = compute_series(track, single_leg=True)
    reps = _stance_reps(ctx, series)
    view, views = stance_views(ctx, reps)
    visible, why_not = _stance_legs_judged(ctx, views, reps)
    unclear = next((w for w in ctx.warnings if w.code == "stance_unclear"), None)
    for s in Side:
        if unclear is not None and s not in why_not and not any(st is s for _, st, _ in reps):
            why_not[s] = (
                "it stood in no rep whose cues agreed; which leg stood was unclear in "
                f"{unclear.message.split(' ', 1)[0]} rep(s) (see the warnings)"
            )
    for s in Side:
        n = sum(st is s for _, st, _ in reps)
        if 0 < n < MIN_REPS_RECOMMENDED:
            ctx.warnings.append(qw.few_reps(n, f"single-leg rep(s) on the {s.value} leg"))
    pelvis = hips_are_joint_centres(str(ctx.poses.attrs.get("model", "")))
    if not pelvis:
        ctx.warnings.append(qw.pelvic_drop_not_measured())
    rep_results = [
        measure_rep(track, series, r, i + 1, st, visible=visible[st], pelvis=pelvis, cues=c)
        for i, (r, st, c) in enumerate(reps)
    ]
    errors = {s: bands.knee_over_foot_error(float(series.legs[s].toe_out_deg)) for s in Side}
    left = summarize_side(
        Side.LEFT, rep_results, why_not=why_not.get(Side.LEFT, ""), knee_error=errors[Side.LEFT]
    )
    right = summarize_side(
        Side.RIGHT, rep_results, why_not=why_not.get(Side.RIGHT, ""), knee_error=errors[Side.RIGHT]
    )
    summary = Summary(
        n_reps=len(rep_results),
        left=left,
        right=right,
        kasr=stat([]),
        nksd=stat([]),
        depth=stat([r.depth for r in rep_results]),
        asymmetry=asymmetry(left, right),
        statement=bands.WELLNESS_STATEMENT,
    )
    method = base_method(ctx.poses) | {
        "side": ctx.options.side,
        "min_rep_depth": MIN_SLS_DEPTH,
        "min_foot_lift": MIN_FOOT_LIFT,
        "max_lifted_reach": MAX_LIFTED_REACH,
        "planted_margin": PLANTED_MARGIN,
        "pelvic_drop_sign_deg": PELVIC_DROP_SIGN_DEG,
        "trunk_lean_sign_deg": TRUNK_LEAN_SIGN_DEG,
    }
    method |= {
        f"view_yaw_{s.value}_stance_deg": v.yaw_deg
        for s, v in views.items()
        if v.yaw_deg is not None
    }
    result = build_result(
        ctx, "single-leg-squat", view, any(visible.values()), rep_results, summary, method
    )
    return Analysis(result, ctx.poses, series)


SPEC = MovementSpec(
    name="single-leg-squat",
    label="single-leg squat",
    order=2,
    role="single_leg",
    options=frozenset({"side"}),
    filming="Same camera set-up as the squat. 5 single-leg squats on one leg, the other foot "
    "held off the floor, then 5 on the other leg (one video or two).",
    summary_title="Knee valgus at the bottom of the single-leg squat, standing leg "
    "(mean ± SD over its reps)",
    analyze=analyze,
    ratios_at=None,
    extra_measures=(
        ExtraMeasure("pelvic drop (lifted side), deg", lambda leg: leg.pelvic_drop_deg),
        ExtraMeasure("trunk lean (to standing leg), deg", lambda leg: leg.trunk_lean_deg),
    ),
)
