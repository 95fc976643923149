"""Synthetic movement videos with known ground truth (renderer, motion, camera, truth).

from valgus.synth import SquatParams, CameraParams, RenderParams, render_squat
truth = render_squat(Path("squat.mp4"), SquatParams(valgus_left_deg=10))
truth = render_movement(Path("sls.mp4"), SingleLegSquatParams(stance_side="left"))
truth = render_movement(Path("dvj.mp4"), DropJumpParams(valgus_left_deg=15))
"""

from valgus.synth.camera import CameraParams
from valgus.synth.drop_jump import DropJumpParams
from valgus.synth.motion import SquatParams
from valgus.synth.render import RenderParams
from valgus.synth.single_leg import SingleLegSquatParams
from valgus.synth.squat import (
    generate_movement,
    render_drop_jump,
    render_movement,
    render_single_leg_squat,
    render_squat,
    truth_path,
)

__all__ = [
    "CameraParams",
    "DropJumpParams",
    "RenderParams",
    "SingleLegSquatParams",
    "SquatParams",
    "generate_movement",
    "render_drop_jump",
    "render_movement",
    "render_single_leg_squat",
    "render_squat",
    "truth_path",
]
