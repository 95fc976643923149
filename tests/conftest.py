"""Shared test set-up. ``tests`` is a package: helpers are imported as
``tests.synthetic_poses`` (synthetic pose Datasets) and ``tests.paths``."""

from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _work_in_a_temporary_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands write their default files (./valgus-results/...) under the current folder:
    every test runs in its own, never in the repository."""
    monkeypatch.chdir(tmp_path)
