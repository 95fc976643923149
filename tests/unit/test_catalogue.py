"""The exercise catalogue loads, holds the seed's drills, and rejects broken data."""

from __future__ import annotations

import tomllib
from importlib import resources

import pytest

from valgus.errors import CatalogueError
from valgus.program.catalogue import load_catalogue, parse_catalogue

SEED_AND_BRIEF = {
    "banded_eversion",  # peroneals
    "banded_inversion_kulig",  # tibialis posterior, Kulig style
    "peroneal_stretch",
    "peroneal_release",  # roller or ball
    "side_lying_hip_abduction",  # no-equipment hip abductor
    "banded_clamshell",  # banded hip external rotation
    "ankle_df_knee_to_wall",
    "ankle_df_strap",
    "short_foot",
    "single_leg_squat_feedback",
    "mini_band_squat",
}


def _text() -> str:
    return resources.files("valgus.program").joinpath("catalogue.toml").read_text("utf-8")


def test_catalogue_loads_with_every_seed_drill() -> None:
    cat = load_catalogue()
    assert set(cat.ids) >= SEED_AND_BRIEF
    assert len(cat.ids) == len(set(cat.ids))


def test_every_entry_is_complete() -> None:
    for e in load_catalogue().exercise:
        assert e.purpose and e.steps and e.cues and e.mistakes and e.evidence, e.id
        assert e.dosage.sets == (2, 3) and e.dosage.reps == (10, 15), e.id  # docs/evidence.md §8


def test_equipment_and_caution() -> None:
    cat = load_catalogue()
    assert cat.get("side_lying_hip_abduction").equipment == []
    assert "band" in cat.get("banded_clamshell").equipment
    assert cat.get("peroneal_release").equipment == ["roller_or_ball"]
    mini = cat.get("mini_band_squat")
    assert "mirror_or_phone" in mini.equipment and not mini.dosage.band_progression
    assert any("Reece" in s for s in mini.evidence) and "feedback" in (mini.notes or "")


def _broken(edit: str, old: str, new: str) -> str:
    text = _text()
    assert old in text, edit
    return text.replace(old, new, 1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            _broken("unknown field", 'region = "ankle"', 'region = "ankle"\ncolour = "blue"'),
            "colour",
        ),
        (_broken("missing field", 'purpose = "More forward', 'purpos = "More forward'), "purpose"),
        (
            _broken(
                "duplicate id", 'id = "ankle_df_strap"\nname', 'id = "ankle_df_knee_to_wall"\nname'
            ),
            "duplicate",
        ),
        (_broken("bad progression", 'id = "ankle_df_strap"\ntext', 'id = "nope"\ntext'), "nope"),
        (
            _broken("bad driver", 'drivers = ["ankle_dorsiflexion"]', 'drivers = ["knee"]'),
            "drivers",
        ),
        (_broken("bad range", "sets = [2, 3]", "sets = [3, 2]"), "sets"),
        ("[[exercise]\nid = ", "not valid TOML"),
    ],
)
def test_broken_catalogue_is_rejected_clearly(text: str, message: str) -> None:
    with pytest.raises(CatalogueError, match=message):
        parse_catalogue(text)


def test_catalogue_text_is_plain_toml() -> None:
    assert len(tomllib.loads(_text())["exercise"]) == len(load_catalogue().ids)
