"""`valgus user` and `valgus audit`: the accounts of clinic mode (`valgus serve --clinic`)
and who did what with whose data."""

from __future__ import annotations

import json
import sys

import typer
from rich.table import Table

from valgus.cli import common
from valgus.cli.errors import handled
from valgus.errors import InputError

user_app = typer.Typer(
    help="Accounts for `valgus serve --clinic` (admin, coach, athlete), in the history database.",
    no_args_is_help=True,
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\n")
    first = typer.prompt("Password", hide_input=True)
    again = typer.prompt("Password again", hide_input=True)
    if first != again:
        raise InputError("the two passwords differ")
    return str(first)


@user_app.command("add")
def add(
    name: str = typer.Argument(..., help="The user name (to sign in with)."),
    role: str = typer.Option(..., "--role", help="admin, coach or athlete."),
    password_stdin: bool = typer.Option(
        False, "--password-stdin", help="Read the password from the first line of stdin."
    ),
) -> None:
    """Add an account; the password is asked twice (at least 10 characters)."""
    from valgus.services import accounts

    with handled():
        if role not in accounts.ROLES:
            raise InputError(f"--role: one of {', '.join(accounts.ROLES)}, not {role!r}")
        password = _password(password_stdin)
        with common.database() as db:
            accounts.add_user(db, name, role, password)
    common.out().print(f"added {role} {name}", markup=False)


@user_app.command("list")
def list_users(
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Every account: role, disabled or not, the people linked to it."""
    from valgus.services import accounts

    with handled(as_json=as_json), common.database() as db:
        found = accounts.list_users(db)
    if as_json:
        rows = [
            {"name": u.name, "role": u.role, "disabled": u.disabled, "people": p} for u, p in found
        ]
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("user", "role", "state", "people")
    for u, names in found:
        table.add_row(u.name, u.role, "disabled" if u.disabled else "active", ", ".join(names))
    common.out().print(table)


@user_app.command("disable")
def disable(name: str = typer.Argument(..., help="The user name.")) -> None:
    """Disable an account: it can no longer sign in, and its sessions end now."""
    from valgus.services import accounts

    with handled(), common.database() as db:
        accounts.disable(db, name)
    common.out().print(f"disabled {name}", markup=False)


@user_app.command("enable")
def enable(name: str = typer.Argument(..., help="The user name.")) -> None:
    """Enable a disabled account again."""
    from valgus.services import accounts

    with handled(), common.database() as db:
        accounts.enable(db, name)
    common.out().print(f"enabled {name}", markup=False)


@user_app.command("link")
def link(
    user: str = typer.Argument(..., help="A coach (or an athlete's or admin's account)."),
    person: str = typer.Argument(..., help="A person in the history."),
) -> None:
    """Link an account to a person: a coach then reads and writes their data; an athlete's
    account is that person (read-only but for the workout log)."""
    from valgus.services import accounts

    with handled(), common.database() as db:
        accounts.link(db, user, person)
    common.out().print(f"linked {user} to {person}", markup=False)


def audit_command(
    person: str | None = typer.Option(None, "--person", help="Only this person's entries."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout."),
) -> None:
    """Who viewed, changed, exported or deleted whose data, and when (clinic mode)."""
    from valgus.services import accounts

    with handled(as_json=as_json), common.database() as db:
        entries = accounts.audit_entries(db, person=person)
    if as_json:
        rows = [
            {
                "at": e.at.isoformat(),
                "user": e.user,
                "action": e.action,
                "person": e.person,
                "what": e.what,
            }
            for e in entries
        ]
        sys.stdout.write(json.dumps(rows) + "\n")
        return
    table = Table("when (UTC)", "user", "action", "person", "what")
    for e in entries:
        table.add_row(f"{e.at:%Y-%m-%d %H:%M:%S}", e.user, e.action, e.person or "-", e.what)
    common.out().print(table)
