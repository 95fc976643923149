"""Typed results: what `valgus analyze --json` prints, and what the API returns.

These models are the output contract (docs/analysis.schema.json is generated
from them; bump SCHEMA_VERSION on any incompatible change).
Numbers are null where the footage cannot support them.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from valgus.assessment import movements

SCHEMA_VERSION = 4
# v4 (additive): knee_over_foot (the knee against the foot's own direction, the verdict's
# measure) per rep and leg and over reps, with its measurement error; mkd is kept.
# v3 (additive): source.recorded_at, the recording's own creation time.
# v2 (additive): movement-specific fields for the single-leg squat (stance side, pelvic
# drop, trunk lean) and the drop jump (events, measures at initial contact, change to peak
# flexion), and how the movement was chosen. v1 documents still validate.

if TYPE_CHECKING:
    Movement = str
else:  # one name per module in assessment/movements/
    Movement = Literal[movements.names()]

View = Literal["frontal", "oblique", "side", "unknown"]
Verdict = Literal["none", "mild", "marked"]
Pattern = Literal["none", "bottom_only", "throughout"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Stat(_Model):
    """A measure over reps: mean, sample standard deviation (null if n < 2), count."""

    mean: float | None
    sd: float | None
    n: int


class QualityWarning(_Model):
    code: str
    message: str


class Source(_Model):
    path: str
    kind: Literal["video", "poses", "mocap"]
    fps: float
    frames: int
    duration_s: float
    width: int
    height: int
    rotation: int = Field(description="clockwise degrees applied to show the frames upright")
    recorded_at: dt.datetime | None = Field(
        default=None,
        description="when the recording was made (the video file's creation time, UTC), if "
        "the file says; the history orders analyses by it",
    )


class Quality(_Model):
    usable: bool
    view: View
    view_yaw_deg: float | None = Field(
        description="estimated angle between the camera axis and the subject's facing direction"
    )
    view_yaw_feet_deg: float | None = Field(
        default=None,
        description="squats: the camera's yaw read from the feet, + = the camera toward the "
        "person's left: half the difference of the two feet's apparent toe-out (assumes they "
        "turn out alike; reads about 0.8 of the true yaw on rendered squats, docs/method.md); "
        "beyond 19 deg the knees are not judged",
    )
    detected_fraction: float = Field(description="fraction of frames with a person found")
    swapped_frames: int = Field(description="frames whose left/right labels were corrected")
    warnings: list[QualityWarning]


class LegRep(_Model):
    """One leg in one rep. FPPA: + = knee medial of the hip-ankle line (valgus)."""

    visible: bool
    fppa_deg: float | None = Field(description="FPPA at the deepest frame")
    fppa_peak_deg: float | None = Field(description="largest FPPA during the rep")
    fppa_mid_deg: float | None = Field(description="FPPA at mid-descent (50% of bottom depth)")
    fppa_valid: bool = Field(
        description="false in reps deeper than 0.2 leg lengths of hip drop (about 75 deg of "
        "knee flexion), where the thighs point at the camera and FPPA misleads; it is then "
        "reported but not used for the verdict"
    )
    mkd: float | None = Field(
        description="medial knee displacement at the deepest frame: knee offset from the "
        "vertical through the foot index, / leg length; + = knee inside the foot"
    )
    mkd_peak: float | None
    mkd_mid: float | None
    knee_over_foot: float | None = Field(
        default=None,
        description="knee over the foot at the bottom (median of the frames within 0.1 s of "
        "the deepest): the knee's distance from the vertical plane through the ankle along the "
        "foot's direction (heel to 2nd toe), / leg length; + = knee inside the foot's line "
        "(docs/method.md)",
    )
    knee_over_foot_mid: float | None = Field(default=None, description="the same at mid-descent")
    knee_forward: float | None = Field(
        default=None,
        description="the knee's forward travel from its ankle at the bottom, / leg length, from "
        "the shin's foreshortening",
    )
    knee_flexion_deg: float | None = Field(
        description="knee flexion at the deepest frame from the model's 3D landmarks (approximate)"
    )
    thigh_foreshortening: float | None = Field(
        description="projected thigh length at the deepest frame / standing thigh length"
    )
    role: Literal["both", "stance", "lifted"] = Field(
        default="both",
        description="single-leg squat: the standing (measured) or the lifted leg in this rep",
    )
    fppa_contact_deg: float | None = Field(
        default=None, description="drop jump: FPPA at initial contact"
    )
    mkd_contact: float | None = Field(default=None, description="drop jump: MKD at initial contact")
    fppa_change_deg: float | None = Field(
        default=None,
        description="drop jump: FPPA at peak knee flexion minus FPPA at initial contact",
    )

    def knee(self) -> float | None:
        """The knee measure the verdict rests on (LegSummary.knee): knee over the foot's
        line where measured, else MKD."""
        return self.knee_over_foot if self.knee_over_foot is not None else self.mkd


class Rep(_Model):
    index: int
    start_s: float
    bottom_s: float
    end_s: float
    complete: bool
    depth: float = Field(description="hip drop at the deepest frame / standing leg length")
    left: LegRep
    right: LegRep
    kasr: float | None = Field(
        description="knee separation / ankle separation at the deepest frame"
    )
    nksd: float | None = Field(description="knee separation / hip separation at the deepest frame")
    stance_side: Literal["left", "right"] | None = Field(
        default=None, description="single-leg squat: the standing leg"
    )
    stance_cues: str | None = Field(
        default=None,
        description="single-leg squat: the cues that found the standing leg (foot lift, leg "
        "reach, planted foot), in words",
    )
    pelvic_drop_deg: float | None = Field(
        default=None,
        description="single-leg squat: tilt of the hip-to-hip line at the deepest frame, + = "
        "the lifted side's hip lower (contralateral pelvic drop); assumes a level camera",
    )
    trunk_lean_deg: float | None = Field(
        default=None,
        description="single-leg squat: lean of the mid-hip to mid-shoulder line from vertical "
        "at the deepest frame, + = toward the stance side",
    )
    drop_s: float | None = Field(default=None, description="drop jump: the feet leave the box")
    contact_s: float | None = Field(
        default=None, description="drop jump: initial contact (first landing)"
    )
    take_off_s: float | None = Field(
        default=None, description="drop jump: last instant on the floor before the jump"
    )
    kasr_contact: float | None = Field(default=None, description="drop jump: KASR at contact")
    nksd_contact: float | None = Field(default=None, description="drop jump: NKSD at contact")


class LegSummary(_Model):
    valgus: Verdict | None = Field(description="null when the leg could not be judged")
    band: Literal["typical", "above typical", "well above typical", "not judged"]
    pattern: Pattern | None
    basis: list[str] = Field(description="measures the verdict rests on")
    borderline: bool = Field(
        description="a band edge lies within the 95% interval of the mean over reps or within "
        "the method's own measurement error (2% of leg length for MKD, 3 deg for FPPA)"
    )
    fppa_deg: Stat
    fppa_peak_deg: Stat
    mkd: Stat
    knee_flexion_deg: Stat
    fppa_sdc_deg: float | None = Field(
        description="smallest detectable change of the mean FPPA from this session's "
        "rep-to-rep spread: 1.96 * sqrt(2) * sd / sqrt(n)"
    )
    mkd_sdc: float | None
    description: str
    knee_over_foot: Stat | None = Field(
        default=None, description="knee over the foot's line at the bottom, over reps"
    )
    knee_over_foot_sdc: float | None = None
    knee_over_foot_error: float | None = Field(
        default=None,
        description="the method's own measurement error of knee_over_foot for these feet and "
        "this camera angle, / leg length (docs/method.md); a band edge within it is borderline",
    )
    pelvic_drop_deg: Stat | None = Field(
        default=None, description="single-leg squat on this leg: pelvic drop over reps"
    )
    trunk_lean_deg: Stat | None = None
    pelvic_drop: bool | None = Field(
        default=None,
        description="single-leg squat: mean pelvic drop at or beyond the (qualitative) sign "
        "threshold; no validated 2D threshold exists (Nilstad et al.)",
    )
    trunk_lean: bool | None = None
    toe_out_deg: float | None = Field(
        default=None,
        description="squat: the foot turned out from straight ahead, degrees (+ out), median "
        "over the standing frames; about +-10 deg (docs/method.md)",
    )
    fppa_contact_deg: Stat | None = Field(
        default=None, description="drop jump: FPPA at initial contact over trials"
    )
    fppa_change_deg: Stat | None = None

    def knee(self) -> Stat:
        """The knee measure the verdict rests on: knee over the foot's line where measured
        (schema v4), else MKD (earlier results, drop jumps)."""
        kof = self.knee_over_foot
        return kof if kof is not None and kof.mean is not None else self.mkd

    def knee_sdc(self) -> float | None:
        """Smallest detectable change of knee()."""
        kof = self.knee_over_foot
        return self.knee_over_foot_sdc if kof is not None and kof.mean is not None else self.mkd_sdc


class Asymmetry(_Model):
    fppa_diff_deg: float | None = Field(description="left minus right, mean FPPA at the bottom")
    mkd_diff: float | None = Field(
        description="left minus right, the mean knee measure at the bottom (knee over the "
        "foot's line; MKD in results before schema v4)"
    )
    more_valgus_side: Literal["left", "right"] | None
    beyond_error: bool = Field(
        description="knee measure: the difference exceeds twice the method's error (4% of leg "
        "length or more, see knee_over_foot_error) "
        "and this session's own smallest detectable change; FPPA (shallow squats only): it "
        "exceeds the published 2D smallest detectable difference of 8 deg (Munro 2012)"
    )


class Summary(_Model):
    n_reps: int
    left: LegSummary
    right: LegSummary
    kasr: Stat
    nksd: Stat
    depth: Stat
    asymmetry: Asymmetry
    statement: str
    kasr_contact: Stat | None = Field(default=None, description="drop jump: KASR at contact")
    nksd_contact: Stat | None = None


class MovementChoice(_Model):
    """How the movement was chosen: given by the user or recognised (`--movement auto`)."""

    given: Literal["given", "auto"]
    reason: str


class AnalysisResult(_Model):
    schema_version: int = SCHEMA_VERSION
    movement: Movement
    movement_choice: MovementChoice | None = None
    source: Source
    quality: Quality
    reps: list[Rep]
    summary: Summary
    method: dict[str, float | str] = Field(
        description="model, filter and thresholds used, for reproducibility"
    )


class ErrorInfo(_Model):
    code: str
    message: str


class ErrorResult(_Model):
    error: ErrorInfo


def json_schema() -> dict[str, object]:
    """JSON Schema of `valgus analyze --json` output (a result or an error)."""
    schema = AnalysisResult.model_json_schema()
    schema["$id"] = f"https://valgus.invalid/schema/analysis-v{SCHEMA_VERSION}.json"
    schema["title"] = "valgus analysis result"
    return schema


def published_schema() -> dict[str, object]:
    """What docs/analysis.schema.json holds: the result schema and the error schema."""
    return {"result": json_schema(), "error": ErrorResult.model_json_schema()}
