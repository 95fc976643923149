"""`valgus report`: pictures and a self-contained HTML report for one analysis."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

import typer

from valgus.cli import common
from valgus.cli.errors import handled


def report(
    result: Path = typer.Argument(..., help="Results folder, NAME.analysis.json or NAME.poses.nc."),
    video: Path | None = typer.Option(
        None,
        "--video",
        help="The video, if it has moved "
        "(key frames are drawn on it) [default: the path recorded].",
    ),
    out: Path | None = typer.Option(
        None, "--out", "-o", help="Folder for the report [default: next to the results]."
    ),
    blur: bool = typer.Option(True, "--blur/--no-blur", help="Blur faces in every picture."),
    pdf: bool = typer.Option(False, "--pdf", help="Also write NAME.report.pdf."),
    assessment: Path | None = typer.Option(
        None, "--assessment", help="Add the red-flag screen and the drivers (valgus assess)."
    ),
    program: Path | None = typer.Option(
        None, "--program", help="Add the program with each drill (valgus program)."
    ),
    annotated: bool = typer.Option(
        False,
        "--annotated-video",
        help="Also write NAME.annotated.mp4: legs drawn, live measures, rep counter.",
    ),
    person: str | None = typer.Option(
        None,
        "--person",
        help="Add this person's trend across assessments from the history database "
        "(VALGUS_DATABASE_URL or the default SQLite file).",
    ),
) -> None:
    """Write NAME.report.html (self-contained, opens offline) and the pictures: key frame of
    each rep with the legs drawn, best/worst rep per leg, measures over time."""
    from valgus.services import reports

    request = reports.ReportRequest(
        results=result,
        video=video,
        out=out,
        blur_faces=blur,
        pdf=pdf,
        annotated_video=annotated,
        assessment=assessment,
        program=program,
        person=person,
    )
    with handled(), ExitStack() as stack:
        db = stack.enter_context(common.database()) if person is not None else None
        report = reports.make(request, db=db)
    console = common.out()
    console.print(f"report: {report.html}")
    if report.program_withheld:
        console.print(f"program not included: {report.program_withheld}")
    for p in report.pictures:
        kind = {".mp4": "video", ".pdf": "pdf"}.get(p.suffix, "picture")
        console.print(f"[dim]{kind}: {p}[/]")
