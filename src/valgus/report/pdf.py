"""The report as a PDF (fpdf2): the same content as the HTML page, for printing and sharing."""

from __future__ import annotations

import io
import struct
from datetime import date
from pathlib import Path

import matplotlib
from fpdf import FPDF, FontFace

from valgus import __version__, present
from valgus.assessment import movements
from valgus.report.html import summary_title
from valgus.report.plan import DrillSheet
from valgus.report.trend import UNCERTAINTY_NOTE
from valgus.results import AnalysisResult, LegSummary

# DejaVu Sans ships with matplotlib (a dependency already): full Unicode (±, °, ≥).
FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
BAND_RGB = {
    "typical": (46, 125, 50),
    "above typical": (178, 106, 0),
    "well above typical": (198, 40, 40),
    "not judged": (119, 119, 119),
}


class _Doc(FPDF):
    def footer(self) -> None:
        self.set_y(-12)
        self.set_font("dejavu", size=7)
        self.set_text_color(120, 120, 120)
        self.cell(
            0,
            5,
            f"valgus {__version__} · describes movement; not a medical assessment · "
            f"page {self.page_no()}",
            align="C",
        )


def _new_doc() -> _Doc:
    doc = _Doc(format="A4")
    doc.add_font("dejavu", "", str(FONT_DIR / "DejaVuSans.ttf"))
    doc.add_font("dejavu", "B", str(FONT_DIR / "DejaVuSans-Bold.ttf"))
    doc.set_auto_page_break(auto=True, margin=16)
    doc.set_margins(15, 15, 15)
    doc.add_page()
    return doc


def _heading(doc: FPDF, text: str) -> None:
    doc.ln(3)
    doc.set_font("dejavu", "B", 12)
    doc.set_text_color(29, 39, 51)
    doc.cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")
    doc.set_font("dejavu", size=9.5)


def _summary_table(doc: FPDF, legs: list[tuple[str, LegSummary]]) -> None:
    """The per-leg table; long words wrap inside their cell (a verdict flagged borderline,
    an FPPA not used) instead of running into the next column."""
    inside = "inside " + present.knee_label(*(leg for _, leg in legs)).split(" the ", 1)[-1]
    head = ("", "result", "knee moved in", inside, "frontal-plane angle")
    doc.set_font("dejavu", size=9)
    doc.set_fill_color(255, 255, 255)
    with doc.table(
        col_widths=(20, 36, 32, 30, 62),
        text_align="LEFT",
        line_height=4.6,
        borders_layout="HORIZONTAL_LINES",
        headings_style=FontFace(emphasis="BOLD", fill_color=(238, 241, 244)),
        padding=1,
    ) as table:
        table.row(head)
        for name, leg in legs:
            row = table.row()
            row.cell(name)
            row.cell(present.verdict(leg), style=FontFace(color=BAND_RGB[leg.band]))
            row.cell(present.pattern(leg))
            row.cell(present.knee(leg))
            row.cell(present.fppa(leg))
    doc.ln(1)
    doc.set_font("dejavu", size=8)
    for name, leg in legs:
        doc.cell(
            0,
            5,
            f"{name}, smallest detectable change: {present.sdc(leg)}",
            new_x="LMARGIN",
            new_y="NEXT",
        )
    doc.multi_cell(
        0, 4, f"Smallest detectable change: {present.SDC_MEANING}.", new_x="LMARGIN", new_y="NEXT"
    )
    doc.set_font("dejavu", size=9)


def _ensure_space(doc: FPDF, height_mm: float) -> None:
    """Start a new page unless height_mm (a heading and what follows it) still fits."""
    if doc.get_y() + height_mm > doc.h - 20:
        doc.add_page()


def _bullets(doc: FPDF, lines: list[str]) -> None:
    for line in lines:
        doc.set_x(doc.l_margin)
        doc.multi_cell(0, 5, "• " + line, new_x="LMARGIN", new_y="NEXT")


def _images_row(doc: FPDF, pngs: list[bytes], *, height_mm: float) -> None:
    x = doc.l_margin
    if doc.get_y() + height_mm > doc.h - 20:
        doc.add_page()
    y = doc.get_y()
    for png in pngs:
        info = doc.image(io.BytesIO(png), x=x, y=y, h=height_mm)
        x += float(info.rendered_width) + 3
        if x > doc.w - doc.r_margin - 20:
            break
    doc.set_y(y + height_mm + 3)


def _drill(doc: FPDF, sheet: DrillSheet) -> None:
    """One drill: name, dose, the start/end picture (fitted to the page width), steps."""
    width_mm = doc.w - doc.l_margin - doc.r_margin
    height_mm = 0.0
    if sheet.picture is not None:
        w_px, h_px = struct.unpack(">II", sheet.picture[16:24])  # PNG IHDR width, height
        height_mm = min(48.0, width_mm * h_px / w_px)
    _ensure_space(doc, height_mm + 24 + 4.5 * (len(sheet.cues) + len(sheet.avoid)))
    doc.set_font("dejavu", "B", 10)
    doc.multi_cell(0, 5.5, f"{sheet.name}  (log it as {sheet.id})", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("dejavu", size=9)
    doc.multi_cell(0, 4.5, sheet.dose, new_x="LMARGIN", new_y="NEXT")
    if sheet.picture is not None:
        doc.image(io.BytesIO(sheet.picture), x=doc.l_margin, y=doc.get_y() + 1, h=height_mm)
        doc.set_y(doc.get_y() + height_mm + 2)
        doc.set_font("dejavu", size=8.5)
        doc.set_text_color(91, 103, 118)
        doc.multi_cell(0, 4.2, sheet.caption, new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(29, 39, 51)
    doc.set_font("dejavu", size=9)
    for i, step in enumerate(sheet.steps, 1):
        doc.multi_cell(0, 4.5, f"{i}. {step}", new_x="LMARGIN", new_y="NEXT")
    for title, lines in (("Cues", sheet.cues), ("Avoid", sheet.avoid)):
        if lines:
            doc.set_font("dejavu", "B", 9)
            doc.multi_cell(0, 4.5, title, new_x="LMARGIN", new_y="NEXT")
            doc.set_font("dejavu", size=9)
            for line in lines:
                doc.multi_cell(0, 4.5, f"• {line}", new_x="LMARGIN", new_y="NEXT")
    doc.ln(3)


def render_pdf(
    result: AnalysisResult,
    *,
    key_frames: list[bytes],
    plot_png: bytes | None,
    findings: list[str],
    notes: list[str],
    plan: list[tuple[str, list[str]]] | None = None,
    drills: list[DrillSheet] | None = None,
    trend: list[tuple[str, bytes]] | None = None,
) -> bytes:
    """The PDF report as bytes; plan: (heading, lines) sections for drivers and program;
    drills: each drill of the program with its start/end picture; trend: (statement, plot
    PNG) per leg across assessments."""
    s, q = result.summary, result.quality
    doc = _new_doc()
    doc.set_font("dejavu", "B", 16)
    label = movements.get(result.movement).label
    doc.cell(0, 9, f"Knee valgus screen: {label}", new_x="LMARGIN", new_y="NEXT")
    doc.set_font("dejavu", size=9)
    doc.set_text_color(91, 103, 118)
    doc.cell(
        0,
        5,
        f"{Path(result.source.path).name} · {len(result.reps)} rep(s) · view {q.view}"
        f" · {date.today().isoformat()}",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    doc.ln(2)
    doc.set_fill_color(255, 248, 230)
    doc.set_text_color(29, 39, 51)
    doc.multi_cell(0, 5, s.statement, fill=True, new_x="LMARGIN", new_y="NEXT")
    _heading(doc, summary_title(result))
    _summary_table(doc, [("Left knee", s.left), ("Right knee", s.right)])
    _heading(doc, "What the camera saw")
    _bullets(doc, findings)
    if key_frames:
        _ensure_space(doc, 100)
        _heading(doc, "Key frames (deepest point of each rep; faces blurred)")
        doc.set_font("dejavu", size=8.5)
        doc.multi_cell(
            0,
            4.5,
            "Lines hip–knee–ankle: green typical, amber above typical, red "
            "well above typical. Dashed: the foot's line where the knee has travelled to.",
            new_x="LMARGIN",
            new_y="NEXT",
        )
        _images_row(doc, key_frames[:5], height_mm=80)
    for heading, lines in plan or []:
        _ensure_space(doc, 30)
        _heading(doc, heading)
        _bullets(doc, lines)
    if drills:
        _ensure_space(doc, 80)
        _heading(doc, "The exercises (start and end positions)")
        for sheet in drills:
            _drill(doc, sheet)
    if trend:
        _ensure_space(doc, 110)
        _heading(doc, "Across assessments")
        for statement, png in trend:
            _ensure_space(doc, 100)
            doc.set_font("dejavu", size=9)
            doc.multi_cell(0, 4.8, statement, new_x="LMARGIN", new_y="NEXT")
            _images_row(doc, [png], height_mm=88)
        doc.set_font("dejavu", size=8)
        doc.set_text_color(91, 103, 118)
        doc.multi_cell(0, 4, UNCERTAINTY_NOTE, new_x="LMARGIN", new_y="NEXT")
        doc.set_text_color(29, 39, 51)
    if plot_png:
        _ensure_space(doc, 135)
        _heading(doc, "Over time")
        _images_row(doc, [plot_png], height_mm=120)
    _heading(doc, "Quality and method")
    _bullets(
        doc,
        [
            f"Estimated camera angle {q.view_yaw_deg}° off frontal; person found in "
            f"{100 * q.detected_fraction:.0f}% of frames.",
            "Measurement error on rendered footage: about 1-2 % of leg length for the "
            "knee position, 1-3° for the angle (more in deep squats).",
            *notes,
            *(w.message for w in q.warnings),
        ],
    )
    return bytes(doc.output())
