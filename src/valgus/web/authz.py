"""Who may call which route, in one place (clinic mode, `valgus serve --clinic`).

Every route of the app has a rule in RULES, keyed by its method and path template; a route
without one is refused (and the authorisation matrix test fails). `authorize` runs for every
request (a dependency of each router): it finds the signed-in user from the session cookie,
checks the CSRF token of state-changing requests, and checks the rule:

- public: anyone (the sign-in page, static pictures, the API's lists of movements);
- signed_in: any signed-in user; lists are filtered by the handlers through the request's
  Scope (request.state.scope), which the services apply;
- admin: an admin (accounts, the audit log);
- add_person: a coach or an admin (the new person is linked to them);
- person / job: the person named by the path (person_id / pid, or the job's person), with
  the access the route needs (read, write or log); out of scope is 404, never 403.

Each allowed request about a person is written to the audit log (view, change, export,
delete). Outside clinic mode the scope is everything and nothing here applies.
"""

from __future__ import annotations

import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal

from fastapi import Request, WebSocket

from valgus.errors import AccessError, CsrfError, NotFoundError
from valgus.services import accounts
from valgus.services.accounts import Access, Scope
from valgus.storage import jobs as job_rows
from valgus.storage.accounts import User
from valgus.web.security import UNSAFE_METHODS

ACCOUNT_COOKIE = "valgus_account"
CSRF_HEADER = "x-csrf-token"

Kind = Literal["public", "signed_in", "admin", "add_person", "person", "job"]


@dataclass(frozen=True)
class Rule:
    kind: Kind
    access: Access = "read"
    audit: str = ""  # the audit action when not the method's default (view / change)


R = Rule
READ, WRITE, LOG = R("person", "read"), R("person", "write"), R("person", "log")
JOB_READ, JOB_WRITE = R("job", "read"), R("job", "write")
PUBLIC, SIGNED_IN = R("public"), R("signed_in")

RULES: dict[tuple[str, str], Rule] = {
    # sign-in
    ("GET", "/login"): PUBLIC,
    ("POST", "/login"): PUBLIC,
    ("POST", "/logout"): SIGNED_IN,
    ("POST", "/api/login"): PUBLIC,
    ("POST", "/api/logout"): SIGNED_IN,
    ("GET", "/api/me"): SIGNED_IN,
    # accounts and audit (admins)
    ("GET", "/api/users"): R("admin"),
    ("GET", "/api/audit"): R("admin"),
    # the JSON API
    ("POST", "/api/analyses"): SIGNED_IN,  # the handler checks the person (write)
    ("GET", "/api/analyses"): SIGNED_IN,
    ("GET", "/api/analyses/{job_id}"): JOB_READ,
    ("POST", "/api/analyses/{job_id}/cancel"): JOB_WRITE,
    ("GET", "/api/analyses/{job_id}/files/{kind}"): JOB_READ,
    ("GET", "/api/analyses/{job_id}/frames"): JOB_READ,
    ("GET", "/api/analyses/{job_id}/manual/{rep}/{side}"): JOB_READ,
    ("POST", "/api/analyses/{job_id}/manual"): JOB_WRITE,
    ("GET", "/api/people"): SIGNED_IN,
    ("POST", "/api/people"): R("add_person"),
    ("GET", "/api/people/{person_id}"): READ,
    ("PATCH", "/api/people/{person_id}"): WRITE,
    ("DELETE", "/api/people/{person_id}"): R("person", "write", "delete"),
    ("GET", "/api/people/{person_id}/export.zip"): R("person", "read", "export"),
    ("GET", "/api/people/{person_id}/history"): READ,
    ("POST", "/api/people/{person_id}/assessments"): WRITE,
    ("POST", "/api/people/{person_id}/program"): WRITE,
    ("GET", "/api/people/{person_id}/program.ics"): READ,
    ("POST", "/api/people/{person_id}/workouts"): LOG,
    ("GET", "/api/people/{person_id}/session"): READ,
    ("POST", "/api/people/{person_id}/sessions"): LOG,
    ("POST", "/api/people/{person_id}/clearances"): WRITE,
    ("GET", "/api/movements"): PUBLIC,
    ("GET", "/api/questions"): PUBLIC,
    # pages
    ("GET", "/"): SIGNED_IN,
    ("GET", "/team"): SIGNED_IN,
    ("GET", "/team.csv"): SIGNED_IN,
    ("POST", "/people"): R("add_person"),
    ("GET", "/people/{pid}"): READ,
    ("POST", "/people/{pid}/rename"): WRITE,
    ("POST", "/people/{pid}/delete"): R("person", "write", "delete"),
    ("GET", "/people/{pid}/export.zip"): R("person", "read", "export"),
    ("GET", "/new"): SIGNED_IN,
    ("GET", "/guide/{movement}.png"): PUBLIC,
    ("POST", "/upload"): SIGNED_IN,  # the handler checks the person (write)
    ("GET", "/analyses/{job_id}"): JOB_READ,
    ("GET", "/analyses/{job_id}/picture/{file_name}"): JOB_READ,
    ("GET", "/analyses/{job_id}/frame/{rep}.png"): JOB_READ,
    ("POST", "/analyses/{job_id}/cancel"): JOB_WRITE,
    ("GET", "/analyses/{job_id}/manual"): JOB_READ,
    ("GET", "/jobs"): SIGNED_IN,
    ("GET", "/people/{pid}/safety"): READ,
    ("POST", "/people/{pid}/safety"): WRITE,
    ("GET", "/people/{pid}/assessment"): READ,
    ("GET", "/people/{pid}/program"): READ,
    ("POST", "/people/{pid}/program"): WRITE,
    ("GET", "/exercise/{exercise_id}.png"): PUBLIC,
    ("GET", "/people/{pid}/log"): READ,
    ("POST", "/people/{pid}/log"): LOG,
    ("POST", "/people/{pid}/session"): LOG,
    ("GET", "/people/{pid}/progress"): READ,
    ("GET", "/people/{pid}/trend/{side}.png"): READ,
    ("GET", "/people/{pid}/compare"): READ,
    ("GET", "/live"): SIGNED_IN,
    ("WEBSOCKET", "/live/ws"): SIGNED_IN,
}


def _route_path(request: Request | WebSocket) -> str:
    """The matched route's path template (Starlette puts the route in the scope)."""
    return str(getattr(request.scope.get("route"), "path", ""))


def rule_for(method: str, path: str) -> Rule | None:
    return RULES.get((method.upper(), path))


def _person_of(request: Request | WebSocket, rule: Rule) -> int | None:
    """The person a rule is about: from the path, or the job's person."""
    params = request.path_params
    if rule.kind == "person":
        raw = str(params.get("person_id", params.get("pid", "")))
        return int(raw) if raw.isascii() and raw.isdigit() and len(raw) < 10 else None
    state = request.app.state.valgus
    return job_rows.person_id_of(state.db, str(params.get("job_id", "")))


def _csrf_ok(request: Request, session: accounts.Session) -> bool:
    """A state-changing request carries the session's CSRF token in X-CSRF-Token (API
    clients, the pages' scripts) or, from a page's form, the form token of the double-submit
    cookie (the handlers check the form field itself)."""
    header = request.headers.get(CSRF_HEADER)
    if header is not None:
        return hmac.compare_digest(header.encode(), session.csrf_token.encode())
    is_form = request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )
    return is_form and not request.url.path.startswith("/api/")


def check(request: Request | WebSocket, method: str) -> tuple[Scope, str]:
    """The request's scope and its session's CSRF token, or an error: NotSignedInError
    (401), AccessError (403), NotFoundError (404: out of scope or absent, the same answer),
    CsrfError (403)."""
    state = request.app.state.valgus
    if not state.settings.clinic:
        return Scope(), ""
    rule = rule_for(method, _route_path(request))
    if rule is None:
        raise NotFoundError("no such page")  # fail closed: a route without a rule
    if rule.kind == "public":
        return _public_scope(request), ""
    session = accounts.session(state.db, request.cookies.get(ACCOUNT_COOKIE))
    if isinstance(request, Request) and method in UNSAFE_METHODS and not _csrf_ok(request, session):
        raise CsrfError(
            "missing or wrong CSRF token (send the one /api/login returned as X-CSRF-Token)"
        )
    scope = Scope(session.user)
    if rule.kind == "admin" and not scope.is_admin:
        raise AccessError("only an admin may do this")
    if rule.kind == "add_person" and not scope.can_add_people:
        raise AccessError("only a coach or an admin may add people")
    if rule.kind in ("person", "job"):
        person = _person_of(request, rule)
        if not scope.allows(person, rule.access):
            raise NotFoundError("not found")
        action = rule.audit or ("view" if method == "GET" else "change")
        accounts.audit(state.db, scope, action, person, f"{method} {request.url.path}")
    return scope, session.csrf_token


def _public_scope(request: Request | WebSocket) -> Scope:
    """On a public route, the signed-in user if any (the sign-in page shows who), else a
    scope that allows nothing about people."""
    state = request.app.state.valgus
    try:
        return Scope(accounts.session(state.db, request.cookies.get(ACCOUNT_COOKIE)).user)
    except AccessError:
        return Scope(NOBODY)


NOBODY = User(id=0, name="", role="athlete", disabled=True, people=frozenset())


async def authorize(request: Request) -> None:
    """The router dependency: the scope for the handlers, or the error."""
    request.state.scope, request.state.session_csrf = check(request, request.method)


def scope_of(request: Request) -> Scope:
    """The scope authorize() found (everything outside clinic mode)."""
    return getattr(request.state, "scope", Scope())


def ensure(request: Request, person_id: int | None, access: Access) -> None:
    """For routes whose person comes in the body (an upload): 404 out of scope."""
    if not scope_of(request).allows(person_id, access):
        raise NotFoundError("not found")


def _routes(routes: list[Any]) -> Iterator[Any]:
    """Every route, routers included with include_router opened up (FastAPI keeps them
    nested: the included router's own routes carry their full path)."""
    for r in routes:
        inner = getattr(r, "original_router", None)
        if inner is not None:
            yield from _routes(list(inner.routes))
        else:
            yield r


def route_table(app: Any) -> list[tuple[str, str]]:
    """Every (method, path) the app serves, WebSockets as WEBSOCKET (the matrix test's rows)."""
    out = []
    for r in _routes(list(app.routes)):
        path = getattr(r, "path", "")
        if path.startswith(("/static", "/api/docs", "/api/openapi", "/docs/oauth2-redirect")):
            continue
        methods = getattr(r, "methods", None)
        if methods is None:
            out.append(("WEBSOCKET", path))
        else:
            out.extend((m, path) for m in sorted(methods) if m != "HEAD")
    return out
