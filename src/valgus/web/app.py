"""The FastAPI application: the guards, the JSON API, the pages, the worker processes."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from valgus import __version__
from valgus.errors import (
    AccessError,
    CatalogueError,
    InputError,
    NotFoundError,
    NotSignedInError,
    OutputError,
    RedFlagError,
    StorageError,
    TooManyAttemptsError,
    UnknownPersonError,
    ValgusError,
)
from valgus.services import jobs as job_service
from valgus.services.accounts import LoginLimiter
from valgus.services.jobs import Workspace
from valgus.storage import Database, jobs
from valgus.web import api, live, pages
from valgus.web.security import Guard
from valgus.web.settings import Settings
from valgus.web.uploads import UploadTooLargeError
from valgus.web.workers import WorkerPool

log = logging.getLogger("valgus.web")
STATIC = Path(__file__).parent / "static"


@dataclass
class State:
    """What handlers share: settings, the database, the workspace."""

    settings: Settings
    db: Database
    workspace: Workspace


def status_of(e: ValgusError) -> int:
    """The HTTP status of an error of the package: 404 what does not exist, 413 an upload
    too large, 409 the safety gate refusing, 400 bad input, 422 footage that cannot be
    judged, 500 the server's own storage."""
    if isinstance(e, UnknownPersonError | NotFoundError):
        return 404
    if isinstance(e, NotSignedInError):
        return 401
    if isinstance(e, TooManyAttemptsError):
        return 429
    if isinstance(e, AccessError):
        return 403
    if isinstance(e, UploadTooLargeError):
        return 413
    if isinstance(e, RedFlagError):
        return 409
    if isinstance(e, StorageError | CatalogueError | OutputError):
        return 500
    if isinstance(e, InputError):
        return 400
    return 422


RETENTION_EVERY_S = 3600.0


async def _retention(shared: State) -> None:
    """Drop raw videos older than the retention setting: at start, then every hour."""
    days = shared.settings.keep_videos_days
    assert days is not None
    while True:
        n = await asyncio.to_thread(job_service.drop_old_videos, shared.db, shared.workspace, days)
        if n:
            log.info("retention: %d video file(s) older than %d days deleted", n, days)
        await asyncio.sleep(RETENTION_EVERY_S)


def create_app(settings: Settings, /, *, run_workers: bool = True) -> FastAPI:
    """The app for these settings (resolved: data folder and token filled in)."""
    settings = settings.resolved()
    assert settings.data_dir is not None
    shared = State(settings, Database(settings.database_url), Workspace(settings.data_dir).create())

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        """Jobs a stopped server left running run again; the workers start and stop."""
        again, failed = jobs.recover(shared.db)
        job_service.sweep_deleted(shared.workspace)
        if again or failed:
            log.info("jobs interrupted by the last stop: %d queued again, %d failed", again, failed)
        pool = WorkerPool(settings.workers, settings.database_url, shared.workspace.root)
        if run_workers:
            pool.start()
        retention = (
            asyncio.create_task(_retention(shared))
            if settings.keep_videos_days is not None
            else None
        )
        try:
            yield
        finally:
            if retention is not None:
                retention.cancel()
            pool.stop()

    app = FastAPI(
        title="valgus",
        version=__version__,
        description="Measure how the knees cave in from a phone video; drivers, program, "
        "progress. Not a medical assessment.",
        lifespan=lifespan,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
        swagger_ui_parameters=None,
    )
    app.state.valgus = shared
    app.state.login_limiter = LoginLimiter()
    app.add_middleware(Guard, settings=settings)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")

    @app.exception_handler(ValgusError)
    async def valgus_error(request: Request, e: ValgusError) -> Response:
        if not request.url.path.startswith("/api"):
            if isinstance(e, NotSignedInError):
                return RedirectResponse(
                    "/login?" + urlencode({"next": request.url.path}), status_code=303
                )
            return pages.error_page(request, e, status_of(e))
        headers = (
            {"Retry-After": str(e.retry_after_s)} if isinstance(e, TooManyAttemptsError) else None
        )
        return JSONResponse(
            {"error": {"code": e.code, "message": str(e)}},
            status_code=status_of(e),
            headers=headers,
        )

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, e: RequestValidationError) -> JSONResponse:
        first = e.errors()[0] if e.errors() else {"loc": (), "msg": "invalid request"}
        where = ".".join(str(p) for p in first.get("loc", ()) if p != "body") or "request"
        return JSONResponse(
            {"error": {"code": "bad_input", "message": f"{where}: {first.get('msg')}"}},
            status_code=422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, e: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(e.status_code, "http_error")
        return JSONResponse(
            {"error": {"code": code, "message": str(e.detail)}}, status_code=e.status_code
        )

    app.include_router(api.router)
    app.include_router(pages.router)
    app.include_router(live.router)
    return app
