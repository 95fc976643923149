"""The movement registry: a movement is one module under assessment/movements/, found by
its file; every door lists the movements from it."""

from __future__ import annotations

import typing

import pytest
from typer.testing import CliRunner

from valgus.assessment import movements
from valgus.cli.main import app
from valgus.results import AnalysisResult


def test_every_module_is_a_movement_with_its_own_spec() -> None:
    names = movements.names()
    assert names == ("drop-jump", "heel-raised-squat", "single-leg-squat", "squat")
    for name in names:
        spec = movements.get(name)
        assert spec.name == name and spec.label and spec.summary_title
    assert movements.all_specs()[0].name == "squat"
    with pytest.raises(KeyError):
        movements.get("cartwheel")


def test_the_results_schema_takes_its_movements_from_the_registry() -> None:
    field = AnalysisResult.model_fields["movement"].annotation
    assert set(typing.get_args(field)) == set(movements.names())


def test_the_command_line_refuses_a_movement_not_in_the_registry(tmp_path: object) -> None:
    r = CliRunner().invoke(app, ["analyze", "nothing.mp4", "--movement", "cartwheel"])
    assert r.exit_code == 2
    for name in movements.names():
        assert name in r.stderr
