"""Self-test and red-flag answers: from an answers file (TOML or JSON), overlaid with values
given one by one (command-line flags, a web form), validated into `Answers`."""

from __future__ import annotations

import json
import tomllib
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from valgus.assessment.questions import OTTAWA_KEYS, QUESTIONS
from valgus.assessment.selftests import Answers
from valgus.errors import AnswersError


def read_answers_file(path: Path, /) -> dict[str, Any]:
    """Parse an answers file: TOML (.toml) or JSON (anything else). Raises AnswersError."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        raise AnswersError(f"{path}: no such answers file. Check the path.") from None
    except (OSError, UnicodeDecodeError) as err:
        raise AnswersError(f"cannot read the answers file {path}: {err}") from err
    try:
        data = tomllib.loads(text) if path.suffix.lower() == ".toml" else json.loads(text)
    except (tomllib.TOMLDecodeError, json.JSONDecodeError) as err:
        kind = "TOML" if path.suffix.lower() == ".toml" else "JSON"
        raise AnswersError(f"answers file {path} is not valid {kind}: {err}") from err
    if not isinstance(data, dict):
        raise AnswersError(f"answers file {path} must hold one object/table at the top level")
    return data


def validate_answers(data: dict[str, Any], *, name: str = "answers") -> Answers:
    """Answers from a plain dict; the first problem as one line. Raises AnswersError."""
    try:
        return Answers.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(p) for p in first["loc"]) or "top level"
        got = first.get("input")
        shown = "" if isinstance(got, dict) else f" (got {got!r})"
        raise AnswersError(f"{name}: {where}: {first['msg']}{shown}") from err


def set_path(data: dict[str, Any], path: str, value: object) -> None:
    """Set data[a][b][c] for path 'a.b.c' when value is not None."""
    if value is None:
        return
    *parents, leaf = path.split(".")
    node = data
    for key in parents:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            raise AnswersError(f"answers: {key} must be a table/object")
        node = child
    node[leaf] = value


def merge_values(data: dict[str, Any], values: dict[str, object]) -> dict[str, Any]:
    """Overlay values (dotted paths, None = not given) on the file's answers (a copy)."""
    merged: dict[str, Any] = json.loads(json.dumps(data))  # deep copy, never mutate the input
    for path, value in values.items():
        set_path(merged, path, value)
    return merged


def mark_red_flags(data: dict[str, Any], yes: list[str], none_apply: bool) -> None:
    """Record red-flag answers given as a list of yeses, or 'none of them applies'."""
    for key in yes:
        if key not in QUESTIONS:
            raise AnswersError(f"red flag {key!r} is unknown; choose from: {', '.join(QUESTIONS)}")
        set_path(data, f"red_flags.{key}", True)
    if none_apply:
        table = data.setdefault("red_flags", {})
        for key in QUESTIONS:
            if key in OTTAWA_KEYS and table.get("recent_injury") is not True:
                continue
            table.setdefault(key, False)


def gather(
    answers_file: Path | None,
    values: dict[str, object],
    *,
    red_flags_yes: Sequence[str] = (),
    no_red_flags: bool = False,
) -> dict[str, Any]:
    """The raw answers (not yet validated): file, then values, then red-flag marks."""
    data = read_answers_file(answers_file) if answers_file else {}
    data = merge_values(data, values)
    mark_red_flags(data, list(red_flags_yes), no_red_flags)
    return data
