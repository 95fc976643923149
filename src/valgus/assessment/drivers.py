"""Driver triage: which pathways may contribute to the knees caving in.

Combines what the camera saw (analysis results by movement) with the self-tests the person
typed in (docs/evidence.md §5, §6). Each driver gets
a weight (none / possible / likely) and the evidence items behind it, each naming the measure,
its value, the rule it met and the source, so a coach can disagree. Everything is described as
an observation ("may contribute"), never a diagnosis. Pure: no I/O.

Weighting (DERIVED, our own proposal): an evidence item scores 0 (measured, no sign),
1 (a softer sign) or 2 (a clear sign). A driver is 'likely' with one clear sign or softer signs
from two different measures, 'possible' with one softer sign, 'none' otherwise.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from valgus.assessment import change, movements
from valgus.assessment.movements.spec import Role
from valgus.assessment.redflags import RedFlagResult, screen
from valgus.assessment.selftests import (
    Answers,
    SelfTests,
    SidedCm,
    SidedEndurance,
    SidedFpi,
    SidedMm,
    SidedPctBw,
)
from valgus.errors import AnalysisFileError
from valgus.schema import Side
from valgus.validation import first_problem

DriverId = Literal["foot_pronation", "ankle_dorsiflexion", "hip", "motor_control"]
Weight = Literal["none", "possible", "likely"]
SideName = Literal["left", "right"]

LABELS: dict[DriverId, str] = {
    "foot_pronation": "foot posture (the arch rolling in)",
    "ankle_dorsiflexion": "ankle mobility (dorsiflexion, the calf)",
    "hip": "hip abductors and external rotators",
    "motor_control": "movement control (the pattern itself)",
}

# Knee-to-wall (docs/evidence.md §5): healthy mean 12 +/- 2.8 cm and proposed minimum
# standard 12 cm (Hoch & McKeon 2011; BokSmart). < 9 cm = mean - 1 SD, clearly limited
# (DERIVED). Left-right difference > 1.5 cm unusual, > 2 cm beyond the MDC (Hoch 2011;
# Powden 2015: MDC 1.6-1.9 cm). 1 cm ~ 3.6 deg of dorsiflexion (Physiopedia, Bennell 1998).
KTW_BELOW_MEAN_CM = 12.0
KTW_LIMITED_CM = 9.0
KTW_ASYM_UNUSUAL_CM = 1.5
KTW_ASYM_MDC_CM = 2.0
KTW_DEG_PER_CM = 3.6
KTW_ERROR = "test error about 1.6-1.9 cm (MDC, Powden 2015)"

# Foot posture (docs/evidence.md §5): navicular drop > 10 mm excessive, > 15 mm marked
# (Brody 1982); test-retest kappa_w 0.40, "use discouraged": scored at most 1 point here.
# FPI-6: >= +7 pronated, >= +10 highly pronated; normal -1 to +6 (JAPMA 105(1):42;
# J Foot Ankle Res 7(S1):A55); classification kappa_w 0.92.
ND_EXCESSIVE_MM = 10.0
ND_MARKED_MM = 15.0
FPI_PRONATED = 7
FPI_HIGHLY_PRONATED = 10
FPI_NORMAL_MIN = -1

# Hip strength (docs/evidence.md §5): ABD <= 35.4 % BW or ER <= 20.3 % BW
# (Khayambashi 2016). HHD intra-rater ICC 0.82-0.97 (Krause 2014).
HIP_ABD_LOW_PCT_BW = 35.4
HIP_ER_LOW_PCT_BW = 20.3
HHD_ERROR = "hand-held dynamometer intra-rater ICC 0.82-0.97 (Krause 2014)"


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Lenient(BaseModel):
    """Reads the analysis JSON leniently: fields we do not use, or that later schema
    versions add, are ignored; missing optional measures become null."""

    model_config = ConfigDict(extra="ignore", frozen=True)


class StatIn(_Lenient):
    mean: float | None = None
    sd: float | None = None
    n: int = 0


class LegIn(_Lenient):
    valgus: Literal["none", "mild", "marked"] | None = None
    band: str = "not judged"
    basis: list[str] = []
    fppa_deg: StatIn = StatIn()
    mkd: StatIn = StatIn()
    fppa_sdc_deg: float | None = None
    mkd_sdc: float | None = None
    # Schema v4: the knee over the foot's line, the verdict's knee measure.
    knee_over_foot: StatIn | None = None
    knee_over_foot_sdc: float | None = None
    knee_over_foot_error: float | None = None
    description: str = ""
    # Not in schema v1; read when a single-leg analysis reports them (docs/evidence.md §6: qualitative).
    pelvic_drop: bool | None = None
    trunk_lean: bool | None = None


class SummaryIn(_Lenient):
    left: LegIn
    right: LegIn


class SourceIn(_Lenient):
    path: str = ""


class QualityIn(_Lenient):
    usable: bool = True


class MovementResult(_Lenient):
    """The parts of one `valgus analyze --json` result that the triage uses."""

    movement: str
    source: SourceIn = SourceIn()
    quality: QualityIn = QualityIn()
    summary: SummaryIn

    def leg(self, side: Side | SideName) -> LegIn:
        return self.summary.left if side == "left" else self.summary.right

    @property
    def role(self) -> Role | None:
        """How the triage reads this movement (None: not a movement valgus knows)."""
        known = self.movement in movements.names()
        return movements.get(self.movement).role if known else None


def read_analysis(data: Any, /, *, name: str = "analysis") -> MovementResult:
    """Validate a parsed analysis JSON object. Raises AnalysisFileError."""
    if isinstance(data, dict) and "error" in data and "summary" not in data:
        raise AnalysisFileError(f"{name} is an error result from valgus analyze, not an analysis")
    try:
        return MovementResult.model_validate(data)
    except ValidationError as err:
        raise AnalysisFileError(
            f"{name} is not a valgus analysis result ({first_problem(err)}); "
            "give the JSON written by `valgus analyze --json`"
        ) from err


class Evidence(_Model):
    driver: DriverId
    measure: str
    side: SideName | None
    value: str
    rule: str
    source: str
    points: int = Field(ge=0, le=2, description="0 measured, no sign; 1 softer sign; 2 clear")
    error: str | None = Field(default=None, description="the measurement's own error")


class Driver(_Model):
    id: DriverId
    label: str
    weight: Weight
    summary: str
    evidence: list[Evidence]
    not_measured: list[str]


class ValgusSeen(_Model):
    movement: str
    side: SideName
    valgus: str | None
    band: str
    description: str


class DriverReport(_Model):
    valgus_status: Literal["present", "absent", "not_measured"]
    valgus: list[ValgusSeen]
    drivers: list[Driver]
    notes: list[str]
    next_steps: list[str]


def _ev(
    driver: DriverId,
    measure: str,
    side: SideName | None,
    value: str,
    rule: str,
    source: str,
    points: int,
    error: str | None = None,
) -> Evidence:
    return Evidence(
        driver=driver,
        measure=measure,
        side=side,
        value=value,
        rule=rule,
        source=source,
        points=points,
        error=error,
    )


def _sided(values: SidedCm | SidedMm | SidedFpi | SidedPctBw) -> list[tuple[SideName, float]]:
    pairs: list[tuple[SideName, float | None]] = [("left", values.left), ("right", values.right)]
    return [(s, v) for s, v in pairs if v is not None]


def knee_to_wall_evidence(ktw_cm: SidedCm, /) -> list[Evidence]:
    """docs/evidence.md §5: per side < 12 cm (1 point), < 9 cm (2 points); L-R > 2 cm (1 point)."""
    items: list[Evidence] = []
    src = "Hoch & McKeon 2011 (12 ± 2.8 cm); BokSmart (Dennis et al. 2008)"
    for side, cm in _sided(ktw_cm):
        value = f"{cm:g} cm (~{cm * KTW_DEG_PER_CM:.0f}°)"
        if cm < KTW_LIMITED_CM:
            rule, points = (
                "< 9 cm: clearly limited (valgus's own proposal: healthy mean minus 1 SD)",
                2,
            )
        elif cm < KTW_BELOW_MEAN_CM:
            rule, points = "< 12 cm: below the healthy mean and proposed minimum", 1
        else:
            rule, points = ">= 12 cm: at or above the healthy mean", 0
        items.append(
            _ev("ankle_dorsiflexion", "knee-to-wall", side, value, rule, src, points, KTW_ERROR)
        )
    if ktw_cm.left is not None and ktw_cm.right is not None:
        diff = abs(ktw_cm.left - ktw_cm.right)
        shorter: SideName = "left" if ktw_cm.left < ktw_cm.right else "right"
        if diff > KTW_ASYM_MDC_CM:
            rule, points = "> 2 cm: beyond the test's error", 1
        elif diff > KTW_ASYM_UNUSUAL_CM:
            rule, points = "> 1.5 cm: unusual but within the test's error", 0
        else:
            rule, points = "<= 1.5 cm: as in 68% of healthy adults", 0
        items.append(
            _ev(
                "ankle_dorsiflexion",
                "knee-to-wall left-right difference",
                shorter if diff > 0 else None,
                f"{diff:.1f} cm",
                rule,
                "Hoch & McKeon 2011; Powden 2015 (MDC)",
                points,
                KTW_ERROR,
            )
        )
    return items


def foot_posture_evidence(nd_mm: SidedMm, fpi6: SidedFpi, /) -> list[Evidence]:
    """docs/evidence.md §5: navicular drop > 10 mm (1 point, low reliability); FPI >= +7 (1), >= +10 (2)."""
    items: list[Evidence] = []
    nd_error = "low reliability: test-retest kappa_w 0.40 (fair), use discouraged (PMC5131537)"
    for side, mm in _sided(nd_mm):
        if mm > ND_MARKED_MM:
            rule, points = "> 15 mm: marked (scored 1 only: low reliability)", 1
        elif mm > ND_EXCESSIVE_MM:
            rule, points = "> 10 mm: more than typical", 1
        else:
            rule, points = "<= 10 mm: typical", 0
        items.append(
            _ev(
                "foot_pronation",
                "navicular drop",
                side,
                f"{mm:g} mm",
                rule,
                "Brody 1982",
                points,
                nd_error,
            )
        )
    for side, score in _sided(fpi6):
        if score >= FPI_HIGHLY_PRONATED:
            rule, points = ">= +10: highly pronated posture", 2
        elif score >= FPI_PRONATED:
            rule, points = ">= +7: pronated posture", 1
        elif score >= FPI_NORMAL_MIN:
            rule, points = "-1 to +6: typical range", 0
        else:
            rule, points = "below -1: supinated posture (not a pronation sign)", 0
        items.append(
            _ev(
                "foot_pronation",
                "foot posture index (FPI-6)",
                side,
                f"{score:+d}",
                rule,
                "JAPMA 105(1):42 (FPI normal values); J Foot Ankle Res 7(S1):A55",
                points,
                "classification kappa_w 0.92",
            )
        )
    return items


def hip_strength_evidence(
    abd_pct_bw: SidedPctBw, er_pct_bw: SidedPctBw, endurance: SidedEndurance, /
) -> list[Evidence]:
    """docs/evidence.md §5: ABD <= 35.4 % BW or ER <= 20.3 % BW (2 points). Endurance is recorded only:
    no published threshold was found for it."""
    items: list[Evidence] = []
    src = "Khayambashi et al. 2016"
    for measure, values, cut in (
        ("hip abduction strength", abd_pct_bw, HIP_ABD_LOW_PCT_BW),
        ("hip external rotation strength", er_pct_bw, HIP_ER_LOW_PCT_BW),
    ):
        for side, pct in _sided(values):
            low = pct <= cut
            rule = (
                f"<= {cut} % BW: below the cut-off" if low else f"> {cut} % BW: above the cut-off"
            )
            items.append(
                _ev("hip", measure, side, f"{pct:g} % BW", rule, src, 2 if low else 0, HHD_ERROR)
            )
    for side, amount in ((s, getattr(endurance, s)) for s in ("left", "right")):
        if amount is not None:
            items.append(
                _ev(
                    "hip",
                    "side-lying hip abduction endurance",
                    side,
                    f"{amount:g} {endurance.unit}",
                    "recorded for your coach; no published threshold found",
                    "none (no published threshold found)",
                    0,
                )
            )
    return items


def _has_valgus(leg: LegIn) -> bool:
    return leg.valgus in ("mild", "marked")


def _line(measure: str) -> str:
    return "foot's line" if measure == "knee_over_foot" else "toe line"


def _change(before: LegIn, after: LegIn) -> tuple[change.Verdict, str, str] | None:
    """The change rule's word, the measures' values and the changes needed to count."""
    measures = change.measure_changes(before, after)
    if not measures:
        return None
    values = "; ".join(
        f"FPPA {c.before:.1f}° -> {c.after:.1f}°"
        if c.measure == "fppa_deg"
        else f"knee inside the {_line(c.measure)} {c.before:.0%} -> {c.after:.0%} of leg length"
        for c in measures
    )
    needed = "; ".join(
        f"FPPA {c.smallest_detectable_change:.1f}°"
        if c.measure == "fppa_deg"
        else f"knee position {c.smallest_detectable_change:.0%} of leg length"
        for c in measures
    )
    return change.overall(measures), values, needed


def heel_raise_evidence(flat: MovementResult, heel: MovementResult, /) -> list[Evidence]:
    """Per side with valgus on the flat squat (docs/evidence.md §6): valgus clearly smaller
    with heels raised 5 cm -> ankle (2 points); back to typical but within error -> ankle
    (1); unchanged -> hip (1)."""
    items: list[Evidence] = []
    src = "Padua 2012; Bell 2008; Research Square rs-4875904"
    for side in Side:
        before, after = flat.leg(side), heel.leg(side)
        found = _change(before, after)
        if not _has_valgus(before) or found is None or after.valgus is None:
            continue
        verdict, text, needed = found
        error = f"change needed to exceed measurement error: {needed}"
        driver: DriverId
        if verdict == "less valgus":
            rule, driver, points = (
                "valgus clearly smaller with heels raised 5 cm",
                "ankle_dorsiflexion",
                2,
            )
        elif after.valgus == "none":
            rule, driver, points = (
                "knee back over the foot with heels raised, change within error",
                "ankle_dorsiflexion",
                1,
            )
        else:
            rule, driver, points = (
                "valgus persisted with heels raised: points above the ankle",
                "hip",
                1,
            )
        items.append(
            _ev(driver, "heel-raised vs flat squat", side.value, text, rule, src, points, error)
        )
    return items


def single_leg_evidence(
    bilateral: MovementResult | None, single: MovementResult, /
) -> list[Evidence]:
    """Single-leg squat (docs/evidence.md §6): valgus clearly worse than on the bilateral
    squat -> hip (2 points); pelvic drop or trunk lean, when the analysis reports them
    -> hip (1 each, qualitative only: no validated 2D threshold)."""
    items: list[Evidence] = []
    for side in Side:
        leg = single.leg(side)
        found = (
            _change(bilateral.leg(side), leg)
            if bilateral is not None and leg.valgus is not None
            else None
        )
        if found is not None:
            verdict, text, needed = found
            clear = verdict == "more valgus" and _has_valgus(leg)
            items.append(
                _ev(
                    "hip",
                    "single-leg vs bilateral squat",
                    side.value,
                    f"bilateral vs single-leg: {text}",
                    "clearly worse on one leg" if clear else "not clearly worse on one leg",
                    "Crossley 2011; Willy & Davis 2011",
                    2 if clear else 0,
                    f"difference needed: {needed}",
                )
            )
        for measure, seen in (("pelvic drop", leg.pelvic_drop), ("trunk lean", leg.trunk_lean)):
            if seen is not None:
                items.append(
                    _ev(
                        "hip",
                        f"single-leg squat {measure}",
                        side.value,
                        "seen" if seen else "not seen",
                        "qualitative only (no validated 2D threshold)",
                        "Crossley 2011; PMC3255301",
                        1 if seen else 0,
                    )
                )
    return items


def weigh(evidence: Iterable[Evidence], /) -> Weight:
    """'likely' with a clear sign or softer signs from two measures, 'possible' with one."""
    scored = [e for e in evidence if e.points > 0]
    if any(e.points >= 2 for e in scored) or len({e.measure for e in scored}) >= 2:
        return "likely"
    return "possible" if scored else "none"


def _summary(
    driver: DriverId, weight: Weight, evidence: Sequence[Evidence], not_measured: Sequence[str]
) -> str:
    label = LABELS[driver]
    if not evidence and not_measured:
        return f"Not measured: {label} ({', '.join(not_measured)} would show it)."
    if weight == "none":
        return f"No sign that {label} contributes among the tests done."
    signs = "; ".join(
        f"{e.measure}{' (' + e.side + ')' if e.side else ''}: {e.value}"
        for e in evidence
        if e.points > 0
    )
    strength = "may contribute" if weight == "likely" else "might contribute (weaker signs)"
    return f"Your {label} {strength}: {signs}."


def _latest_by_movement(
    analyses: Sequence[MovementResult],
) -> tuple[dict[str, MovementResult], list[str]]:
    by_movement: dict[str, MovementResult] = {}
    notes: list[str] = []
    for a in analyses:
        if a.role is None:
            notes.append(f"{a.source.path or a.movement}: movement {a.movement!r} is not used.")
            continue
        if not a.quality.usable:
            notes.append(f"{a.source.path or a.movement}: not usable (quality gate); ignored.")
            continue
        if a.movement in by_movement:
            notes.append(f"several {a.movement} analyses: the last one given is used.")
        by_movement[a.movement] = a
    return by_movement, notes


def _with_role(by_movement: dict[str, MovementResult], role: Role) -> MovementResult | None:
    return next((r for r in by_movement.values() if r.role == role), None)


def _film(role: Role) -> str:
    """'film a <movement>' for the first movement test in this role."""
    return next(f"{s.label} video" for s in movements.all_specs() if s.role == role)


def _valgus_seen(by_movement: dict[str, MovementResult]) -> list[ValgusSeen]:
    return [
        ValgusSeen(
            movement=m,
            side=side.value,
            valgus=r.leg(side).valgus,
            band=r.leg(side).band,
            description=r.leg(side).description,
        )
        for m, r in by_movement.items()
        for side in Side
    ]


def _not_measured(
    tests: SelfTests, by_movement: dict[str, MovementResult]
) -> dict[DriverId, list[str]]:
    def missing(values: SidedCm | SidedMm | SidedFpi | SidedPctBw) -> bool:
        return values.left is None and values.right is None

    out: dict[DriverId, list[str]] = {d: [] for d in LABELS}
    if missing(tests.knee_to_wall_cm):
        out["ankle_dorsiflexion"].append("knee-to-wall test")
    if _with_role(by_movement, "heel_raised") is None:
        out["ankle_dorsiflexion"].append(_film("heel_raised"))
    if missing(tests.navicular_drop_mm) and missing(tests.fpi6):
        out["foot_pronation"].append("navicular drop or foot posture index")
    if missing(tests.hip_abduction_pct_bw) and missing(tests.hip_external_rotation_pct_bw):
        out["hip"].append("hip strength (hand-held dynamometer)")
    if _with_role(by_movement, "single_leg") is None:
        out["hip"].append(_film("single_leg"))
    return out


def _motor_control(status: str, others: Sequence[Driver]) -> tuple[Weight, list[Evidence]]:
    if status != "present":
        return "none", []
    implicated = any(d.weight != "none" for d in others)
    src = "Willy & Davis 2011 (feedback changed single-leg squat mechanics)"
    seen = "the knee moved inward"
    if implicated:
        rule = "practising the pattern with feedback may help, whatever the driver"
        return "possible", [_ev("motor_control", "video", None, seen, rule, src, 1)]
    rule = "no foot, ankle or hip sign among the tests done"
    return "likely", [_ev("motor_control", "video", None, seen, rule, src, 2)]


BUILD_PROGRAM_STEP = "Build the corrective program from this assessment."


def _next_steps(status: str, not_measured: dict[DriverId, list[str]]) -> list[str]:
    steps: list[str] = []
    if status == "absent":
        steps.append(
            "No valgus was seen: no corrective program is needed. A general program is optional."
        )
    for driver_missing in not_measured.values():
        for test in driver_missing:
            if test.endswith("video"):
                steps.append(f"Optional: film a {test.removesuffix(' video')} and add it.")
            else:
                steps.append(f"Optional: do the {test} (the self-test guide says how).")
    if status != "absent":
        steps.append(BUILD_PROGRAM_STEP)
    steps.append("Re-assess every 2-4 weeks with the same camera set-up (Dolak 2011; Bell 2013).")
    return steps


def find_drivers(analyses: Sequence[MovementResult], tests: SelfTests, /) -> DriverReport:
    """Weigh each driver from the analyses and the self-tests."""
    by_movement, notes = _latest_by_movement(analyses)
    seen = _valgus_seen(by_movement)
    if not seen:
        status: Literal["present", "absent", "not_measured"] = "not_measured"
        notes.append("No usable analysis given: drivers rest on the self-tests only.")
    elif any(v.valgus in ("mild", "marked") for v in seen):
        status = "present"
    else:
        status = "absent"
    evidence: list[Evidence] = [
        *knee_to_wall_evidence(tests.knee_to_wall_cm),
        *foot_posture_evidence(tests.navicular_drop_mm, tests.fpi6),
        *hip_strength_evidence(
            tests.hip_abduction_pct_bw,
            tests.hip_external_rotation_pct_bw,
            tests.hip_abduction_endurance,
        ),
    ]
    flat = _with_role(by_movement, "bilateral")
    heel = _with_role(by_movement, "heel_raised")
    single = _with_role(by_movement, "single_leg")
    if flat is not None and heel is not None:
        evidence += heel_raise_evidence(flat, heel)
    if single is not None:
        evidence += single_leg_evidence(flat, single)
    not_measured = _not_measured(tests, by_movement)
    drivers: list[Driver] = []
    for d in ("foot_pronation", "ankle_dorsiflexion", "hip"):
        items = [e for e in evidence if e.driver == d]
        w = weigh(items)
        drivers.append(
            Driver(
                id=d,
                label=LABELS[d],
                weight=w,
                summary=_summary(d, w, items, not_measured[d]),
                evidence=items,
                not_measured=not_measured[d],
            )
        )
    mc_weight, mc_items = _motor_control(status, drivers)
    drivers.append(
        Driver(
            id="motor_control",
            label=LABELS["motor_control"],
            weight=mc_weight,
            summary=_summary("motor_control", mc_weight, mc_items, []),
            evidence=mc_items,
            not_measured=[],
        )
    )
    if status == "absent":
        notes.append("No valgus was seen in any analysis: no driver needs addressing.")
    return DriverReport(
        valgus_status=status,
        valgus=seen,
        drivers=drivers,
        notes=notes,
        next_steps=_next_steps(status, not_measured),
    )


ASSESSMENT_SCHEMA_VERSION = 1
ASSESSMENT_STATEMENT = (
    "This is not a medical assessment: these are observations that may contribute to the knees "
    "moving inward; they diagnose nothing and do not predict injury. Single-camera 2D angles "
    "differ from 3D knee motion; manual 2D FPPA has a smallest detectable difference of about 8 "
    "degrees (Munro 2012)."
)


class Assessment(_Model):
    """What `valgus assess --json` prints and `valgus program` reads."""

    schema_version: int = ASSESSMENT_SCHEMA_VERSION
    kind: Literal["valgus-assessment"] = "valgus-assessment"
    date: dt.date
    red_flags: RedFlagResult
    drivers: DriverReport | None = Field(
        description="null when the red-flag screen did not clear: no triage, no program"
    )
    answers: Answers
    analyses: list[str] = Field(description="the analysis files the triage used")
    statement: str = ASSESSMENT_STATEMENT


def assess(analyses: Sequence[MovementResult], answers: Answers, /, *, date: dt.date) -> Assessment:
    """Red-flag screen first; the driver triage only when it clears."""
    flags = screen(
        answers.red_flags,
        pain_0_10=answers.self_tests.pain_0_10,
        age_band=answers.self_tests.age_band,
    )
    report = find_drivers(analyses, answers.self_tests) if flags.status == "clear" else None
    return Assessment(
        date=date,
        red_flags=flags,
        drivers=report,
        answers=answers,
        analyses=[a.source.path for a in analyses],
    )
