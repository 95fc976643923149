"""The renderer's truth for a movement without rendering it (no video, no pose model)."""

from __future__ import annotations

from typing import Any

from valgus.synth import CameraParams, generate_movement
from valgus.synth.truth import build_truth


def rendered_truth(params: Any, *, fps: float, width: int, height: int) -> dict[str, Any]:
    """The truth document valgus.synth would write for these movement params."""
    video = {"path": "truth", "fps": fps, "frames": 0, "width": width, "height": height}
    camera = CameraParams(width_px=width, height_px=height)
    return build_truth(generate_movement(params, fps), params, camera, {}, video | {"rotation": 0})
