"""Small pieces every command shares: the history database, dates, output consoles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from rich.console import Console

from valgus.errors import InputError

if TYPE_CHECKING:
    from valgus.storage import Database


@contextmanager
def database() -> Iterator[Database]:
    """The history database (VALGUS_DATABASE_URL, else the default SQLite file). When the
    work succeeded on a database made just now, say which one (a mistyped path would
    otherwise start an empty history in silence)."""
    from valgus.storage import Database

    with Database() as db:
        yield db
        if db.created:
            err().print(
                f"using the history database {db.display_url} (new)", markup=False, soft_wrap=True
            )


def parse_date(text: str | None, *, option: str = "--date") -> dt.date:
    """YYYY-MM-DD, or today when not given."""
    if text is None:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError as err:
        raise InputError(f"{option} must be YYYY-MM-DD, got {text!r}") from err


def out() -> Console:
    """stdout: paths and sentences unbroken when piped."""
    return Console(soft_wrap=True, highlight=False)


def err() -> Console:
    return Console(stderr=True)
