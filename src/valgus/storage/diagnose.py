"""A database error in words: what went wrong, never the SQL text or its bound parameters.

SQLAlchemy's own message carries the statement (`[SQL: INSERT ...]`) and the values bound to
it (`[parameters: ...]`, names, notes, pose bytes), and PostgreSQL's adds the conflicting key
(`DETAIL: Key (name)=(ann) already exists`). `describe` reads the driver's error code instead:
SQLite's result code (sqlite3.Error.sqlite_errorname) and PostgreSQL's SQLSTATE (psycopg's
`sqlstate`, with only the primary message). The raw error stays chained for debugging.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import DBAPIError, SQLAlchemyError

# SQLite primary result codes (https://www.sqlite.org/rescode.html) -> the problem in words.
_SQLITE = {
    "BUSY": "is locked: another valgus run (or another program) kept it busy for more than "
    "{timeout}; try again when it has finished",
    "LOCKED": "is locked by another connection; try again when it has finished",
    "FULL": "cannot grow: the disk is full (or the file reached its size limit); free some "
    "space and try again",
    "READONLY": "is read-only: check the permissions of the file and of its folder, or the mount",
    "NOTADB": "is not a database (file is not a database): check the path, or move the file "
    "away to start a new history",
    "CORRUPT": "is corrupt (database disk image is malformed): restore it from a backup or "
    "from `valgus person export` files",
    "CANTOPEN": "cannot be opened (unable to open database file): check that its folder exists "
    "and is writable",
    "IOERR": "could not be read or written (disk I/O error): check the disk",
    "PERM": "cannot be accessed: permission denied",
    "AUTH": "cannot be accessed: not authorised",
    "NOMEM": "ran out of memory",
    "INTERRUPT": "was interrupted",
    "PROTOCOL": "is locked by another program using a different locking protocol",
}

# PostgreSQL SQLSTATE (https://www.postgresql.org/docs/current/errcodes-appendix.html): exact
# codes first, then two-character classes.
_POSTGRES = {
    "3D000": "does not exist on the server: create it (createdb) or fix the URL",
    "53100": "cannot grow: the server's disk is full",
    "53200": "ran out of memory on the server",
    "53300": "refused the connection: the server has too many connections",
    "25006": "is read-only (a standby server, or default_transaction_read_only)",
    "40P01": "detected a deadlock with another valgus run; try again",
    "40001": "could not serialise this run with another one; try again",
    "55P03": "is locked by another session; try again when it has finished",
    "57014": "cancelled the statement (statement timeout or cancel request)",
    "42501": "refused access: the database user lacks a privilege it needs",
    "42601": "rejected a statement as invalid SQL (a bug in valgus: please report it)",
    "08": "lost (or could not open) the connection to the server",
    "28": "refused the login: check the user name and password in the URL",
    "57": "is shutting down or not accepting connections yet",
    "22": "rejected a value (data exception {sqlstate})",
}


def describe(err: SQLAlchemyError, /, *, busy_timeout_s: float | None = None) -> str:
    """What went wrong, as the end of the sentence "the history database X ...": the problem in
    words, with the driver's own short message where it names no data."""
    orig = err.orig if isinstance(err, DBAPIError) else None
    if orig is None:
        # Not from the driver (SQLAlchemy's own checks): its first line, without any
        # [SQL: ...] / [parameters: ...] / background-link lines that follow.
        return f"failed: {_first_line(str(err).split('[SQL:')[0])}"
    module = type(orig).__module__
    if module.startswith("sqlite3"):
        return _sqlite(orig, busy_timeout_s)
    if module.startswith("psycopg"):
        return _postgres(orig)
    return f"failed ({type(orig).__name__})"


def _sqlite(orig: Any, busy_timeout_s: float | None) -> str:
    name = str(getattr(orig, "sqlite_errorname", "") or "")
    primary = name.removeprefix("SQLITE_").split("_")[0]
    message = _first_line(str(orig))
    if primary in _SQLITE:
        timeout = "its busy timeout" if busy_timeout_s is None else f"{busy_timeout_s:g} s"
        return _SQLITE[primary].format(timeout=timeout)
    if primary == "CONSTRAINT":
        return f"refused a record that conflicts with one already stored ({message})"
    if "syntax error" in message:
        return "rejected a statement as invalid SQL (a bug in valgus: please report it)"
    if message.startswith(("no such table", "no such column")) or "has no column" in message:
        return f"does not have the tables this valgus expects ({message})"
    return f"failed ({message})" if message else f"failed ({name or type(orig).__name__})"


def _postgres(orig: Any) -> str:
    sqlstate = str(getattr(orig, "sqlstate", "") or "")
    for key in (sqlstate, sqlstate[:2]):
        if key and key in _POSTGRES:
            return _POSTGRES[key].format(sqlstate=sqlstate)
    diag = getattr(orig, "diag", None)
    primary = _first_line(str(getattr(diag, "message_primary", "") or ""))
    if sqlstate.startswith("23"):
        return f"refused a record that conflicts with one already stored ({primary})"
    if sqlstate in ("42P01", "42703"):
        return f"does not have the tables this valgus expects ({primary})"
    if not sqlstate:
        # Raised while connecting (psycopg gives no SQLSTATE then): libpq's first line names
        # the server and the failure (refused, timed out, unknown host, the server's FATAL
        # reason), never a statement.
        line = _first_line(str(orig)).removeprefix("connection failed: ")
        reason = line.split("FATAL:", 1)[1].strip() if "FATAL:" in line else ""
        if reason.startswith("database") and reason.endswith("does not exist"):
            return _POSTGRES["3D000"]
        if "authentication failed" in reason:
            return _POSTGRES["28"]
        if reason:
            return f"refused the connection ({reason})"
        return f"cannot be reached ({line})"
    return f"failed ({primary or 'SQLSTATE ' + sqlstate})"


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0].strip() if text.strip() else ""
