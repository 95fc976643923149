"""One way to say what is wrong with a document that failed pydantic validation."""

from __future__ import annotations

from pydantic import ValidationError


def first_problem(err: ValidationError, /) -> str:
    """'where: what' of the first validation error, e.g. 'reps.0.left: Field required'."""
    first = err.errors()[0]
    where = ".".join(str(p) for p in first["loc"]) or "top level"
    return f"{where}: {first['msg']}"
