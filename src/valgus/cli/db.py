"""`valgus db`: back up and restore the history database."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer

from valgus.cli import common
from valgus.cli.errors import handled

db_app = typer.Typer(
    help="The history database (VALGUS_DATABASE_URL, default: an SQLite file in your data "
    "folder): back it up, restore it.",
    no_args_is_help=True,
)


@db_app.command("backup")
def backup(
    out: Path = typer.Argument(..., help="The backup file to write (replaced if it exists)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """A consistent copy of the history database while it is in use (SQLite's online
    backup). PostgreSQL: use pg_dump (the message says how)."""
    from valgus.storage import backup as backups
    from valgus.storage.db import default_url

    with handled(as_json=as_json):
        written = backups.backup(default_url(), out)
    if as_json:
        sys.stdout.write(json.dumps({"backup": str(written)}) + "\n")
    else:
        common.out().print(f"backup written: {written}", markup=False, soft_wrap=True)


@db_app.command("restore")
def restore(
    backup_file: Path = typer.Argument(..., help="A file written by `valgus db backup`."),
    yes: bool = typer.Option(False, "--yes", help="Do not ask before replacing the database."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Replace the history database with a backup (checked first); the replaced database
    is kept as FILE.before-restore. Stop `valgus serve` first."""
    from valgus.storage import backup as backups
    from valgus.storage.db import default_url

    url = default_url()
    if not yes and not as_json:
        typer.confirm(f"Replace the history database ({url}) with {backup_file}?", abort=True)
    with handled(as_json=as_json):
        kept = backups.restore(url, backup_file)
    if as_json:
        sys.stdout.write(json.dumps({"restored": str(backup_file), "kept": str(kept)}) + "\n")
    else:
        where = f"; the database it replaced is kept as {kept}" if kept else ""
        common.out().print(f"restored from {backup_file}{where}", markup=False, soft_wrap=True)
