"""The JSON API under /api: what the pages do, for scripts. Errors are
{"error": {"code", "message"}} with a 4xx status (app.py maps the package's errors)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path as FilePath
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import FileResponse, JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from valgus.assessment import movements
from valgus.assessment.questions import OTTAWA_KEYS, QUESTIONS
from valgus.assessment.selftests import GUIDES, Answers
from valgus.errors import NotFoundError
from valgus.program.ics import program_to_ics
from valgus.program.progression import Symptom
from valgus.services import accounts, assessments, history, manual, people, programs, workouts
from valgus.services import answers as answers_service
from valgus.services import jobs as job_service
from valgus.storage import jobs, store
from valgus.web import uploads
from valgus.web.authz import ACCOUNT_COOKIE, authorize, ensure, scope_of

router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(authorize)])


def state(request: Request) -> Any:
    """The app's shared state (settings, database, workspace)."""
    return request.app.state.valgus


State = Annotated[Any, Depends(state)]
MAX_ID = 2**31 - 1  # database integer ids
PersonId = Annotated[int, Path(ge=1, le=MAX_ID)]
Rep = Annotated[int, Path(ge=1, le=1000)]
JobId = Annotated[str, Path(min_length=1, max_length=64)]


class ErrorInfo(BaseModel):
    code: str
    message: str


class ErrorBody(BaseModel):
    error: ErrorInfo


ERRORS: dict[int | str, dict[str, Any]] = {
    s: {"model": ErrorBody} for s in (400, 404, 409, 413, 422)
}


class Accepted(BaseModel):
    id: str
    status: str
    url: str


class JobStatus(BaseModel):
    id: str
    status: Literal["queued", "running", "done", "failed", "cancelled"]
    progress: float = Field(ge=0, le=1)
    stage: str
    movement: str
    person: str | None
    result: dict[str, Any] | None = Field(
        default=None, description="exactly what `valgus analyze --json` prints, when done"
    )
    error: ErrorInfo | None = None


class NewPerson(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)
    sex: Literal["female", "male", "other"] | None = None
    age_band: Literal["under-18", "18-34", "35-54", "55+"] | None = None
    height_cm: float | None = Field(default=None, gt=50, lt=260)
    notes: str | None = Field(default=None, max_length=2000)


class Rename(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1, max_length=200)


class PersonOut(BaseModel):
    id: int
    name: str
    latest_date: dt.date | None
    latest: dict[str, str]
    trend: dict[str, str]
    next_reassess: dt.date | None
    attention: int
    reason: str


class ProgramRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    start: dt.date | None = None
    weeks: int = Field(default=6, ge=6, le=8)
    sessions_per_week: int = Field(default=3, ge=2, le=3)
    reassess_every_weeks: int = Field(default=3, ge=2, le=4)
    minutes: int | None = Field(default=None, ge=5, le=120)
    general: bool = False


class WorkoutIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: str = Field(max_length=80)
    sets: int = Field(ge=1, le=10)
    reps: int = Field(ge=1, le=100)
    pain_0_10: int = Field(ge=0, le=10)
    band: str | None = Field(default=None, max_length=20)
    pain_next_day: bool = False
    form_ok: bool = True
    symptoms: list[Symptom] = Field(
        default=[], description="stop symptoms since the session: any one stops the program"
    )
    date: dt.date | None = None


class ClearanceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cleared_by: str = Field(min_length=1, max_length=200)
    date: dt.date | None = None
    note: str | None = Field(default=None, max_length=2000)


def _job(s: Any, job_id: str) -> jobs.Job:
    job = jobs.get(s.db, job_id)
    if job is None:
        raise NotFoundError(f"no analysis {job_id!r} on this server")
    return job


def _name(s: Any, person_id: int) -> str:
    return str(store.person_name(s.db, person_id))


# --- analyses --------------------------------------------------------------------------------


@router.post("/analyses", status_code=202, response_model=Accepted, responses=ERRORS)
async def upload_analysis(request: Request, s: State) -> Accepted:
    """Upload a recording (multipart: `file`, `movement`, optional `person` (a name or an
    id), `side`, `sex`, `mirrored`, `keep_video`, `filmed` (YYYY-MM-DD), `person_box`
    ("x,y,w,h", pixels of the first frame: the person to follow)). It is checked,
    queued and analyzed by a worker: follow it at the returned url."""
    job = await uploads.accept(request, s)
    return Accepted(id=job.id, status=job.status, url=f"/api/analyses/{job.id}")


@router.get("/analyses", response_model=list[JobStatus])
def list_analyses(
    request: Request, s: State, person: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None
) -> list[Any]:
    """The newest analyses first (one person's with `person=ID`)."""
    if person is not None:
        ensure(request, person, "read")
    name = _name(s, person) if person is not None else None
    allowed = people.names_in(s.db, scope_of(request))
    found = jobs.list_jobs(s.db, person=name)
    return [job_service.job_payload(j) for j in found if allowed is None or j.person in allowed]


@router.get("/analyses/{job_id}", response_model=JobStatus, responses=ERRORS)
def get_analysis(job_id: JobId, s: State) -> Any:
    """Where an analysis stands; its result when done, its error when failed."""
    return job_service.job_payload(_job(s, job_id))


@router.post("/analyses/{job_id}/cancel", response_model=JobStatus, responses=ERRORS)
def cancel_analysis(job_id: JobId, s: State) -> Any:
    """Cancel a queued analysis at once, a running one at its next progress report."""
    _job(s, job_id)
    job = jobs.request_cancel(s.db, job_id)
    assert job is not None
    return job_service.job_payload(job)


FileKind = Literal["json", "csv", "poses", "pdf", "html", "video", "measures"]
MEDIA = {
    "json": "application/json",
    "csv": "text/csv",
    "poses": "application/x-netcdf",
    "pdf": "application/pdf",
    "html": "text/html",
    "video": "video/mp4",
    "measures": "image/png",
}


@router.get("/analyses/{job_id}/files/{kind}", responses=ERRORS)
def analysis_file(job_id: JobId, kind: FileKind, s: State) -> FileResponse:
    """A result file: json, csv (per-frame series), poses (pose data), pdf, html, video
    (annotated, faces blurred), measures (plot)."""
    _job(s, job_id)
    files = job_service.result_files(s.workspace, job_id)
    if kind not in files:
        raise NotFoundError(f"analysis {job_id} has no {kind} file")
    path = files[kind]
    download = kind in ("json", "csv", "poses", "pdf")
    return FileResponse(
        path,
        media_type=MEDIA[kind],
        filename=f"valgus-{job_id[:8]}{''.join(path.suffixes[-2:])}" if download else None,
    )


@router.get("/analyses/{job_id}/frames", responses=ERRORS)
def analysis_frames(job_id: JobId, s: State) -> Any:
    """The per-frame measures (time, depth, per leg FPPA and MKD...), for stepping through
    the video frame by frame."""
    job = _job(s, job_id)
    files = job_service.result_files(s.workspace, job_id)
    if job.status != "done" or "csv" not in files:
        raise NotFoundError(f"analysis {job_id} has no per-frame measures yet")
    return JSONResponse(job_service.frames_columns(files["csv"]))


@router.get("/analyses/{job_id}/manual/{rep}/{side}", responses=ERRORS)
def manual_points(job_id: JobId, rep: Rep, side: Literal["left", "right"], s: State) -> Any:
    """The automatic points of one leg on a rep's deepest frame (where a manual check starts)
    and the checks kept so far."""
    analysis = job_service.analysis_of(s.workspace, _job(s, job_id))
    from valgus.schema import Side

    points = manual.auto_points(analysis, rep, Side(side))
    checks = manual.load_checks(s.workspace.results(job_id))
    leg = getattr(analysis.result.reps[rep - 1], side)
    kept = next((c for c in checks if (c.rep, c.side) == (rep, side)), None)
    return {
        "points": points.model_dump(),
        "auto": {"auto_fppa_deg": leg.fppa_deg, "auto_mkd": leg.mkd},
        "kept": None if kept is None else kept.model_dump(mode="json"),
        "checks": [c.model_dump(mode="json") for c in checks],
        "image": f"/analyses/{job_id}/frame/{rep}.png",
    }


@router.post("/analyses/{job_id}/manual", responses=ERRORS)
def manual_check(job_id: JobId, points: manual.KeyPoints, s: State) -> Any:
    """FPPA and MKD from hand-placed points, kept beside the automatic values."""
    analysis = job_service.analysis_of(s.workspace, _job(s, job_id))
    result = manual.check(analysis, points)
    manual.keep(s.workspace.results(job_id), result)
    return result.model_dump(mode="json")


# --- people ----------------------------------------------------------------------------------


@router.get("/people", response_model=list[PersonOut])
def list_people(request: Request, s: State) -> list[Any]:
    """Everyone measured (in clinic mode, everyone in your care), who needs attention first."""
    return [vars(c) for c in people.overview(s.db, scope=scope_of(request))]


@router.post("/people", status_code=201, response_model=PersonOut, responses=ERRORS)
def add_person(request: Request, body: NewPerson, s: State) -> Any:
    info = people.new_person(
        body.name, sex=body.sex, age_band=body.age_band, height_cm=body.height_cm, notes=body.notes
    )
    people.add(s.db, info, scope=scope_of(request))
    return _card(s, info.name)


def _card(s: Any, name: str) -> Any:
    return next(vars(c) for c in people.overview(s.db) if c.name == name)


@router.get("/people/{person_id}", response_model=PersonOut, responses=ERRORS)
def get_person(person_id: PersonId, s: State) -> Any:
    return _card(s, _name(s, person_id))


@router.patch("/people/{person_id}", response_model=PersonOut, responses=ERRORS)
def rename_person(person_id: PersonId, body: Rename, s: State) -> Any:
    info = people.rename(s.db, _name(s, person_id), body.name)
    return _card(s, info.name)


@router.delete("/people/{person_id}", status_code=204, responses=ERRORS)
def delete_person(person_id: PersonId, s: State) -> Response:
    """Delete a person: their videos, pose data, results and every record."""
    job_service.delete_person(s.db, s.workspace, _name(s, person_id))
    return Response(status_code=204)


@router.get("/people/{person_id}/history", responses=ERRORS)
def person_history(person_id: PersonId, s: State) -> Any:
    """Exactly what `valgus history NAME --json` prints."""
    return history.of(s.db, _name(s, person_id)).model_dump(mode="json")


@router.post("/people/{person_id}/assessments", status_code=201, responses=ERRORS)
def assess_person(person_id: PersonId, body: dict[str, Any], s: State) -> Any:
    """Red-flag screen, then the drivers, from the person's latest analyses and the answers
    (the answers-file layout: red_flags, self_tests, preferences)."""
    answers = answers_service.validate_answers(body)
    return assessments.for_person(s.db, _name(s, person_id), answers).model_dump(mode="json")


@router.post("/people/{person_id}/program", status_code=201, responses=ERRORS)
def build_program(person_id: PersonId, body: ProgramRequest, s: State) -> Any:
    """The program from the person's latest assessment (refused after a red flag: 409)."""
    schedule = programs.Schedule(
        start=body.start or dt.date.today(),
        weeks=body.weeks,
        sessions_per_week=body.sessions_per_week,
        reassess_every_weeks=body.reassess_every_weeks,
        minutes=body.minutes,
        general=body.general,
    )
    return programs.build_for_person(s.db, _name(s, person_id), schedule).model_dump(mode="json")


@router.get("/people/{person_id}/program.ics", responses=ERRORS)
def program_calendar(person_id: PersonId, s: State) -> Response:
    program = programs.current(s.db, _name(s, person_id))
    data = program_to_ics(program, stamp=dt.datetime.now(dt.UTC).replace(microsecond=0))
    return Response(
        data,
        media_type="text/calendar",
        headers={"Content-Disposition": 'attachment; filename="valgus-program.ics"'},
    )


@router.post("/people/{person_id}/workouts", status_code=201, responses=ERRORS)
def log_workout(person_id: PersonId, body: WorkoutIn, s: State) -> Any:
    """Log a workout; the progression and stop rules say the next dose."""
    entry = workouts.entry(**(body.model_dump() | {"date": body.date or dt.date.today()}))
    logged = workouts.log(s.db, _name(s, person_id), entry)
    d = logged.decision
    return {
        "action": d.action,
        "next_dose": None if d.dose is None else str(d.dose),
        "reason": d.reason,
        "note": logged.band_note,
    }


class DrillDone(BaseModel):
    model_config = ConfigDict(extra="forbid")

    exercise_id: str = Field(max_length=80)
    sets: int = Field(ge=1, le=10)
    reps: int = Field(ge=1, le=100)
    band: str | None = Field(default=None, max_length=20)


class SessionIn(BaseModel):
    """A session ticked off: the drills done; pain, form and stop symptoms for the session."""

    model_config = ConfigDict(extra="forbid")

    drills: list[DrillDone] = Field(min_length=1, max_length=20)
    pain_0_10: int = Field(ge=0, le=10)
    pain_next_day: bool = False
    form_ok: bool = True
    symptoms: list[Symptom] = []
    date: dt.date | None = None


@router.get("/people/{person_id}/session", responses=ERRORS)
def session_plan(person_id: PersonId, s: State) -> Any:
    """The program's drills with the dose to do next and why (no dose: a stop or the gate)."""
    return [
        {
            "exercise_id": d.exercise_id,
            "name": d.name,
            "next_dose": None if d.dose is None else str(d.dose),
            "note": d.note,
        }
        for d in workouts.session_plan(s.db, _name(s, person_id))
    ]


@router.post("/people/{person_id}/sessions", status_code=201, responses=ERRORS)
def log_session(person_id: PersonId, body: SessionIn, s: State) -> Any:
    """Log a session: every drill done (all refused if one is), each with its decision."""
    shared = body.model_dump(exclude={"drills"}) | {"date": body.date or dt.date.today()}
    entries = [workouts.entry(**(d.model_dump() | shared)) for d in body.drills]
    return [
        {
            "exercise_id": entry.exercise_id,
            "action": logged.decision.action,
            "next_dose": None if logged.decision.dose is None else str(logged.decision.dose),
            "reason": logged.decision.reason,
            "note": logged.band_note,
        }
        for entry, logged in zip(
            entries, workouts.log_session(s.db, _name(s, person_id), entries), strict=True
        )
    ]


@router.post("/people/{person_id}/clearances", status_code=201, responses=ERRORS)
def clear_person(person_id: PersonId, body: ClearanceIn, s: State) -> Any:
    """Record a clinician's clearance to resume after a stop rule."""
    people.clear(
        s.db,
        _name(s, person_id),
        by=body.cleared_by,
        date=body.date or dt.date.today(),
        note=body.note,
    )
    return {"recorded": True}


# --- what the forms ask ---------------------------------------------------------------------


@router.get("/movements")
def list_movements() -> list[dict[str, Any]]:
    """The movement tests: name, label, how to film it, the options it takes."""
    return [
        {"name": m.name, "label": m.label, "filming": m.filming, "options": sorted(m.options)}
        for m in movements.all_specs()
    ]


@router.get("/questions")
def questions() -> dict[str, Any]:
    """The red-flag questions (the injury follow-ups only after a recent injury) and the
    self-test guides."""
    return {
        "red_flags": [
            {"key": k, "question": q, "after_injury_only": k in OTTAWA_KEYS}
            for k, q in QUESTIONS.items()
        ],
        "self_tests": GUIDES,
        "answers_schema": Answers.model_json_schema(),
    }


# --- clinic mode: sign-in, accounts, audit, export ------------------------------------------


class Login(BaseModel):
    username: str = Field(max_length=200)
    password: str = Field(max_length=1000)


def start_session(request: Request, response: Response, session: accounts.Session) -> None:
    """The session cookie: HttpOnly, SameSite=Strict, Secure behind TLS."""
    response.set_cookie(
        ACCOUNT_COOKIE,
        session.token,
        max_age=accounts.SESSION_HOURS * 3600,
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
    )


def client_address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


@router.post("/login", responses=ERRORS)
def login(request: Request, body: Login, s: State) -> Response:
    """Clinic mode: sign in. Sets the session cookie and returns `{"csrf_token"}`, to send as
    the `X-CSRF-Token` header with every state-changing request. Five failed attempts per
    account or address within 15 minutes: 429 with Retry-After."""
    session = accounts.login(
        s.db, request.app.state.login_limiter, body.username, body.password, client_address(request)
    )
    response = JSONResponse(
        {"csrf_token": session.csrf_token, "user": session.user.name, "role": session.user.role}
    )
    start_session(request, response, session)
    return response


@router.post("/logout", status_code=204)
def logout(request: Request, s: State) -> Response:
    accounts.logout(s.db, request.cookies.get(ACCOUNT_COOKIE))
    response = Response(status_code=204)
    response.delete_cookie(ACCOUNT_COOKIE)
    return response


@router.get("/me")
def me(request: Request) -> Any:
    """Who is signed in (clinic mode)."""
    user = scope_of(request).user
    if user is None:
        return {"user": None, "role": None, "clinic": False}
    return {"user": user.name, "role": user.role, "clinic": True}


@router.get("/users")
def users(s: State) -> Any:
    """Clinic mode, admins: every account, its role, whether disabled, its people."""
    return [
        {"name": u.name, "role": u.role, "disabled": u.disabled, "people": names}
        for u, names in accounts.list_users(s.db)
    ]


@router.get("/audit")
def audit(s: State, person: Annotated[str | None, Query(max_length=200)] = None) -> Any:
    """Clinic mode, admins: who viewed, changed, exported or deleted whose data, when."""
    return [
        {
            "at": e.at.isoformat(),
            "user": e.user,
            "action": e.action,
            "person": e.person,
            "what": e.what,
        }
        for e in accounts.audit_entries(s.db, person=person)
    ]


@router.get("/people/{person_id}/export.zip", responses=ERRORS)
def export_person_zip(person_id: PersonId, s: State) -> Response:
    """Everything of one person in one zip: results JSON, pose data, videos, program, logs."""
    return export_response(s, _name(s, person_id))


def export_response(s: Any, name: str) -> Response:
    """The zip as a download, written to a temporary file (videos can be large)."""
    import tempfile

    from starlette.background import BackgroundTask

    tmp = FilePath(tempfile.mkstemp(prefix="valgus-export-", suffix=".zip")[1])
    try:
        job_service.export_zip(s.db, s.workspace, name, tmp)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    safe = "".join(c if c.isalnum() or c in "-_" else "_" for c in name)[:60] or "person"
    return FileResponse(
        tmp,
        media_type="application/zip",
        filename=f"valgus-{safe}.zip",
        background=BackgroundTask(tmp.unlink, missing_ok=True),
    )
