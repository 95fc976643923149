"""Where the shared read-only data lives (../shared beside the repository)."""

from __future__ import annotations

import os
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("VALGUS_SHARED", REPO.parent / "shared"))
VIDEO = SHARED / "data" / "video"


def shared_file(*parts: str) -> Path:
    """A file under ../shared; fails loudly (not skips) when it is missing."""
    path = SHARED.joinpath(*parts)
    assert path.exists(), f"shared data missing: {path} (set VALGUS_SHARED to the shared/ folder)"
    return path
