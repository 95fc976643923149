"""From pose data to an analysis: the gates every movement shares, then the movement's own
analysis (movements/). Pure: no file is read or written."""

from __future__ import annotations

import xarray as xr

from valgus.assessment import movements, quality
from valgus.assessment.analysis import Analysis, Context, Options, input_warnings
from valgus.assessment.recognise import recognise_movement
from valgus.assessment.track import build_track
from valgus.errors import InputError
from valgus.results import MovementChoice
from valgus.schema import MIRROR_SWAPPED_ATTR, Side, swap_sides

AUTO = "auto"
SIDE_CHOICES = (AUTO, *(s.value for s in Side))
SEXES = ("female", "male")


def movement_choices() -> tuple[str, ...]:
    """The names `--movement` accepts, in display order, then "auto"."""
    return (*(s.name for s in movements.all_specs()), AUTO)


def _takers(option: str) -> str:
    return " or ".join(s.label for s in movements.all_specs() if option in s.options)


def check_options(movement: str, options: Options) -> None:
    """Refuse, in one line, a movement that is not known or an option it does not take."""
    if movement not in movement_choices():
        raise InputError(
            f"movement {movement!r} is not known; choose from: {', '.join(movement_choices())}"
        )
    if options.side not in SIDE_CHOICES:
        raise InputError(
            f"side {options.side!r} is not known; choose from: {', '.join(SIDE_CHOICES)}"
        )
    if options.sex not in (None, *SEXES):
        raise InputError(f"sex {options.sex!r} is not known; choose female or male (or leave out)")
    takes = movements.get(movement).options if movement != AUTO else frozenset({"side", "sex"})
    if options.side != AUTO and "side" not in takes:
        raise InputError(
            f"--side is for the {_takers('side')}, not for {movement}; leave it out or add "
            "--movement single-leg-squat"
        )
    if options.sex is not None and "sex" not in takes:
        raise InputError(
            f"--sex picks the drop-jump landing norms; it does not apply to {movement}"
        )


def analyze_poses(
    poses: xr.Dataset, /, *, movement: str, options: Options, source_kind: str
) -> Analysis:
    """Analyze a pose Dataset as `movement` ("auto": recognise it first).

    options.mirrored: the recording is a mirror image; left and right are swapped back
    (schema.swap_sides) unless the poses say they already were.
    """
    check_options(movement, options)
    if options.mirrored and not poses.attrs.get(MIRROR_SWAPPED_ATTR):
        poses = swap_sides(poses)
    track = build_track(poses)
    quality.check_person(track)
    warnings = input_warnings(poses, track.swaps.n_swapped)
    quality.refuse_side_view(quality.estimate_view(track, track.detected))
    # Legs cut off all along: say so rather than "no reps" (partial cuts are judged per rep).
    quality.check_framing(track, track.detected, where="of the video")
    choice: MovementChoice | None = None
    if movement == AUTO:
        movement, reason = recognise_movement(poses, track)
        choice = MovementChoice(given="auto", reason=reason)
    ctx = Context(poses, track, source_kind, choice, options, warnings)
    return movements.get(movement).analyze(ctx)
