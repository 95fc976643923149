"""Analyze a recording: the measures, the result files, and (for a person) their history."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from valgus import api
from valgus.assessment.analysis import Analysis, Options
from valgus.errors import InputError, StorageError
from valgus.io.results import save_analysis, stem_of
from valgus.pose.extract import ProgressFn
from valgus.pose.person_box import Box
from valgus.storage import Database, store

RESULTS_ROOT = Path("valgus-results")


@dataclass(frozen=True)
class AnalysisRun:
    """What `analyze` did: the analysis, the files written, where it was stored."""

    analysis: Analysis
    files: dict[str, Path] = field(default_factory=dict)
    person: str | None = None
    stored: store.Stored | None = None  # its row in the person's history


def results_dir(recording: Path, out: Path | None = None, /) -> Path:
    """Where a recording's results go: `out`, else ./valgus-results/NAME."""
    return out if out is not None else RESULTS_ROOT / stem_of(recording)


def analyze(
    recording: Path,
    /,
    *,
    movement: str = "squat",
    options: Options = Options(),
    out: Path | None = None,
    stem: str | None = None,
    save: bool = True,
    person: str | None = None,
    db: Database | None = None,
    filmed: dt.date | None = None,
    progress: ProgressFn | None = None,
    person_box: Box | None = None,
) -> AnalysisRun:
    """Analyze a video, a pose file or motion capture; write its files (unless `save` is
    false) and store it in `person`'s history (with `db`).

    A person not in the history is refused before the pose model runs. When storing fails
    after the analysis finished, the analysis is not lost: its files are written (even
    with save=False) and the StorageError says where they are. `filmed`: the day it was
    filmed, for the history (default: the video's own creation time, else today).
    """
    if person is not None:
        if db is None:
            raise InputError("storing in a person's history needs the history database")
        store.check_person(db, person)
    analysis = api.analyze_file(
        recording, movement=movement, options=options, progress=progress, person_box=person_box
    )
    folder = results_dir(recording, out)
    stem = stem or stem_of(recording)
    files = save_analysis(analysis, folder, stem=stem) if save else {}
    if person is None or db is None:
        return AnalysisRun(analysis, files)
    try:
        stored = store_analysis(db, person, analysis, filmed=filmed_at(analysis, filmed))
    except StorageError as err:
        kept = files or save_analysis(analysis, folder, stem=stem)
        raise StorageError(
            f"{err} The analysis was kept in {kept['analysis']}; store it later with "
            f"`valgus person attach {person} {kept['analysis']}`."
        ) from err
    return AnalysisRun(analysis, files, person, stored)


def filmed_at(analysis: Analysis, day: dt.date | None = None, /) -> dt.datetime | None:
    """When the recording was made: the day given, else the video's creation time (UTC,
    when the file carries one), else None (the store uses now)."""
    if day is not None:
        return dt.datetime.combine(day, dt.time(12))
    stamp = analysis.result.source.recorded_at
    return stamp.replace(tzinfo=None) if stamp is not None else None


def store_analysis(
    db: Database, person: str, analysis: Analysis, /, *, filmed: dt.datetime | None = None
) -> store.Stored:
    """Store a finished analysis and its pose data in one transaction (once: the same
    analysis stored again is recognised by its content)."""
    return store.store_analysis(
        db,
        person,
        analysis.result,
        poses_nc=store.poses_to_bytes(analysis.poses),
        recorded_at=filmed,
    )


def rerun(poses_path: Path, /) -> Analysis:
    """Analyze a saved pose file again, with the movement and options its result was made
    with (read from NAME.analysis.json beside it; the squat's defaults without one)."""
    from valgus.io.poses import load_poses
    from valgus.services.documents import read_json

    saved = poses_path.with_name(stem_of(poses_path) + ".analysis.json")
    movement, options = "squat", Options()
    if saved.exists():
        try:
            data = read_json(saved, wanted="an analysis")
        except InputError:
            data = None
        if isinstance(data, dict):
            movement, options = api.settings_of(data)
    return api.analyze_poses(load_poses(poses_path), movement=movement, options=options)
