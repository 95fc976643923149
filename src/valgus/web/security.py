"""The guards every request passes (a single-user local server):

- Host: on loopback, only the server's own names are served (DNS rebinding cannot reach it).
- Origin: a state-changing request that carries an Origin must come from the app's own
  pages (a site the user visits elsewhere cannot post to the local server). Scripts send
  no Origin (curl, Python) and pass.
- Token: when the server listens beyond loopback, every request needs the access token, as
  `Authorization: Bearer TOKEN`, or once as `?token=TOKEN` (which sets a session cookie).
- CSRF: the pages' forms carry a token that must match the `valgus_csrf` cookie.
- Headers: a Content-Security-Policy that forbids anything remote; no sniffing; no referrer
  to other sites.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Awaitable, Callable, Mapping
from urllib.parse import urlencode, urlsplit

from starlette.middleware.base import BaseHTTPMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from valgus.web.settings import LOOPBACK_NAMES, Settings

SESSION_COOKIE = "valgus_session"
CSRF_COOKIE = "valgus_csrf"
CSRF_FIELD = "csrf"
CSP = (
    "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
    "style-src 'self'; script-src 'self'; connect-src 'self'; font-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def _error(status: int, code: str, message: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status)


def _host_name(host_header: str) -> str:
    if host_header.startswith("["):
        return host_header.split("]")[0] + "]"
    return host_header.rsplit(":", 1)[0] if ":" in host_header else host_header


def allowed_host(settings: Settings, host_header: str) -> bool:
    """On loopback, the Host must name this machine (127.0.0.1, localhost, [::1])."""
    if not settings.loopback or settings.clinic:
        # the token guards a server open to the network; in clinic mode the accounts do
        # (a rebinding page cannot carry the SameSite session cookie), and the proxy in
        # front passes the public name
        return True
    return _host_name(host_header.lower()) in (*LOOPBACK_NAMES, settings.host)


def same_origin(request: Request) -> bool:
    """True without an Origin header (a script) or when it names this server."""
    origin = request.headers.get("origin")
    if origin is None:
        return True
    if origin == "null":
        return False
    return urlsplit(origin).netloc.lower() == request.headers.get("host", "").lower()


def _has_token(request: Request, token: str) -> bool:
    auth = request.headers.get("authorization", "")
    given = auth[7:] if auth.lower().startswith("bearer ") else request.cookies.get(SESSION_COOKIE)
    return given is not None and hmac.compare_digest(given.encode(), token.encode())


class Guard(BaseHTTPMiddleware):
    def __init__(self, app: object, settings: Settings) -> None:
        super().__init__(app)  # type: ignore[arg-type]
        self.settings = settings

    async def dispatch(
        self, request: Request, call_next: Callable[[Request], Awaitable[Response]]
    ) -> Response:
        if not allowed_host(self.settings, request.headers.get("host", "")):
            return _error(400, "bad_host", "this server answers only to its own address")
        token = self.settings.token
        if token is not None and not _has_token(request, token):
            given = request.query_params.get("token")
            if given is not None and hmac.compare_digest(given.encode(), token.encode()):
                return self._start_session(request, token)
            return _error(
                401,
                "token_required",
                "open the link with the access token printed "
                "by `valgus serve` (or send Authorization: Bearer TOKEN)",
            )
        if request.method in UNSAFE_METHODS and not same_origin(request):
            return _error(403, "cross_origin", "requests from other sites are refused")
        request.state.csrf = request.cookies.get(CSRF_COOKIE) or secrets.token_urlsafe(24)
        response = await call_next(request)
        return self._headers(request, response)

    def _start_session(self, request: Request, token: str) -> Response:
        """The token given once in the URL becomes a cookie; the URL loses it."""
        query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
        target = request.url.path + (f"?{urlencode(query)}" if query else "")
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            token,
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
        )
        return response

    def _headers(self, request: Request, response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = (
            "same-origin"  # "no-referrer" makes forms send Origin: null
        )
        response.headers["X-Frame-Options"] = "DENY"
        if CSRF_COOKIE not in request.cookies:
            response.set_cookie(CSRF_COOKIE, request.state.csrf, httponly=True, samesite="strict")
        return response


def csrf_token(request: Request) -> str:
    """The token the page's forms carry (the cookie's value, set with the page if new)."""
    return str(getattr(request.state, "csrf", ""))


def check_csrf(request: Request, submitted: str | None) -> bool:
    cookie = request.cookies.get(CSRF_COOKIE)
    return bool(cookie and submitted and hmac.compare_digest(cookie.encode(), submitted.encode()))


def websocket_refusal(
    settings: Settings, headers: Mapping[str, str], cookies: Mapping[str, str]
) -> str | None:
    """Why a WebSocket may not open, or None. The HTTP guard (a middleware) does not see
    WebSockets, so they get the same checks here: this machine's name on loopback, the
    access token when the server is open to the network, and the page's own origin (a
    browser always sends Origin on a WebSocket; another site's page may not connect)."""
    if not allowed_host(settings, headers.get("host", "")):
        return "this server answers only to its own address"
    token = settings.token
    if token is not None:
        auth = headers.get("authorization", "")
        given = auth[7:] if auth.lower().startswith("bearer ") else cookies.get(SESSION_COOKIE)
        if given is None or not hmac.compare_digest(given.encode(), token.encode()):
            return "open the page with the access token printed by `valgus serve`"
    origin = headers.get("origin")
    if origin is not None and urlsplit(origin).netloc.lower() != headers.get("host", "").lower():
        return "connections from other sites are refused"
    return None
