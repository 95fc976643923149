"""Red-flag screen, run before anything else (docs/evidence.md §7).

Any red flag means: see a clinician, with the urgency its source gives; no program is
produced. Unanswered questions leave the screen incomplete, which also blocks the program.
Pure: answers in, a typed result out.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from valgus.assessment.questions import OTTAWA_KEYS, QUESTIONS, RedFlagKey
from valgus.assessment.selftests import AgeBand, RedFlagAnswers

Urgency = Literal["emergency", "urgent", "review"]
ScreenStatus = Literal["clear", "refer", "incomplete"]

# Traffic-light pain rule (docs/evidence.md §7; fusionphysiochilliwack.com, low-evidence clinic
# guidance): 0-3/10 acceptable, 4-5/10 caution, 6-10/10 stop. Pain >= 6/10 is a
# hard stop.
PAIN_STOP_0_10 = 6
PAIN_CAUTION_0_10 = 4

URGENCY_ADVICE: dict[Urgency, str] = {
    "emergency": "Seek emergency care now.",
    "urgent": "See a clinician urgently (urgent care, an acute knee or fracture clinic).",
    "review": "See a clinician (doctor or physiotherapist) before starting corrective exercise.",
}

# Reason, urgency and source of each flag (docs/evidence.md §7).
_FLAGS: dict[RedFlagKey, tuple[str, Urgency, str]] = {
    "swelling_within_2h": (
        "painful swelling within 2 h of an injury (possible bleeding into the joint, e.g. a "
        "ligament tear)",
        "urgent",
        "247econsult 'Knee pain - red flags adults'",
    ),
    "locking": ("a locked knee", "urgent", "NHS Gloucestershire G-Care knee red flags"),
    "giving_way": (
        "the knee gives way (instability)",
        "review",
        "Krosshaug et al. 2016",
    ),
    "hot_red_fever": (
        "a hot, red, swollen joint with fever or feeling unwell (possible joint infection)",
        "emergency",
        "NHS Gloucestershire G-Care knee red flags",
    ),
    "calf_swelling_breathless": (
        "calf swelling, warmth or tenderness, or breathlessness (possible clot)",
        "emergency",
        "clinref.com red flags",
    ),
    "night_or_rest_pain": (
        "night pain, pain at rest or constant pain",
        "urgent",
        "NHS Gloucestershire; 247econsult",
    ),
    "neurovascular": (
        "numbness, tingling or a cold/pale foot (nerve or blood-vessel signs)",
        "urgent",
        "NHS Gloucestershire; 247econsult",
    ),
    "recent_surgery_or_acl": (
        "recent knee surgery or ACL injury: rehabilitation should be guided by a clinician",
        "review",
        "Krosshaug 2016 (prior ACL injury RR 3.8)",
    ),
}


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RedFlag(_Model):
    key: str
    reason: str
    urgency: Urgency
    advice: str
    source: str


class RedFlagResult(_Model):
    """Outcome of the screen. status 'clear' is the only one that allows a program."""

    status: ScreenStatus
    flags: list[RedFlag]
    unanswered: list[str]
    message: str


def _flag(key: str, reason: str, urgency: Urgency, source: str) -> RedFlag:
    return RedFlag(
        key=key, reason=reason, urgency=urgency, advice=URGENCY_ADVICE[urgency], source=source
    )


def needed_questions(answers: RedFlagAnswers) -> list[RedFlagKey]:
    """Keys that still need an answer: the Ottawa items only after a recent injury."""
    keys: list[RedFlagKey] = []
    for key in QUESTIONS:
        if key in OTTAWA_KEYS and answers.recent_injury is not True:
            continue
        if getattr(answers, key) is None:
            keys.append(key)
    return keys


def _ottawa_flag(answers: RedFlagAnswers, age_band: AgeBand | None) -> RedFlag | None:
    if answers.recent_injury is not True:
        return None
    met: list[str] = [k for k in OTTAWA_KEYS if getattr(answers, k) is True]
    if age_band == "55+":
        met.append("age 55 or over")
    if not met:
        return None
    return _flag(
        "ottawa",
        "a recent knee injury meeting the Ottawa knee rule (" + ", ".join(met) + "): "
        "an X-ray may be needed",
        "urgent",
        "Ottawa knee rule (Stiell 1995/1996); NHS Lothian RefHelp 'Acute trauma knee'",
    )


def _pain_flag(pain_0_10: int) -> RedFlag | None:
    if pain_0_10 < PAIN_STOP_0_10:
        return None
    return _flag(
        "pain",
        f"knee pain {pain_0_10}/10 (6 or more means stop: traffic-light rule)",
        "review",
        "traffic-light pain rule (fusionphysiochilliwack.com, clinic guidance)",
    )


def screen(
    answers: RedFlagAnswers, /, *, pain_0_10: int, age_band: AgeBand | None
) -> RedFlagResult:
    """Run the red-flag screen. Any flag -> 'refer'; else unanswered -> 'incomplete'."""
    flags = [f for f in (_ottawa_flag(answers, age_band), _pain_flag(pain_0_10)) if f]
    for key, (reason, urgency, source) in _FLAGS.items():
        if getattr(answers, key) is True:
            flags.append(_flag(key, reason, urgency, source))
    order: dict[Urgency, int] = {"emergency": 0, "urgent": 1, "review": 2}
    flags.sort(key=lambda f: order[f.urgency])
    unanswered = [str(k) for k in needed_questions(answers)]
    if flags:
        status: ScreenStatus = "refer"
        message = (
            f"{flags[0].advice} Reason: "
            + "; ".join(f.reason for f in flags)
            + ". No exercise program is given until a clinician has seen the knee."
        )
    elif unanswered:
        status = "incomplete"
        message = "The red-flag questions were not all answered: " + ", ".join(unanswered) + "."
    else:
        status = "clear"
        message = "No red flags reported."
        if answers.recent_injury is True:
            message += (
                " You reported a recent knee injury: none of its warning signs applied (you can "
                "take 4 steps, bend the knee to 90 degrees, the kneecap and the bony bump below "
                "the outer knee are not tender: the Ottawa knee rule), so the screen does not "
                "send you for an X-ray. If pain, swelling or giving way appear, see a clinician "
                "before going on."
            )
        if pain_0_10 >= PAIN_CAUTION_0_10:
            message += (
                f" Pain {pain_0_10}/10 is in the caution zone (4-5/10): go gently and reduce the "
                "load if it has not settled by the next day."
            )
    return RedFlagResult(status=status, flags=flags, unanswered=unanswered, message=message)
