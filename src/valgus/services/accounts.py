"""Clinic mode's rules: accounts and roles, sign-in, sessions, who may see whom, the audit.

Roles (issue "Clinic mode"): an admin manages accounts and sees a person's data only when
linked to them; a coach reads and writes the people linked to them (a person a coach creates
is linked to that coach); an athlete reads their own person (linked) and writes only their
workout log. Everything else about a person outside one's scope answers "not found", so a
stranger cannot even learn that the person exists.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from valgus.errors import InputError, LoginFailedError, NotSignedInError, TooManyAttemptsError
from valgus.storage import Database
from valgus.storage import accounts as rows
from valgus.storage.accounts import AuditEntry, User

Role = Literal["admin", "coach", "athlete"]
ROLES: tuple[Role, ...] = ("admin", "coach", "athlete")
Access = Literal["read", "write", "log"]
MIN_PASSWORD = 10  # characters (NIST SP 800-63B asks at least 8; we ask a little more)
SESSION_HOURS = 12  # a working day; then sign in again
# Sign-in attempts: at most this many failures per account and per address within the window;
# then 429 until the oldest failure leaves it.
MAX_FAILURES = 5
FAILURE_WINDOW_S = 15 * 60

_hasher = PasswordHasher()  # argon2id, the library's current defaults (RFC 9106)


def hash_password(password: str, /) -> str:
    if len(password) < MIN_PASSWORD:
        raise InputError(f"the password must have at least {MIN_PASSWORD} characters")
    return _hasher.hash(password)


def _valid_name(name: str) -> str:
    name = name.strip()
    if not name or len(name) > 200 or any(ord(c) < 32 for c in name):
        raise InputError("a user name: 1-200 printable characters")
    return name


def add_user(db: Database, name: str, role: str, password: str, /) -> User:
    if role not in ROLES:
        raise InputError(f"role: one of {', '.join(ROLES)}, not {role!r}")
    return rows.add_user(db, _valid_name(name), role, hash_password(password))


def list_users(db: Database, /) -> list[tuple[User, list[str]]]:
    return rows.list_users(db)


def disable(db: Database, name: str, /) -> None:
    """Disable an account: it cannot sign in, and its sessions end now."""
    rows.set_disabled(db, name, True)


def enable(db: Database, name: str, /) -> None:
    rows.set_disabled(db, name, False)


def link(db: Database, user: str, person: str, /) -> None:
    """Link a coach (or an athlete, or an admin) to a person."""
    rows.link(db, user, person)


# --- sign-in ----------------------------------------------------------------------------


@dataclass
class LoginLimiter:
    """Failed sign-ins per account and per address, in this server's memory."""

    max_failures: int = MAX_FAILURES
    window_s: float = FAILURE_WINDOW_S
    _failures: dict[str, deque[float]] = field(default_factory=dict)

    def _recent(self, key: str, now: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - self.window_s:
            q.popleft()
        return q

    def check(self, keys: list[str], now: float) -> None:
        for key in keys:
            q = self._recent(key, now)
            if len(q) >= self.max_failures:
                wait = int(q[0] + self.window_s - now) + 1
                raise TooManyAttemptsError(
                    f"too many failed sign-ins; try again in {wait} s", retry_after_s=wait
                )

    def failed(self, keys: list[str], now: float) -> None:
        for key in keys:
            self._recent(key, now).append(now)


@dataclass(frozen=True)
class Session:
    token: str  # the cookie's value (only its SHA-256 is stored)
    csrf_token: str
    user: User
    expires: dt.datetime


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def login(
    db: Database, limiter: LoginLimiter, name: str, password: str, address: str, /
) -> Session:
    """A new session for a right name and password; LoginFailedError otherwise (one message
    whatever was wrong), TooManyAttemptsError after MAX_FAILURES within the window."""
    keys = [f"user:{name.strip().lower()}", f"addr:{address}"]
    now = time.monotonic()
    limiter.check(keys, now)
    found = rows.get_user(db, name.strip())
    ok = False
    if found is not None:
        user, hash_ = found
        try:
            ok = _hasher.verify(hash_, password) and not user.disabled
        except (VerificationError, InvalidHashError):
            ok = False
    else:
        _hasher.hash(password or "x")  # the same time whether or not the user exists
    if not ok or found is None:
        limiter.failed(keys, now)
        raise LoginFailedError("wrong user name or password")
    user = found[0]
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    expires = _now() + dt.timedelta(hours=SESSION_HOURS)
    rows.drop_expired_sessions(db, _now())
    rows.add_session(db, _sha(token), user.id, csrf, expires)
    return Session(token, csrf, user, expires)


def session(db: Database, token: str | None, /) -> Session:
    """The signed-in session of a cookie; NotSignedInError when there is none (or expired,
    or its account disabled)."""
    if not token:
        raise NotSignedInError("sign in first")
    found = rows.get_session(db, _sha(token))
    if found is None or found[2] < _now():
        raise NotSignedInError("sign in first (the session ended)")
    user = rows.user_by_id(db, found[0])
    if user is None or user.disabled:
        raise NotSignedInError("sign in first")
    return Session(token, found[1], user, found[2])


def logout(db: Database, token: str | None, /) -> None:
    if token:
        rows.drop_session(db, _sha(token))


# --- who may see whom -------------------------------------------------------------------


@dataclass(frozen=True)
class Scope:
    """What one request may touch. user None: the single-user local server (everything)."""

    user: User | None = None

    @property
    def everything(self) -> bool:
        return self.user is None

    def allows(self, person_id: int | None, access: Access, /) -> bool:
        """May this user read / write / log workouts for this person?"""
        if self.user is None:
            return True
        if person_id is None or person_id not in self.user.people:
            return False
        if self.user.role == "athlete":
            return access in ("read", "log")
        return True  # a coach, or an admin linked to the person

    def people(self, ids: list[int], /) -> list[int]:
        """The ids among these the user may read."""
        return [i for i in ids if self.allows(i, "read")]

    @property
    def can_add_people(self) -> bool:
        return self.user is None or self.user.role in ("coach", "admin")

    @property
    def is_admin(self) -> bool:
        return self.user is not None and self.user.role == "admin"


def took_person(db: Database, scope: Scope, person_id: int, /) -> None:
    """A person the user just created is linked to them (a coach's new athlete)."""
    if scope.user is not None:
        rows.link_ids(db, scope.user.id, person_id)


def audit(db: Database, scope: Scope, action: str, person_id: int | None, what: str, /) -> None:
    """One audit entry (clinic mode only: the local server has one user)."""
    if scope.user is not None:
        rows.audit(db, scope.user.name, action, person_id, what)


def audit_entries(db: Database, /, *, person: str | None = None) -> list[AuditEntry]:
    return rows.audit_entries(db, person=person)
