"""A person's history: measures over time with their uncertainty, progress per leg by the
change rule, programs and adherence, workouts; and the trend page."""

from __future__ import annotations

from pathlib import Path

from valgus.io import atomic
from valgus.io.results import writing
from valgus.services import safety
from valgus.storage import Database, store
from valgus.storage.store import History


def of(db: Database, person: str, /) -> History:
    """Everything about the person, with progress per leg and where the safety gate stands."""
    h = store.history(db, person)
    now = safety.standing(db, person)
    gate = store.SafetyOut(allowed=now.allowed, code=now.code, reason=now.reason)
    return h.model_copy(update={"safety": gate})


def write_trend_page(history: History, path: Path, /) -> Path:
    """OUT.html with the trend charts (written whole or not at all)."""
    from valgus.report.trend import trend_page

    with writing(path):
        return atomic.write_text(path, trend_page(history))
