"""The program as an iCalendar file: one all-day event per session, plus re-assessments."""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Event

from valgus.program.prescription import Program

PRODID = "-//valgus//corrective program//EN"


def _description(program: Program, drill_ids: list[str]) -> str:
    by_id = {d.id: d for d in program.drills}
    lines = [
        f"- {by_id[i].name} [log it as {i}]: start {by_id[i].start} (range {by_id[i].dose})"
        for i in drill_ids
    ]
    lines.append("")
    lines += program.stop_rules
    lines.append(program.statement)
    return "\n".join(lines)


def program_to_ics(program: Program, /, *, stamp: dt.datetime) -> bytes:
    """iCalendar bytes for the program. `stamp` (UTC) is the DTSTAMP of every event."""
    cal = Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "valgus corrective program")
    total = len(program.sessions)
    for s in program.sessions:
        ev = Event()
        ev.add("uid", f"valgus-{program.start.isoformat()}-session-{s.index}@valgus.invalid")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", s.date)
        ev.add("dtend", s.date + dt.timedelta(days=1))
        ev.add("summary", f"Knee valgus drills: session {s.index}/{total} (week {s.week})")
        ev.add("description", _description(program, s.drills))
        cal.add_component(ev)
    for i, day in enumerate(program.reassess, start=1):
        ev = Event()
        ev.add("uid", f"valgus-{program.start.isoformat()}-reassess-{i}@valgus.invalid")
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        ev.add("dtend", day + dt.timedelta(days=1))
        ev.add("summary", "Knee valgus: re-assess (film the squat, same camera set-up)")
        ev.add(
            "description",
            "Film the same squat from the front with the same camera set-up and run "
            "`valgus analyze`, then `valgus assess` (Dolak 2011; Bell 2013).",
        )
        cal.add_component(ev)
    data: bytes = cal.to_ical()
    return data
