"""Report sections for the assessment (red flags, drivers) and the program, as HTML.

Takes the typed documents `valgus assess --json` and `valgus program --json` write.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from valgus.assessment.drivers import BUILD_PROGRAM_STEP, Assessment
from valgus.program.catalogue import Catalogue
from valgus.program.prescription import Program
from valgus.report.exercise_pictures import exercise_caption, exercise_picture
from valgus.report.html import data_uri

WEIGHT_CLASS = {"likely": "well", "possible": "above", "none": "typical"}


def _li(items: list[str]) -> str:
    return "".join(f"<li>{html.escape(i)}</li>" for i in items)


def assessment_html(assessment: Assessment, *, with_program: bool = False) -> str:
    """Red-flag outcome first; the drivers with their evidence when the screen is clear
    (without the step "build the program" when the report carries the program)."""
    rf = assessment.red_flags
    if rf.status != "clear" or assessment.drivers is None:
        flags = _li([f"{f.reason}: {f.advice} ({f.source})" for f in rf.flags] + rf.unanswered)
        return (
            f'<h2>Safety screen</h2><div class="note stop"><strong>{html.escape(rf.message)}'
            f"</strong><ul>{flags}</ul>No exercise program is given.</div>"
        )
    report = assessment.drivers
    parts = [
        "<h2>What may contribute (observations, not a diagnosis)</h2>",
        f"<p>Safety screen: {html.escape(rf.message)}</p>",
    ]
    for d in report.drivers:
        rows = "".join(
            f"<tr><td>{html.escape(e.measure)}{' (' + e.side + ')' if e.side else ''}</td>"
            f"<td>{html.escape(e.value)}</td><td>{html.escape(e.rule)}</td>"
            f"<td><small>{html.escape(e.source)}"
            f"{'; ' + html.escape(e.error) if e.error else ''}</small></td></tr>"
            for e in d.evidence
        )
        table = (
            (
                f"<table><tr><th>measure</th><th>value</th><th>rule</th><th>source; error</th>"
                f"</tr>{rows}</table>"
            )
            if rows
            else ""
        )
        missing = (
            f"<p class='sub'>Not measured: {html.escape(', '.join(d.not_measured))}</p>"
            if d.not_measured
            else ""
        )
        parts.append(
            f'<h3>{html.escape(d.label.capitalize())}: <span class="{WEIGHT_CLASS[d.weight]}">'
            f"{html.escape(d.weight)}</span></h3>{table}{missing}"
        )
    steps = [s for s in report.next_steps if not (with_program and s == BUILD_PROGRAM_STEP)]
    if steps:
        parts.append(f"<p>Next steps:</p><ul>{_li(steps)}</ul>")
    return "".join(parts)


def _picture_html(exercise_id: str, band: str | None) -> str:
    """The drill's start/end picture as an inline figure ('' for a drill without one)."""
    try:
        png, caption = exercise_picture(exercise_id, band=band), exercise_caption(exercise_id)
    except KeyError:
        return ""
    return (
        f'<figure class="drill"><img src="{data_uri(png)}" alt="{html.escape(caption)}">'
        f"<figcaption>{html.escape(caption)}</figcaption></figure>"
    )


def program_html(program: Program, catalogue: Catalogue) -> str:
    """The drills with a picture (start and end positions) and how to do them, the dates,
    the re-assessment and the stop rules."""
    known = set(catalogue.ids)
    cards = []
    for d in program.drills:
        ex = catalogue.get(d.id) if d.id in known else None
        how = (
            f"<p>{html.escape(ex.purpose)}</p><ol>{_li(ex.steps)}</ol>"
            f"<p><strong>Cues:</strong> {html.escape(' '.join(ex.cues))}</p>"
            f"<p><strong>Avoid:</strong> {html.escape(' '.join(ex.mistakes))}</p>"
            if ex
            else ""
        )
        cards.append(
            f"<div class='card'><h3>{html.escape(d.name)} <small>(log it as "
            f"<code>{html.escape(d.id)}</code>)</small></h3>"
            f"<p><strong>Start at</strong> {html.escape(d.start)}; "
            f"<strong>range</strong> {html.escape(d.dose)}; about {d.minutes:g} min</p>"
            f"{_picture_html(d.id, d.band)}{how}</div>"
        )
    reassess = ", ".join(r.strftime("%a %d %b %Y") for r in program.reassess)
    return (
        f"<h2>Corrective program</h2><p>{program.start:%d %b %Y} to {program.end:%d %b %Y}: "
        f"{program.weeks} weeks, {program.sessions_per_week} sessions a week, about "
        f"{program.estimated_minutes:g} min per session. It may help; it is not treatment.</p>"
        f"<p><strong>Re-assess</strong> with the same camera set-up: {html.escape(reassess)}</p>"
        + "".join(cards)
        + f"<p><strong>Stop rules</strong></p><ul>{_li(program.stop_rules)}</ul>"
        + (f"<p>Changes to fit you:</p><ul>{_li(program.changes)}</ul>" if program.changes else "")
    )


def plan_text(
    assessment: Assessment | None, program: Program | None
) -> list[tuple[str, list[str]]]:
    """(heading, lines) for the PDF: the screen, the drivers and the program, in plain text."""
    out: list[tuple[str, list[str]]] = []
    if assessment is not None:
        rf = assessment.red_flags
        if rf.status != "clear" or assessment.drivers is None:
            return [
                (
                    "Safety screen",
                    [
                        rf.message,
                        *(f"{f.reason}: {f.advice}" for f in rf.flags),
                        "No exercise program is given.",
                    ],
                )
            ]
        out.append(("Safety screen", [rf.message]))
        lines = [
            d.summary + (f" (weight: {d.weight})" if d.evidence else "")
            for d in assessment.drivers.drivers
        ]
        out.append(("What may contribute (observations, not a diagnosis)", lines))
    if program is not None:
        reassess = ", ".join(f"{r:%d %b %Y}" for r in program.reassess)
        lines = [
            f"{program.start:%d %b %Y} to {program.end:%d %b %Y}: {program.weeks} weeks, "
            f"{program.sessions_per_week} sessions a week; re-assess {reassess}."
        ]
        lines += [
            f"{d.name} (log it as {d.id}): start at {d.start} (range {d.dose})"
            for d in program.drills
        ]
        lines += program.stop_rules
        out.append(("Corrective program (it may help; it is not treatment)", lines))
    return out


@dataclass(frozen=True)
class DrillSheet:
    """One drill of the program for the PDF: its picture and how to do it."""

    name: str
    id: str  # what `valgus log` takes
    dose: str
    picture: bytes | None
    caption: str
    steps: list[str]
    cues: list[str]
    avoid: list[str]


def drill_sheets(program: Program | None, catalogue: Catalogue) -> list[DrillSheet]:
    """The program's drills with their pictures and steps (none without a program)."""
    out = []
    for d in program.drills if program is not None else []:
        ex = catalogue.get(d.id) if d.id in set(catalogue.ids) else None
        try:
            png, caption = exercise_picture(d.id, band=d.band), exercise_caption(d.id)
        except KeyError:
            png, caption = None, ""
        out.append(
            DrillSheet(
                name=d.name,
                id=d.id,
                dose=f"Start at {d.start} (range {d.dose}); about {d.minutes:g} min",
                picture=png,
                caption=caption,
                steps=list(ex.steps) if ex else [],
                cues=list(ex.cues) if ex else [],
                avoid=list(ex.mistakes) if ex else [],
            )
        )
    return out
