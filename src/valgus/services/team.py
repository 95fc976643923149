"""The team sheet of a screening: one row per person, movement and leg, who needs attention
first, and the recordings to film again with the reason (team.csv, team.html, the web
app's Team page)."""

from __future__ import annotations

import csv
import html
import io
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from valgus import __version__, present
from valgus.io import atomic
from valgus.io.results import writing
from valgus.results import AnalysisResult
from valgus.services.accounts import Scope

if TYPE_CHECKING:
    from valgus.storage import Database

# Attention, first to last (DERIVED: what a coach acts on first).
FILM_AGAIN, WELL_ABOVE, ABOVE, NOT_JUDGED, TYPICAL = range(5)
ATTENTION_WORDS = {
    FILM_AGAIN: "film again",
    WELL_ABOVE: "well above typical",
    ABOVE: "above typical",
    NOT_JUDGED: "leg not judged",
    TYPICAL: "typical",
}
_RANK = {"marked": WELL_ABOVE, "mild": ABOVE, "none": TYPICAL, None: NOT_JUDGED}


@dataclass(frozen=True)
class Row:
    person: str
    movement: str
    file: str
    leg: str  # "left" | "right" | "" (a refused recording)
    result: str  # typical / above typical / well above typical / not judged / refused
    knee_inside_toe_line: str
    fppa: str
    pattern: str
    asymmetry: str
    reason: str  # why a leg was not judged, or why the recording was refused
    attention: int
    report: str  # the report's path, relative to the sheet

    @property
    def attention_word(self) -> str:
        return ATTENTION_WORDS[self.attention]


@dataclass(frozen=True)
class Entry:
    """One screened recording: its result, or why there is none."""

    person: str
    movement: str
    file: str
    result: dict[str, Any] | None
    error: str | None = None
    report: str = ""


def _asymmetry(r: AnalysisResult) -> str:
    a = r.summary.asymmetry
    if a.more_valgus_side is None:
        return "-"
    return f"more inward on the {a.more_valgus_side} ({'beyond' if a.beyond_error else 'within'} error)"


def rows_of(entry: Entry, /) -> list[Row]:
    """The entry's rows: one per leg, or one saying why the recording was refused."""
    if entry.result is None:
        return [
            Row(
                entry.person,
                entry.movement,
                entry.file,
                "",
                "refused",
                "-",
                "-",
                "-",
                "-",
                entry.error or "no result",
                FILM_AGAIN,
                entry.report,
            )
        ]
    r = AnalysisResult.model_validate(entry.result)
    out = []
    for side, leg in (("left", r.summary.left), ("right", r.summary.right)):
        reason = leg.description if leg.valgus is None else ""
        out.append(
            Row(
                entry.person,
                entry.movement,
                entry.file,
                side,
                present.verdict(leg),
                present.knee(leg),
                present.fppa(leg),
                present.pattern(leg),
                _asymmetry(r),
                reason,
                _RANK[leg.valgus],
                entry.report,
            )
        )
    return out


def from_history(
    db: Database, /, *, link: Callable[[str, int], str], scope: Scope | None = None
) -> list[Entry]:
    """Everyone's latest stored analysis of each movement, as team-sheet entries (the web
    app's Team page); link(person, person_id) gives each row's link; scope: only the people
    it allows (clinic mode)."""
    from valgus.storage import store

    entries = []
    for person, person_id in store.person_ids(db).items():
        if scope is not None and not scope.allows(person_id, "read"):
            continue
        for result in store.latest_results(db, person):
            entries.append(
                Entry(
                    person,
                    str(result.get("movement", "")),
                    str(result.get("source", {}).get("path", "")),
                    result,
                    report=link(person, person_id),
                )
            )
    return entries


def sheet(entries: list[Entry], /) -> list[Row]:
    """Every row, who needs attention first (then by person and leg)."""
    rows = [row for e in entries for row in rows_of(e)]
    person_rank: dict[str, int] = {}
    for row in rows:
        person_rank[row.person] = min(person_rank.get(row.person, TYPICAL), row.attention)
    return sorted(rows, key=lambda r: (person_rank[r.person], r.person.lower(), r.movement, r.leg))


COLUMNS = (
    "person",
    "movement",
    "file",
    "leg",
    "result",
    "knee_inside_toe_line",
    "fppa",
    "pattern",
    "asymmetry",
    "reason",
    "attention",
    "report",
)


def csv_text(rows: list[Row], /) -> str:
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(COLUMNS)
    for r in rows:
        w.writerow([r.attention_word if c == "attention" else getattr(r, c) for c in COLUMNS])
    return buf.getvalue()


CSS = """body{font-family:system-ui,sans-serif;margin:0;color:#1d2733;background:#f6f7f9}
main{max-width:1100px;margin:0 auto;padding:20px}table{border-collapse:collapse;width:100%;background:#fff}
th,td{padding:6px 8px;border-bottom:1px solid #e3e6ea;text-align:left;font-size:.92rem;vertical-align:top}
th{background:#eef1f4}.a0{color:#c62828;font-weight:700}.a1{color:#c62828}.a2{color:#b26a00}.sub{color:#5b6776}"""


def html_page(rows: list[Row], /, *, title: str = "Team screening") -> str:
    """A self-contained page: who needs attention first, recordings to film again."""
    again = [r for r in rows if r.attention == FILM_AGAIN]
    body = "".join(
        f"<tr><td>{html.escape(r.person)}</td><td>{html.escape(r.movement)}</td>"
        f"<td>{html.escape(r.leg or '-')}</td><td class='a{r.attention}'>{html.escape(r.result)}</td>"
        f"<td>{html.escape(r.knee_inside_toe_line)}</td><td>{html.escape(r.fppa)}</td>"
        f"<td>{html.escape(r.pattern)}</td><td>{html.escape(r.asymmetry)}</td>"
        f"<td>{html.escape(r.reason)}</td>"
        f"<td>{f'<a href={chr(34)}{html.escape(r.report)}{chr(34)}>report</a>' if r.report else '-'}</td></tr>"
        for r in rows
        if r.attention != FILM_AGAIN
    )
    refilm = "".join(
        f"<li><strong>{html.escape(r.person)}</strong> ({html.escape(r.movement)}, "
        f"{html.escape(Path(r.file).name)}): {html.escape(r.reason)}</li>"
        for r in again
    )
    people = len({r.person for r in rows})
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>{html.escape(title)}</title>
<style>{CSS}</style></head><body><main>
<h1>{html.escape(title)}</h1>
<p class="sub">{people} {"person" if people == 1 else "people"}, {len(rows)} rows; who needs attention first. It describes what the
camera saw; it is not a medical assessment and it does not predict injury.</p>
{f"<h2>Film again</h2><ul>{refilm}</ul>" if refilm else ""}
<h2>Results</h2>
<table><tr><th>person</th><th>movement</th><th>leg</th><th>result</th><th>knee inside the foot's line</th>
<th>FPPA</th><th>knee moved in</th><th>left-right</th><th>note</th><th></th></tr>{body}</table>
<p class="sub">valgus {__version__}</p></main></body></html>
"""


def write(rows: list[Row], folder: Path, /) -> tuple[Path, Path]:
    """team.csv and team.html in folder (each whole or not at all)."""
    with writing(folder):
        folder.mkdir(parents=True, exist_ok=True)
        return (
            atomic.write_text(folder / "team.csv", csv_text(rows)),
            atomic.write_text(folder / "team.html", html_page(rows)),
        )
