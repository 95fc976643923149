"""The report of one analysis: key frames with the legs drawn, best and worst rep, measures
over time, a self-contained HTML page (and PDF, annotated video); with an assessment, a
program and a person's history when given."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from valgus.errors import InputError
from valgus.io.poses import POSES_SUFFIX
from valgus.io.results import ANALYSIS_SUFFIX, stem_of
from valgus.services import analyses, documents, programs
from valgus.storage import Database, store


@dataclass(frozen=True)
class ReportRequest:
    results: Path  # a results folder, NAME.analysis.json or NAME.poses.nc
    video: Path | None = None  # the video, if it moved (default: the path recorded)
    out: Path | None = None  # folder for the report (default: beside the results)
    blur_faces: bool = True
    pdf: bool = False
    annotated_video: bool = False
    assessment: Path | None = None
    program: Path | None = None
    person: str | None = None  # add their trend from the history (needs a database)


def pose_file_of(path: Path, /) -> Path:
    """The pose file for an analysis JSON, a pose file or a results folder."""
    if path.is_dir():
        found = sorted(path.glob(f"*{POSES_SUFFIX}"))
        if len(found) != 1:
            raise InputError(
                f"{path} holds {len(found)} pose files; name one "
                f"(*{POSES_SUFFIX} or *{ANALYSIS_SUFFIX})."
            )
        return found[0]
    if path.name.endswith((ANALYSIS_SUFFIX, POSES_SUFFIX)):
        return path.with_name(stem_of(path) + POSES_SUFFIX)
    raise InputError(
        f"{path}: give a results folder, NAME{ANALYSIS_SUFFIX} or NAME{POSES_SUFFIX} "
        "(written by `valgus analyze`)."
    )


@dataclass(frozen=True)
class Report:
    html: Path
    pictures: list[Path]
    program_withheld: str | None  # why the program given was left out


def make(request: ReportRequest, /, *, db: Database | None = None) -> Report:
    """Write the report: the HTML page and the other files written. A program is shown only
    through the safety gate (services/programs.withheld_from_report)."""
    from valgus.report.build import build_report

    history = None
    if request.person is not None:  # an unknown person fails before any work
        if db is None:
            raise InputError("a person's trend needs the history database")
        history = store.history(db, request.person)
    poses_path = pose_file_of(request.results)
    assessment = documents.read_assessment_file(request.assessment) if request.assessment else None
    program = documents.read_program_file(request.program) if request.program else None
    withheld = None
    if program is not None:
        withheld = programs.withheld_from_report(db, request.person, assessment)
        program = None if withheld else program
    analysis = analyses.rerun(poses_path)
    source = request.video or Path(str(analysis.poses.attrs.get("source", "")))
    files = build_report(
        analysis,
        request.out or poses_path.parent,
        stem=stem_of(poses_path),
        video=source if source.name else None,
        blur_faces=request.blur_faces,
        annotated_video=request.annotated_video,
        pdf=request.pdf,
        assessment=assessment,
        program=program,
        program_withheld=withheld,
        history=history,
    )
    return Report(files.html, files.pictures, withheld)
