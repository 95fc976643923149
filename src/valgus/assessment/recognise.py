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

import numpy as np
import xarray as xr

from valgus.assessment import quality
from valgus.assessment.movements import single_leg_squat as single_leg
from valgus.assessment.movements.drop_jump import find_events
from valgus.assessment.series import compute_series
from valgus.assessment.track import Track
from valgus.errors import NoRepsFoundError, UnsuitableViewError
from valgus.kinematics.reps import detect_reps

# Beyond this camera yaw the foot cues are unreliable: on the real 30-deg (estimated
# 50-deg) dim clip the pose model put the far foot 8 cm higher in 3D during a two-leg squat.
MAX_RECOGNITION_YAW_DEG = 30.0

CANNOT_TELL = (
    "the movement could not be recognised: no drop jump (drop from a box, landing, take-off) "
    "and no squat (hips dropping by {depth:.0f}% of leg length or more) was found. Name the "
    "movement with --movement squat | heel-raised-squat | single-leg-squat | drop-jump, and "
    "film the whole body from the front."
)


def recognise_movement(poses: xr.Dataset, track: Track, /) -> tuple[str, str]:
    """(movement, reason) from the raw poses (for landings) and their cleaned track (for
    squats); raises NoRepsFoundError (nothing found) or UnsuitableViewError (one leg or two
    cannot be told at this camera angle) when it cannot tell."""
    events = find_events(poses)
    if events:
        first = events[0]
        return (
            "drop-jump",
            f"{len(events)} drop jump(s): the feet dropped to the floor, landed at "
            f"{first.contact_s:.2f} s and took off again",
        )
    series = compute_series(track, single_leg=True)
    reps = detect_reps(series.depth, track.time_s, min_depth=single_leg.MIN_SLS_DEPTH)
    if not reps:
        raise NoRepsFoundError(CANNOT_TELL.format(depth=100 * single_leg.MIN_SLS_DEPTH))
    in_reps = np.zeros(len(track.time_s), dtype=bool)
    for r in reps:
        in_reps[r.start : r.end + 1] = True
    view = quality.estimate_view(track, in_reps & track.detected)
    if view.yaw_deg is None or view.yaw_deg > MAX_RECOGNITION_YAW_DEG:
        angle = f"about {view.yaw_deg:.0f} degrees" if view.yaw_deg is not None else "unknown"
        raise UnsuitableViewError(
            f"squats found, but at this camera angle ({angle} off frontal) a foot held off "
            "the floor cannot be told from perspective: name the movement with --movement "
            "squat | heel-raised-squat | single-leg-squat, or film square to the body."
        )
    raw_world = np.asarray(poses.world.transpose("time", "space3", "keypoint").values)
    raw_xy = np.asarray(poses.position.transpose("time", "space", "keypoint").values)
    cues = single_leg.foot_cues(track, series.leg_length_px, raw_world, raw_xy)
    calls = [single_leg.stance_in_rep(cues, r) for r in reps]
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
