"""valgus: measure dynamic knee valgus from a phone video of a squat."""

from valgus.api import Analysis, analyze_file, analyze_poses, analyze_video, save_analysis
from valgus.errors import ValgusError
from valgus.results import AnalysisResult

__version__ = "0.1.0"

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
