"""Synthetic squat videos with known ground truth (renderer, motion, camera, truth).

from valgus.synth import SquatParams, CameraParams, RenderParams, render_squat
truth = render_squat(Path("squat.mp4"), SquatParams(valgus_left_deg=10))
"""

from valgus.synth.camera import CameraParams
from valgus.synth.motion import SquatParams
from valgus.synth.render import RenderParams
from valgus.synth.squat import render_squat, truth_path

__all__ = ["CameraParams", "RenderParams", "SquatParams", "render_squat", "truth_path"]
