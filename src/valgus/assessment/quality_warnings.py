"""Every quality warning an analysis can carry: its code and its words, in one place.

A warning means the result was computed but the footage limits it. Codes are part of the
JSON contract (docs/output.md); messages say what the camera saw and what to do.
"""

from __future__ import annotations

from valgus.results import QualityWarning
from valgus.schema import Side

REFILM = (
    "Film from the front: phone at hip height, square to the body, 2-3 m away, whole body in frame."
)


def truncated(at_s: float) -> QualityWarning:
    return QualityWarning(
        code="truncated",
        message=f"the video is damaged after {at_s:.1f} s; only the part before was analyzed.",
    )


def mocap_markers(markers: str) -> QualityWarning:
    return QualityWarning(
        code="mocap_markers",
        message="motion capture: skin markers stand in for the joints "
        f"({markers}); a lateral knee or ankle marker sits about 5 cm outside the joint "
        "centre, so FPPA reads more varus than the joint centres would (about 8 deg on the "
        "OpenCap drop jumps, docs/landing.md).",
    )


def variable_frame_rate() -> QualityWarning:
    return QualityWarning(
        code="variable_frame_rate",
        message="variable frame rate: real timestamps were used and the series resampled for "
        "filtering.",
    )


def mirrored() -> QualityWarning:
    return QualityWarning(
        code="mirrored",
        message="mirror-imaged video (--mirrored): left and right were swapped back, so each "
        "leg carries its own name; pictures show the video as filmed (a mirror image) with the "
        "legs labelled correctly.",
    )


def left_right_swaps(n_swapped: int) -> QualityWarning:
    return QualityWarning(
        code="left_right_swaps",
        message=f"left/right landmarks were swapped by the pose model in {n_swapped} frame(s) "
        "and corrected.",
    )


def body_jump(times: list[float]) -> QualityWarning:
    shown = ", ".join(f"{t:.1f} s" for t in times[:5]) + (" ..." if len(times) > 5 else "")
    return QualityWarning(
        code="body_jump",
        message=f"the tracked body jumped at {shown}, faster than a person moves: the pose "
        "model may have moved to another person or lost the body for a moment. Check the key "
        "frames; film one person at a time, nobody walking behind.",
    )


def view_unknown() -> QualityWarning:
    return QualityWarning(code="view_unknown", message="the camera angle could not be estimated")


def strong_oblique_view(yaw_deg: float, limit_deg: float) -> QualityWarning:
    return QualityWarning(
        code="strong_oblique_view",
        message=f"the camera is about {yaw_deg:.0f} degrees off frontal (more than "
        f"{limit_deg:.0f}): the reps, their timing and depth are reported, but knee valgus "
        f"cannot be judged from this angle. {REFILM}",
    )


def stance_leg_view(
    side: Side, yaw_deg: float | None, limit_deg: float, *, judged: bool
) -> QualityWarning:
    """Single-leg squats: the camera angle during one standing leg's reps, when the two legs'
    differ in whether they can be judged."""
    seen = (
        "could not be estimated"
        if yaw_deg is None
        else f"was about {yaw_deg:.0f} degrees off frontal"
    )
    if judged:
        then = "its knee is judged (its error at that angle is in the results)"
        code = "stance_leg_view"
    else:
        then = f"more than {limit_deg:.0f}: its knee is not judged. {REFILM}"
        code = "strong_oblique_view"
    return QualityWarning(
        code=code,
        message=f"during the {side.value}-leg reps the camera {seen}; {then}",
    )


def oblique_view(yaw_deg: float) -> QualityWarning:
    return QualityWarning(
        code="oblique_view",
        message=f"the camera is about {yaw_deg:.0f} degrees off frontal: one knee looks more "
        "inward and the other less than they are (about 1.5% of leg length per 10 degrees at "
        "the bottom of a deep squat). Film square to the body.",
    )


def oblique_view_foot_line(yaw_deg: float) -> QualityWarning:
    return QualityWarning(
        code="oblique_view",
        message=f"the camera is about {yaw_deg:.0f} degrees off frontal: the knee over the "
        "foot's line allows for the angle, but the feet are seen more from the side and its "
        "error grows (each leg's error is in the results). Film square to the body.",
    )


def feet_yaw(yaw_deg: float, limit_deg: float) -> QualityWarning:
    side = "left" if yaw_deg > 0 else "right"
    return QualityWarning(
        code="strong_oblique_view",
        message=f"the feet show the camera about {abs(yaw_deg):.0f} degrees off square, toward "
        f"the person's {side} (more than {limit_deg:.0f}; read from the difference of the two "
        "feet's turn, assuming they turn out alike): the knee nearer the camera reads too far "
        f"in and the other too far out, so knee valgus is not judged. {REFILM}",
    )


def partly_out_of_frame(part: str, fraction: float, where: str) -> QualityWarning:
    return QualityWarning(
        code="partly_out_of_frame",
        message=f"{part.replace('_', ' ')} leaves the picture in {100 * fraction:.0f}% "
        f"{where}; those frames are not used.",
    )


def leg_hidden(side: Side, task: str) -> QualityWarning:
    return QualityWarning(
        code=f"{side.value}_leg_hidden",
        message=f"the {side.value} leg's hip, knee or ankle is hidden or unclear during the "
        f"{task}; that leg is not judged. Film square-on, in good light, legs uncovered.",
    )


def few_reps(n: int, what: str = "rep(s)") -> QualityWarning:
    return QualityWarning(
        code="few_reps",
        message=f"only {n} {what} found; 3-5 give a reliable mean and spread.",
    )


def feet_turned_out(angles: dict[str, float], guide_deg: float) -> QualityWarning:
    said = " and ".join(f"the {side} about {a:.0f} deg" for side, a in angles.items())
    return QualityWarning(
        code="feet_turned_out",
        message=f"feet turned out beyond {guide_deg:.0f} deg ({said}, +-10 deg): the line over "
        "the toes then runs well outside a knee that stays over its ankle, so 'inside the toe "
        "line' overstates how far the knee moved in. A knee over or outside its ankle is not "
        "called well above typical here; film with the feet turned out less to judge it.",
    )


def two_leg_reps_ignored(n: int) -> QualityWarning:
    return QualityWarning(
        code="two_leg_reps_ignored",
        message=f"{n} rep(s) with both feet on the floor were ignored.",
    )


def stance_unclear(reps: list[tuple[int, float, str]]) -> QualityWarning:
    """Reps (1-based in the order found, the time of their bottom in s) whose standing leg
    the cues could not agree on."""
    said = "; ".join(f"rep {k} at {t:.1f} s: {why}" for k, t, why in reps)
    return QualityWarning(
        code="stance_unclear",
        message=f"{len(reps)} rep(s) not judged because which leg stood was unclear ({said}).",
    )


def other_side_reps_ignored(n: int, kept: Side) -> QualityWarning:
    return QualityWarning(
        code="other_side_reps_ignored",
        message=f"{n} rep(s) on the {kept.other.value} leg were ignored (--side {kept.value}).",
    )


def pelvic_drop_not_measured() -> QualityWarning:
    return QualityWarning(
        code="pelvic_drop_not_measured",
        message="contralateral pelvic drop is not reported from video: the pose model's hip "
        "points do not follow the pelvis (on rendered single-leg squats with a known 8 deg "
        "drop they showed -3 to +2 deg; docs/movements.md). Judge it by eye on the key frames.",
    )


def leg_length_on_box() -> QualityWarning:
    return QualityWarning(
        code="leg_length_on_box",
        message="the person never stood tall on the landing spot, so the leg length that "
        "scales MKD was measured on the box, further from the camera: MKD may read up to ~15 % "
        "high (FPPA, KASR and NKSD are not affected). Stand still on the landing spot for a "
        "second after the last jump.",
    )


def low_frame_rate_landing(fps: float) -> QualityWarning:
    return QualityWarning(
        code="low_frame_rate_landing",
        message=f"{fps:.0f} fps: a frame is {1000 / fps:.0f} ms, and just after first contact "
        "the knee can move several degrees between frames; the contact values are "
        "interpolated to the timed instant (about +/-20 ms). Film drop jumps at 60 fps or more.",
    )


def sex_not_given() -> QualityWarning:
    return QualityWarning(
        code="sex_not_given",
        message="landing norms differ for women (7-13 deg) and men (3-8 deg; Herrington & "
        "Munro 2010); without --sex the women's range was used.",
    )


def time_gap(gap_s: float, after_s: float, n_gaps: int, footage_s: float) -> QualityWarning:
    return QualityWarning(
        code="time_gap",
        message=f"the video's timestamps jump by {gap_s:.3g} s after {after_s:.2f} s "
        f"({n_gaps} gap(s) with no frames: a damaged, cut or joined file); the {n_gaps + 1} "
        "parts were filtered separately and nothing was interpolated across a gap. The "
        f"duration reported includes the gap(s); the footage itself lasts {footage_s:.1f} s.",
    )
