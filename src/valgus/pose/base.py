"""The small interface every pose backend implements."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class FramePose:
    """One frame's landmarks for the main person, or None fields when nobody was found.

    xy_norm: (33, 2) image coordinates normalised to [0, 1] of the frame given;
    world_m: (33, 3) metric 3D landmarks, origin between the hips;
    visibility: (33,) in [0, 1].
    """

    xy_norm: NDArray[np.float64]
    world_m: NDArray[np.float64]
    visibility: NDArray[np.float64]


class PoseEstimator(Protocol):
    """A pose model that sees frames in order (it may track between frames)."""

    name: str

    def process(self, rgb: NDArray[np.uint8], /) -> FramePose | None:
        """Landmarks of the main person in one RGB frame, or None if nobody is found."""
        ...

    def close(self) -> None: ...
