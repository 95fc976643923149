"""The code stays lint-clean and formatted (ruff, configured in pyproject.toml)."""

import shutil
import subprocess
import sys
from pathlib import Path

from tests.paths import REPO


def _ruff(*args: str) -> subprocess.CompletedProcess[str]:
    beside = Path(sys.executable).with_name("ruff")  # the test environment's own ruff
    exe = str(beside) if beside.exists() else shutil.which("ruff")
    assert exe, "ruff is not installed: pip install -e '.[test]'"
    return subprocess.run([exe, *args, "src", "tests"], cwd=REPO, capture_output=True, text=True)


def test_ruff_check_is_clean() -> None:
    res = _ruff("check")
    assert res.returncode == 0, res.stdout + res.stderr


def test_ruff_format_is_clean() -> None:
    res = _ruff("format", "--check")
    assert res.returncode == 0, res.stdout + res.stderr
