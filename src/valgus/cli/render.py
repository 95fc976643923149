"""Text rendering of an analysis result for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from valgus.assessment import movements
from valgus.results import AnalysisResult, LegSummary, Stat

VERDICT_STYLE = {"none": "green", "mild": "yellow", "marked": "bold red", None: "dim"}


def _fmt(s: Stat, unit: str = "", digits: int = 0, scale: float = 1.0) -> str:
    if s.mean is None:
        return "-"
    text = f"{s.mean * scale:.{digits}f}{unit}"
    if s.sd is not None:
        text += f" ± {s.sd * scale:.{digits}f}"
    return text


def _verdict(leg: LegSummary) -> str:
    style = VERDICT_STYLE[leg.valgus]
    word = leg.band if leg.valgus is not None else "not judged"
    mark = " (borderline)" if leg.borderline else ""
    return f"[{style}]{word}{mark}[/]"


def render_text(result: AnalysisResult, console: Console) -> None:
    src, q, s = result.source, result.quality, result.summary
    console.print(
        f"[bold]{src.path}[/]  {src.width}x{src.height}, {src.fps:.0f} fps, "
        f"{src.duration_s:.1f} s, view: {q.view}"
        + (f" (~{q.view_yaw_deg:.0f}° off frontal)" if q.view_yaw_deg is not None else "")
    )
    spec = movements.get(result.movement)
    if result.movement_choice is not None:
        console.print(f"Movement recognised: {spec.label} ({result.movement_choice.reason}).")
    events = spec.events(result)
    depth = "" if events else f"; depth (hip drop / leg length) {_fmt(s.depth, '', 2)}"
    console.print(f"{spec.label}: {s.n_reps} {spec.trials} found{depth}")
    for line in events:
        console.print(f"  {line}")
    table = Table(title=spec.summary_title)
    table.add_column("")
    table.add_column("left knee", justify="right")
    table.add_column("right knee", justify="right")
    rows = [
        ("verdict", _verdict(s.left), _verdict(s.right)),
        ("pattern", str(s.left.pattern or "-"), str(s.right.pattern or "-")),
        (
            "knee inside the toe line, % leg",
            _fmt(s.left.mkd, "", 1, 100),
            _fmt(s.right.mkd, "", 1, 100),
        ),
        ("FPPA, deg", _fmt(s.left.fppa_deg, "", 1), _fmt(s.right.fppa_deg, "", 1)),
        (
            "FPPA used for verdict",
            str("fppa_deg" in s.left.basis),
            str("fppa_deg" in s.right.basis),
        ),
        (
            "smallest detectable change, FPPA",
            _sdc(s.left.fppa_sdc_deg, "°"),
            _sdc(s.right.fppa_sdc_deg, "°"),
        ),
    ]
    rows += [
        (m.label, _stat_or_dash(m.value(s.left)), _stat_or_dash(m.value(s.right)))
        for m in spec.extra_measures
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if spec.ratios_at is not None:
        at = "" if spec.ratios_at == "bottom" else f" at the {spec.ratios_at}"
        console.print(
            f"Knee/ankle separation (KASR){at} {_fmt(s.kasr, '', 2)}; "
            f"knee/hip separation (NKSD) {_fmt(s.nksd, '', 2)}  (KASR < 1: knees inside ankles)"
        )
    if s.kasr_contact is not None:
        console.print(
            f"At first contact: KASR {_fmt(s.kasr_contact, '', 2)}; "
            f"NKSD {_fmt(s.nksd_contact or Stat(mean=None, sd=None, n=0), '', 2)}"
        )
    for leg in (s.left, s.right):
        console.print(f"- {leg.description}")
    a = s.asymmetry
    if a.more_valgus_side is not None:
        verdict = "beyond measurement error" if a.beyond_error else "within measurement error"
        console.print(
            f"- Left-right difference: more inward on the {a.more_valgus_side} ({verdict})."
        )
    for w in q.warnings:
        console.print(f"[yellow]! {w.message}[/]")
    console.print(f"[dim]{s.statement}[/]")


def _sdc(value: float | None, unit: str) -> str:
    return f"{value:.1f}{unit}" if value is not None else "- (needs ≥ 2 reps)"


def _stat_or_dash(s: Stat | None, digits: int = 1) -> str:
    return _fmt(s, "", digits) if s is not None else "-"
