"""Batch screening items in the history database: which recordings are done (by key)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from valgus.errors import StorageError
from valgus.storage.db import Database
from valgus.storage.models import AnalysisRow, BatchItemRow, Person


def done(db: Database, key: str, /) -> dict[str, Any] | None:
    """The stored result of a batch item already done, or None (also when its analysis
    has since been deleted or detached: then the item is done again)."""
    with db.read() as s:
        text = s.scalars(
            select(BatchItemRow.result_json)
            .join(AnalysisRow, AnalysisRow.id == BatchItemRow.analysis_id)
            .where(BatchItemRow.key == key, AnalysisRow.person_id == BatchItemRow.person_id)
        ).first()
    return None if text is None else dict(json.loads(text))


def ensure_person(db: Database, name: str, /) -> bool:
    """Add the person when new (two workers adding the same one: both succeed); returns
    whether they were added."""
    try:
        with db.transaction() as s:
            if s.scalars(select(Person.id).where(Person.name == name)).first() is not None:
                return False
            s.add(Person(name=name, created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None)))
            return True
    except StorageError as err:
        if isinstance(err.__cause__, IntegrityError):  # another worker added them first
            return False
        raise


def record(
    db: Database, key: str, person: str, analysis_id: int, result: dict[str, Any], /
) -> None:
    """Mark an item done; a key recorded before (its analysis since deleted) now points at
    the new analysis."""
    with db.transaction() as s:
        pid = s.scalars(select(Person.id).where(Person.name == person)).one()
        old = s.get(BatchItemRow, key)
        if old is not None:
            old.person_id, old.analysis_id = pid, analysis_id
            old.result_json = json.dumps(result)
            return
        s.add(
            BatchItemRow(
                key=key,
                person_id=pid,
                analysis_id=analysis_id,
                result_json=json.dumps(result),
                finished_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
            )
        )
