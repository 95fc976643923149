"""Build the report files for one analysis (the I/O side of report/)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from pathlib import Path

from valgus.assessment.analysis import Analysis
from valgus.assessment.drivers import Assessment
from valgus.assessment.track import build_track
from valgus.errors import VideoReadError
from valgus.io import atomic
from valgus.program.catalogue import load_catalogue
from valgus.program.prescription import Program
from valgus.report.annotate import write_annotated_video
from valgus.report.draw import RGB, png_bytes
from valgus.report.frames import grab_frames
from valgus.report.html import findings_text, render_html
from valgus.report.keyframes import best_worst, key_frames
from valgus.report.pdf import render_pdf
from valgus.report.plan import assessment_html, drill_sheets, plan_text, program_html
from valgus.report.plots import measures_png
from valgus.report.trend import trend_html, trend_pictures
from valgus.storage.store import History


@dataclass(frozen=True)
class ReportFiles:
    html: Path
    pictures: list[Path]


def build_report(
    analysis: Analysis,
    out_dir: Path,
    /,
    *,
    stem: str,
    video: Path | None,
    blur_faces: bool = True,
    annotated_video: bool = False,
    pdf: bool = False,
    assessment: Assessment | None = None,
    program: Program | None = None,
    program_withheld: str | None = None,
    history: History | None = None,
) -> ReportFiles:
    """Key frames (PNG), best/worst rep per leg, the measures plot and NAME.report.html;
    with annotated_video also NAME.annotated.mp4, with pdf also NAME.report.pdf. With an
    assessment and a program, their sections (red flags, drivers, drills with a picture of
    each, dates) join in; with a person's history, the trend across their assessments."""
    out_dir.mkdir(parents=True, exist_ok=True)
    result = analysis.result
    notes: list[str] = []
    frames: dict[float, RGB] = {}
    if result.source.kind == "mocap":
        notes.append("No key frames: motion capture has no video.")
    elif video is not None and video.exists():
        try:
            frames = grab_frames(video, [r.bottom_s for r in result.reps])
        except VideoReadError as e:
            notes.append(f"Key frames missing: {e}")
    else:
        notes.append("Key frames missing: the video was not kept (only landmarks were).")
    track = build_track(analysis.poses)
    keys = key_frames(frames, track, result, blur=blur_faces, series=analysis.series)
    pictures, key_pngs, bw_pngs = [], [], []
    for k in keys:
        png = png_bytes(k.image)
        pictures.append(atomic.write_bytes(out_dir / f"{stem}.rep{k.rep_index}.png", png))
        key_pngs.append((f"Rep {k.rep_index}, deepest point, {k.time_s:.1f} s into the video", png))
    for stale in out_dir.glob(f"{stem}.*-best-worst.png"):  # an earlier report's pair
        stale.unlink()
    for side in ("left", "right"):
        bw = best_worst(keys, result, side)
        if bw is not None:
            png = png_bytes(bw.image)
            pictures.append(atomic.write_bytes(out_dir / f"{stem}.{side}-best-worst.png", png))
            bw_pngs.append((bw.caption, png))
    plot = measures_png(analysis.series, result)
    pictures.append(atomic.write_bytes(out_dir / f"{stem}.measures.png", plot))
    if annotated_video and frames:
        assert video is not None
        pictures.append(
            write_annotated_video(
                video,
                out_dir / f"{stem}.annotated.mp4",
                track=track,
                series=analysis.series,
                result=result,
                blur=blur_faces,
            )
        )
    if not blur_faces:
        notes.append("Faces were NOT blurred in these pictures (--no-blur).")
    shown = program is not None  # the caller passes a program only through the safety gate
    extra = assessment_html(assessment, with_program=shown) if assessment is not None else ""
    if program is not None:
        extra += program_html(program, load_catalogue())
    if program_withheld:
        extra += (
            '<h2>Program</h2><div class="note stop">The program is not included: '
            f"{html.escape(program_withheld)}</div>"
        )
    trend = trend_pictures(history) if history is not None else []
    if history is not None:
        for leg, (_, png) in zip(history.progress if trend else [], trend, strict=True):
            pictures.append(atomic.write_bytes(out_dir / f"{stem}.trend-{leg.side}.png", png))
        extra += trend_html(history, pictures=trend)
    page = render_html(
        result,
        key_frames=key_pngs,
        best_worst=bw_pngs,
        plot_png=plot,
        notes=notes,
        extra_sections=extra,
    )
    html_path = atomic.write_bytes(out_dir / f"{stem}.report.html", page.encode("utf-8"))
    if pdf:
        doc = render_pdf(
            result,
            key_frames=[png for _, png in key_pngs],
            plot_png=plot,
            findings=findings_text(result),
            notes=notes,
            plan=plan_text(assessment, program)
            + ([("Program", [f"Not included: {program_withheld}"])] if program_withheld else []),
            drills=drill_sheets(program, load_catalogue()),
            trend=trend,
        )
        pictures.append(atomic.write_bytes(out_dir / f"{stem}.report.pdf", doc))
    return ReportFiles(html_path, pictures)
