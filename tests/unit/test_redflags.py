"""Red-flag screen (docs/evidence.md §7): every flag stops the program."""

from __future__ import annotations

import datetime as dt

import pytest

from valgus.assessment.drivers import assess
from valgus.assessment.questions import QUESTIONS
from valgus.assessment.redflags import screen
from valgus.assessment.selftests import Answers, RedFlagAnswers
from valgus.errors import AnswersError, RedFlagError
from valgus.program.catalogue import load_catalogue
from valgus.program.prescription import prescribe

ALL_NO = {k: False for k in QUESTIONS if not k.startswith("injury_")}
DIRECT_FLAGS = [k for k in ALL_NO if k != "recent_injury"]


def answers(red_flags: dict[str, bool], *, pain: int = 2, age_band: str = "18-34") -> Answers:
    return Answers.model_validate(
        {"red_flags": red_flags, "self_tests": {"pain_0_10": pain, "age_band": age_band}}
    )


def test_all_no_is_clear() -> None:
    r = screen(RedFlagAnswers(**ALL_NO), pain_0_10=0, age_band=None)
    assert (r.status, r.flags, r.unanswered) == ("clear", [], [])


@pytest.mark.parametrize("key", DIRECT_FLAGS)
def test_each_flag_refers_and_blocks_the_program(key: str) -> None:
    a = assess([], answers({**ALL_NO, key: True}), date=dt.date(2025, 1, 6))
    assert a.red_flags.status == "refer"
    assert [f.key for f in a.red_flags.flags] == [key]
    assert a.drivers is None
    with pytest.raises(RedFlagError, match=r"red flag was reported"):
        prescribe(a, load_catalogue(), start=dt.date(2025, 1, 6))


@pytest.mark.parametrize(
    ("key", "urgency"),
    [
        ("hot_red_fever", "emergency"),
        ("calf_swelling_breathless", "emergency"),
        ("locking", "urgent"),
        ("swelling_within_2h", "urgent"),
        ("giving_way", "review"),
        ("recent_surgery_or_acl", "review"),
    ],
)
def test_urgency_follows_the_reference_table(key: str, urgency: str) -> None:
    r = screen(RedFlagAnswers(**{**ALL_NO, key: True}), pain_0_10=0, age_band=None)
    assert r.flags[0].urgency == urgency


def test_emergency_is_listed_first() -> None:
    r = screen(
        RedFlagAnswers(**{**ALL_NO, "giving_way": True, "hot_red_fever": True}),
        pain_0_10=0,
        age_band=None,
    )
    assert [f.urgency for f in r.flags] == ["emergency", "review"]
    assert r.message.startswith("Seek emergency care now.")


@pytest.mark.parametrize(
    "ottawa",
    [
        "injury_cannot_bear_weight",
        "injury_cannot_bend_90",
        "injury_kneecap_tender",
        "injury_fibular_head_tender",
    ],
)
def test_ottawa_criterion_after_injury_refers(ottawa: str) -> None:
    rf = {**ALL_NO, "recent_injury": True, **dict.fromkeys(QUESTIONS, False), ottawa: True}
    rf["recent_injury"] = True
    r = screen(RedFlagAnswers(**rf), pain_0_10=0, age_band="18-34")
    assert r.status == "refer" and r.flags[0].key == "ottawa"


def test_ottawa_items_without_an_injury_are_not_asked_nor_flagged() -> None:
    r = screen(RedFlagAnswers(**ALL_NO), pain_0_10=0, age_band="55+")
    assert r.status == "clear"


def test_injury_at_55_or_over_meets_ottawa() -> None:
    rf = {**dict.fromkeys(QUESTIONS, False), "recent_injury": True}
    assert screen(RedFlagAnswers(**rf), pain_0_10=0, age_band="55+").status == "refer"
    assert screen(RedFlagAnswers(**rf), pain_0_10=0, age_band="35-54").status == "clear"


def test_injury_asks_the_ottawa_questions() -> None:
    r = screen(RedFlagAnswers(**{**ALL_NO, "recent_injury": True}), pain_0_10=0, age_band=None)
    assert r.status == "incomplete"
    assert set(r.unanswered) == {k for k in QUESTIONS if k.startswith("injury_")}


@pytest.mark.parametrize(("pain", "status"), [(5, "clear"), (6, "refer"), (10, "refer")])
def test_pain_6_or_more_refers(pain: int, status: str) -> None:
    r = screen(RedFlagAnswers(**ALL_NO), pain_0_10=pain, age_band=None)
    assert r.status == status
    if pain == 5:
        assert "caution" in r.message


def test_unanswered_is_incomplete_and_blocks_the_program() -> None:
    partial = {k: v for k, v in ALL_NO.items() if k != "locking"}
    a = assess([], answers(partial), date=dt.date(2025, 1, 6))
    assert a.red_flags.status == "incomplete" and a.red_flags.unanswered == ["locking"]
    with pytest.raises(AnswersError, match="locking"):
        prescribe(a, load_catalogue(), start=dt.date(2025, 1, 6))
