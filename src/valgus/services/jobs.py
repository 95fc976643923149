"""Analysis jobs: a recording accepted now and analyzed by a worker process later (the web
app's uploads; the same steps as `valgus analyze`, then the report's pictures and video).

Files live in a workspace folder: uploads/<job id>.<ext> (a generated name, never the
client's) and results/<job id>/ (the analysis files, key frames, the annotated video and the
PDF). The original upload is deleted after the analysis unless the person asked to keep it
(video of people is sensitive: landmarks and measures are kept, the video only on request).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from valgus import api
from valgus.assessment import pipeline
from valgus.assessment.analysis import Analysis, Options
from valgus.errors import InputError, NotFoundError, ValgusError
from valgus.io.poses import POSES_SUFFIX, load_poses
from valgus.io.video import probe
from valgus.pose.person_box import Box
from valgus.services import analyses
from valgus.storage import Database, jobs, store
from valgus.storage.jobs import Job

log = logging.getLogger("valgus.jobs")

RESULT_STEM = "analysis"
VIDEO_SUFFIXES = (".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".3gp")
ACCEPTED_SUFFIXES = (*VIDEO_SUFFIXES, ".nc", ".trc", ".c3d")


class JobCancelledError(Exception):
    """A running job was asked to stop."""


@dataclass(frozen=True)
class Workspace:
    """Where the web app keeps uploads and results."""

    root: Path

    @property
    def uploads(self) -> Path:
        return self.root / "uploads"

    def results(self, job_id: str) -> Path:
        return self.root / "results" / job_id

    def upload_path(self, job_id: str, client_name: str) -> Path:
        """A generated name for an upload: the job id and a known suffix (the client's file
        name is never used as a path)."""
        suffix = Path(client_name).suffix.lower()
        if client_name.lower().endswith(POSES_SUFFIX):
            suffix = POSES_SUFFIX
        if suffix not in (*ACCEPTED_SUFFIXES, POSES_SUFFIX):
            suffix = ".mp4"
        return self.uploads / f"{job_id}{suffix}"

    def create(self) -> Workspace:
        self.uploads.mkdir(parents=True, exist_ok=True)
        (self.root / "results").mkdir(parents=True, exist_ok=True)
        return self


def check_upload(path: Path, /) -> None:
    """Refuse, in one line, a file that is not a recording valgus can read (FFmpeg probes a
    video; a pose file or motion capture is read when analyzed)."""
    if path.stat().st_size == 0:
        raise InputError("the file is empty; choose the video again")
    if path.name.endswith(POSES_SUFFIX) or path.suffix.lower() in (".nc", ".trc", ".c3d"):
        return
    probe(path)  # VideoReadError: not a video, damaged, no video stream


def submit(
    db: Database,
    workspace: Workspace,
    job_id: str,
    stored: Path,
    /,
    *,
    upload_name: str,
    movement: str = "squat",
    options: Options = Options(),
    person: str | None = None,
    keep_video: bool = False,
    filmed: dt.date | None = None,
    person_box: Box | None = None,
) -> Job:
    """Accept an upload already streamed to `stored`: check it and queue it. A refused file
    is deleted at once. person_box: the person to follow when others are in the picture."""
    try:
        pipeline.check_options(movement, options)
        if person is not None:
            store.check_person(db, person)
        check_upload(stored)
        if person_box is not None and stored.suffix.lower() not in VIDEO_SUFFIXES:
            raise InputError(
                "a person's box picks a person in a video; this file holds one person already"
            )
    except ValgusError as e:
        stored.unlink(missing_ok=True)
        if str(stored) in str(e):  # name the person's file, never the server's path
            raise type(e)(str(e).replace(str(stored), upload_name or "the file")) from e
        raise
    return jobs.enqueue(
        db,
        job_id,
        path=str(stored),
        upload_name=upload_name,
        movement=movement,
        options={"side": options.side, "sex": options.sex, "mirrored": options.mirrored}
        | ({"person_box": person_box.text} if person_box is not None else {}),
        person=person,
        keep_video=keep_video,
        filmed=filmed,
    )


ProgressReport = Callable[[float, str], bool]  # (fraction, stage) -> cancel asked


def _frames_progress(report: ProgressReport) -> Callable[[int, int], None]:
    """The pose model's (frames done, total) as 0-0.8 of the job; raises JobCancelledError."""
    state = {"last": -1.0}

    def on_frames(done: int, total: int) -> None:
        fraction = 0.8 * done / total if total else 0.0
        if fraction - state["last"] < 0.02 and done != total:
            return
        state["last"] = fraction
        if report(fraction, f"finding the body: frame {done} of {total}"):
            raise JobCancelledError

    return on_frames


def _artifacts(db: Database, job: Job, run: analyses.AnalysisRun, out: Path) -> None:
    """The report of the analysis: key frames, best/worst rep, measures plot, the annotated
    video (faces blurred) and the PDF, from the upload while it still exists."""
    from valgus.report.build import build_report
    from valgus.services import manual

    video = Path(job.path) if Path(job.path).suffix.lower() in VIDEO_SUFFIXES else None
    if video is not None:
        manual.write_frames(run.analysis, video, out)
    build_report(
        run.analysis,
        out,
        stem=RESULT_STEM,
        video=video,
        annotated_video=video is not None,
        pdf=True,
    )


@dataclass(frozen=True)
class Outcome:
    status: jobs.Status
    result: dict[str, Any] | None = None
    analysis_id: int | None = None
    error: tuple[str, str] | None = None


def _attempt(db: Database, workspace: Workspace, job: Job, report: ProgressReport) -> Outcome:
    """Analyze the job's recording and draw its report; how it ended."""
    out = workspace.results(job.id)
    options = dict(job.options)
    box = options.pop("person_box", None)
    try:
        a = analyses.analyze(
            Path(job.path),
            movement=job.movement,
            options=Options(**options),
            person_box=Box.parse(box) if box else None,
            out=out,
            stem=RESULT_STEM,
            person=job.person,
            db=db if job.person is not None else None,
            filmed=job.filmed,
            progress=_frames_progress(report),
        )
        if report(0.85, "drawing the key frames and the video"):
            raise JobCancelledError
        _artifacts(db, job, a, out)
        if report(0.99, "finishing"):
            raise JobCancelledError
    except JobCancelledError:
        return Outcome("cancelled")
    except ValgusError as e:
        return Outcome("failed", error=(e.code, str(e)))
    except Exception:
        log.exception("job %s: unexpected error", job.id)  # no person data in the log
        return Outcome(
            "failed",
            error=("internal_error", "the analysis failed unexpectedly; the server log says why"),
        )
    stored = a.stored.id if a.stored is not None else None
    return Outcome("done", a.analysis.result.model_dump(mode="json"), stored)


def run(db: Database, workspace: Workspace, job: Job, /, *, report: ProgressReport) -> None:
    """Analyze a claimed job and record how it ended (done, failed or cancelled). Only a
    job that ended deletes its upload (unless kept): a worker stopped mid-run (the server
    killed) leaves the job and its video for the next start."""
    o = _attempt(db, workspace, job, report)
    jobs.finish(
        db, job.id, status=o.status, result=o.result, analysis_id=o.analysis_id, error=o.error
    )
    if not job.keep_video and Path(job.path).suffix.lower() in VIDEO_SUFFIXES:
        Path(job.path).unlink(missing_ok=True)


def result_files(workspace: Workspace, job_id: str, /) -> dict[str, Path]:
    """The downloadable files of a finished job, by kind."""
    out = workspace.results(job_id)
    candidates = {
        "json": out / f"{RESULT_STEM}.analysis.json",
        "csv": out / f"{RESULT_STEM}.frames.csv",
        "poses": out / f"{RESULT_STEM}{POSES_SUFFIX}",
        "pdf": out / f"{RESULT_STEM}.report.pdf",
        "html": out / f"{RESULT_STEM}.report.html",
        "video": out / f"{RESULT_STEM}.annotated.mp4",
        "measures": out / f"{RESULT_STEM}.measures.png",
    }
    return {k: p for k, p in candidates.items() if p.exists()}


def key_frames(workspace: Workspace, job_id: str, /) -> list[Path]:
    """The drawn key frames (one per rep) and best/worst pictures of a finished job."""
    out = workspace.results(job_id)
    reps = sorted(out.glob(f"{RESULT_STEM}.rep*.png"), key=lambda p: int(p.stem.split("rep")[-1]))
    return reps + sorted(out.glob(f"{RESULT_STEM}.*-best-worst.png"))


DELETING = ".deleting-"  # a person's files on their way out (swept at start)


def delete_person(db: Database, workspace: Workspace, person: str, /) -> None:
    """Remove a person: their videos, pose data, results and every record (privacy). Their
    files are first moved aside under a `.deleting-` name (a rename: nothing is half gone),
    then the records go in one transaction, then the files; a server stopped in between
    leaves `.deleting-` files, which the next start removes (sweep_deleted)."""
    ids = jobs.ids_of_person(db, person)
    paths = [Path(p) for p in jobs.paths_of_person(db, person)]
    moved: list[tuple[Path, Path]] = []
    for p in [workspace.results(i) for i in ids] + paths:
        if p.exists():
            aside = p.with_name(DELETING + p.name)
            p.rename(aside)
            moved.append((p, aside))
    try:
        store.delete_person(db, person)
    except BaseException:
        for p, aside in moved:  # the records stay: so do the files
            aside.rename(p)
        raise
    for _, aside in moved:
        if aside.is_dir():
            shutil.rmtree(aside, ignore_errors=True)
        else:
            aside.unlink(missing_ok=True)


def sweep_deleted(workspace: Workspace, /) -> int:
    """Remove files a deletion moved aside but did not finish removing; how many."""
    n = 0
    for folder in (workspace.root, workspace.uploads, workspace.root / "results"):
        if not folder.is_dir():
            continue
        for p in folder.glob(DELETING + "*"):
            shutil.rmtree(p, ignore_errors=True) if p.is_dir() else p.unlink(missing_ok=True)
            n += 1
    return n


def drop_old_videos(db: Database, workspace: Workspace, days: int, /) -> int:
    """Retention: the videos of analyses finished more than `days` ago are deleted (the
    upload and any video kept or drawn in its results); the pose data, results, pictures
    and reports stay. Returns how many files went."""
    cutoff = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(days=days)
    n = 0
    for job_id, upload in jobs.finished_before(db, cutoff):
        folder = workspace.results(job_id)
        videos = [p for p in folder.glob("*") if p.suffix.lower() in VIDEO_SUFFIXES]
        for p in [Path(upload), *videos]:
            if p.is_file():
                p.unlink(missing_ok=True)
                n += 1
    return n


def export_zip(db: Database, workspace: Workspace, person: str, out: Path, /) -> Path:
    """Everything of one person in one zip (privacy: the right to one's data): the
    importable export (`valgus person import`), each analysis's result JSON and pose data,
    programs, workout logs and notes, and the files of their web analyses (kept videos,
    drawn video, pictures, reports)."""
    import base64
    import zipfile

    data = store.export_person(db, person)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("export.json", json.dumps(data, indent=1))
        for n, a in enumerate(data["analyses"], start=1):
            z.writestr(f"analyses/{n:03d}.analysis.json", json.dumps(a["result"], indent=1))
            if a["poses_nc_base64"]:
                z.writestr(f"analyses/{n:03d}.poses.nc", base64.b64decode(a["poses_nc_base64"]))
        z.writestr("programs.json", json.dumps(data["programs"], indent=1))
        z.writestr("workouts.json", json.dumps(data["workouts"], indent=1))
        z.writestr("notes.json", json.dumps(data.get("notes", []), indent=1))
        for job_id in jobs.ids_of_person(db, person):
            folder = workspace.results(job_id)
            for f in sorted(folder.rglob("*")) if folder.is_dir() else []:
                if f.is_file():
                    packed = zipfile.ZIP_STORED if f.suffix in (".mp4", ".mov") else None
                    z.write(f, f"files/{job_id}/{f.relative_to(folder)}", compress_type=packed)
        for p in map(Path, jobs.paths_of_person(db, person)):
            if p.is_file():
                z.write(p, f"files/uploads/{p.name}", compress_type=zipfile.ZIP_STORED)
    return out


def job_payload(job: Job, /) -> dict[str, Any]:
    """What `GET /api/analyses/{id}` returns."""
    payload: dict[str, Any] = {
        "id": job.id,
        "status": job.status,
        "progress": job.progress,
        "stage": job.stage,
        "movement": job.movement,
        "person": job.person,
    }
    if job.status == "done":
        payload["result"] = job.result
    if job.status == "failed":
        payload["error"] = {"code": job.error_code, "message": job.error_message}
    return payload


def analysis_of(workspace: Workspace, job: Job, /) -> Analysis:
    """A finished job's analysis (with poses and per-frame series), recomputed from its
    stored pose data as it was made."""
    if job.status != "done":
        raise NotFoundError(f"analysis {job.id} is not finished ({job.status})")
    saved = workspace.results(job.id) / f"{RESULT_STEM}{POSES_SUFFIX}"
    if not saved.exists():  # a pose file was uploaded: its results name it, it is kept
        saved = Path(job.path)
    if not saved.exists():
        raise NotFoundError(f"the pose data of analysis {job.id} is gone")
    movement, options = api.settings_of(job.result or {})
    return api.analyze_poses(load_poses(saved), movement=movement, options=options)


def frames_columns(csv_path: Path, /) -> dict[str, list[float | None]]:
    """The per-frame CSV as columns (empty cells: None)."""
    with csv_path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    head, body = rows[0], rows[1:]
    return {name: [float(r[i]) if r[i] else None for r in body] for i, name in enumerate(head)}
