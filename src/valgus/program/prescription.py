"""Prescription: from an assessment to a dated program. Pure (no I/O).

The program follows the drivers (docs/evidence.md §8): ankle work
when the ankle or foot is implicated, hip work when the hip is, and hip work always paired
with ankle work (combined programmes had the most consistent kinematic change, Bell
2013; CCEP 2022); integration drills with feedback always (Willy & Davis 2011).
Dose: 2-3 sessions a week for 6-8 weeks, 2-3 sets of 10-15, mobility every session (
ACSM 2009 "minimum program length 6 weeks"); re-assess every 2-4 weeks (Dolak 2011; Bell 2013).
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from valgus.assessment.drivers import Assessment, DriverId
from valgus.assessment.safety import check_program_allowed
from valgus.assessment.selftests import Preferences
from valgus.errors import InputError
from valgus.program.catalogue import Catalogue, Exercise
from valgus.program.progression import starting_dose

# docs/evidence.md §8: 2-3 sessions a week ("novice 2-3 days/wk", ACSM 2009; trials
# 2-3/wk), 6-8 weeks (ACSM minimum 6 wk; Willy 6 wk, Khayambashi 8 wk, CCEP 8 wk).
SESSIONS_PER_WEEK = (2, 3)
WEEKS = (6, 8)
REASSESS_EVERY_WEEKS = (2, 4)  # docs/evidence.md §8
# Days of the week (from the start date) for each session: a rest day in between (DERIVED).
SESSION_DAYS = {2: (0, 3), 3: (0, 2, 4)}

# Drills per driver, most important first; True = kept even when time is short.
PATHWAYS: dict[DriverId, tuple[tuple[str, bool], ...]] = {
    "ankle_dorsiflexion": (  # docs/evidence.md §8
        ("ankle_df_knee_to_wall", True),
        ("ankle_df_strap", False),
        ("banded_eversion", False),
        ("banded_inversion_kulig", False),
    ),
    "foot_pronation": (  # docs/evidence.md §8 and the seed's ankle drills
        ("short_foot", True),
        ("banded_inversion_kulig", False),
        ("banded_eversion", False),
        ("peroneal_stretch", False),
        ("peroneal_release", False),
    ),
    "hip": (("side_lying_hip_abduction", True), ("banded_clamshell", True)),  # docs/evidence.md §8
    "motor_control": (("single_leg_squat_feedback", True), ("mini_band_squat", False)),
}
KIND_ORDER = {"soft_tissue": 0, "mobility": 1, "strength": 2, "motor_control": 3}
WEIGHT_ORDER = {"likely": 0, "possible": 1, "none": 2}

STOP_RULES = (
    "Pain 0-3/10 during or after a drill: fine. 4-5/10: caution, keep the same dose and "
    "reduce it if the pain has not settled by the next day (traffic-light rule, fusionphysiochilliwack.com).",
    "Pain 6/10 or more during or after a drill, or pain lasting to the next day: stop "
    "progressing and see a clinician (traffic-light pain rule).",
    "Locking, giving way, new swelling, night or rest pain: stop and see a clinician "
    "(NHS Gloucestershire knee red flags; 247econsult).",
    "Progress a band drill to the next colour (yellow -> red -> green -> blue -> black) only "
    "when 3 x 15 is easy with good form (ACSM 2009; Thera-Band colour order).",
)
STATEMENT = (
    "This is not a medical assessment or a treatment plan. These drills may help the knee "
    "track over the foot; they do not diagnose or treat anything and no result predicts injury."
)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PlannedDrill(_Model):
    id: str
    name: str
    region: str
    kind: str
    dose: str = Field(description="the dosage range, e.g. '2-3 x 10-15 reps per side'")
    start: str = Field(description="the first session's dose")
    band: str | None = Field(default=None, description="the band colour to start with, if any")
    minutes: float
    serves: list[str]
    notes: str | None = None


class Session(_Model):
    index: int
    week: int
    date: dt.date
    drills: list[str]


class Program(_Model):
    schema_version: int = 1
    kind: Literal["valgus-program"] = "valgus-program"
    general: bool = Field(description="true when no driver was implicated")
    drivers_followed: list[str]
    start: dt.date
    end: dt.date
    weeks: int
    sessions_per_week: int
    minutes_per_session: int
    estimated_minutes: float
    drills: list[PlannedDrill]
    sessions: list[Session]
    reassess: list[dt.date]
    changes: list[str] = Field(description="drills substituted or left out, and why")
    stop_rules: list[str]
    notes: list[str]
    statement: str = STATEMENT


def _check_range(name: str, value: int, bounds: tuple[int, int], source: str) -> None:
    if not bounds[0] <= value <= bounds[1]:
        raise InputError(f"{name} must be {bounds[0]}-{bounds[1]} ({source}); got {value}")


def followed_drivers(assessment: Assessment, /) -> list[DriverId]:
    """Drivers with any weight, strongest first; [] when none is implicated."""
    if assessment.drivers is None:
        return []
    ds = [d for d in assessment.drivers.drivers if d.weight != "none"]
    ds.sort(key=lambda d: WEIGHT_ORDER[d.weight])
    return [d.id for d in ds]


def candidate_drills(drivers: list[DriverId], /) -> list[tuple[str, bool]]:
    """Drill ids (required flag) in priority order for these drivers: their pathways; hip work
    paired with any ankle or foot work (docs/evidence.md §8), optional otherwise; integration always."""
    pathways: list[tuple[DriverId, bool]] = [(d, True) for d in drivers if d != "motor_control"]
    if "hip" not in drivers:
        pathways.append(("hip", bool(pathways)))
    pathways.append(("motor_control", True))
    out: dict[str, bool] = {}
    for driver, keep in pathways:
        for ex_id, required in PATHWAYS[driver]:
            out[ex_id] = out.get(ex_id, False) or (required and keep)
    return sorted(out.items(), key=lambda kv: not kv[1])  # required first, order kept


def _available(prefs: Preferences) -> set[str]:
    eq = prefs.equipment
    have = {"band"} if eq.bands else set()
    for name in ("roller_or_ball", "step_or_board", "mirror_or_phone"):
        if getattr(eq, name):
            have.add(name)
    return have


def _missing(ex: Exercise, have: set[str]) -> list[str]:
    return [e.replace("_", " ") for e in ex.equipment if e not in have]


def fit_equipment(
    candidates: list[tuple[str, bool]], catalogue: Catalogue, prefs: Preferences
) -> tuple[list[tuple[Exercise, bool]], list[str]]:
    """Keep drills whose equipment the person has; substitute or drop the others (and say so)."""
    have = _available(prefs)
    kept: list[tuple[Exercise, bool]] = []
    changes: list[str] = []
    chosen: set[str] = set()
    for ex_id, required in candidates:
        ex = catalogue.get(ex_id)
        missing = _missing(ex, have)
        if missing:
            sub_id = ex.regression.substitute
            sub = catalogue.get(sub_id) if sub_id else None
            if sub is not None and not _missing(sub, have) and sub.id not in chosen:
                changes.append(f"{ex.name} needs a {', '.join(missing)}: replaced by {sub.name}.")
                ex = sub
            else:
                changes.append(f"{ex.name} needs a {', '.join(missing)}: left out.")
                continue
        if ex.id not in chosen:
            chosen.add(ex.id)
            kept.append((ex, required))
    return kept, changes


def fit_minutes(
    drills: list[tuple[Exercise, bool]], minutes: int
) -> tuple[list[Exercise], list[str]]:
    """Leave out optional drills from the lowest priority up until the session fits."""
    kept = list(drills)
    changes: list[str] = []
    while sum(e.minutes for e, _ in kept) > minutes:
        optional = [i for i, (_, req) in enumerate(kept) if not req]
        if not optional:
            total = sum(e.minutes for e, _ in kept)
            changes.append(
                f"The essential drills take about {total:.0f} min, more than the {minutes} min "
                "you have: allow that long, or do fewer sets on busy days."
            )
            break
        ex, _ = kept.pop(optional[-1])
        changes.append(f"{ex.name}: left out to fit {minutes} min per session.")
    return [e for e, _ in kept], changes


def session_dates(
    start: dt.date, /, *, weeks: int, sessions_per_week: int
) -> list[tuple[int, dt.date]]:
    """(week number from 1, date) of every session."""
    return [
        (w + 1, start + dt.timedelta(days=7 * w + day))
        for w in range(weeks)
        for day in SESSION_DAYS[sessions_per_week]
    ]


def reassessment_dates(start: dt.date, /, *, weeks: int, every_weeks: int) -> list[dt.date]:
    """Every `every_weeks` weeks from the start, and at the end of the program (docs/evidence.md §8)."""
    marks = [*range(every_weeks, weeks, every_weeks), weeks]
    return [start + dt.timedelta(weeks=w) for w in marks]


def _dose_text(ex: Exercise) -> str:
    d = ex.dosage
    side = " per side" if d.per_side else ""
    every = ", every session" if ex.every_session else ""
    return f"{d.sets[0]}-{d.sets[1]} x {d.reps[0]}-{d.reps[1]} {d.unit}{side}{every}"


def _planned(ex: Exercise, prefs: Preferences) -> PlannedDrill:
    start = starting_dose(ex, owned_bands=prefs.equipment.bands)
    return PlannedDrill(
        id=ex.id,
        name=ex.name,
        region=ex.region,
        kind=ex.kind,
        dose=_dose_text(ex),
        start=f"{start.sets} x {start.reps} {ex.dosage.unit}"
        + (f", {start.band} band" if start.band else ""),
        band=start.band,
        minutes=ex.minutes,
        serves=list(ex.drivers),
        notes=ex.notes,
    )


def prescribe(
    assessment: Assessment,
    catalogue: Catalogue,
    /,
    *,
    start: dt.date,
    weeks: int = 6,
    sessions_per_week: int = 3,
    reassess_every_weeks: int = 3,
    preferences: Preferences | None = None,
    general: bool = False,
) -> Program:
    """Build the program. Raises RedFlagError (red flag), AnswersError (screen incomplete),
    InputError (no valgus seen and no general program asked for, or out-of-range settings)."""
    check_program_allowed(assessment)
    _check_range("weeks", weeks, WEEKS, "ACSM 2009 minimum 6 weeks; trials ran 6-8 weeks")
    _check_range("sessions per week", sessions_per_week, SESSIONS_PER_WEEK, "ACSM 2009: 2-3 a week")
    _check_range(
        "re-assess every (weeks)",
        reassess_every_weeks,
        REASSESS_EVERY_WEEKS,
        "Dolak 2011; Bell 2013",
    )
    prefs = preferences or assessment.answers.preferences
    report = assessment.drivers
    assert report is not None  # check_program_allowed
    if report.valgus_status == "absent" and not general:
        raise InputError(
            "no valgus was seen, so no corrective program is needed; ask for the optional "
            "general program (--general) if you want one"
        )
    drivers = followed_drivers(assessment)
    is_general = not drivers or report.valgus_status == "absent"
    kept, changes = fit_equipment(candidate_drills(drivers), catalogue, prefs)
    chosen, time_changes = fit_minutes(kept, prefs.minutes_per_session)
    chosen.sort(key=lambda e: KIND_ORDER[e.kind])
    dates = session_dates(start, weeks=weeks, sessions_per_week=sessions_per_week)
    ids = [e.id for e in chosen]
    notes = [n for n in (e.notes for e in chosen) if n]
    if is_general:
        notes.insert(0, "No driver was implicated: this is a general hip and movement program.")
    if assessment.answers.self_tests.sport:
        notes.append(
            "For sport: a complete neuromuscular warm-up (FIFA 11+ or PEP, about 15-20 min, "
            "2-3 times a week) may help, whatever the result (Thorborg 2017; Petushek 2019)."
        )
    notes.append(
        "Re-assess with the same camera set-up. If the knee shows no measurable change after "
        "6-8 weeks (a change smaller than the smallest detectable change of the measure the "
        "verdict rests on; the history says it per leg), consider a professional "
        "assessment (Dolak 2011; Bell 2013)."
    )
    return Program(
        general=is_general,
        drivers_followed=list(drivers),
        start=start,
        end=dates[-1][1],
        weeks=weeks,
        sessions_per_week=sessions_per_week,
        minutes_per_session=prefs.minutes_per_session,
        estimated_minutes=sum(e.minutes for e in chosen),
        drills=[_planned(e, prefs) for e in chosen],
        sessions=[
            Session(index=i + 1, week=w, date=d, drills=ids) for i, (w, d) in enumerate(dates)
        ],
        reassess=reassessment_dates(start, weeks=weeks, every_weeks=reassess_every_weeks),
        changes=changes + time_changes,
        stop_rules=list(STOP_RULES),
        notes=notes,
    )
