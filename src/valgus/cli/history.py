"""`valgus history NAME`: assessments, progress per leg, programs and adherence, workouts."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from valgus.cli import common
from valgus.cli.errors import handled
from valgus.services import history
from valgus.storage.store import History


def history_command(
    name: str = typer.Argument(..., help="The person (see `valgus person list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    report: Path | None = typer.Option(
        None,
        "--report",
        help="Also write an HTML page with the trend of each leg across assessments "
        "(MKD and FPPA with their uncertainty, band edges, change beyond the SDC).",
    ),
) -> None:
    """A person's history: measures across assessments with their uncertainty, whether each
    leg changed by more than the smallest detectable change, adherence and the workouts."""
    with handled(as_json=as_json):
        with common.database() as db:
            h = history.of(db, name)
        if report is not None:
            history.write_trend_page(h, report)
    if as_json:
        sys.stdout.write(h.model_dump_json() + "\n")
        return
    render_history(h, Console())
    if report is not None:
        common.out().print(f"report: {report}")


def _stat(mean: float | None, sd: float | None, pct: bool = False) -> str:
    if mean is None:
        return "-"
    if pct:
        return f"{mean:.1%}" + ("" if sd is None else f" ± {sd:.1%}")
    return f"{mean:.1f}°" + ("" if sd is None else f" ± {sd:.1f}")


def render_history(h: History, console: Console) -> None:
    p = h.person
    facts = ", ".join(x for x in (p.sex, p.age_band, p.height_cm and f"{p.height_cm:g} cm") if x)
    console.print(f"[bold]{p.name}[/]" + (f" ({facts})" if facts else ""), highlight=False)
    table = Table(title="Squat analyses (mean ± SD over reps)")
    for col in ("date", "leg", "verdict", "FPPA", "FPPA used", "MKD", "reps"):
        table.add_column(col)
    for leg in h.progress:
        for pt in leg.sessions:
            table.add_row(
                pt.when.strftime("%Y-%m-%d %H:%M"),
                leg.side,
                pt.verdict or "not judged",
                _stat(pt.fppa_deg, pt.fppa_sd_deg),
                "yes" if pt.fppa_used else "no",
                _stat(pt.mkd, pt.mkd_sd, pct=True),
                str(pt.n_reps),
            )
    if any(leg.sessions for leg in h.progress):
        console.print(table)
    console.print("[bold]Progress[/]")
    for leg in h.progress:
        console.print(f"  {leg.statement}", highlight=False)
    for other in h.other_progress:
        console.print(f"[bold]Progress, {other.movement.replace('-', ' ')}[/]")
        for leg in other.legs:
            console.print(f"  {leg.statement}", highlight=False)
    for a in h.assessments:
        drivers = ", ".join(a.drivers) or "none"
        console.print(f"assessment {a.date}: red flags {a.red_flags}; drivers: {drivers}")
    for pr in h.programs:
        ad = pr.adherence
        frac = "" if ad.fraction is None else f" ({ad.fraction:.0%})"
        console.print(
            f"program {pr.start} to {pr.end}: {ad.done} of {ad.planned} sessions due so far "
            f"logged{frac}",
            highlight=False,
        )
    if h.workouts:
        wt = Table(title="Workouts")
        for col in ("date", "exercise", "done", "pain", "next"):
            wt.add_column(col)
        for w in h.workouts:
            done = f"{w.sets} x {w.reps}" + (f", {w.band}" if w.band else "")
            pain = f"{w.pain_0_10}/10" + (", next day" if w.pain_next_day else "")
            nxt = "stop" if w.next_dose is None else w.next_dose
            wt.add_row(str(w.date), w.exercise_id, done, pain, nxt)
        console.print(wt)
    for d in h.doses:
        nxt = f"stop: {d.reason}" if d.next_dose is None else f"next {d.next_dose}"
        console.print(f"{d.exercise_id} (last {d.last_logged}): {nxt}", highlight=False)
    for n in h.notes:
        console.print(f"note {n.created_at:%Y-%m-%d}: {n.text}", highlight=False)
    console.print(f"[dim]{h.statement}[/]")
