"""Schedule: drivers followed, sessions, dates, re-assessment, equipment and minutes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from valgus.assessment.drivers import Assessment, assess, read_analysis
from valgus.assessment.questions import QUESTIONS
from valgus.assessment.selftests import Answers, Preferences
from valgus.errors import InputError
from valgus.program.catalogue import load_catalogue
from valgus.program.prescription import (
    candidate_drills,
    prescribe,
    reassessment_dates,
    session_dates,
)

MON = dt.date(2025, 3, 3)
CAT = load_catalogue()
ALL_NO = {k: False for k in QUESTIONS if not k.startswith("injury_")}


def _leg(valgus: str, mkd: float) -> dict[str, Any]:
    return {"valgus": valgus, "basis": ["mkd"], "mkd": {"mean": mkd, "sd": 0.0, "n": 3}}


def make(
    *,
    valgus: bool = True,
    tests: dict[str, Any] | None = None,
    bands: tuple[str, ...] = ("yellow", "red"),
    roller: bool = True,
    minutes: int = 60,
) -> Assessment:
    squat = read_analysis(
        {
            "movement": "squat",
            "summary": {
                "left": _leg("mild" if valgus else "none", 0.06 if valgus else 0.0),
                "right": _leg("none", 0.0),
            },
        }
    )
    answers = Answers.model_validate(
        {
            "red_flags": ALL_NO,
            "self_tests": {"pain_0_10": 1, **(tests or {})},
            "preferences": {
                "equipment": {"bands": list(bands), "roller_or_ball": roller},
                "minutes_per_session": minutes,
            },
        }
    )
    return assess([squat], answers, date=MON)


ANKLE = {"knee_to_wall_cm": {"left": 8.0, "right": 8.5}}
FOOT = {"fpi6": {"left": 10, "right": 10}}
HIP = {"hip_abduction_pct_bw": {"left": 30.0}}


def ids(a: Assessment, **kw: Any) -> list[str]:
    return [d.id for d in prescribe(a, CAT, start=MON, **kw).drills]


def test_sessions_weeks_and_dates() -> None:
    p = prescribe(make(tests=ANKLE), CAT, start=MON, weeks=6, sessions_per_week=3)
    assert len(p.sessions) == 18
    assert [s.date.isoformat() for s in p.sessions[:4]] == [
        "2025-03-03",
        "2025-03-05",
        "2025-03-07",
        "2025-03-10",
    ]
    assert p.end == dt.date(2025, 4, 11) and p.sessions[-1].week == 6
    p2 = prescribe(make(tests=ANKLE), CAT, start=MON, weeks=8, sessions_per_week=2)
    assert len(p2.sessions) == 16
    assert p2.sessions[1].date == dt.date(2025, 3, 6)


def test_session_helpers() -> None:
    assert session_dates(MON, weeks=1, sessions_per_week=2) == [
        (1, MON),
        (1, dt.date(2025, 3, 6)),
    ]
    assert reassessment_dates(MON, weeks=6, every_weeks=3) == [
        dt.date(2025, 3, 24),
        dt.date(2025, 4, 14),
    ]
    assert reassessment_dates(MON, weeks=8, every_weeks=2) == [
        MON + dt.timedelta(weeks=w) for w in (2, 4, 6, 8)
    ]
    assert reassessment_dates(MON, weeks=6, every_weeks=4) == [
        MON + dt.timedelta(weeks=w) for w in (4, 6)
    ]


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"weeks": 5}, "weeks"),
        ({"weeks": 9}, "weeks"),
        ({"sessions_per_week": 4}, "sessions"),
        ({"reassess_every_weeks": 1}, "re-assess"),
    ],
)
def test_settings_out_of_the_evidence_range(kw: dict[str, int], message: str) -> None:
    with pytest.raises(InputError, match=message):
        prescribe(make(tests=ANKLE), CAT, start=MON, **kw)


def test_ankle_work_comes_with_hip_work_and_integration() -> None:
    drills = ids(make(tests=ANKLE))
    assert drills[0] == "ankle_df_knee_to_wall"  # mobility first, every session
    assert {"side_lying_hip_abduction", "banded_clamshell", "single_leg_squat_feedback"} <= set(
        drills
    )
    assert "short_foot" not in drills  # foot posture not implicated


def test_foot_pronation_gets_the_seed_ankle_drills() -> None:
    drills = ids(make(tests=FOOT))
    assert {
        "short_foot",
        "banded_eversion",
        "banded_inversion_kulig",
        "peroneal_stretch",
        "peroneal_release",
    } <= set(drills)


def test_hip_only_has_no_ankle_work() -> None:
    drills = ids(make(tests=HIP))
    assert not any(d.startswith(("ankle", "peroneal", "banded_e", "banded_i")) for d in drills)
    assert "side_lying_hip_abduction" in drills


def test_motor_control_only_keeps_integration_required() -> None:
    req = dict(candidate_drills(["motor_control"]))
    assert req["single_leg_squat_feedback"] and not req["side_lying_hip_abduction"]


def test_no_band_substitutes_or_drops_and_says_so() -> None:
    p = prescribe(make(tests=FOOT, bands=()), CAT, start=MON)
    drills = [d.id for d in p.drills]
    assert "clamshell" in drills and "banded_clamshell" not in drills
    assert "squat_feedback" in drills and "mini_band_squat" not in drills
    assert "banded_eversion" not in drills
    assert any("replaced by Clamshell (no band)" in c for c in p.changes)
    assert any(c.startswith("Banded eversion") and "left out" in c for c in p.changes)


def test_no_roller_drops_the_release() -> None:
    p = prescribe(make(tests=FOOT, roller=False), CAT, start=MON)
    assert "peroneal_release" not in [d.id for d in p.drills]
    assert any("roller or ball" in c for c in p.changes)


def test_minutes_drop_optional_drills_and_keep_essentials() -> None:
    a = make(tests={**ANKLE, **FOOT})
    full = prescribe(a, CAT, start=MON)
    short = prescribe(
        a,
        CAT,
        start=MON,
        preferences=a.answers.preferences.model_copy(update={"minutes_per_session": 20}),
    )
    assert short.estimated_minutes <= 20 < full.estimated_minutes
    kept = [d.id for d in short.drills]
    for essential in ("ankle_df_knee_to_wall", "short_foot", "side_lying_hip_abduction"):
        assert essential in kept
    assert any("left out to fit 20 min" in c for c in short.changes)


def test_too_few_minutes_keeps_essentials_and_warns() -> None:
    a = make(tests={**ANKLE, **FOOT})
    p = prescribe(a, CAT, start=MON, preferences=Preferences(minutes_per_session=5))
    assert any("essential drills take about" in c for c in p.changes)


def test_band_starts_at_the_lightest_owned() -> None:
    p = prescribe(make(tests=HIP, bands=("green", "red")), CAT, start=MON)
    clam = next(d for d in p.drills if d.id == "banded_clamshell")
    assert clam.start == "2 x 10 reps, red band"


def test_no_valgus_needs_the_general_flag() -> None:
    a = make(valgus=False)
    with pytest.raises(InputError, match="no corrective program is needed"):
        prescribe(a, CAT, start=MON)
    p = prescribe(a, CAT, start=MON, general=True)
    assert p.general and "single_leg_squat_feedback" in [d.id for d in p.drills]


def test_stop_rules_and_wording() -> None:
    p = prescribe(make(tests=ANKLE, minutes=30), CAT, start=MON)
    text = " ".join(p.stop_rules)
    assert "6/10" in text and "next day" in text and "4-5/10" in text
    assert "not a medical assessment" in p.statement and "may help" in p.statement
