"""Did valgus change between two analyses (flat vs heel-raised squat, or two dates)?"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from valgus.assessment.compare import Comparison, compare
from valgus.assessment.drivers import read_analysis
from valgus.errors import InputError
from valgus.services.documents import read_analysis_file


def compare_files(first: Path, second: Path, /) -> Comparison:
    """Per leg, the change rule's answer; the heel-raise test's reading where it applies."""
    return compare(
        read_analysis_file(first), read_analysis_file(second), first=first.name, second=second.name
    )


def compare_results(
    first: dict[str, Any] | None, second: dict[str, Any] | None, /, *, names: tuple[str, str]
) -> Comparison:
    """The same for two stored results (the web app's finished analyses)."""
    if first is None or second is None:
        raise InputError("both analyses must be finished")
    return compare(read_analysis(first), read_analysis(second), first=names[0], second=names[1])
