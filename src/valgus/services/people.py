"""People in the history database: add, list, notes, attach files, export and import."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from valgus.errors import AnswersError, ExportFileError, InputError
from valgus.io import atomic
from valgus.io.results import writing
from valgus.services import accounts, documents
from valgus.services.accounts import Scope
from valgus.storage import Database, store
from valgus.storage.store import History, PersonInfo


def new_person(
    name: str,
    *,
    sex: str | None = None,
    age_band: str | None = None,
    height_cm: float | None = None,
    notes: str | None = None,
) -> PersonInfo:
    """A person's details, validated (AnswersError naming the field otherwise)."""
    fields = {"name": name, "sex": sex, "age_band": age_band, "height_cm": height_cm}
    try:
        return PersonInfo.model_validate(fields | {"notes": notes})
    except ValidationError as err:
        first = err.errors()[0]
        raise AnswersError(f"{str(first['loc'][0]).replace('_', '-')}: {first['msg']}") from err


def add(db: Database, info: PersonInfo, /, *, scope: Scope | None = None) -> PersonInfo:
    """Add a person; in clinic mode linked to the coach who added them."""
    added = store.add_person(db, info)
    if scope is not None and not scope.everything:
        accounts.took_person(db, scope, store.person_ids(db)[added.name])
    return added


def names_in(db: Database, scope: Scope, /) -> set[str] | None:
    """The names of the people the scope allows to read; None: everyone."""
    if scope.everything:
        return None
    return {n for n, i in store.person_ids(db).items() if scope.allows(i, "read")}


def list_all(db: Database, /) -> list[PersonInfo]:
    return store.list_people(db)


def note(db: Database, person: str, text: str, /) -> None:
    store.add_note(db, person, text)


def attach(db: Database, person: str, path: Path, /, *, force: bool = False) -> store.Stored:
    """Store an analysis, assessment or program from its JSON file (once: the same content
    again is recognised). A program passes the safety gate first (services/safety.py). A
    file already stored for someone else is refused unless `force`: progress must not mix
    two people's knees."""
    data = documents.read_json(path, wanted="an analysis, assessment or program JSON")
    others = [name for name in store.stored_for(db, data) if name != person]
    if others and not force:
        raise InputError(
            f"{path} is already stored for {', '.join(others)}, not {person}; check the name, "
            "or add --force if it really is theirs too"
        )
    if isinstance(data, dict) and data.get("kind") == "valgus-program":
        from valgus.services import programs

        return programs.attach(db, person, documents.read_program_file(path))
    return store.attach(db, person, data, source=str(path))


def export(db: Database, person: str, path: Path, /) -> dict[str, Any]:
    """Everything stored for one person (pose data included) written as one JSON file."""
    data = store.export_person(db, person)
    with writing(path):
        atomic.write_text(path, json.dumps(data))
    return data


def import_file(db: Database, path: Path, /, *, name: str | None = None) -> PersonInfo:
    """Add a person exported on another machine, all or nothing."""
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ExportFileError(f"cannot read {path}: {err}") from err
    return store.import_person(db, data, name=name)


def clear(db: Database, person: str, /, *, by: str, date: dt.date, note: str | None = None) -> None:
    """Record a clinician's clearance to resume after a stop rule (assessment/safety.py)."""
    if not by.strip():
        raise InputError("say who cleared the person to resume (a clinician's name)")
    store.add_clearance(db, person, date=date, cleared_by=by.strip(), note=note)


def records(db: Database, person: str, /) -> list[store.RecordOut]:
    """Everything stored for the person, with the ids that detach and redate take."""
    return store.records(db, person)


def detach(db: Database, person: str, kind: str, record_id: int, /) -> store.RecordOut:
    """Remove one record; progress and the safety gate are recomputed from what remains."""
    return store.detach(db, person, kind, record_id)


def redate(db: Database, person: str, analysis_id: int, when: dt.date, /) -> None:
    """Correct the day an analysis was filmed (progress is ordered by it)."""
    store.redate_analysis(db, person, analysis_id, dt.datetime.combine(when, dt.time(12)))


@dataclass(frozen=True)
class PersonCard:
    """One person in the coach's overview."""

    id: int
    name: str
    latest_date: dt.date | None  # the latest analysis
    latest: dict[str, str]  # side -> its result in words
    trend: dict[str, str]  # side -> the change rule's word, first to latest
    next_reassess: dt.date | None
    attention: int  # 0 first: see a clinician ... 5: nothing to act on
    reason: str


def _next_reassess(h: History, today: dt.date) -> dt.date | None:
    days: list[dt.date] = []
    for program in h.programs:
        days.extend(program.reassess)
    upcoming = sorted(d for d in days if d >= today)
    return upcoming[0] if upcoming else (max(days) if days else None)


def _attention(h: History, due: dt.date | None, today: dt.date) -> tuple[int, str]:
    """Who needs attention first (coach view), and why."""
    legs = h.progress
    if h.safety is not None and h.safety.code in ("red_flag", "stopped"):
        return 0, "see a clinician: " + h.safety.reason.split(":")[0]
    if any(leg.verdict == "more valgus" for leg in legs):
        return 1, "more valgus than at the first assessment"
    if due is not None and due <= today:
        return 2, f"re-assessment due since {due}"
    latest = [leg.sessions[-1].verdict for leg in legs if leg.sessions]
    if "marked" in latest:
        return 3, "well above typical at the latest assessment"
    if "mild" in latest:
        return 4, "above typical at the latest assessment"
    if not h.analyses:
        return 5, "no analysis yet"
    return 5, "nothing to act on"


def overview(
    db: Database, /, *, today: dt.date | None = None, scope: Scope | None = None
) -> list[PersonCard]:
    """Everyone measured (in clinic mode: everyone the user may see), who needs attention
    first (then by name)."""
    from valgus.present import BAND_OF_VERDICT
    from valgus.services import history

    today = today or dt.date.today()
    cards = []
    for name, person_id in store.person_ids(db).items():
        if scope is not None and not scope.allows(person_id, "read"):
            continue
        h = history.of(db, name)
        due = _next_reassess(h, today)
        rank, reason = _attention(h, due, today)
        cards.append(
            PersonCard(
                id=person_id,
                name=name,
                latest_date=max((a.recorded_at.date() for a in h.analyses), default=None),
                latest={
                    leg.side: BAND_OF_VERDICT[leg.sessions[-1].verdict]
                    for leg in h.progress
                    if leg.sessions
                },
                trend={leg.side: leg.verdict for leg in h.progress if len(leg.sessions) > 1},
                next_reassess=due,
                attention=rank,
                reason=reason,
            )
        )
    return sorted(cards, key=lambda c: (c.attention, c.name.lower()))


def rename(db: Database, person: str, new_name: str, /) -> PersonInfo:
    """Give a person another name (checked like a new person's)."""
    return store.rename_person(db, person, new_person(new_name).name)
