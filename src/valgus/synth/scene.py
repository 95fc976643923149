"""Static scene objects the subject stands on: the drop-jump box and the heel board. Pure.

Axis-aligned blocks in the body frame of :mod:`valgus.synth.motion` (x = the subject's
left, y = up, z = the subject's forward, metres, floor at y = 0). The renderer draws them
into the background (:func:`valgus.synth.render.draw_blocks`): the figure always stands on
or in front of them, so they never hide it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from valgus.errors import InputError

RGB = tuple[int, int, int]

BOX_RGB: RGB = (118, 128, 140)  # a grey-blue plyometric box
BOARD_RGB: RGB = (196, 160, 112)  # a light wooden board


@dataclass(frozen=True)
class Block:
    """An axis-aligned box from (x0, y0, z0) to (x1, y1, z1), metres, with its colour."""

    kind: str
    x0: float
    x1: float
    y0: float
    y1: float
    z0: float
    z1: float
    rgb: RGB

    def __post_init__(self) -> None:
        if not (self.x0 < self.x1 and self.y0 < self.y1 and self.z0 < self.z1):
            raise InputError(f"block {self.kind!r} must have positive size in x, y and z")

    def as_dict(self) -> dict[str, Any]:
        """JSON form: kind, min and max corners (m)."""
        return {
            "kind": self.kind,
            "min": [round(self.x0, 4), round(self.y0, 4), round(self.z0, 4)],
            "max": [round(self.x1, 4), round(self.y1, 4), round(self.z1, 4)],
        }


def drop_box(height_m: float, front_z: float, width_m: float = 0.6, depth_m: float = 0.45) -> Block:
    """The drop-jump box: its front face at z = front_z, centred on x = 0, on the floor."""
    return Block(
        "box", -width_m / 2, width_m / 2, 0.0, height_m, front_z - depth_m, front_z, BOX_RGB
    )


def heel_board(
    height_m: float, front_z: float, half_width_m: float, depth_m: float = 0.22
) -> Block:
    """The heel-raise board: its front (top) edge at z = front_z, where the heels rest."""
    return Block(
        "board",
        -half_width_m,
        half_width_m,
        0.0,
        height_m,
        front_z - depth_m,
        front_z,
        BOARD_RGB,
    )
