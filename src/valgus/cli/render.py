"""Text rendering of an analysis result for the terminal."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

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


TITLES = {
    "squat": "Knee valgus at the bottom of the squat (mean ± SD over reps)",
    "heel-raised-squat": "Knee valgus at the bottom of the heel-raised squat (mean ± SD over reps)",
    "single-leg-squat": "Knee valgus at the bottom of the single-leg squat, standing leg "
    "(mean ± SD over its reps)",
    "drop-jump": "Knee valgus at the deepest point of the landing (mean ± SD over trials)",
}


def render_text(result: AnalysisResult, console: Console) -> None:
    src, q, s = result.source, result.quality, result.summary
    console.print(
        f"[bold]{src.path}[/]  {src.width}x{src.height}, {src.fps:.0f} fps, "
        f"{src.duration_s:.1f} s, view: {q.view}"
        + (f" (~{q.view_yaw_deg:.0f}° off frontal)" if q.view_yaw_deg is not None else "")
    )
    movement = result.movement.replace("-", " ")
    if result.movement_choice is not None:
        console.print(f"Movement recognised: {movement} ({result.movement_choice.reason}).")
    if result.movement == "drop-jump":
        console.print(_trials_line(result))
    else:
        console.print(
            f"{movement}: {s.n_reps} rep(s) found; depth (hip drop / leg length) "
            f"{_fmt(s.depth, '', 2)}"
        )
    table = Table(title=TITLES[result.movement])
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
    rows += _movement_rows(result)
    for row in rows:
        table.add_row(*row)
    console.print(table)
    if result.movement != "single-leg-squat":
        at = " at the deepest point" if result.movement == "drop-jump" else ""
        console.print(
            f"Knee/ankle separation (KASR){at} {_fmt(s.kasr, '', 2)}; "
            f"knee/hip separation (NKSD) {_fmt(s.nksd, '', 2)}  (KASR < 1: knees inside ankles)"
        )
    if result.movement == "drop-jump" and s.kasr_contact is not None:
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


def _trials_line(result: AnalysisResult) -> str:
    parts = []
    for r in result.reps:
        t = f"trial {r.index}: contact {r.contact_s:.2f} s, deepest {r.bottom_s:.2f} s"
        if r.take_off_s is not None:
            t += f", take-off {r.take_off_s:.2f} s"
        parts.append(t)
    return f"drop jump: {len(result.reps)} trial(s) found; " + "; ".join(parts)


def _stat_or_dash(s: Stat | None, digits: int = 1) -> str:
    return _fmt(s, "", digits) if s is not None else "-"


def _movement_rows(result: AnalysisResult) -> list[tuple[str, str, str]]:
    s = result.summary
    if result.movement == "single-leg-squat":
        return [
            (
                "pelvic drop (lifted side), deg",
                _stat_or_dash(s.left.pelvic_drop_deg),
                _stat_or_dash(s.right.pelvic_drop_deg),
            ),
            (
                "trunk lean (to standing leg), deg",
                _stat_or_dash(s.left.trunk_lean_deg),
                _stat_or_dash(s.right.trunk_lean_deg),
            ),
        ]
    if result.movement == "drop-jump":
        return [
            (
                "FPPA at first contact, deg",
                _stat_or_dash(s.left.fppa_contact_deg),
                _stat_or_dash(s.right.fppa_contact_deg),
            ),
            (
                "change contact -> deepest, deg",
                _stat_or_dash(s.left.fppa_change_deg),
                _stat_or_dash(s.right.fppa_change_deg),
            ),
        ]
    return []
