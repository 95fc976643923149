"""Did valgus change between two analyses (flat vs heel-raised squat, or two dates)?"""

from __future__ import annotations

from pathlib import Path

from valgus.assessment.compare import Comparison, compare
from valgus.services.documents import read_analysis_file


def compare_files(first: Path, second: Path, /) -> Comparison:
    """Per leg, the change rule's answer; the heel-raise test's reading where it applies."""
    return compare(
        read_analysis_file(first), read_analysis_file(second), first=first.name, second=second.name
    )
