"""Text rendering of an analysis result for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from valgus import present
from valgus.assessment import movements
from valgus.results import AnalysisResult, LegSummary

VERDICT_STYLE = {"none": "green", "mild": "yellow", "marked": "bold red", None: "dim"}


def _verdict(leg: LegSummary) -> str:
    return f"[{VERDICT_STYLE[leg.valgus]}]{present.verdict(leg)}[/]"


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
    depth = (
        "" if events else f"; depth (hip drop / leg length) {present.plain_stat(s.depth, digits=2)}"
    )
    console.print(f"{spec.label}: {s.n_reps} {spec.trials} found{depth}")
    for line in events:
        console.print(f"  {line}")
    table = Table(title=spec.summary_title)
    table.add_column("")
    table.add_column("left knee", justify="right")
    table.add_column("right knee", justify="right")
    rows = [
        ("verdict", _verdict(s.left), _verdict(s.right)),
        ("knee moved in", present.pattern(s.left), present.pattern(s.right)),
        (
            f"{present.knee_label(s.left, s.right)}, % of leg",
            present.knee(s.left),
            present.knee(s.right),
        ),
        ("frontal-plane angle (FPPA)", present.fppa(s.left), present.fppa(s.right)),
        ("smallest detectable change", present.sdc(s.left), present.sdc(s.right)),
    ]
    if s.left.toe_out_deg is not None or s.right.toe_out_deg is not None:
        rows.append(
            ("foot turned (standing, ±10°)", present.toe_out(s.left), present.toe_out(s.right))
        )
    rows += [
        (m.label, present.plain_stat(m.value(s.left)), present.plain_stat(m.value(s.right)))
        for m in spec.extra_measures
    ]
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if spec.ratios_at is not None:
        at = "" if spec.ratios_at == "bottom" else f" at the {spec.ratios_at}"
        console.print(
            f"Knee/ankle separation (KASR){at} {present.plain_stat(s.kasr, digits=2)}; "
            f"knee/hip separation (NKSD) {present.plain_stat(s.nksd, digits=2)}  "
            "(KASR < 1: knees inside ankles)"
        )
    if s.kasr_contact is not None:
        console.print(
            f"At first contact: KASR {present.plain_stat(s.kasr_contact, digits=2)}; "
            f"NKSD {present.plain_stat(s.nksd_contact, digits=2)}"
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
    console.print(f"[dim]Smallest detectable change: {present.SDC_MEANING}.[/]")
    console.print(f"[dim]{s.statement}[/]")
