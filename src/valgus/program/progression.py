"""Progression and stop rules: from the last logged sessions of one exercise to the next dose.

Rules, in order (docs/evidence.md §7 for pain, §8 for dose and bands):
1. pain >= 6/10 during the exercise, or pain lasting to the next day: stop progression
   (a hard stop: see a clinician if it does not settle);
2. pain 4-5/10: caution, hold the dose (traffic light);
3. form not good: hold the dose;
4. progress only after two consecutive good sessions (pain <= 3/10, none the next day, good
   form) at the same dose (DERIVED: one good day is not yet "easy");
5. progress in this order: sets up to the top of the range (3), then reps by 2 up to the top
   (15) (DERIVED steps inside the 2-3 x 10-15 range); at 3 x 15 the next band colour
   (yellow -> red -> green -> blue -> black -> silver -> gold, Thera-Band chart) back at the
   bottom of the range, or, for exercises without band progression, the harder variation.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from valgus.assessment.redflags import PAIN_CAUTION_0_10, PAIN_STOP_0_10
from valgus.assessment.selftests import BAND_ORDER
from valgus.program.catalogue import Exercise

REPS_STEP = 2  # DERIVED: 10 -> 12 -> 14 -> 15 inside the 10-15 range
# "stop": this workout met a stop rule; "blocked": no dose while the safety gate is shut
# (a red flag or an earlier stop still in force, assessment/safety.py).
Action = Literal[
    "start",
    "stop",
    "blocked",
    "hold",
    "progress_sets",
    "progress_reps",
    "progress_band",
    "progress_variation",
]


# Symptoms that stop a program at once and send the person to a clinician (the program's stop
# rules; docs/evidence.md §7: new locking, giving way, swelling, night or rest pain).
Symptom = Literal["locking", "giving_way", "swelling", "night_pain"]
STOP_SYMPTOMS: dict[str, str] = {
    "locking": "the knee locked (stuck, could not straighten or bend)",
    "giving_way": "the knee gave way",
    "swelling": "new swelling of the knee",
    "night_pain": "knee pain at night or at rest",
}


@dataclass(frozen=True)
class Dose:
    sets: int
    reps: int
    band: str | None = None

    def __str__(self) -> str:
        return f"{self.sets} x {self.reps}" + (f", {self.band} band" if self.band else "")

    @classmethod
    def parse(cls, text: str, /) -> Dose:
        """The dose from its text (str(dose): "3 x 12" or "3 x 12, red band")."""
        m = re.fullmatch(r"(\d+) x (\d+)(?:, (\w+) band)?", text.strip())
        if m is None:
            raise ValueError(f"not a dose: {text!r}")
        return cls(int(m.group(1)), int(m.group(2)), m.group(3))


@dataclass(frozen=True)
class LoggedSession:
    """One logged session of one exercise."""

    sets: int
    reps: int
    band: str | None
    pain_0_10: int
    pain_next_day: bool
    form_ok: bool
    symptoms: tuple[str, ...] = ()  # STOP_SYMPTOMS keys reported after the session

    @property
    def dose(self) -> Dose:
        return Dose(self.sets, self.reps, self.band)

    @property
    def good(self) -> bool:
        return (
            self.pain_0_10 < PAIN_CAUTION_0_10
            and not self.pain_next_day
            and self.form_ok
            and not self.symptoms
        )


@dataclass(frozen=True)
class Decision:
    action: Action
    dose: Dose | None  # None when progression stops
    reason: str


def starting_dose(exercise: Exercise, /, *, owned_bands: Sequence[str] = ()) -> Dose:
    """Bottom of the dosage range, with the lightest band the person has."""
    d = exercise.dosage
    band = None
    if "band" in exercise.equipment:
        band = next((c for c in BAND_ORDER if c in owned_bands), None)
    return Dose(d.sets[0], d.reps[0], band)


def _next_band(dose: Dose, exercise: Exercise, owned_bands: Sequence[str]) -> Decision:
    bottom = Dose(exercise.dosage.sets[0], exercise.dosage.reps[0], dose.band)
    if dose.band is None:
        lightest = next((c for c in BAND_ORDER if c in owned_bands), "yellow")
        return Decision(
            "progress_band",
            Dose(bottom.sets, bottom.reps, lightest),
            f"3 x {dose.reps} is easy with good form: add a {lightest} band.",
        )
    i = BAND_ORDER.index(dose.band)
    if i + 1 == len(BAND_ORDER):
        return Decision(
            "progress_variation",
            dose,
            f"The strongest band is easy: move on to the harder variation: "
            f"{exercise.progression.text}",
        )
    nxt = BAND_ORDER[i + 1]
    reason = (
        f"3 x {dose.reps} with the {dose.band} band is easy with good form: "
        f"next band colour, {nxt} (Thera-Band resistance order)."
    )
    if nxt not in owned_bands:
        reason += (
            f" You did not list a {nxt} band: get one, or double the {dose.band} band "
            "(doubling a band roughly doubles the force, thera-bandacademy.com)."
        )
    return Decision("progress_band", Dose(bottom.sets, bottom.reps, nxt), reason)


def next_dose(
    history: Sequence[LoggedSession], exercise: Exercise, /, *, owned_bands: Sequence[str] = ()
) -> Decision:
    """The next dose of `exercise` from its logged sessions (oldest first), and why."""
    if not history:
        return Decision(
            "start",
            starting_dose(exercise, owned_bands=owned_bands),
            "First session: start at the bottom of the range.",
        )
    last = history[-1]
    if last.symptoms:
        said = ", ".join(STOP_SYMPTOMS.get(k, k) for k in last.symptoms)
        return Decision(
            "stop",
            None,
            f"Reported: {said}. Progression stopped: see a clinician before going on (knee red "
            "flags, NHS Gloucestershire G-Care; 247econsult).",
        )
    if last.pain_0_10 >= PAIN_STOP_0_10:
        return Decision(
            "stop",
            None,
            f"Pain {last.pain_0_10}/10 during the exercise (6 or more: stop, traffic-light pain rule). "
            "Progression stopped: see a clinician before going on.",
        )
    if last.pain_next_day:
        return Decision(
            "stop",
            None,
            "Pain lasted to the next day (traffic-light pain rule). Progression stopped: see a "
            "clinician before going on.",
        )
    if last.pain_0_10 >= PAIN_CAUTION_0_10:
        return Decision(
            "hold",
            last.dose,
            f"Pain {last.pain_0_10}/10 is in the caution zone (4-5/10): keep the same dose, and "
            "reduce it if the pain has not settled by the next day.",
        )
    if not last.form_ok:
        return Decision("hold", last.dose, "Form was not good yet: keep the same dose.")
    if len(history) < 2 or history[-2].dose != last.dose or not history[-2].good:
        return Decision(
            "hold",
            last.dose,
            "One good session at this dose: progress after a second good one.",
        )
    d = exercise.dosage
    if last.sets < d.sets[1]:
        return Decision(
            "progress_sets",
            Dose(last.sets + 1, last.reps, last.band),
            f"Two good sessions at {last.dose}: add a set.",
        )
    if last.reps < d.reps[1]:
        return Decision(
            "progress_reps",
            Dose(last.sets, min(last.reps + REPS_STEP, d.reps[1]), last.band),
            f"Two good sessions at {last.dose}: add reps.",
        )
    if d.band_progression:
        return _next_band(last.dose, exercise, owned_bands)
    return Decision(
        "progress_variation",
        last.dose,
        f"{last.dose} is easy with good form: move on to the harder variation: "
        f"{exercise.progression.text}",
    )
