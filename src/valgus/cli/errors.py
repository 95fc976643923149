"""The one place the command line turns errors into a line on stderr, a JSON error object
(with --json) and an exit status (docs/output.md)."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from valgus.errors import ValgusError

INTERRUPTED = 130


def report_error(code: str, message: str, *, as_json: bool) -> None:
    """One line on stderr; with --json also {"error": {...}} on stdout."""
    Console(stderr=True).print(f"valgus: {message}", highlight=False, soft_wrap=True, markup=False)
    if as_json:
        error = {"error": {"code": code, "message": message}}  # results.ErrorResult
        sys.stdout.write(json.dumps(error, separators=(",", ":"), ensure_ascii=False) + "\n")


@contextmanager
def handled(*, as_json: bool = False, interrupted: str = "interrupted.") -> Iterator[None]:
    """Run a command's work: a ValgusError or Ctrl-C ends it with its exit status."""
    try:
        yield
    except ValgusError as e:
        report_error(e.code, str(e), as_json=as_json)
        raise typer.Exit(e.exit_code) from None
    except KeyboardInterrupt:
        report_error("interrupted", interrupted, as_json=as_json)
        raise typer.Exit(INTERRUPTED) from None
