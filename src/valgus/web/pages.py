"""The HTML pages: parse the form, call a service, render what it returns (Jinja2)."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi import Path as PathParam
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates

from valgus import __version__, present
from valgus.assessment import movements
from valgus.assessment.questions import OTTAWA_KEYS, QUESTIONS
from valgus.assessment.selftests import BAND_ORDER, GUIDES
from valgus.errors import AnswersError, InputError, NotFoundError, RedFlagError, ValgusError
from valgus.program.catalogue import load_catalogue
from valgus.program.prescription import Program
from valgus.program.progression import STOP_SYMPTOMS
from valgus.results import AnalysisResult
from valgus.services import answers as answers_service
from valgus.services import (
    assessments,
    comparisons,
    history,
    manual,
    people,
    programs,
    team,
    workouts,
)
from valgus.services import jobs as job_service
from valgus.storage import jobs, store
from valgus.web import uploads
from valgus.web.authz import authorize, scope_of
from valgus.web.security import check_csrf, csrf_token

router = APIRouter(include_in_schema=False, dependencies=[Depends(authorize)])
templates = Jinja2Templates(directory=Path(__file__).parent / "templates")


def state(request: Request) -> Any:
    return request.app.state.valgus


State = Annotated[Any, Depends(state)]
Pid = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    return templates.TemplateResponse(
        request,
        template,
        {
            "version": __version__,
            "csrf": csrf_token(request),
            "api_csrf": getattr(request.state, "session_csrf", ""),
            "account": _account(request),
            "signed_out": request.app.state.valgus.settings.clinic and _account(request) is None,
            **context,
        },
        status_code=status_code,
    )


def _account(request: Request) -> Any:
    """The signed-in user (clinic mode), None otherwise (the sign-in page's nobody too)."""
    user = scope_of(request).user
    return user if user is not None and user.id != 0 else None


def error_page(request: Request, e: ValgusError, status_code: int) -> HTMLResponse:
    return render(request, "error.html", status_code, code=e.code, message=str(e), back=None)


async def form_of(request: Request) -> dict[str, Any]:
    """The submitted form, after its CSRF token is checked."""
    form = await request.form()
    if not check_csrf(request, str(form.get("csrf", ""))):
        raise InputError("the form expired; reload the page and send it again")
    lists = ("bands", "symptoms", "done")
    return {k: form.getlist(k) if k in lists else form.get(k) for k in form}


def form_date(f: dict[str, Any], key: str, label: str) -> dt.date:
    """A date field of a form (today when empty); a clear error when it is not a date."""
    if not f.get(key):
        return dt.date.today()
    try:
        return dt.date.fromisoformat(str(f[key]))
    except ValueError:
        raise InputError(f"{label} must be a date (YYYY-MM-DD), got {f[key]!r}") from None


def form_int(f: dict[str, Any], key: str, label: str) -> int:
    """A whole-number field of a form (0 when empty); a clear error when it is not one."""
    try:
        return int(f.get(key) or 0)
    except ValueError:
        raise InputError(f"{label} must be a whole number, got {f[key]!r}") from None


def see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _pid(s: Any, name: str) -> int:
    return int(store.person_ids(s.db)[name])


# --- people ----------------------------------------------------------------------------------


@router.get("/", response_class=HTMLResponse)
def people_page(request: Request, s: State) -> HTMLResponse:
    return render(request, "people.html", cards=people.overview(s.db, scope=scope_of(request)))


@router.get("/team", response_class=HTMLResponse)
def team_page(request: Request, s: State) -> HTMLResponse:
    """The team sheet of `valgus batch`, from everyone's latest analysis of each movement."""
    rows = team.sheet(
        team.from_history(s.db, link=lambda _name, pid: f"/people/{pid}", scope=scope_of(request))
    )
    return render(
        request,
        "team.html",
        rows=[r for r in rows if r.attention != team.FILM_AGAIN],
        again=[r for r in rows if r.attention == team.FILM_AGAIN],
        people=len({r.person for r in rows}),
    )


@router.get("/team.csv")
def team_csv(request: Request, s: State) -> Response:
    rows = team.sheet(
        team.from_history(s.db, link=lambda _name, pid: f"/people/{pid}", scope=scope_of(request))
    )
    return Response(
        team.csv_text(rows),
        media_type="text/csv",
        headers={"Content-Disposition": 'attachment; filename="team.csv"'},
    )


@router.post("/people")
async def add_person(request: Request, s: State) -> Response:
    f = await form_of(request)
    info = people.new_person(
        str(f.get("name") or "").strip(),
        sex=f.get("sex") or None,
        age_band=f.get("age_band") or None,
    )
    people.add(s.db, info, scope=scope_of(request))
    return see(f"/people/{_pid(s, info.name)}")


@router.get("/people/{pid}", response_class=HTMLResponse)
def person_page(request: Request, pid: Pid, s: State) -> HTMLResponse:
    name = store.person_name(s.db, pid)
    return render(
        request,
        "person.html",
        name=name,
        pid=pid,
        history=history.of(s.db, name),
        jobs=jobs.list_jobs(s.db, person=name),
        words=present.BAND_OF_VERDICT,
    )


@router.post("/people/{pid}/rename")
async def rename_person(request: Request, pid: Pid, s: State) -> Response:
    f = await form_of(request)
    people.rename(s.db, store.person_name(s.db, pid), str(f.get("name") or "").strip())
    return see(f"/people/{pid}")


@router.post("/people/{pid}/delete")
async def delete_person(request: Request, pid: Pid, s: State) -> Response:
    f = await form_of(request)
    if f.get("confirm") != "yes":
        raise InputError("tick the box to confirm: everything of this person is deleted")
    job_service.delete_person(s.db, s.workspace, store.person_name(s.db, pid))
    return see("/")


# --- new assessment: upload ------------------------------------------------------------------


@router.get("/new", response_class=HTMLResponse)
def new_page(
    request: Request, s: State, person: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None
) -> HTMLResponse:
    cards = people.overview(s.db, scope=scope_of(request))
    return render(
        request,
        "new.html",
        people=sorted(cards, key=lambda c: c.name.lower()),
        selected=person,
        movements=movements.all_specs(),
    )


@router.get("/guide/{movement}.png")
def guide_picture(movement: str) -> Response:
    from valgus.report.guide import filming_guide_png

    if movement not in movements.names():
        raise NotFoundError(f"no movement test named {movement!r}")
    return Response(filming_guide_png(movement), media_type="image/png")


@router.post("/upload")
async def upload(request: Request, s: State) -> Response:
    """The upload form without JavaScript: the same as POST /api/analyses, then the job's
    page (the page's script posts to the API instead, with a progress bar)."""
    job = await uploads.accept(request, s, form=True)
    return see(f"/analyses/{job.id}")


# --- an analysis: progress, results, manual check ------------------------------------------


def _job(s: Any, job_id: str) -> jobs.Job:
    job = jobs.get(s.db, job_id)
    if job is None:
        raise NotFoundError(f"no analysis {job_id!r} on this server")
    return job


def _verdict_rows(result: AnalysisResult) -> list[tuple[str, str, str]]:
    """The per-leg table: words and numbers from present.py (escaped for the page)."""
    sm = result.summary
    spec = movements.get(result.movement)

    def cell(text: str, band: str | None = None) -> str:
        cls = f' class="band band-{band.replace(" ", "-")}"' if band else ""
        return f"<span{cls}>{html.escape(text)}</span>"

    rows = [
        (
            "result",
            cell(present.verdict(sm.left), sm.left.band),
            cell(present.verdict(sm.right), sm.right.band),
        ),
        ("knee moved in", cell(present.pattern(sm.left)), cell(present.pattern(sm.right))),
        (
            f"{present.knee_label(sm.left, sm.right)} (% of leg)",
            cell(present.knee(sm.left)),
            cell(present.knee(sm.right)),
        ),
        ("frontal-plane angle (FPPA)", cell(present.fppa(sm.left)), cell(present.fppa(sm.right))),
        ("smallest detectable change", cell(present.sdc(sm.left)), cell(present.sdc(sm.right))),
    ]
    if sm.left.toe_out_deg is not None or sm.right.toe_out_deg is not None:
        rows.append(
            (
                "foot turned (standing, ±10°)",
                cell(present.toe_out(sm.left)),
                cell(present.toe_out(sm.right)),
            )
        )
    rows += [
        (
            m.label,
            cell(present.plain_stat(m.value(sm.left))),
            cell(present.plain_stat(m.value(sm.right))),
        )
        for m in spec.extra_measures
    ]
    return rows


DOWNLOADS = (
    ("json", "Result (JSON)"),
    ("csv", "Measures per frame (CSV)"),
    ("poses", "Pose data (rerun without the video)"),
    ("pdf", "Report (PDF)"),
    ("html", "Report (HTML)"),
    ("video", "Video with the legs drawn (MP4)"),
)


@router.get("/analyses/{job_id}", response_class=HTMLResponse)
def job_page(request: Request, job_id: str, s: State) -> HTMLResponse:
    from valgus.report.html import findings_text

    job = _job(s, job_id)
    pid = _pid(s, job.person) if job.person else None
    label = movements.get(job.movement).label.capitalize()
    context: dict[str, Any] = {"job": job, "pid": pid, "label": label}
    if job.status == "done" and job.result is not None:
        result = AnalysisResult.model_validate(job.result)
        files = job_service.result_files(s.workspace, job_id)
        frames = job_service.key_frames(s.workspace, job_id)
        context |= {
            "summary_title": movements.get(result.movement).summary_title,
            "rows": _verdict_rows(result),
            "sdc_meaning": present.SDC_MEANING,
            "knee_col": present.knee_measure(result.summary.left, result.summary.right),
            "knee_label": present.knee_label(result.summary.left, result.summary.right),
            "findings": findings_text(result),
            "video": f"/api/analyses/{job_id}/files/video" if "video" in files else None,
            "poster": f"/analyses/{job_id}/frame/1.png"
            if manual.frame_path(s.workspace.results(job_id), 1).exists()
            else None,
            "keyframes": [
                {"url": f"/analyses/{job_id}/picture/{p.name}", "caption": _caption(p.name)}
                for p in frames
            ],
            "manual_reps": manual.frame_path(s.workspace.results(job_id), 1).exists(),
            "downloads": [(k, label) for k, label in DOWNLOADS if k in files],
        }
    return render(request, "job.html", **context)


def _caption(file_name: str) -> str:
    part = file_name.split(".")[1]
    if part.startswith("rep"):
        return f"Rep {part[3:]}, deepest point"
    return f"{part.split('-')[0].capitalize()} knee: its best rep (left) beside its worst (right)"


@router.get("/analyses/{job_id}/picture/{file_name}")
def job_picture(job_id: str, file_name: str, s: State) -> FileResponse:
    wanted = {p.name: p for p in job_service.key_frames(s.workspace, job_id)}
    if file_name not in wanted:
        raise NotFoundError("no such picture")
    return FileResponse(wanted[file_name], media_type="image/png")


@router.get("/analyses/{job_id}/frame/{rep}.png")
def manual_frame(
    job_id: str, rep: Annotated[int, PathParam(ge=1, le=1000)], s: State
) -> FileResponse:
    path = manual.frame_path(s.workspace.results(_job(s, job_id).id), rep)
    if not path.exists():
        raise NotFoundError(f"no frame of rep {rep} (the video was not available)")
    return FileResponse(path, media_type="image/png")


@router.post("/analyses/{job_id}/cancel")
async def cancel(request: Request, job_id: str, s: State) -> Response:
    await form_of(request)
    _job(s, job_id)
    jobs.request_cancel(s.db, job_id)
    return see(f"/analyses/{job_id}")


@router.get("/analyses/{job_id}/manual", response_class=HTMLResponse)
def manual_page(request: Request, job_id: str, s: State) -> HTMLResponse:
    job = _job(s, job_id)
    reps = len(job.result["reps"]) if job.result else 0
    return render(request, "manual.html", job_id=job_id, reps=range(1, reps + 1))


@router.get("/jobs", response_class=HTMLResponse)
def jobs_page(request: Request, s: State) -> HTMLResponse:
    allowed = people.names_in(s.db, scope_of(request))
    shown = [j for j in jobs.list_jobs(s.db) if allowed is None or j.person in allowed]
    return render(request, "jobs.html", jobs=shown)


# --- safety and self-tests, assessment, program, log ---------------------------------------


@router.get("/people/{pid}/safety", response_class=HTMLResponse)
def safety_page(request: Request, pid: Pid, s: State) -> HTMLResponse:
    questions = [
        {"key": k, "question": q, "after_injury_only": k in OTTAWA_KEYS}
        for k, q in QUESTIONS.items()
    ]
    return render(
        request,
        "safety.html",
        name=store.person_name(s.db, pid),
        pid=pid,
        questions=questions,
        guides=GUIDES,
        bands=BAND_ORDER,
    )


SIDED = ("knee_to_wall_cm", "navicular_drop_mm", "fpi6", "hip_abduction_pct_bw")


def _answers_from_form(f: dict[str, Any]) -> dict[str, Any]:
    """The form's fields in the answers-file layout (validation is the service's)."""
    red_flags = {k: f[f"rf_{k}"] == "yes" for k in QUESTIONS if f.get(f"rf_{k}") in ("yes", "no")}
    if red_flags.get("recent_injury") is not True:  # follow-ups apply after an injury only
        red_flags = {k: v for k, v in red_flags.items() if k not in OTTAWA_KEYS}
    values: dict[str, object] = {"self_tests.pain_0_10": f.get("pain_0_10") or None}
    for key in SIDED:
        for side in ("left", "right"):
            values[f"self_tests.{key}.{side}"] = f.get(f"{key}.{side}") or None
    values["preferences.equipment.bands"] = list(f.get("bands") or [])
    values["preferences.equipment.roller_or_ball"] = f.get("roller_or_ball") == "yes"
    values["preferences.minutes_per_session"] = f.get("minutes_per_session") or None
    return answers_service.merge_values({"red_flags": red_flags}, values)


@router.post("/people/{pid}/safety")
async def safety_submit(request: Request, pid: Pid, s: State) -> Response:
    f = await form_of(request)
    answers = answers_service.validate_answers(_answers_from_form(f))
    assessments.for_person(s.db, store.person_name(s.db, pid), answers)
    return see(f"/people/{pid}/assessment")


@router.get("/people/{pid}/assessment", response_class=HTMLResponse)
def assessment_page(request: Request, pid: Pid, s: State) -> HTMLResponse:
    name = store.person_name(s.db, pid)
    latest = store.latest_assessment(s.db, name)
    if latest is None:
        return see(f"/people/{pid}/safety")  # type: ignore[return-value]
    return render(request, "assessment.html", name=name, pid=pid, a=latest, today=dt.date.today())


def _weeks(p: Any) -> list[tuple[int, str]]:
    return [
        (w, ", ".join(x.date.strftime("%a %d %b") for x in p.sessions if x.week == w))
        for w in range(1, p.weeks + 1)
    ]


@router.get("/people/{pid}/program", response_class=HTMLResponse)
def program_page(request: Request, pid: Pid, s: State) -> HTMLResponse:
    name = store.person_name(s.db, pid)
    try:  # shown only through the safety gate
        p: Program | None = programs.current(s.db, name)
    except (RedFlagError, AnswersError, NotFoundError):
        p = None
    gate = history.of(s.db, name).safety
    catalogue = load_catalogue()
    return render(
        request,
        "program.html",
        name=name,
        pid=pid,
        p=p,
        gate=gate,
        weeks=_weeks(p) if p else [],
        catalogue={i: catalogue.get(i) for i in catalogue.ids},
        today=dt.date.today(),
    )


@router.post("/people/{pid}/program")
async def program_submit(request: Request, pid: Pid, s: State) -> Response:
    f = await form_of(request)
    start = form_date(f, "start", "the start date")
    schedule = programs.Schedule(start=start, general=f.get("general") == "yes")
    programs.build_for_person(s.db, store.person_name(s.db, pid), schedule)
    return see(f"/people/{pid}/program")


@router.get("/exercise/{exercise_id}.png")
def exercise_picture(exercise_id: str, band: str | None = Query(default=None)) -> Response:
    from valgus.report.exercise_pictures import exercise_picture as picture

    if band is not None and band not in BAND_ORDER:
        raise InputError(f"unknown band colour {band!r}")
    try:
        return Response(picture(exercise_id, band=band), media_type="image/png")
    except KeyError:
        raise NotFoundError(f"no picture of {exercise_id!r}") from None


@router.get("/people/{pid}/log", response_class=HTMLResponse)
def log_page(request: Request, pid: Pid, s: State, note: str | None = None) -> HTMLResponse:
    """The form, and the decision after the latest logged workout (a form post redirects
    here, so reloading the page never logs twice)."""
    name = store.person_name(s.db, pid)
    h = history.of(s.db, name)
    program = store.latest_program(s.db, name)
    return render(
        request,
        "log.html",
        name=name,
        pid=pid,
        program=program,
        history=h,
        drill_names={d.id: d.name for d in program.drills} if program else {},
        latest=h.workouts[-1] if h.workouts else None,
        bands=BAND_ORDER,
        symptoms=STOP_SYMPTOMS,
        plan=workouts.session_plan(s.db, name, doses=h.doses),
        today=dt.date.today(),
        note=note == "kept",
    )


@router.post("/people/{pid}/log")
async def log_submit(request: Request, pid: Pid, s: State) -> Response:
    f = await form_of(request)
    entry = workouts.entry(
        date=form_date(f, "date", "the date"),
        exercise_id=str(f.get("exercise_id") or ""),
        sets=form_int(f, "sets", "sets"),
        reps=form_int(f, "reps", "reps"),
        band=f.get("band") or None,
        pain_0_10=form_int(f, "pain_0_10", "pain"),
        pain_next_day=f.get("pain_next_day") == "yes",
        form_ok=f.get("form_poor") != "yes",
        symptoms=list(f.get("symptoms") or []),
    )
    logged = workouts.log(s.db, store.person_name(s.db, pid), entry)
    return see(f"/people/{pid}/log" + ("?note=kept" if logged.band_note else ""))


@router.post("/people/{pid}/session")
async def session_submit(request: Request, pid: Pid, s: State) -> Response:
    """A session ticked off: each ticked drill with its sets, reps and band; the pain, the
    form and any stop symptom for the session as a whole."""
    f = await form_of(request)
    shared: dict[str, Any] = {
        "date": form_date(f, "date", "the date"),
        "pain_0_10": form_int(f, "pain_0_10", "pain"),
        "pain_next_day": f.get("pain_next_day") == "yes",
        "form_ok": f.get("form_poor") != "yes",
        "symptoms": list(f.get("symptoms") or []),
    }
    entries = [
        workouts.entry(
            exercise_id=str(drill),
            sets=form_int(f, f"sets.{drill}", f"sets of {drill}"),
            reps=form_int(f, f"reps.{drill}", f"reps of {drill}"),
            band=f.get(f"band.{drill}") or None,
            **shared,
        )
        for drill in f.get("done") or []
    ]
    logged = workouts.log_session(s.db, store.person_name(s.db, pid), entries)
    kept = any(entry.band_note for entry in logged)
    return see(f"/people/{pid}/log" + ("?note=kept" if kept else ""))


# --- progress -------------------------------------------------------------------------------


@router.get("/people/{pid}/progress", response_class=HTMLResponse)
def progress_page(request: Request, pid: Pid, s: State) -> HTMLResponse:
    from valgus.report.trend import UNCERTAINTY_NOTE, adherence_lines

    name = store.person_name(s.db, pid)
    h = history.of(s.db, name)
    groups = [{"movement": "squat", "label": "Squat", "legs": h.progress}] + [
        {
            "movement": o.movement,
            "label": movements.get(o.movement).label.capitalize(),
            "legs": o.legs,
        }
        for o in h.other_progress
    ]
    done = [j for j in reversed(jobs.list_jobs(s.db, person=name)) if j.status == "done"]
    return render(
        request,
        "progress.html",
        name=name,
        pid=pid,
        groups=groups,
        trend=[leg.side for leg in h.progress] if any(leg.sessions for leg in h.progress) else [],
        uncertainty=UNCERTAINTY_NOTE,
        adherence=adherence_lines(h),
        done_jobs=done,
        statement=h.statement,
    )


@router.get("/people/{pid}/trend/{side}.png")
def trend_picture(pid: Pid, side: str, s: State) -> Response:
    from valgus.report.trend import adherence_lines, leg_trends, trend_png

    h = history.of(s.db, store.person_name(s.db, pid))
    for t in leg_trends(h):
        if t.side == side:
            return Response(trend_png(t, adherence=adherence_lines(h)), media_type="image/png")
    raise NotFoundError(f"no trend for the {side} knee")


@router.get("/people/{pid}/compare", response_class=HTMLResponse)
def compare_page(request: Request, pid: Pid, s: State, a: str, b: str) -> HTMLResponse:
    name = store.person_name(s.db, pid)
    first, second = _job(s, a), _job(s, b)
    comparison = comparisons.compare_results(
        first.result,
        second.result,
        names=(
            f"{first.created_at:%Y-%m-%d %H:%M} {first.upload_name}",
            f"{second.created_at:%Y-%m-%d %H:%M} {second.upload_name}",
        ),
    )
    videos = [
        {
            "url": f"/api/analyses/{j.id}/files/video",
            "bottom": j.result["reps"][0]["bottom_s"] if j.result and j.result["reps"] else 0,
            "caption": f"{j.created_at:%Y-%m-%d %H:%M} {j.movement} ({j.upload_name})",
        }
        for j in (first, second)
        if "video" in job_service.result_files(s.workspace, j.id)
    ]
    return render(request, "compare.html", name=name, pid=pid, comparison=comparison, videos=videos)


# --- clinic mode: sign in, export -------------------------------------------------------------


def _safe_next(target: str) -> str:
    """Only a path of this site (no //host, no scheme) may follow a sign-in."""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request, next: str = "/") -> HTMLResponse:
    return render(request, "login.html", next=_safe_next(next), message="")


@router.post("/login")
async def login_form(request: Request, s: State) -> Response:
    from valgus.errors import LoginFailedError
    from valgus.services import accounts
    from valgus.web.api import client_address, start_session

    f = await form_of(request)
    target = _safe_next(str(f.get("next") or "/"))
    try:
        session = accounts.login(
            s.db,
            request.app.state.login_limiter,
            str(f.get("username") or ""),
            str(f.get("password") or ""),
            client_address(request),
        )
    except LoginFailedError as e:
        return render(request, "login.html", 401, next=target, message=str(e))
    response = see(target)
    start_session(request, response, session)
    return response


@router.post("/logout")
async def logout_form(request: Request, s: State) -> Response:
    from valgus.services import accounts
    from valgus.web.authz import ACCOUNT_COOKIE

    await form_of(request)
    accounts.logout(s.db, request.cookies.get(ACCOUNT_COOKIE))
    response = see("/login")
    response.delete_cookie(ACCOUNT_COOKIE)
    return response


@router.get("/people/{pid}/export.zip")
def export_zip(pid: Pid, s: State) -> Response:
    from valgus.web.api import export_response

    return export_response(s, store.person_name(s.db, pid))
