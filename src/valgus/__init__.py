"""valgus: measure dynamic knee valgus from a phone video of a squat.

The names below are imported on first use (the command line's start-up stays short).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from valgus.api import Analysis, analyze_file, analyze_poses, analyze_video, save_analysis
    from valgus.errors import ValgusError
    from valgus.results import AnalysisResult

__all__ = [
    "Analysis",
    "AnalysisResult",
    "ValgusError",
    "__version__",
    "analyze_file",
    "analyze_poses",
    "analyze_video",
    "save_analysis",
]

_FROM = {
    "Analysis": "valgus.api",
    "analyze_file": "valgus.api",
    "analyze_poses": "valgus.api",
    "analyze_video": "valgus.api",
    "save_analysis": "valgus.api",
    "ValgusError": "valgus.errors",
    "AnalysisResult": "valgus.results",
}


def __getattr__(name: str) -> Any:
    if name not in _FROM:
        raise AttributeError(f"module 'valgus' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_FROM[name]), name)
