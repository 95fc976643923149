"""Clinic mode's tables: accounts, their links to people, sign-in sessions, the audit log.
SQL only; the rules are in services/accounts.py."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select

from valgus.errors import InputError
from valgus.storage.db import Database
from valgus.storage.models import AuditRow, Person, SessionRow, UserPersonRow, UserRow


@dataclass(frozen=True)
class User:
    id: int
    name: str
    role: str
    disabled: bool
    people: frozenset[int]  # linked person ids


@dataclass(frozen=True)
class AuditEntry:
    at: dt.datetime
    user: str
    action: str
    person: str | None
    what: str


def _user(row: UserRow, people: frozenset[int]) -> User:
    return User(row.id, row.name, row.role, row.disabled, people)


def add_user(db: Database, name: str, role: str, password_hash: str, /) -> User:
    with db.transaction() as s:
        if s.scalar(select(UserRow.id).where(UserRow.name == name)) is not None:
            raise InputError(f"a user called {name!r} exists already")
        row = UserRow(
            name=name,
            role=role,
            password_hash=password_hash,
            disabled=False,
            created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )
        s.add(row)
        s.flush()
        return _user(row, frozenset())


def _links(db: Database, user_id: int) -> frozenset[int]:
    with db.read() as s:
        ids = s.scalars(select(UserPersonRow.person_id).where(UserPersonRow.user_id == user_id))
        return frozenset(ids)


def get_user(db: Database, name: str, /) -> tuple[User, str] | None:
    """The user and their password hash, None when there is no such user."""
    with db.read() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            return None
        user_id, hash_ = row.id, row.password_hash
        found = _user(row, frozenset())
    return User(found.id, found.name, found.role, found.disabled, _links(db, user_id)), hash_


def user_by_id(db: Database, user_id: int, /) -> User | None:
    with db.read() as s:
        row = s.get(UserRow, user_id)
        if row is None:
            return None
        found = _user(row, frozenset())
    return User(found.id, found.name, found.role, found.disabled, _links(db, user_id))


def list_users(db: Database, /) -> list[tuple[User, list[str]]]:
    """Every user with the names of the people linked to them."""
    with db.read() as s:
        rows = s.scalars(select(UserRow).order_by(UserRow.name)).all()
        out = []
        for row in rows:
            names = s.scalars(
                select(Person.name)
                .join(UserPersonRow, UserPersonRow.person_id == Person.id)
                .where(UserPersonRow.user_id == row.id)
                .order_by(Person.name)
            ).all()
            out.append((_user(row, frozenset()), list(names)))
        return out


def set_disabled(db: Database, name: str, disabled: bool, /) -> None:
    with db.transaction() as s:
        row = s.scalar(select(UserRow).where(UserRow.name == name))
        if row is None:
            raise InputError(f"no user called {name!r}")
        row.disabled = disabled
        if disabled:
            s.execute(delete(SessionRow).where(SessionRow.user_id == row.id))


def link(db: Database, user_name: str, person_name: str, /) -> None:
    with db.transaction() as s:
        user = s.scalar(select(UserRow).where(UserRow.name == user_name))
        if user is None:
            raise InputError(f"no user called {user_name!r}")
        pid = s.scalar(select(Person.id).where(Person.name == person_name))
        if pid is None:
            raise InputError(f"no person called {person_name!r}")
        if s.get(UserPersonRow, (user.id, pid)) is None:
            s.add(UserPersonRow(user_id=user.id, person_id=pid))


def link_ids(db: Database, user_id: int, person_id: int, /) -> None:
    with db.transaction() as s:
        if s.get(UserPersonRow, (user_id, person_id)) is None:
            s.add(UserPersonRow(user_id=user_id, person_id=person_id))


def add_session(
    db: Database, token_sha256: str, user_id: int, csrf: str, expires: dt.datetime, /
) -> None:
    with db.transaction() as s:
        s.add(
            SessionRow(
                token_sha256=token_sha256,
                user_id=user_id,
                csrf_token=csrf,
                created_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                expires_at=expires,
            )
        )


def get_session(db: Database, token_sha256: str, /) -> tuple[int, str, dt.datetime] | None:
    """(user id, CSRF token, expiry) of a session."""
    with db.read() as s:
        row = s.get(SessionRow, token_sha256)
        return None if row is None else (row.user_id, row.csrf_token, row.expires_at)


def drop_session(db: Database, token_sha256: str, /) -> None:
    with db.transaction() as s:
        s.execute(delete(SessionRow).where(SessionRow.token_sha256 == token_sha256))


def drop_expired_sessions(db: Database, now: dt.datetime, /) -> None:
    with db.transaction() as s:
        s.execute(delete(SessionRow).where(SessionRow.expires_at < now))


def audit(db: Database, user: str, action: str, person_id: int | None, what: str, /) -> None:
    with db.transaction() as s:
        name = s.scalar(select(Person.name).where(Person.id == person_id)) if person_id else None
        s.add(
            AuditRow(
                at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                user_name=user,
                action=action,
                person_id=person_id,
                person_name=name,
                what=what,
            )
        )


def audit_entries(db: Database, /, *, person: str | None = None) -> list[AuditEntry]:
    with db.read() as s:
        q = select(AuditRow).order_by(AuditRow.at, AuditRow.id)
        if person is not None:
            q = q.where(AuditRow.person_name == person)
        return [
            AuditEntry(r.at, r.user_name, r.action, r.person_name, r.what) for r in s.scalars(q)
        ]
