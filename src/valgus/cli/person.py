"""`valgus person`: people in the history database; export and import one person."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.table import Table

from valgus.cli import common
from valgus.cli.errors import handled

person_app = typer.Typer(
    help="People in the history database (VALGUS_DATABASE_URL, default: an SQLite file in "
    "your data folder).",
    no_args_is_help=True,
)


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
    from valgus.services import people

    with handled(as_json=as_json):
        info = people.new_person(name, sex=sex, age_band=age_band, height_cm=height_cm, notes=notes)
        with common.database() as db:
            info = people.add(db, info)
    if as_json:
        sys.stdout.write(info.model_dump_json() + "\n")
    else:
        common.out().print(f"added {info.name}")


@person_app.command("list")
def list_(as_json: bool = typer.Option(False, "--json", help="Print JSON on stdout.")) -> None:
    """List the people in the history."""
    from valgus.services import people

    with handled(as_json=as_json), common.database() as db:
        everyone = people.list_all(db)
    if as_json:
        sys.stdout.write(json.dumps([p.model_dump(mode="json") for p in everyone]) + "\n")
        return
    table = Table(title=f"{len(everyone)} people")
    for col in ("name", "sex", "age band", "height cm", "notes"):
        table.add_column(col)
    for p in everyone:
        height = "" if p.height_cm is None else f"{p.height_cm:g}"
        table.add_row(p.name, p.sex or "", p.age_band or "", height, p.notes or "")
    common.out().print(table)


@person_app.command("note")
def note(name: str = typer.Argument(...), text: str = typer.Argument(...)) -> None:
    """Add a dated note to a person's history."""
    from valgus.services import people

    with handled(), common.database() as db:
        people.note(db, name, text)


@person_app.command("attach")
def attach(
    name: str = typer.Argument(...),
    files: list[Path] = typer.Argument(
        ..., help="JSON from `valgus assess`, `valgus program` or `valgus analyze`."
    ),
    force: bool = typer.Option(
        False, "--force", help="Store it even though it is stored for someone else."
    ),
) -> None:
    """Store assessments (self-tests, drivers), programs or analyses from their JSON files."""
    from valgus.services import people

    with handled(), common.database() as db:
        for f in files:
            stored = people.attach(db, name, f, force=force)
            again = "already stored" if stored.already_stored else "stored"
            common.out().print(f"{again} {stored.kind}: {f}")


@person_app.command("export")
def export(
    name: str = typer.Argument(...),
    out: Path = typer.Option(..., "--out", "-o", help="The JSON file to write."),
) -> None:
    """Export everything stored for one person (pose data included) as one JSON file."""
    from valgus.services import people

    with handled(), common.database() as db:
        data = people.export(db, name, out)
    common.out().print(
        f"exported {name}: {len(data['analyses'])} analyses, {len(data['workouts'])} workouts "
        f"-> {out}"
    )


@person_app.command("import")
def import_(
    path: Path = typer.Argument(..., help="A file written by `valgus person export`."),
    new_name: str | None = typer.Option(None, "--as", help="Store under another name."),
) -> None:
    """Import one person exported on another machine (all or nothing)."""
    from valgus.services import people

    with handled(), common.database() as db:
        info = people.import_file(db, path, name=new_name)
    common.out().print(f"imported {info.name}")


@person_app.command("clear")
def clear(
    name: str = typer.Argument(...),
    by: str = typer.Option(..., "--by", help="The clinician who cleared the person to resume."),
    day: str | None = typer.Option(None, "--date", help="Day of the clearance YYYY-MM-DD (today)."),
    note: str | None = typer.Option(None, "--note", help="What the clinician said, if useful."),
) -> None:
    """Record a clinician's clearance: a stop rule from a workout log no longer holds."""
    from valgus.services import people

    with handled(), common.database() as db:
        people.clear(db, name, by=by, date=common.parse_date(day), note=note)
    common.out().print(f"recorded: {name} cleared to resume by {by}")


@person_app.command("detach")
def detach(
    name: str = typer.Argument(...),
    kind: str = typer.Argument(
        ..., help="analysis, assessment, program, workout, note or clearance."
    ),
    record_id: int = typer.Argument(..., help="Its id (valgus history NAME --list)."),
) -> None:
    """Remove one stored record (a wrong analysis, a duplicate log...); progress is
    recomputed from what remains."""
    from valgus.services import people

    with handled(), common.database() as db:
        gone = people.detach(db, name, kind, record_id)
    common.out().print(f"removed {gone.kind} {gone.id} ({gone.date}): {gone.what}")


@person_app.command("redate")
def redate(
    name: str = typer.Argument(...),
    analysis_id: int = typer.Argument(..., help="The analysis id (valgus history NAME --list)."),
    day: str = typer.Option(..., "--date", help="The day it was filmed, YYYY-MM-DD."),
) -> None:
    """Correct the day an analysis was filmed (progress is ordered by it)."""
    from valgus.services import people

    with handled(), common.database() as db:
        people.redate(db, name, analysis_id, common.parse_date(day))
    common.out().print(f"analysis {analysis_id} of {name}: filmed {day}")
