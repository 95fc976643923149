"""The answers a person types in: self-tests, red-flag questions, equipment and time.

Pure data models (pydantic, unknown fields rejected) and the plain-words guides for each
self-test. Every range and threshold cites docs/evidence.md (self-tests: §5);
the plausibility ranges below only catch typing errors, they are not norms.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Sex = Literal["female", "male", "other"]
AgeBand = Literal["under-18", "18-34", "35-54", "55+"]
EnduranceUnit = Literal["seconds", "reps"]

# Band colours in order of resistance: docs/evidence.md §8 (Thera-Band chart, donsnotes.com; force
# at 100% elongation yellow 3.0 lb, red 3.7, green 4.6, blue 5.8, black 7.3, silver 10.2,
# gold 14.2). The program progresses yellow -> red -> green -> blue -> black.
BAND_ORDER: tuple[str, ...] = ("yellow", "red", "green", "blue", "black", "silver", "gold")
BandColour = Literal["yellow", "red", "green", "blue", "black", "silver", "gold"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SidedCm(_Model):
    """A distance per leg in cm; null = not measured."""

    left: float | None = Field(default=None, ge=0, le=30)
    right: float | None = Field(default=None, ge=0, le=30)


class SidedMm(_Model):
    """Navicular drop per foot in mm; null = not measured."""

    left: float | None = Field(default=None, ge=0, le=40)
    right: float | None = Field(default=None, ge=0, le=40)


class SidedFpi(_Model):
    """Foot Posture Index (FPI-6) total per foot: -12 (supinated) to +12 (pronated)."""

    left: int | None = Field(default=None, ge=-12, le=12)
    right: int | None = Field(default=None, ge=-12, le=12)


class SidedPctBw(_Model):
    """Hand-held dynamometer strength per leg as % of body weight; null = not measured."""

    left: float | None = Field(default=None, ge=0, le=150)
    right: float | None = Field(default=None, ge=0, le=150)


class SidedEndurance(_Model):
    """Side-lying hip abduction endurance per leg (seconds held or reps done)."""

    unit: EnduranceUnit = "seconds"
    left: float | None = Field(default=None, ge=0, le=600)
    right: float | None = Field(default=None, ge=0, le=600)


class SelfTests(_Model):
    """What the person measured on themselves. Everything is optional except pain."""

    knee_to_wall_cm: SidedCm = SidedCm()
    navicular_drop_mm: SidedMm = SidedMm()
    fpi6: SidedFpi = SidedFpi()
    hip_abduction_pct_bw: SidedPctBw = SidedPctBw()
    hip_external_rotation_pct_bw: SidedPctBw = SidedPctBw()
    hip_abduction_endurance: SidedEndurance = SidedEndurance()
    pain_0_10: int = Field(ge=0, le=10, description="knee pain during the squat or daily life")
    sex: Sex | None = None
    age_band: AgeBand | None = None
    sport: bool = Field(default=False, description="plays a sport with running, cutting or landing")


class Equipment(_Model):
    """What the person has. A phone (to film) is assumed: they filmed the squat with one."""

    bands: tuple[BandColour, ...] = ()
    roller_or_ball: bool = False
    step_or_board: bool = False
    mirror_or_phone: bool = True

    @field_validator("bands")
    @classmethod
    def _sorted_unique(cls, bands: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(c for c in BAND_ORDER if c in bands)


class Preferences(_Model):
    equipment: Equipment = Equipment()
    minutes_per_session: int = Field(default=20, ge=5, le=120)


class RedFlagAnswers(_Model):
    """Yes/no answers; null = not answered. Keys and questions: redflags.QUESTIONS."""

    recent_injury: bool | None = None
    injury_cannot_bear_weight: bool | None = None
    injury_cannot_bend_90: bool | None = None
    injury_kneecap_tender: bool | None = None
    injury_fibular_head_tender: bool | None = None
    swelling_within_2h: bool | None = None
    locking: bool | None = None
    giving_way: bool | None = None
    hot_red_fever: bool | None = None
    calf_swelling_breathless: bool | None = None
    night_or_rest_pain: bool | None = None
    neurovascular: bool | None = None
    recent_surgery_or_acl: bool | None = None


class Answers(_Model):
    """Everything `valgus assess` asks, as one object (also the answers-file layout)."""

    red_flags: RedFlagAnswers = RedFlagAnswers()
    self_tests: SelfTests
    preferences: Preferences = Preferences()


# Plain-words guides (protocols and their sources: docs/evidence.md §5).
GUIDES: dict[str, str] = {
    "knee_to_wall_cm": (
        "Knee-to-wall test (weight-bearing lunge; Bennell 1998, Powden 2015): barefoot, face a "
        "wall, one foot on a tape measure pointing at the wall. Lunge forward until the knee "
        "touches the wall with the heel kept down. Move the foot back step by step until the "
        "knee only just touches the wall without the heel lifting. Write down the distance from "
        "the big toe to the wall in cm. Do both legs. The test's own error is about 1.6-1.9 cm "
        "(Powden 2015), so differences smaller than 2 cm are within error."
    ),
    "navicular_drop_mm": (
        "Navicular drop (Brody 1982): sitting, foot flat, find the bony bump on the inner side "
        "of the foot in front of the ankle (navicular) and mark its height on a card. Stand up "
        "with weight on both feet, relaxed, and mark the height again. The drop in mm is the "
        "difference. It is hard to repeat exactly (test-retest agreement only fair, weighted "
        "kappa 0.40), so treat it as a rough sign."
    ),
    "fpi6": (
        "Foot Posture Index (FPI-6; Redmond 2006): six observations of the relaxed standing "
        "foot, each scored -2 to +2 (talar head, curves above and below the outer ankle, heel "
        "angle, bulge at the inner ankle, arch height, forefoot turned out). Add them up: -12 to "
        "+12. Usually scored by a clinician or coach; skip it if you are unsure."
    ),
    "hip_abduction_pct_bw": (
        "Hip abduction strength with a hand-held dynamometer (Khayambashi 2016 protocol): lie on "
        "your side, strap over the pelvis, leg lifted 30 degrees, pad 10 cm above the outer knee "
        "bone. Push up as hard as you can for 5 s, 3 times; average the three, convert kg to % "
        "of body weight (kg / body weight kg x 100). Skip it if you have no dynamometer."
    ),
    "hip_external_rotation_pct_bw": (
        "Hip external rotation strength with a hand-held dynamometer: same device, 3 x 5-s "
        "pushes averaged, as % of body weight. A prone position is more repeatable than seated "
        "(Krause 2014). Skip it if you have no dynamometer."
    ),
    "hip_abduction_endurance": (
        "Side-lying hip abduction endurance: lie on your side, top leg straight and slightly "
        "behind you, lift it and hold (seconds), or count slow lifts until form breaks (reps). "
        "Optional; recorded for your coach, it is not scored against a norm."
    ),
    "pain_0_10": (
        "Knee pain right now or during squats, 0 (none) to 10 (worst imaginable). 6 or more "
        "means: see a clinician before corrective exercise."
    ),
}
