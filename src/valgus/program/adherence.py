"""Adherence: the sessions a program planned against the days workouts were logged. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Adherence:
    planned: int  # sessions planned up to the day considered
    done: int  # of those, sessions with a logged workout
    fraction: float | None


def adherence(
    planned: Iterable[dt.date], logged: Iterable[dt.date], /, *, until: dt.date
) -> Adherence:
    """Sessions logged vs sessions planned up to `until` (inclusive). A planned session
    counts as done when a workout was logged on its day or before the next planned one."""
    due = sorted(d for d in planned if d <= until)
    days = sorted(set(logged))
    done = 0
    for i, day in enumerate(due):
        end = due[i + 1] if i + 1 < len(due) else until + dt.timedelta(days=1)
        if any(day <= d < end for d in days):
            done += 1
    return Adherence(len(due), done, round(done / len(due), 3) if due else None)
