"""Progression and stop rules (docs/evidence.md §7, §8), hand-worked."""

from __future__ import annotations

import pytest

from valgus.program.catalogue import load_catalogue
from valgus.program.progression import Dose, LoggedSession, next_dose

CAT = load_catalogue()
CLAM = CAT.get("banded_clamshell")  # band progression
SLA = CAT.get("side_lying_hip_abduction")  # bodyweight


def s(sets: int, reps: int, band: str | None = None, pain: int = 1, **kw: bool) -> LoggedSession:
    return LoggedSession(
        sets=sets,
        reps=reps,
        band=band,
        pain_0_10=pain,
        pain_next_day=kw.get("next_day", False),
        form_ok=kw.get("form_ok", True),
    )


def test_first_session_starts_at_the_bottom_with_the_lightest_band() -> None:
    d = next_dose([], CLAM, owned_bands=("green", "red"))
    assert (d.action, d.dose) == ("start", Dose(2, 10, "red"))


@pytest.mark.parametrize("pain", [6, 7, 10])
def test_pain_6_or_more_stops(pain: int) -> None:
    d = next_dose([s(2, 10, "red"), s(2, 10, "red", pain=pain)], CLAM)
    assert d.action == "stop" and d.dose is None and f"{pain}/10" in d.reason


def test_pain_to_the_next_day_stops() -> None:
    d = next_dose([s(2, 10, "red"), s(2, 10, "red", pain=2, next_day=True)], CLAM)
    assert d.action == "stop" and "next day" in d.reason


@pytest.mark.parametrize("symptom", ["locking", "giving_way", "swelling", "night_pain"])
def test_a_stop_symptom_stops_whatever_the_pain(symptom: str) -> None:
    from dataclasses import replace

    good = s(3, 15, "red", pain=0)
    d = next_dose([good, replace(good, symptoms=(symptom,))], CLAM)
    assert d.action == "stop" and d.dose is None and "see a clinician" in d.reason
    assert not replace(good, symptoms=(symptom,)).good


@pytest.mark.parametrize("pain", [4, 5])
def test_pain_4_to_5_holds(pain: int) -> None:
    d = next_dose([s(2, 10, "red"), s(2, 10, "red", pain=pain)], CLAM)
    assert (d.action, d.dose) == ("hold", Dose(2, 10, "red")) and "caution" in d.reason


def test_poor_form_holds() -> None:
    d = next_dose([s(2, 10), s(2, 10, form_ok=False)], SLA)
    assert (d.action, d.dose) == ("hold", Dose(2, 10))


def test_one_good_session_holds_two_progress() -> None:
    assert next_dose([s(2, 10)], SLA).action == "hold"
    assert next_dose([s(2, 10, pain=4), s(2, 10)], SLA).action == "hold"  # previous not good
    assert next_dose([s(2, 12), s(2, 10)], SLA).action == "hold"  # different dose
    d = next_dose([s(2, 10), s(2, 10, pain=3)], SLA)  # 3/10 is still 'ok'
    assert (d.action, d.dose) == ("progress_sets", Dose(3, 10))


@pytest.mark.parametrize(("reps", "to"), [(10, 12), (12, 14), (14, 15)])
def test_reps_climb_by_2_to_15(reps: int, to: int) -> None:
    d = next_dose([s(3, reps), s(3, reps)], SLA)
    assert (d.action, d.dose) == ("progress_reps", Dose(3, to))


def test_3x15_easy_moves_to_the_next_band_at_the_bottom_of_the_range() -> None:
    d = next_dose([s(3, 15, "yellow"), s(3, 15, "yellow")], CLAM, owned_bands=("yellow", "red"))
    assert (d.action, d.dose) == ("progress_band", Dose(2, 10, "red"))
    assert "did not list" not in d.reason


def test_next_band_not_owned_says_what_to_do() -> None:
    d = next_dose([s(3, 15, "red"), s(3, 15, "red")], CLAM, owned_bands=("red",))
    assert d.dose == Dose(2, 10, "green")
    assert "double the red band" in d.reason


def test_band_order_follows_rule_13() -> None:
    seq, band = [], "yellow"
    for _ in range(4):
        band = next_dose([s(3, 15, band), s(3, 15, band)], CLAM).dose.band  # type: ignore[union-attr]
        seq.append(band)
    assert seq == ["red", "green", "blue", "black"]


def test_bodyweight_3x15_moves_to_the_harder_variation() -> None:
    d = next_dose([s(3, 15), s(3, 15)], SLA)
    assert d.action == "progress_variation" and "log-roll" in d.reason


def test_mini_band_squat_never_goes_up_in_band_colour() -> None:
    mini = CAT.get("mini_band_squat")
    d = next_dose([s(3, 15, "yellow"), s(3, 15, "yellow")], mini)
    assert d.action == "progress_variation" and d.dose == Dose(3, 15, "yellow")
