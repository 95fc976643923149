"""`--movement auto`: which movement test a recording shows, or a clear "cannot tell".

Rules (DERIVED, checked on rendered clips of each movement with known truth):

1. A drop jump: the landing detector finds a drop from a raised surface to the floor
   followed by a take-off (kinematics/landing.py).
2. Otherwise squats: hip dips of at least the single-leg depth. When in most of them one
   foot is held off the floor, a single-leg squat; else a bilateral squat.
3. A 5 cm heel raise cannot be told from a frontal camera (the heel hides behind the foot
   and perspective moves it as much as the board does): a bilateral squat is reported as
   the flat squat, and the reason says to name the heel-raised squat explicitly.
"""

from __future__ import annotations

from valgus.assessment import single_leg
from valgus.assessment.drop_jump import DROP_JUMP_CUTOFF_HZ, jump_signals
from valgus.assessment.series import compute_series
from valgus.assessment.track import Track
from valgus.errors import NoRepsFoundError
from valgus.kinematics.filtering import lowpass
from valgus.kinematics.reps import detect_reps

CANNOT_TELL = (
    "the movement could not be recognised: no drop jump (drop from a box, landing, take-off) "
    "and no squat (hips dropping by {depth:.0f}% of leg length or more) was found. Name the "
    "movement with --movement squat | heel-raised-squat | single-leg-squat | drop-jump, and "
    "film the whole body from the front."
)


def recognise_movement(track: Track, /) -> tuple[str, str]:
    """(movement, reason) for a cleaned track; raises NoRepsFoundError when it cannot tell."""
    from valgus.kinematics.landing import detect_drop_jumps

    series = compute_series(track, single_leg=True)
    foot_h, hip_h = jump_signals(track, series.leg_length_px)
    t = track.time_s
    # The squat track is filtered at 6 Hz; landings need the drop-jump bandwidth, which
    # the caller's track may not have: the signals are re-filtered no lower than that.
    events = detect_drop_jumps(
        t,
        lowpass(foot_h, t, cutoff_hz=DROP_JUMP_CUTOFF_HZ),
        lowpass(hip_h, t, cutoff_hz=DROP_JUMP_CUTOFF_HZ),
    )
    if events:
        first = events[0]
        return (
            "drop-jump",
            f"{len(events)} drop jump(s): the feet dropped to the floor, landed at "
            f"{first.contact_s:.2f} s and took off again",
        )
    reps = detect_reps(series.depth, t, min_depth=single_leg.MIN_SLS_DEPTH)
    if not reps:
        raise NoRepsFoundError(CANNOT_TELL.format(depth=100 * single_leg.MIN_SLS_DEPTH))
    lift = single_leg.foot_lift(track, series.leg_length_px)
    calls = [single_leg.stance_in_rep(lift, r) for r in reps]
    one_leg = sum(c.side is not None for c in calls)
    if one_leg > len(reps) / 2:
        sides = sorted({c.side.value for c in calls if c.side is not None})
        return (
            "single-leg-squat",
            f"{one_leg} of {len(reps)} squat(s) with one foot off the floor "
            f"(standing on the {' and '.join(sides)} leg)",
        )
    return (
        "squat",
        f"{len(reps) - one_leg} of {len(reps)} squat(s) with both feet on the floor; a 5 cm "
        "heel raise cannot be seen from the front, so this is taken as the flat squat "
        "(use --movement heel-raised-squat if the heels were on a board)",
    )
