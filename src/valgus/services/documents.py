"""Read the JSON documents valgus writes (analysis, assessment, program), and say plainly
what to do when a file is something else (a video, an answers file, a missing path)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from valgus.assessment.drivers import Assessment, MovementResult, read_analysis
from valgus.errors import AnalysisFileError
from valgus.program.prescription import Program
from valgus.validation import first_problem

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp"})
POSE_SUFFIXES = (".poses.nc", ".nc", ".trc", ".c3d")
ANSWER_SUFFIXES = frozenset({".toml"})


def _hint(path: Path, wanted: str) -> str | None:
    """What to do instead when `path` is clearly not a `wanted` JSON document."""
    name = path.name.lower()
    if path.suffix.lower() in VIDEO_SUFFIXES or name.endswith(POSE_SUFFIXES):
        return f"{path} is a recording, not {wanted}: run `valgus analyze {path}` first"
    if path.suffix.lower() in ANSWER_SUFFIXES:
        return f"{path} looks like an answers file, not {wanted}: give it with --answers"
    return None


def read_json(path: Path, /, *, wanted: str) -> Any:
    """Parse a JSON file; AnalysisFileError naming the file and what to do otherwise."""
    hint = _hint(path, wanted)
    if hint is not None:
        raise AnalysisFileError(hint)
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise AnalysisFileError(f"{path}: no such file. Check the path.") from None
    except IsADirectoryError:
        raise AnalysisFileError(f"{path} is a folder; give {wanted} (a .json file)") from None
    except (OSError, UnicodeDecodeError) as err:
        raise AnalysisFileError(f"cannot read {path}: {err}") from err
    try:
        return json.loads(text)
    except json.JSONDecodeError as err:
        raise AnalysisFileError(f"{path} is not {wanted} (not valid JSON: {err})") from err


def read_analysis_file(path: Path, /) -> MovementResult:
    """The parts of an analysis JSON (`valgus analyze`) that assessments and comparisons use."""
    data = read_json(path, wanted="an analysis (NAME.analysis.json from valgus analyze)")
    return read_analysis(data, name=str(path))


def read_analysis_files(paths: list[Path], /) -> list[MovementResult]:
    return [read_analysis_file(p) for p in paths]


def read_assessment_file(path: Path, /) -> Assessment:
    """An assessment written by `valgus assess` (--json or its saved file)."""
    data = read_json(path, wanted="an assessment (from valgus assess)")
    try:
        return Assessment.model_validate(data)
    except ValidationError as err:
        raise AnalysisFileError(
            f"{path} is not a valgus assessment ({first_problem(err)}); give the file written "
            "by `valgus assess`"
        ) from err


def read_program_file(path: Path, /) -> Program:
    """A program written by `valgus program` (--json or its saved file)."""
    data = read_json(path, wanted="a program (from valgus program)")
    try:
        return Program.model_validate(data)
    except ValidationError as err:
        raise AnalysisFileError(
            f"{path} is not a valgus program ({first_problem(err)}); give the file written by "
            "`valgus program`"
        ) from err
