"""How results read to a person: one vocabulary and one number format for the terminal,
the HTML and PDF reports, the history and the web app. Pure text; no rule lives here.

- Verdicts read "typical", "above typical", "well above typical" or "not judged" (the JSON
  codes none / mild / marked stay in the JSON).
- The knee measure (the knee over the foot's line; MKD, the line over the toes, in results
  made before it) reads in % of leg length, FPPA in degrees, each with its spread over reps.
- The smallest detectable change is given for the measures the verdict rests on, each in
  its own unit; FPPA not used for the verdict (a squat too deep for it) says so.
"""

from __future__ import annotations

from typing import Literal

from valgus.assessment import change
from valgus.results import LegSummary, Stat

MeasureName = Literal["mkd", "knee_over_foot", "fppa_deg"]

BAND_OF_VERDICT = {
    "none": "typical",
    "mild": "above typical",
    "marked": "well above typical",
    None: "not judged",
}
PATTERN_WORDS = {
    "none": "-",
    "bottom_only": "only near the bottom",
    "throughout": "from mid-descent on",
    None: "-",
}
LABELS: dict[MeasureName, str] = {
    "mkd": "knee inside the toe line",
    "knee_over_foot": "knee inside the foot's line",
    "fppa_deg": "frontal-plane angle (FPPA)",
}
UNITS: dict[MeasureName, str] = {
    "mkd": "% of leg length",
    "knee_over_foot": "% of leg length",
    "fppa_deg": "°",
}
SCALES: dict[MeasureName, float] = {"mkd": 100.0, "knee_over_foot": 100.0, "fppa_deg": 1.0}
SDC_MEANING = (
    "the least change a later session must show to count as a real change: the larger of "
    "the method's own error and this session's rep-to-rep spread"
)
NOT_USED = "not used: squat too deep"


def verdict(leg: LegSummary, /) -> str:
    """'above typical (borderline)', 'typical', 'not judged'..."""
    word = BAND_OF_VERDICT[leg.valgus]
    return word + (" (borderline)" if leg.borderline and leg.valgus is not None else "")


def pattern(leg: LegSummary, /) -> str:
    return PATTERN_WORDS.get(leg.pattern, "-")


def amount(value: float | None, measure: MeasureName, /, *, digits: int = 1) -> str:
    """One value in display units, e.g. '6.2 %' or '12.3°'."""
    if value is None:
        return "-"
    return f"{value * SCALES[measure]:.{digits}f}{_unit(measure)}"


def mean_sd(s: Stat | None, measure: MeasureName, /, *, digits: int = 1) -> str:
    """Mean ± SD over reps in display units, e.g. '6.2 ± 1.0 %'; '-' when not measured."""
    if s is None or s.mean is None:
        return "-"
    k = SCALES[measure]
    sd = f" ± {s.sd * k:.{digits}f}" if s.sd is not None else ""
    return f"{s.mean * k:.{digits}f}{sd}{_unit(measure)}"


def _unit(measure: MeasureName) -> str:
    return "°" if measure == "fppa_deg" else "%"


def knee_measure(*legs: LegSummary) -> MeasureName:
    """The knee measure these legs' verdicts rest on: the knee over the foot's line where
    any of them has it (schema v4), else MKD."""
    return "knee_over_foot" if any(leg.knee_over_foot is not None for leg in legs) else "mkd"


def knee(leg: LegSummary, /, *, digits: int = 1) -> str:
    """The verdict's knee measure over reps, e.g. '6.2 ± 1.0%'."""
    return mean_sd(leg.knee(), knee_measure(leg), digits=digits)


def knee_label(*legs: LegSummary) -> str:
    """'knee inside the foot's line' (or the toe line, for results made before it)."""
    return LABELS[knee_measure(*legs)]


def plain_stat(s: Stat | None, /, *, digits: int = 1, unit: str = "") -> str:
    """Mean ± SD of any other measure (degrees of pelvic drop, a ratio...)."""
    if s is None or s.mean is None:
        return "-"
    sd = f" ± {s.sd:.{digits}f}" if s.sd is not None else ""
    return f"{s.mean:.{digits}f}{sd}{unit}"


def used(leg: LegSummary, measure: MeasureName, /) -> bool:
    return measure in leg.basis or (measure == "fppa_deg" and "fppa" in leg.basis)


def fppa(leg: LegSummary, /) -> str:
    """FPPA over reps; a dash and why where it is not meaningful (a squat too deep for a
    frontal-plane angle: the thigh points at the camera and the angle reads -80 to -100 deg).
    The number stays in the JSON for researchers."""
    text = mean_sd(leg.fppa_deg, "fppa_deg")
    if text != "-" and leg.valgus is not None and not used(leg, "fppa_deg"):
        return f"- ({NOT_USED})"
    return text


def toe_out(leg: LegSummary, /) -> str:
    """The foot's toe-out while standing (squats), about +-10 deg."""
    if leg.toe_out_deg is None:
        return "-"
    word = "in" if leg.toe_out_deg < 0 else "out"
    return f"{abs(leg.toe_out_deg):.0f}° {word}"


def sdc(leg: LegSummary, /) -> str:
    """The smallest detectable change of each measure the verdict rests on, in its unit, as
    the change rule applies it to a later session with the same spread."""
    if leg.valgus is None:
        return "-"
    parts = []
    pairs: tuple[tuple[MeasureName, float | None], ...] = (
        ("knee_over_foot", leg.knee_over_foot_sdc),
        ("mkd", leg.mkd_sdc),
        ("fppa_deg", leg.fppa_sdc_deg),
    )
    names = {"knee_over_foot": "knee", "mkd": "MKD", "fppa_deg": "FPPA"}
    for measure, value in pairs:
        if used(leg, measure):
            least = change.floor(measure, leg)
            shown = amount(change.threshold(measure, value, value, least=least), measure)
            parts.append(f"{names[measure]} {shown}")
    return "; ".join(parts) or "-"


SCREEN_WORDS = {
    "clear": "no red flags reported",
    "refer": "a red flag reported: see a clinician",
    "incomplete": "the safety questions not all answered",
}


def screen(status: str, /) -> str:
    """The red-flag screen's outcome in words (the JSON keeps clear / refer / incomplete)."""
    return SCREEN_WORDS.get(status, status)


def driver(code: str, /) -> str:
    """A stored driver ("ankle_dorsiflexion: likely") in words ("ankle mobility
    (dorsiflexion, the calf): likely")."""
    from valgus.assessment.drivers import LABELS

    key, _, weight = code.partition(": ")
    label = LABELS.get(key, key)  # type: ignore[call-overload]
    return f"{label}: {weight}" if weight else label
