"""The history's records as the rest of the program reads and writes them (pydantic models):
a person, a workout entry, and what `store.history` returns. No SQL here (store.py)."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from valgus.assessment import change
from valgus.assessment.selftests import AgeBand, Sex
from valgus.program.progression import Symptom


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class PersonInfo(_Model):
    name: str = Field(min_length=1, max_length=200)
    sex: Sex | None = None
    age_band: AgeBand | None = None
    height_cm: float | None = Field(default=None, gt=50, lt=260)
    notes: str | None = None
    created_at: dt.datetime | None = None


class WorkoutEntry(_Model):
    date: dt.date
    exercise_id: str
    sets: int = Field(ge=1, le=10)
    reps: int = Field(ge=1, le=100)
    band: str | None = None
    pain_0_10: int = Field(ge=0, le=10)
    pain_next_day: bool = False
    form_ok: bool = True
    symptoms: list[Symptom] = Field(
        default=[], description="stop symptoms after the session (any one stops the program)"
    )


class WorkoutOut(WorkoutEntry):
    next_action: str
    next_dose: str | None
    reason: str


class AnalysisOut(_Model):
    id: int
    recorded_at: dt.datetime
    movement: str
    source_path: str
    has_poses: bool
    left: str | None = Field(description="verdict of the left leg (none/mild/marked/null)")
    right: str | None


class AssessmentOut(_Model):
    date: dt.date
    red_flags: str
    drivers: list[str]


class AdherenceOut(_Model):
    planned: int
    done: int
    fraction: float | None


class ProgramOut(_Model):
    start: dt.date
    end: dt.date
    drills: list[str]
    adherence: AdherenceOut
    reassess: list[dt.date] = Field(default_factory=list, description="re-assessment dates")


class PointOut(_Model):
    when: dt.datetime
    verdict: str | None
    band: str
    fppa_deg: float | None
    fppa_sd_deg: float | None
    fppa_sdc_deg: float | None
    fppa_used: bool
    mkd: float | None
    mkd_sd: float | None
    mkd_sdc: float | None
    n_reps: int
    knee_measure: str = Field(
        default="mkd",
        description="what mkd holds: 'knee_over_foot' (the knee over the foot's line) when "
        "every session of the leg has it, else 'mkd' (the line over the toes)",
    )


class LegProgressOut(_Model):
    side: str
    verdict: str
    sustained: bool
    statement: str
    sessions: list[PointOut]
    changes: list[change.MeasureChange]


class DoseOut(_Model):
    """Where an exercise stands: the decision after its latest logged workout."""

    exercise_id: str
    last_logged: dt.date
    next_action: str
    next_dose: str | None
    reason: str


class NoteOut(_Model):
    created_at: dt.datetime
    text: str


class MovementProgressOut(_Model):
    """Progress per leg for one of the other movement tests (the squat's is `progress`)."""

    movement: str
    legs: list[LegProgressOut]


class SafetyOut(_Model):
    """Whether the person may get a program or a next dose now (assessment/safety.py)."""

    allowed: bool
    code: str
    reason: str


class History(_Model):
    kind: Literal["valgus-history"] = "valgus-history"
    person: PersonInfo
    analyses: list[AnalysisOut]
    assessments: list[AssessmentOut]
    programs: list[ProgramOut]
    workouts: list[WorkoutOut]
    doses: list[DoseOut] = Field(description="per exercise, the next dose from its logs")
    notes: list[NoteOut]
    progress: list[LegProgressOut] = Field(description="the flat squat's, per leg")
    safety: SafetyOut | None = Field(
        default=None,
        description="the safety gate now: a program or a next dose allowed, or why not",
    )
    other_progress: list[MovementProgressOut] = Field(
        default_factory=list,
        description="heel-raised squat, single-leg squat, drop jump: per leg, when stored",
    )
    statement: str = (
        "Not a medical assessment. 'less valgus' and 'more valgus' mean a change of at least "
        "the smallest detectable change; smaller changes are 'no measurable change'."
    )


RecordKind = Literal["analysis", "assessment", "program", "workout", "note", "clearance"]


class RecordOut(_Model):
    """One stored record of a person, as `valgus history NAME --list` shows it."""

    kind: RecordKind
    id: int
    date: dt.date
    what: str
