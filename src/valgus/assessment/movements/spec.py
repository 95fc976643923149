"""The one interface every movement test implements (see movements/__init__.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from valgus.assessment.analysis import Analysis, Context
from valgus.results import AnalysisResult, LegSummary, Stat

# How the driver triage and `valgus compare` read a movement (docs/evidence.md §6):
# the flat bilateral squat is the reference; a heel-raised squat is compared with it
# (ankle pathway); a single-leg squat against it (hip pathway); a landing stands alone.
Role = Literal["bilateral", "heel_raised", "single_leg", "landing"]


@dataclass(frozen=True)
class ExtraMeasure:
    """A per-leg measure a movement reports beside FPPA and MKD (a row in every table)."""

    label: str  # e.g. "pelvic drop (lifted side), deg"
    value: Callable[[LegSummary], Stat | None]


def _no_lines(_: AnalysisResult) -> list[str]:
    return []


@dataclass(frozen=True)
class MovementSpec:
    """A movement test: its name, what it accepts, how it is analyzed and shown.

    analyze: from a prepared context (person found, not side-on, legs framed) to the
    analysis; raises a ValgusError when the recording cannot support a result.
    """

    name: str  # the name on the command line and in the JSON ("single-leg-squat")
    label: str  # in sentences ("single-leg squat")
    order: int  # place in lists and help texts
    role: Role
    options: frozenset[str]  # the Options fields that apply ("side", "sex")
    filming: str  # how to film it, in a person's words
    summary_title: str  # heading over the per-leg results
    analyze: Callable[[Context], Analysis]
    trials: str = "rep(s)"  # what one repetition is called in counts
    ratios_at: str | None = "bottom"  # where KASR/NKSD are read; None: not reported
    extra_measures: tuple[ExtraMeasure, ...] = ()
    events: Callable[[AnalysisResult], list[str]] = field(default=_no_lines)
