"""`valgus history NAME`: assessments, progress per leg, programs and adherence, workouts."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import typer
from rich.console import Console
from rich.table import Table

from valgus.cli import common
from valgus.cli.errors import handled

if TYPE_CHECKING:
    from valgus.present import MeasureName
    from valgus.storage.store import History, LegProgressOut


def history_command(
    name: str = typer.Argument(..., help="The person (see `valgus person list`)."),
    as_json: bool = typer.Option(False, "--json", help="Print one JSON object on stdout."),
    list_records: bool = typer.Option(
        False,
        "--list",
        help="List every stored record with its id (for `valgus person detach` / `redate`).",
    ),
    report: Path | None = typer.Option(
        None,
        "--report",
        help="Also write an HTML page with the trend of each leg across assessments "
        "(MKD and FPPA with their uncertainty, band edges, change beyond the SDC).",
    ),
) -> None:
    """A person's history: measures across assessments with their uncertainty, whether each
    leg changed by more than the smallest detectable change, adherence and the workouts."""
    from valgus.services import history

    if list_records:
        _list(name, as_json=as_json)
        return
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


def _list(name: str, *, as_json: bool) -> None:
    from valgus.services import people

    with handled(as_json=as_json), common.database() as db:
        rows = people.records(db, name)
    if as_json:
        sys.stdout.write(json.dumps([r.model_dump(mode="json") for r in rows]) + "\n")
        return
    table = Table(title=f"{name}: {len(rows)} stored records")
    for col in ("date", "kind", "id", "what"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r.date), r.kind, str(r.id), r.what)
    common.out().print(table)
    common.out().print(
        f"Remove one: valgus person detach {name} KIND ID; correct a filming date: "
        f"valgus person redate {name} ID --date YYYY-MM-DD"
    )


def _value(mean: float | None, sd: float | None, measure: MeasureName) -> str:
    from valgus import present
    from valgus.results import Stat

    return present.mean_sd(Stat(mean=mean, sd=sd, n=2), measure)


def _sessions_table(title: str, legs: list[LegProgressOut]) -> Table:
    """One row per session and leg, numbered as in the trend charts (#1 = the first)."""
    from valgus import present

    table = Table(title=f"{title} (mean ± SD over reps)")
    kof = all(pt.knee_measure == "knee_over_foot" for leg in legs for pt in leg.sessions)
    knee = "knee inside the foot's line" if kof else "knee inside the toe line"
    for col in ("#", "filmed", "leg", "result", knee, "FPPA", "reps"):
        table.add_column(col)
    for leg in legs:
        for number, pt in enumerate(leg.sessions, start=1):
            fppa = _value(pt.fppa_deg, pt.fppa_sd_deg, "fppa_deg")
            if fppa != "-" and not pt.fppa_used and pt.verdict is not None:
                fppa = "- *"  # not meaningful in a squat this deep: no number
            table.add_row(
                f"#{number}",
                f"{pt.when:%Y-%m-%d}",
                leg.side,
                present.BAND_OF_VERDICT[pt.verdict],
                _value(pt.mkd, pt.mkd_sd, "mkd"),
                fppa,
                str(pt.n_reps),
            )
    return table


def _label(movement: str) -> str:
    from valgus.assessment import movements

    return movements.get(movement).label if movement in movements.names() else movement


def render_history(h: History, console: Console) -> None:
    from valgus import present

    p = h.person
    facts = ", ".join(x for x in (p.sex, p.age_band, p.height_cm and f"{p.height_cm:g} cm") if x)
    console.print(f"[bold]{p.name}[/]" + (f" ({facts})" if facts else ""), highlight=False)
    groups = [("squat", h.progress)] + [(o.movement, o.legs) for o in h.other_progress]
    for movement, legs in groups:
        label = _label(movement)
        if any(leg.sessions for leg in legs):
            console.print(_sessions_table(f"{label.capitalize()} analyses", legs))
            if any(not pt.fppa_used for leg in legs for pt in leg.sessions):
                console.print(
                    f"[dim]* FPPA {present.NOT_USED} (not meaningful, not shown): the verdict rests "
                    "on the knee's position.[/]"
                )
        console.print(f"[bold]Progress, {label}[/] (latest against the first)")
        for leg in legs:
            console.print(f"  {leg.statement}", highlight=False)
    for a in h.assessments:
        drivers = "; ".join(present.driver(d) for d in a.drivers) or "none"
        console.print(
            f"assessment {a.date}: {present.screen(a.red_flags)}; what may contribute: {drivers}",
            highlight=False,
        )
    for pr in h.programs:
        ad = pr.adherence
        frac = "" if ad.fraction is None else f" ({ad.fraction:.0%})"
        console.print(
            f"program {pr.start} to {pr.end}: {ad.done} of {ad.planned} sessions due so far "
            f"logged{frac}",
            highlight=False,
        )
    if h.workouts:
        from valgus.program.progression import STOP_SYMPTOMS

        wt = Table(title="Workouts")
        for col in ("date", "exercise", "done", "pain", "next"):
            wt.add_column(col)
        for w in h.workouts:
            done = f"{w.sets} x {w.reps}" + (f", {w.band}" if w.band else "")
            pain = f"{w.pain_0_10}/10" + (", next day" if w.pain_next_day else "")
            pain += "".join(f", {STOP_SYMPTOMS.get(k, k)}" for k in w.symptoms)
            nxt = w.next_dose or ("stop" if w.next_action == "stop" else "no dose (gate shut)")
            wt.add_row(str(w.date), w.exercise_id, done, pain, nxt)
        console.print(wt)
    gate = h.safety
    if gate is not None and not gate.allowed and gate.code != "no_assessment":
        console.print(f"[bold red]No program or dose now:[/] {gate.reason}", highlight=False)
    else:
        for d in h.doses:
            nxt = f"stop: {d.reason}" if d.next_dose is None else f"next {d.next_dose}"
            console.print(f"{d.exercise_id} (last {d.last_logged}): {nxt}", highlight=False)
    for n in h.notes:
        console.print(f"note {n.created_at:%Y-%m-%d}: {n.text}", highlight=False)
    console.print(f"[dim]{h.statement}[/]")
