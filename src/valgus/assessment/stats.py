"""Statistics over reps shared by every movement: the mean and spread a verdict rests on,
its 95% interval and the smallest detectable change (docs/method.md "Uncertainty")."""

from __future__ import annotations

import math

import numpy as np

from valgus.results import Stat


def num(x: float | None) -> float | None:
    """A finite number rounded for the JSON, else None."""
    return round(float(x), 3) if x is not None and math.isfinite(x) else None


def stat(values: list[float | None]) -> Stat:
    """Mean, sample standard deviation (None with fewer than 2) and count of the numbers
    given (None entries skipped)."""
    v = np.array([x for x in values if x is not None], dtype=np.float64)
    if v.size == 0:
        return Stat(mean=None, sd=None, n=0)
    sd = float(np.std(v, ddof=1)) if v.size > 1 else None
    return Stat(mean=num(float(np.mean(v))), sd=num(sd) if sd is not None else None, n=int(v.size))


def sdc(s: Stat) -> float | None:
    """Smallest detectable change of the mean: 1.96 * sqrt(2) * SEM, SEM = sd / sqrt(n)."""
    if s.sd is None or s.n < 2:
        return None
    return num(1.96 * math.sqrt(2) * s.sd / math.sqrt(s.n))


def half_ci(s: Stat) -> float:
    """Half-width of the 95% interval of a mean over reps (NaN with fewer than 2)."""
    return 1.96 * s.sd / math.sqrt(s.n) if s.sd is not None and s.n >= 2 else float("nan")
