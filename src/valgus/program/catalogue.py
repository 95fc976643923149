"""The exercise catalogue: a TOML data file in this package, validated on load.

Validation: unknown fields are rejected, every required field must be present, ids are
unique, and every progression / regression / substitute id names another entry.
"""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from valgus.assessment.drivers import DriverId
from valgus.errors import CatalogueError
from valgus.validation import first_problem

CATALOGUE_FILE = "catalogue.toml"

EquipmentItem = Literal["band", "roller_or_ball", "step_or_board", "mirror_or_phone"]
Region = Literal["ankle", "foot", "hip", "integration"]
Kind = Literal["mobility", "soft_tissue", "strength", "motor_control"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dosage(_Model):
    """Sets and reps as [min, max] ranges (docs/evidence.md §8: 2-3 x 10-15)."""

    sets: tuple[int, int]
    reps: tuple[int, int]
    unit: Literal["reps", "passes"]
    per_side: bool
    band_progression: bool = Field(
        description="progress by band colour (ACSM 2009; Thera-Band order)"
    )

    @model_validator(mode="after")
    def _ranges(self) -> Dosage:
        for name, (lo, hi) in (("sets", self.sets), ("reps", self.reps)):
            if not 0 < lo <= hi:
                raise ValueError(f"{name} range must be 0 < min <= max, got [{lo}, {hi}]")
        return self


class Step(_Model):
    """A progression or regression: another entry's id, or text, or both."""

    id: str | None = None
    text: str
    substitute: str | None = Field(
        None, description="entry used instead when this one's equipment is missing"
    )


class Exercise(_Model):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    name: str
    region: Region
    kind: Kind
    drivers: list[DriverId] = Field(min_length=1)
    purpose: str
    target_muscles: list[str] = Field(min_length=1)
    equipment: list[EquipmentItem]
    every_session: bool
    minutes: float = Field(gt=0, le=30)
    steps: list[str] = Field(min_length=1)
    cues: list[str] = Field(min_length=1)
    mistakes: list[str] = Field(min_length=1)
    evidence: list[str] = Field(min_length=1)
    notes: str | None = None
    dosage: Dosage
    progression: Step
    regression: Step


class Catalogue(_Model):
    exercise: list[Exercise] = Field(min_length=1)

    @model_validator(mode="after")
    def _ids(self) -> Catalogue:
        ids = [e.id for e in self.exercise]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate exercise ids: {', '.join(dupes)}")
        known = set(ids)
        for e in self.exercise:
            for step_name, step in (("progression", e.progression), ("regression", e.regression)):
                for ref in (step.id, step.substitute):
                    if ref is not None and ref not in known:
                        raise ValueError(f"{e.id}: {step_name} refers to unknown id {ref!r}")
        return self

    def get(self, exercise_id: str) -> Exercise:
        for e in self.exercise:
            if e.id == exercise_id:
                return e
        raise KeyError(exercise_id)

    @property
    def ids(self) -> list[str]:
        return [e.id for e in self.exercise]


def parse_catalogue(text: str, /, *, name: str = CATALOGUE_FILE) -> Catalogue:
    """Parse and validate catalogue TOML text. Raises CatalogueError naming the problem."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        raise CatalogueError(f"{name} is not valid TOML: {err}") from err
    try:
        return Catalogue.model_validate(data)
    except ValidationError as err:
        raise CatalogueError(
            f"{name} does not validate ({err.error_count()} problem(s)); first: "
            f"{first_problem(err)}"
        ) from err


@cache
def load_catalogue() -> Catalogue:
    """The packaged catalogue (read once)."""
    text = resources.files("valgus.program").joinpath(CATALOGUE_FILE).read_text("utf-8")
    return parse_catalogue(text)
