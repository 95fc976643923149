"""What `valgus synth` can draw, and its options turned into the renderer's parameters.

The renderer draws these movement tests (the names are the analysis's, assessment/
movements/); each option applies to some of them only.
"""

from __future__ import annotations

from typing import Any

from valgus.errors import InputError
from valgus.synth.drop_jump import DropJumpParams
from valgus.synth.motion import SquatParams
from valgus.synth.single_leg import SingleLegSquatParams
from valgus.synth.truth import MovementParams

MOVEMENTS = ("squat", "heel-raised-squat", "single-leg-squat", "drop-jump")  # drawable
# Heel board height of the heel-raised squat: 5 cm (docs/evidence.md §10) (Padua et al. 2012,
# J Athl Train 47(5):525, used a 2-in / 5.08 cm lift).
DEFAULT_HEEL_RAISE_M = 0.05

# Which movement-specific options each movement takes (the rest must stay unset).
OPTION_MOVEMENTS = {
    "--valgus-left": ("squat", "heel-raised-squat", "single-leg-squat", "drop-jump"),
    "--valgus-right": ("squat", "heel-raised-squat", "single-leg-squat", "drop-jump"),
    "--valgus": ("single-leg-squat",),
    "--pattern": ("squat", "heel-raised-squat", "single-leg-squat"),
    "--reps": ("squat", "heel-raised-squat", "single-leg-squat"),
    "--rep-s": ("squat", "heel-raised-squat", "single-leg-squat"),
    "--arms": ("squat", "heel-raised-squat", "single-leg-squat"),
    "--toe-out": ("squat", "heel-raised-squat", "single-leg-squat"),
    "--stance-width": ("squat", "heel-raised-squat"),
    "--side": ("single-leg-squat",),
    "--pelvic-drop": ("single-leg-squat",),
    "--trunk-lean": ("single-leg-squat",),
    "--lifted-foot": ("single-leg-squat",),
    "--heel-raise": ("heel-raised-squat",),
    "--box-height": ("drop-jump",),
    "--trials": ("drop-jump",),
    "--jump-height": ("drop-jump",),
}


def option_problems(movement: str, given: dict[str, Any]) -> list[str]:
    """Options set (not None) that the movement does not take."""
    return [
        f"{opt} does not apply to --movement {movement} (it is for "
        f"{', '.join(OPTION_MOVEMENTS[opt])})"
        for opt, value in given.items()
        if value is not None and movement not in OPTION_MOVEMENTS[opt]
    ]


def _drop(kw: dict[str, Any]) -> dict[str, Any]:
    """Keyword arguments without the unset (None) ones: the parameter defaults apply."""
    return {k: v for k, v in kw.items() if v is not None}


def movement_params(movement: str, o: dict[str, Any]) -> MovementParams:
    """The movement's parameter object from CLI option values (InputError when invalid)."""
    common = {"seed": o["seed"]}
    if movement in ("squat", "heel-raised-squat"):
        heel = o["heel_raise"]
        if movement == "heel-raised-squat" and heel is not None and heel <= 0:
            raise InputError(f"--heel-raise must be > 0 m for a heel-raised squat, got {heel}")
        return SquatParams(
            **_drop(
                {
                    "reps": o["reps"],
                    "rep_s": o["rep_s"],
                    "depth_deg": o["depth"],
                    "pattern": o["pattern"],
                    "valgus_left_deg": o["valgus_left"],
                    "valgus_right_deg": o["valgus_right"],
                    "arms": o["arms"],
                    "toe_out_deg": o.get("toe_out"),
                    "stance_width": o.get("stance_width"),
                    "heel_raise_m": (DEFAULT_HEEL_RAISE_M if heel is None else heel)
                    if movement == "heel-raised-squat"
                    else None,
                }
            ),
            **common,
        )
    if movement == "single-leg-squat":
        return SingleLegSquatParams(
            **_drop(
                {
                    "stance_side": o["side"],
                    "reps": o["reps"],
                    "rep_s": o["rep_s"],
                    "depth_deg": o["depth"],
                    "pattern": o["pattern"],
                    "valgus_deg": o["valgus"],
                    "valgus_left_deg": o["valgus_left"],
                    "valgus_right_deg": o["valgus_right"],
                    "pelvic_drop_deg": o["pelvic_drop"],
                    "trunk_lean_deg": o["trunk_lean"],
                    "lifted_foot": o["lifted_foot"],
                    "arms": o["arms"],
                    "toe_out_deg": o.get("toe_out"),
                }
            ),
            **common,
        )
    return DropJumpParams(
        **_drop(
            {
                "box_height_m": o["box_height"],
                "trials": o["trials"],
                "valgus_left_deg": o["valgus_left"],
                "valgus_right_deg": o["valgus_right"],
                "peak_flexion_deg": o["depth"],
                "jump_height_m": o["jump_height"],
            }
        ),
        **common,
    )
