"""The pure core type-checks under mypy --strict (files listed in pyproject.toml)."""

import subprocess
import sys

from tests.paths import REPO


def test_mypy_strict_on_the_core() -> None:
    res = subprocess.run([sys.executable, "-m", "mypy"], cwd=REPO, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
