"""The red-flag questions, in the order they are asked (plain data: the command line's help
needs them without loading the models). The screen itself is redflags.py."""

from __future__ import annotations

from typing import Literal

RedFlagKey = Literal[
    "recent_injury",
    "injury_cannot_bear_weight",
    "injury_cannot_bend_90",
    "injury_kneecap_tender",
    "injury_fibular_head_tender",
    "swelling_within_2h",
    "locking",
    "giving_way",
    "hot_red_fever",
    "calf_swelling_breathless",
    "night_or_rest_pain",
    "neurovascular",
    "recent_surgery_or_acl",
]

# The questions, in the order they are asked. The Ottawa items are asked only after a
# recent injury (Stiell 1995/1996: after an acute knee injury, imaging is indicated by age
# >= 55, isolated kneecap tenderness, fibular-head tenderness, inability to flex to 90 deg,
# or inability to bear weight for 4 steps; reported 100% sensitivity for fracture).
QUESTIONS: dict[RedFlagKey, str] = {
    "recent_injury": "Did you injure this knee recently (a fall, a twist, a blow)?",
    "injury_cannot_bear_weight": (
        "Since the injury, can you NOT take 4 steps on that leg (now or right after it happened)?"
    ),
    "injury_cannot_bend_90": "Since the injury, can you NOT bend the knee to a right angle (90°)?",
    "injury_kneecap_tender": "Since the injury, is the kneecap itself tender to touch?",
    "injury_fibular_head_tender": (
        "Since the injury, is the bony bump on the outside just below the knee tender to touch?"
    ),
    "swelling_within_2h": "Did the knee swell up within 2 hours of an injury?",
    "locking": "Does the knee lock (get stuck and cannot straighten or bend)?",
    "giving_way": "Does the knee give way under you?",
    "hot_red_fever": "Is the knee hot, red and swollen while you have a fever or feel unwell?",
    "calf_swelling_breathless": (
        "Is your calf swollen, warm or tender, or are you unusually breathless?"
    ),
    "night_or_rest_pain": "Does the knee hurt at night or at rest, or constantly?",
    "neurovascular": (
        "Is there numbness, pins and needles, or a cold, pale or blue foot on that leg?"
    ),
    "recent_surgery_or_acl": "Have you had knee surgery, or an ACL injury, in the last year?",
}
OTTAWA_KEYS: tuple[RedFlagKey, ...] = (
    "injury_cannot_bear_weight",
    "injury_cannot_bend_90",
    "injury_kneecap_tender",
    "injury_fibular_head_tender",
)
