"""People, analyses, assessments, programs, workouts and notes: read and write, each write
one transaction (a run killed half-way leaves no half record)."""

from __future__ import annotations

import base64
import datetime as dt
import json
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, NamedTuple, cast, get_args

import xarray as xr
from pydantic import Field, ValidationError
from sqlalchemy import Select, select
from sqlalchemy import delete as sa_delete
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from valgus.assessment import progress as prog
from valgus.assessment.drivers import Assessment
from valgus.assessment.safety import Clearance, Stop
from valgus.errors import ExportFileError, InputError, PersonExistsError, UnknownPersonError
from valgus.io.poses import load_poses, save_poses
from valgus.program.adherence import adherence
from valgus.program.prescription import Program
from valgus.program.progression import Decision, LoggedSession, Symptom
from valgus.results import AnalysisResult
from valgus.storage.db import ENV_URL, Database, head_revision
from valgus.storage.models import (
    AnalysisRow,
    AssessmentRow,
    BatchItemRow,
    ClearanceRow,
    JobRow,
    NoteRow,
    Person,
    ProgramRow,
    WorkoutRow,
    content_sha256,
)
from valgus.storage.records import (  # re-exported: store.PersonInfo etc. stay valid
    AdherenceOut as AdherenceOut,
)
from valgus.storage.records import (
    AnalysisOut as AnalysisOut,
)
from valgus.storage.records import (
    AssessmentOut as AssessmentOut,
)
from valgus.storage.records import (
    DoseOut as DoseOut,
)
from valgus.storage.records import (
    History as History,
)
from valgus.storage.records import (
    LegProgressOut as LegProgressOut,
)
from valgus.storage.records import (
    MovementProgressOut as MovementProgressOut,
)
from valgus.storage.records import (
    NoteOut as NoteOut,
)
from valgus.storage.records import (
    PersonInfo as PersonInfo,
)
from valgus.storage.records import (
    PointOut as PointOut,
)
from valgus.storage.records import (
    ProgramOut as ProgramOut,
)
from valgus.storage.records import (
    RecordKind as RecordKind,
)
from valgus.storage.records import (
    RecordOut as RecordOut,
)
from valgus.storage.records import (
    SafetyOut as SafetyOut,
)
from valgus.storage.records import (
    WorkoutEntry as WorkoutEntry,
)
from valgus.storage.records import (
    WorkoutOut as WorkoutOut,
)
from valgus.storage.records import (
    _Model as _Model,
)

EXPORT_KIND = "valgus-history-export"
EXPORT_VERSION = 1


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# --- people ---------------------------------------------------------------------------------


def _person(s: Session, name: str) -> Person:
    p = s.scalars(select(Person).where(Person.name == name)).one_or_none()
    if p is None:
        known = ", ".join(s.scalars(select(Person.name).order_by(Person.name)).all())
        db = s.info.get("database")
        where = "the history" if db is None else f"the history database {db.display_url}"
        if known:
            raise UnknownPersonError(
                f"no person named {name!r} in {where} (known: {known}); add one with "
                f"`valgus person add {name}`"
            )
        # An empty history is often the wrong database (a mistyped path or URL): say which.
        empty = "new, empty" if db is not None and db.created else "empty"
        raise UnknownPersonError(
            f"no person named {name!r} in {where} ({empty}); add one with "
            f"`valgus person add {name}`, or set {ENV_URL} to the database that holds the history"
        )
    return p


def _info(p: Person) -> PersonInfo:
    return PersonInfo.model_validate(
        {k: getattr(p, k) for k in ("name", "sex", "age_band", "height_cm", "notes", "created_at")}
    )


def add_person(db: Database, info: PersonInfo, /) -> PersonInfo:
    with db.transaction() as s:
        if s.scalars(select(Person.id).where(Person.name == info.name)).first() is not None:
            raise PersonExistsError(f"a person named {info.name!r} is already in the history")
        row = Person(
            **info.model_dump(exclude={"created_at"}), created_at=info.created_at or _now()
        )
        s.add(row)
        s.flush()
        return _info(row)


def list_people(db: Database, /) -> list[PersonInfo]:
    with db.read() as s:
        return [_info(p) for p in s.scalars(select(Person).order_by(Person.name))]


def check_person(db: Database, name: str, /) -> None:
    """Raise UnknownPersonError early (before a long analysis) when `name` is not known."""
    with db.read() as s:
        _person(s, name)


def add_note(db: Database, name: str, text: str, /) -> None:
    with db.transaction() as s:
        s.add(NoteRow(person_id=_person(s, name).id, created_at=_now(), text=text))


# --- analyses, assessments, programs --------------------------------------------------------


def poses_to_bytes(poses: xr.Dataset, /) -> bytes:
    """The pose Dataset as the bytes of a *.poses.nc file."""
    with tempfile.TemporaryDirectory() as tmp:
        return save_poses(poses, Path(tmp) / "x.poses.nc").read_bytes()


def poses_from_bytes(data: bytes, /) -> xr.Dataset:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "x.poses.nc"
        path.write_bytes(data)
        return load_poses(path)


class Stored(NamedTuple):
    """What storing an analysis, assessment or program did: the row's id, and whether the
    same content (same JSON, same pose bytes) was already stored for the person, in which case
    nothing was written and `id` is the first copy's."""

    kind: str  # "analysis" | "assessment" | "program"
    id: int
    already_stored: bool


def _store_once(
    s: Session, row: AnalysisRow | AssessmentRow | ProgramRow, same: Select[Any]
) -> int | None:
    """Insert `row` unless `same` (its content for its person) finds one: returns the existing
    id, or None when `row` was inserted. Two runs storing the same content at once: the
    second's insert meets the unique index, is undone alone (savepoint), and finds the first."""
    existing: int | None = s.scalars(same).first()
    if existing is not None:
        return existing
    try:
        with s.begin_nested():
            s.add(row)
    except IntegrityError:
        existing = s.scalars(same).first()
        if existing is None:
            raise
    return existing


def store_analysis(
    db: Database,
    name: str,
    result: AnalysisResult,
    /,
    *,
    poses_nc: bytes | None,
    recorded_at: dt.datetime | None = None,
) -> Stored:
    """Store one analysis (its JSON and the pose file bytes) unless the same one is already
    stored for this person (a rerun): idempotent by content hash. An analysis without pose
    bytes (attached from its JSON) is also already stored when the same JSON is."""
    result_json = result.model_dump_json()
    digest = content_sha256(result_json, poses_nc)
    with db.transaction() as s:
        pid = _person(s, name).id
        same = select(AnalysisRow.id).where(AnalysisRow.person_id == pid)
        if poses_nc is None:
            same = same.where(
                (AnalysisRow.content_sha256 == digest) | (AnalysisRow.result_json == result_json)
            )
        else:
            same = same.where(AnalysisRow.content_sha256 == digest)
        row = AnalysisRow(
            person_id=pid,
            recorded_at=recorded_at or _now(),
            movement=result.movement,
            source_path=result.source.path,
            result_json=result_json,
            poses_nc=poses_nc,
            content_sha256=digest,
        )
        existing = _store_once(s, row, same.order_by(AnalysisRow.id))
        return Stored("analysis", row.id if existing is None else existing, existing is not None)


def add_analysis(
    db: Database,
    name: str,
    result: AnalysisResult,
    /,
    *,
    poses_nc: bytes | None,
    recorded_at: dt.datetime | None = None,
) -> int:
    """Store one analysis (its JSON and the pose file bytes); returns its id (the stored
    copy's when the same analysis was already stored: see store_analysis)."""
    return store_analysis(db, name, result, poses_nc=poses_nc, recorded_at=recorded_at).id


def stored_poses(db: Database, analysis_id: int, /) -> xr.Dataset:
    """The pose data of a stored analysis, to recompute it with the current method."""
    with db.read() as s:
        row = s.get(AnalysisRow, analysis_id)
        if row is None or row.poses_nc is None:
            raise InputError(f"analysis {analysis_id} has no stored pose data")
        data = row.poses_nc
    return poses_from_bytes(data)


def add_assessment(db: Database, name: str, assessment: Assessment, /) -> Stored:
    """Store an assessment unless the same one is already stored for this person."""
    text = assessment.model_dump_json()
    digest = content_sha256(text)
    with db.transaction() as s:
        pid = _person(s, name).id
        row = AssessmentRow(
            person_id=pid, date=assessment.date, assessment_json=text, content_sha256=digest
        )
        same = select(AssessmentRow.id).where(
            AssessmentRow.person_id == pid, AssessmentRow.content_sha256 == digest
        )
        existing = _store_once(s, row, same)
        return Stored("assessment", row.id if existing is None else existing, existing is not None)


def add_program(db: Database, name: str, program: Program, /) -> Stored:
    """Store a program unless the same one is already stored for this person."""
    text = program.model_dump_json()
    digest = content_sha256(text)
    with db.transaction() as s:
        pid = _person(s, name).id
        row = ProgramRow(
            person_id=pid,
            created_at=_now(),
            start=program.start,
            end=program.end,
            program_json=text,
            content_sha256=digest,
        )
        same = select(ProgramRow.id).where(
            ProgramRow.person_id == pid, ProgramRow.content_sha256 == digest
        )
        existing = _store_once(s, row, same)
        return Stored("program", row.id if existing is None else existing, existing is not None)


def attach_file(db: Database, name: str, data: Any, /, *, source: str = "file") -> str:
    """Store an assessment (`valgus assess --json`) or a program (`valgus program --json`)
    or an analysis (`valgus analyze --json`) read from a file; returns which it was. A file
    attached twice is stored once (see attach)."""
    return attach(db, name, data, source=source).kind


def attach(db: Database, name: str, data: Any, /, *, source: str = "file") -> Stored:
    """attach_file, saying whether the file's content was already stored for this person
    (then nothing was written)."""
    kind = data.get("kind") if isinstance(data, dict) else None
    try:
        if kind == "valgus-assessment":
            return add_assessment(db, name, Assessment.model_validate(data))
        if kind == "valgus-program":
            return add_program(db, name, Program.model_validate(data))
        if isinstance(data, dict) and "summary" in data and "reps" in data:
            return store_analysis(db, name, AnalysisResult.model_validate(data), poses_nc=None)
        raise ExportFileError(
            f"{source} is not an analysis, assessment or program JSON from valgus"
        )
    except ValidationError as err:
        raise ExportFileError(f"{source} does not validate: {err.errors()[0]['msg']}") from err


# --- workouts -------------------------------------------------------------------------------


def _owned_bands(s: Session, person_id: int) -> tuple[str, ...]:
    last = s.scalars(
        select(AssessmentRow)
        .where(AssessmentRow.person_id == person_id)
        .order_by(AssessmentRow.date.desc(), AssessmentRow.id.desc())
    ).first()
    if last is None:
        return ()
    a = Assessment.model_validate_json(last.assessment_json)
    return tuple(a.answers.preferences.equipment.bands)


Decide = Callable[[list[LoggedSession], tuple[str, ...]], Decision]


def log_workout(db: Database, name: str, entry: WorkoutEntry, /, *, decide: Decide) -> Decision:
    """Store one workout with the decision `decide` makes from this exercise's logs up to
    it (oldest first) and the bands the person has, in one transaction."""
    with db.transaction() as s:
        person = _person(s, name)
        rows = s.scalars(
            select(WorkoutRow)
            .where(WorkoutRow.person_id == person.id, WorkoutRow.exercise_id == entry.exercise_id)
            .where(WorkoutRow.date <= entry.date)
            .order_by(WorkoutRow.date, WorkoutRow.id)
        ).all()
        logged = [
            _session(r.sets, r.reps, r.band, r.pain_0_10, r.pain_next_day, r.form_ok, _symptoms(r))
            for r in rows
        ]
        logged.append(
            _session(
                entry.sets,
                entry.reps,
                entry.band,
                entry.pain_0_10,
                entry.pain_next_day,
                entry.form_ok,
                tuple(entry.symptoms),
            )
        )
        decision = decide(logged, _owned_bands(s, person.id))
        s.add(
            WorkoutRow(
                person_id=person.id,
                **_workout_fields(entry),
                next_action=decision.action,
                next_dose=None if decision.dose is None else str(decision.dose),
                reason=decision.reason,
                created_at=_now(),
            )
        )
        return decision


def _session(
    sets: int,
    reps: int,
    band: str | None,
    pain: int,
    next_day: bool,
    form_ok: bool,
    symptoms: tuple[str, ...],
) -> LoggedSession:
    return LoggedSession(sets, reps, band, pain, next_day, form_ok, symptoms)


def _symptoms(r: WorkoutRow) -> tuple[str, ...]:
    return tuple(k for k in (r.symptoms or "").split(",") if k)


def _workout_fields(entry: WorkoutEntry) -> dict[str, Any]:
    """A workout's columns (the symptoms as one comma-separated text)."""
    return entry.model_dump() | {"symptoms": ",".join(entry.symptoms)}


def _workout_out(r: WorkoutRow) -> WorkoutOut:
    return WorkoutOut(
        date=r.date,
        exercise_id=r.exercise_id,
        sets=r.sets,
        reps=r.reps,
        band=r.band,
        pain_0_10=r.pain_0_10,
        pain_next_day=r.pain_next_day,
        form_ok=r.form_ok,
        symptoms=[cast(Symptom, k) for k in _symptoms(r) if k in get_args(Symptom)],
        next_action=r.next_action,
        next_dose=r.next_dose,
        reason=r.reason,
    )


# --- history --------------------------------------------------------------------------------


def history(db: Database, name: str, /, *, today: dt.date | None = None) -> History:
    """Everything about one person, with progress per leg and adherence per program."""
    today = today or dt.date.today()
    with db.read() as s:
        p = _person(s, name)
        # The numbers, not the pose bytes (megabytes each): has_poses is computed in SQL.
        analyses = s.execute(
            select(
                AnalysisRow.id,
                AnalysisRow.recorded_at,
                AnalysisRow.movement,
                AnalysisRow.source_path,
                AnalysisRow.result_json,
                AnalysisRow.poses_nc.is_not(None).label("has_poses"),
            )
            .where(AnalysisRow.person_id == p.id)
            .order_by(AnalysisRow.recorded_at, AnalysisRow.id)
        ).all()
        results = [(a, json.loads(a.result_json)) for a in analyses]
        assessments = s.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.person_id == p.id)
            .order_by(AssessmentRow.date, AssessmentRow.id)
        ).all()
        programs = s.scalars(
            select(ProgramRow)
            .where(ProgramRow.person_id == p.id)
            .order_by(ProgramRow.start, ProgramRow.id)
        ).all()
        workouts = s.scalars(
            select(WorkoutRow)
            .where(WorkoutRow.person_id == p.id)
            .order_by(WorkoutRow.date, WorkoutRow.id)
        ).all()
        notes = s.scalars(
            select(NoteRow)
            .where(NoteRow.person_id == p.id)
            .order_by(NoteRow.created_at, NoteRow.id)
        ).all()
        info = _info(p)
        workouts_out = [_workout_out(w) for w in workouts]
        notes_out = [NoteOut(created_at=n.created_at, text=n.text) for n in notes]
        assessment_models = [Assessment.model_validate_json(a.assessment_json) for a in assessments]
        program_models = [Program.model_validate_json(r.program_json) for r in programs]
    logged_days = [w.date for w in workouts_out]
    squats = [(a.recorded_at, r) for a, r in results if a.movement == "squat"]
    others = sorted({a.movement for a, _ in results} - {"squat"})
    return History(
        person=info,
        analyses=[_analysis_out(a, r) for a, r in results],
        assessments=[_assessment_out(a) for a in assessment_models],
        programs=[_program_out(pr, logged_days, today) for pr in program_models],
        workouts=workouts_out,
        doses=_doses(workouts_out),
        notes=notes_out,
        progress=[_progress_out(lp) for lp in prog.progress(squats)],
        other_progress=[
            MovementProgressOut(
                movement=m,
                legs=[
                    _progress_out(lp)
                    for lp in prog.progress(
                        [(a.recorded_at, r) for a, r in results if a.movement == m]
                    )
                ],
            )
            for m in others
        ],
    )


def _doses(workouts: list[WorkoutOut]) -> list[DoseOut]:
    latest = {w.exercise_id: w for w in workouts}  # workouts are oldest first
    return [
        DoseOut(
            exercise_id=w.exercise_id,
            last_logged=w.date,
            next_action=w.next_action,
            next_dose=w.next_dose,
            reason=w.reason,
        )
        for w in sorted(latest.values(), key=lambda w: w.exercise_id)
    ]


def _analysis_out(a: Any, r: dict[str, Any]) -> AnalysisOut:
    """`a`: a row of history's analysis columns (has_poses, not the pose bytes)."""
    summary = r.get("summary", {})
    return AnalysisOut(
        id=a.id,
        recorded_at=a.recorded_at,
        movement=a.movement,
        source_path=a.source_path,
        has_poses=bool(a.has_poses),
        left=summary.get("left", {}).get("valgus"),
        right=summary.get("right", {}).get("valgus"),
    )


def _assessment_out(a: Assessment) -> AssessmentOut:
    drivers = (
        []
        if a.drivers is None
        else [f"{d.id}: {d.weight}" for d in a.drivers.drivers if d.weight != "none"]
    )
    return AssessmentOut(date=a.date, red_flags=a.red_flags.status, drivers=drivers)


def _program_out(p: Program, logged: list[dt.date], today: dt.date) -> ProgramOut:
    in_window = [d for d in logged if p.start <= d <= p.end]
    a = adherence([x.date for x in p.sessions], in_window, until=min(today, p.end))
    return ProgramOut(
        start=p.start,
        end=p.end,
        drills=[d.id for d in p.drills],
        adherence=AdherenceOut(planned=a.planned, done=a.done, fraction=a.fraction),
        reassess=list(p.reassess),
    )


def _progress_out(lp: prog.LegProgress) -> LegProgressOut:
    return LegProgressOut(
        side=lp.side.value,
        verdict=lp.verdict,
        sustained=lp.sustained,
        statement=prog.describe(lp),
        sessions=[
            PointOut(**{k: v for k, v in vars(pt).items() if k != "leg"}) for pt in lp.points
        ],
        changes=lp.changes,
    )


# --- export / import ------------------------------------------------------------------------


def export_person(db: Database, name: str, /) -> dict[str, Any]:
    """Everything stored for one person as one JSON-ready object (pose files base64)."""
    with db.read() as s:
        p = _person(s, name)

        def rows(model: Any) -> list[Any]:
            return list(s.scalars(select(model).where(model.person_id == p.id).order_by(model.id)))

        return {
            "kind": EXPORT_KIND,
            "version": EXPORT_VERSION,
            "schema_revision": head_revision(),
            "exported_at": _now().isoformat(),
            "person": _info(p).model_dump(mode="json"),
            "analyses": [
                {
                    "recorded_at": a.recorded_at.isoformat(),
                    "result": json.loads(a.result_json),
                    "poses_nc_base64": None
                    if a.poses_nc is None
                    else base64.b64encode(a.poses_nc).decode("ascii"),
                }
                for a in rows(AnalysisRow)
            ],
            "assessments": [json.loads(a.assessment_json) for a in rows(AssessmentRow)],
            "programs": [
                {"created_at": r.created_at.isoformat(), "program": json.loads(r.program_json)}
                for r in rows(ProgramRow)
            ],
            "workouts": [_workout_out(w).model_dump(mode="json") for w in rows(WorkoutRow)],
            "notes": [
                {"created_at": n.created_at.isoformat(), "text": n.text} for n in rows(NoteRow)
            ],
            "clearances": [
                {
                    "date": c.date.isoformat(),
                    "cleared_by": c.cleared_by,
                    "note": c.note,
                    "created_at": c.created_at.isoformat(),
                }
                for c in rows(ClearanceRow)
            ],
        }


class _ExportAnalysis(_Model):
    recorded_at: dt.datetime
    result: AnalysisResult
    poses_nc_base64: str | None


class _ExportProgram(_Model):
    created_at: dt.datetime
    program: Program


class _ExportClearance(_Model):
    date: dt.date
    cleared_by: str
    note: str | None
    created_at: dt.datetime


class _Export(_Model):
    kind: Literal["valgus-history-export"]
    version: Literal[1]
    schema_revision: str
    exported_at: dt.datetime
    person: PersonInfo
    analyses: list[_ExportAnalysis]
    assessments: list[Assessment]
    programs: list[_ExportProgram]
    workouts: list[WorkoutOut]
    notes: list[NoteOut]
    clearances: list[_ExportClearance] = Field(default_factory=list)  # not before 0004


def import_person(db: Database, data: Any, /, *, name: str | None = None) -> PersonInfo:
    """Add a person and all their records from `export_person` output, all or nothing.
    `name` renames them (when the name is already taken on this machine)."""
    try:
        exp = _Export.model_validate(data)
    except ValidationError as err:
        first = err.errors()[0]
        where = ".".join(str(x) for x in first["loc"]) or "top level"
        raise ExportFileError(
            f"not a valgus history export ({where}: {first['msg']}); give a file written by "
            "`valgus person export`"
        ) from err
    info = exp.person.model_copy(update={"name": name} if name else {})
    with db.transaction() as s:
        if s.scalars(select(Person.id).where(Person.name == info.name)).first() is not None:
            raise PersonExistsError(
                f"a person named {info.name!r} is already in the history; import with --as NEW_NAME"
            )
        person = Person(
            **info.model_dump(exclude={"created_at"}), created_at=info.created_at or _now()
        )
        s.add(person)
        s.flush()
        pid = person.id
        seen: set[str] = set()  # content hashes: a copy stored twice keeps None, as in 0003

        def once(text: str, blob: bytes | None = None) -> str | None:
            digest = content_sha256(text, blob)
            if digest in seen:
                return None
            seen.add(digest)
            return digest

        for a in exp.analyses:
            result_json = a.result.model_dump_json()
            poses = None if a.poses_nc_base64 is None else base64.b64decode(a.poses_nc_base64)
            s.add(
                AnalysisRow(
                    person_id=pid,
                    recorded_at=a.recorded_at,
                    movement=a.result.movement,
                    source_path=a.result.source.path,
                    result_json=result_json,
                    poses_nc=poses,
                    content_sha256=once(result_json, poses),
                )
            )
        for asm in exp.assessments:
            text = asm.model_dump_json()
            s.add(
                AssessmentRow(
                    person_id=pid, date=asm.date, assessment_json=text, content_sha256=once(text)
                )
            )
        for pr in exp.programs:
            text = pr.program.model_dump_json()
            s.add(
                ProgramRow(
                    person_id=pid,
                    created_at=pr.created_at,
                    start=pr.program.start,
                    end=pr.program.end,
                    program_json=text,
                    content_sha256=once(text),
                )
            )
        for w in exp.workouts:
            s.add(WorkoutRow(person_id=pid, **_workout_fields(w), created_at=_now()))
        for n in exp.notes:
            s.add(NoteRow(person_id=pid, created_at=n.created_at, text=n.text))
        for c in exp.clearances:
            s.add(ClearanceRow(person_id=pid, **c.model_dump()))
        return _info(person)


# --- what the safety gate and the workout log read ------------------------------------------


def latest_assessment(db: Database, name: str, /) -> Assessment | None:
    """The person's latest assessment (by date, then the order stored), if any."""
    with db.read() as s:
        row = s.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.person_id == _person(s, name).id)
            .order_by(AssessmentRow.date.desc(), AssessmentRow.id.desc())
        ).first()
        return None if row is None else Assessment.model_validate_json(row.assessment_json)


def latest_program(db: Database, name: str, /) -> Program | None:
    """The person's latest program (by start date, then the order stored), if any."""
    with db.read() as s:
        row = s.scalars(
            select(ProgramRow)
            .where(ProgramRow.person_id == _person(s, name).id)
            .order_by(ProgramRow.start.desc(), ProgramRow.id.desc())
        ).first()
        return None if row is None else Program.model_validate_json(row.program_json)


def last_band(db: Database, name: str, exercise_id: str, /) -> str | None:
    """The band colour of the person's latest logged set of this exercise, if any."""
    with db.read() as s:
        return s.scalars(
            select(WorkoutRow.band)
            .where(WorkoutRow.person_id == _person(s, name).id)
            .where(WorkoutRow.exercise_id == exercise_id, WorkoutRow.band.is_not(None))
            .order_by(WorkoutRow.date.desc(), WorkoutRow.id.desc())
        ).first()


@dataclass(frozen=True)
class SafetyRecords:
    assessments: list[Assessment]  # oldest first, as stored
    stops: list[Stop]
    clearances: list[Clearance]


def safety_records(db: Database, name: str, /) -> SafetyRecords:
    """What the safety gate (assessment/safety.py) reads of one person."""
    with db.read() as s:
        pid = _person(s, name).id
        assessments = [
            Assessment.model_validate_json(r.assessment_json)
            for r in s.scalars(
                select(AssessmentRow)
                .where(AssessmentRow.person_id == pid)
                .order_by(AssessmentRow.id)
            )
        ]
        stops = [
            Stop(date=r.date, reason=r.reason)
            for r in s.scalars(
                select(WorkoutRow)
                .where(WorkoutRow.person_id == pid, WorkoutRow.next_action == "stop")
                .order_by(WorkoutRow.date, WorkoutRow.id)
            )
        ]
        clearances = [
            Clearance(date=r.date, by=r.cleared_by)
            for r in s.scalars(
                select(ClearanceRow).where(ClearanceRow.person_id == pid).order_by(ClearanceRow.id)
            )
        ]
    return SafetyRecords(assessments, stops, clearances)


def add_clearance(
    db: Database, name: str, /, *, date: dt.date, cleared_by: str, note: str | None = None
) -> None:
    """Record a clinician's clearance to resume after a stop rule."""
    with db.transaction() as s:
        s.add(
            ClearanceRow(
                person_id=_person(s, name).id,
                date=date,
                cleared_by=cleared_by,
                note=note,
                created_at=_now(),
            )
        )


# --- listing, correcting and removing records -----------------------------------------------

_ROWS: dict[str, Any] = {
    "analysis": AnalysisRow,
    "assessment": AssessmentRow,
    "program": ProgramRow,
    "workout": WorkoutRow,
    "note": NoteRow,
    "clearance": ClearanceRow,
}


def _what(kind: str, row: Any) -> tuple[dt.date, str]:
    if kind == "analysis":
        return row.recorded_at.date(), f"{row.movement}: {row.source_path or 'no path'}"
    if kind == "assessment":
        return row.date, "assessment (self-tests, red-flag screen, drivers)"
    if kind == "program":
        return row.start, f"program {row.start} to {row.end}"
    if kind == "workout":
        band = f", {row.band} band" if row.band else ""
        return row.date, f"{row.exercise_id} {row.sets} x {row.reps}{band}, pain {row.pain_0_10}/10"
    if kind == "clearance":
        return row.date, f"cleared by {row.cleared_by}" + (f": {row.note}" if row.note else "")
    return row.created_at.date(), row.text


def _record_out(kind: str, record_id: int, day: dt.date, what: str) -> RecordOut:
    return RecordOut.model_validate({"kind": kind, "id": record_id, "date": day, "what": what})


def records(db: Database, name: str, /) -> list[RecordOut]:
    """Every record stored for a person (pose data not loaded), oldest first."""
    out = []
    with db.read() as s:
        pid = _person(s, name).id
        for kind, model in _ROWS.items():
            query = select(model).where(model.person_id == pid)
            if kind == "analysis":
                query = query.options(defer(AnalysisRow.poses_nc), defer(AnalysisRow.result_json))
            for row in s.scalars(query):
                day, what = _what(kind, row)
                out.append(_record_out(kind, row.id, day, what))
    return sorted(out, key=lambda r: (r.date, r.kind, r.id))


def _record(s: Session, name: str, kind: str, record_id: int) -> Any:
    model = _ROWS.get(kind)
    if model is None:
        raise InputError(f"unknown record kind {kind!r}; choose from: {', '.join(_ROWS)}")
    row = s.get(model, record_id)
    if row is None or row.person_id != _person(s, name).id:
        raise InputError(
            f"{name} has no {kind} {record_id}; list the records with `valgus history {name} --list`"
        )
    return row


def detach(db: Database, name: str, kind: str, record_id: int, /) -> RecordOut:
    """Remove one stored record of a person; returns what was removed."""
    with db.transaction() as s:
        row = _record(s, name, kind, record_id)
        day, what = _what(kind, row)
        s.delete(row)
    return _record_out(kind, record_id, day, what)


def redate_analysis(db: Database, name: str, analysis_id: int, when: dt.datetime, /) -> None:
    """Correct the date an analysis was filmed (progress is ordered by it)."""
    with db.transaction() as s:
        _record(s, name, "analysis", analysis_id).recorded_at = when


def stored_for(db: Database, data: Any, /) -> list[str]:
    """The people for whom this analysis, assessment or program JSON is already stored."""
    kind = data.get("kind") if isinstance(data, dict) else None
    model: type[AnalysisRow] | type[AssessmentRow] | type[ProgramRow]
    try:
        if kind == "valgus-assessment":
            digest = content_sha256(Assessment.model_validate(data).model_dump_json())
            column, model = AssessmentRow.content_sha256 == digest, AssessmentRow
        elif kind == "valgus-program":
            digest = content_sha256(Program.model_validate(data).model_dump_json())
            column, model = ProgramRow.content_sha256 == digest, ProgramRow
        elif isinstance(data, dict) and "summary" in data:
            text = AnalysisResult.model_validate(data).model_dump_json()
            column, model = AnalysisRow.result_json == text, AnalysisRow
        else:
            return []
    except ValidationError:
        return []
    with db.read() as s:
        return list(
            s.scalars(
                select(Person.name)
                .join(model, model.person_id == Person.id)
                .where(column)
                .distinct()
            )
        )


# --- renaming and removing a person -------------------------------------------------------


def rename_person(db: Database, name: str, new_name: str, /) -> PersonInfo:
    """Give a person another name (unique in the history)."""
    info = PersonInfo(name=new_name)  # the name's own rules
    with db.transaction() as s:
        if s.scalars(select(Person.id).where(Person.name == info.name)).first() is not None:
            raise PersonExistsError(f"a person named {info.name!r} is already in the history")
        p = _person(s, name)
        p.name = info.name
        s.flush()
        return _info(p)


def delete_person(db: Database, name: str, /) -> None:
    """Remove a person and every record of theirs (analyses with their pose data,
    assessments, programs, workouts, notes, clearances, jobs, batch items), in one
    transaction."""
    with db.transaction() as s:
        person = _person(s, name)
        for model in (*_ROWS.values(), JobRow, BatchItemRow):
            s.execute(sa_delete(model).where(model.person_id == person.id))
        s.delete(person)


def person_ids(db: Database, /) -> dict[str, int]:
    """Every person's id by name (the web app's URLs carry ids, never names)."""
    with db.read() as s:
        return {name: pid for name, pid in s.execute(select(Person.name, Person.id))}


def person_name(db: Database, person_id: int, /) -> str:
    """The name of the person with this id; UnknownPersonError otherwise."""
    with db.read() as s:
        name = s.scalars(select(Person.name).where(Person.id == person_id)).first()
    if name is None:
        raise UnknownPersonError(f"no person with id {person_id} in the history")
    return name


def latest_results(db: Database, name: str, /) -> list[dict[str, Any]]:
    """The person's latest stored analysis of each movement (by filming date), as JSON."""
    with db.read() as s:
        rows = s.execute(
            select(AnalysisRow.movement, AnalysisRow.result_json)
            .where(AnalysisRow.person_id == _person(s, name).id)
            .order_by(AnalysisRow.recorded_at, AnalysisRow.id)
        ).all()
    latest = {movement: text for movement, text in rows}
    return [json.loads(text) for text in latest.values()]
