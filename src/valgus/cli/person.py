"""`valgus person`: people in the history database; export and import one person."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from valgus.cli.assess import fail
from valgus.errors import AnswersError, ExportFileError, InputError, ValgusError
from valgus.storage import Database, store

person_app = typer.Typer(
    help="People in the history database (VALGUS_DATABASE_URL, default: an SQLite file in "
    "your data folder).",
    no_args_is_help=True,
)


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise ExportFileError(f"cannot read {path}: {err}") from err


@person_app.command("add")
def add(
    name: str = typer.Argument(..., help="A name or code unique in this database."),
    sex: str | None = typer.Option(None, "--sex", help="female, male or other (for the norms)."),
    age_band: str | None = typer.Option(None, "--age-band", help="under-18, 18-34, 35-54, 55+."),
    height_cm: float | None = typer.Option(None, "--height-cm", help="Height in cm."),
    notes: str | None = typer.Option(None, "--notes", help="Free text."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
) -> None:
    """Add a person."""
    try:
        try:
            info = store.PersonInfo(
                name=name, sex=sex, age_band=age_band, height_cm=height_cm, notes=notes
            )
        except ValidationError as err:
            first = err.errors()[0]
            raise AnswersError(f"--{first['loc'][0]}: {first['msg']}".replace("_", "-")) from err
        with Database() as db:
            info = store.add_person(db, info)
    except ValgusError as e:
        fail(e, as_json=as_json)
        return
    if as_json:
        sys.stdout.write(info.model_dump_json() + "\n")
    else:
        Console().print(f"added {info.name}", highlight=False)


@person_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout.")) -> None:
    """List the people in the history."""
    try:
        with Database() as db:
            people = store.list_people(db)
    except ValgusError as e:
        fail(e, as_json=as_json)
        return
    if as_json:
        sys.stdout.write(json.dumps([p.model_dump(mode="json") for p in people]) + "\n")
        return
    table = Table(title=f"{len(people)} people")
    for col in ("name", "sex", "age band", "height cm", "notes"):
        table.add_column(col)
    for p in people:
        height = "" if p.height_cm is None else f"{p.height_cm:g}"
        table.add_row(p.name, p.sex or "", p.age_band or "", height, p.notes or "")
    Console().print(table)


@person_app.command("note")
def note(name: str = typer.Argument(...), text: str = typer.Argument(...)) -> None:
    """Add a dated note to a person's history."""
    try:
        with Database() as db:
            store.add_note(db, name, text)
    except ValgusError as e:
        fail(e, as_json=False)


@person_app.command("attach")
def attach(
    name: str = typer.Argument(...),
    files: list[Path] = typer.Argument(
        ..., help="JSON from `valgus assess --json`, `valgus program --json` or `analyze --json`."
    ),
) -> None:
    """Store assessments (self-tests, drivers), programs or analyses from their JSON files."""
    try:
        with Database() as db:
            for f in files:
                kind = store.attach_file(db, name, _read_json(f), source=str(f))
                Console().print(f"stored {kind}: {f}", highlight=False)
    except ValgusError as e:
        fail(e, as_json=False)


@person_app.command("export")
def export(
    name: str = typer.Argument(...),
    out: Path = typer.Option(..., "--out", "-o", help="The JSON file to write."),
) -> None:
    """Export everything stored for one person (pose data included) as one JSON file."""
    try:
        with Database() as db:
            data = store.export_person(db, name)
        tmp = out.with_name(out.name + ".part")
        try:
            tmp.write_text(json.dumps(data), encoding="utf-8")
            os.replace(tmp, out)
        except OSError as err:
            raise InputError(f"cannot write {out}: {err}") from err
    except ValgusError as e:
        fail(e, as_json=False)
        return
    Console().print(
        f"exported {name}: {len(data['analyses'])} analyses, {len(data['workouts'])} workouts "
        f"-> {out}",
        highlight=False,
    )


@person_app.command("import")
def import_(
    path: Path = typer.Argument(..., help="A file written by `valgus person export`."),
    new_name: str | None = typer.Option(None, "--as", help="Store under another name."),
) -> None:
    """Import one person exported on another machine (all or nothing)."""
    try:
        with Database() as db:
            info = store.import_person(db, _read_json(path), name=new_name)
    except ValgusError as e:
        fail(e, as_json=False)
        return
    Console().print(f"imported {info.name}", highlight=False)
