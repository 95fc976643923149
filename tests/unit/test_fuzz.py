"""`valgus bench fuzz`: a few seconds per parser find no traceback, hang or crash."""

from __future__ import annotations

import random

from valgus.bench import fuzz


def test_every_parser_survives_a_few_seconds_of_mutated_files() -> None:
    reports = fuzz.fuzz(2.5, seed=3)
    assert set(reports) == set(fuzz.PARSERS)
    for name, report in reports.items():
        assert report.cases > 0, name
        assert not report.failures, (name, dict(report.failures), report.examples)


def test_a_case_past_its_time_limit_is_a_hang() -> None:
    reports = fuzz.fuzz(0.5, seed=0, parsers=["answers-json"], limit_s=1e-4)
    assert reports["answers-json"].failures["hang"] >= 1


def test_mutations_are_reproducible_and_change_the_file() -> None:
    seed = b"PathFileType\t4\t(X/Y/Z)\tDJ1.trc\n" * 20
    a = [fuzz.mutate(seed, random.Random(f"7:{i}")) for i in range(50)]
    b = [fuzz.mutate(seed, random.Random(f"7:{i}")) for i in range(50)]
    assert a == b
    assert sum(data != seed for data, _ in a) >= 45
