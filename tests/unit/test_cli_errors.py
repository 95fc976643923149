"""Every way a command can go wrong ends the same way: one line on stderr, the documented exit
status, and with --json one error object on stdout (usage mistakes included)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.io.poses import save_poses


def valgus(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    import os

    code = "import sys; from valgus.cli.main import main; sys.argv[0] = 'valgus'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        env=os.environ | (env or {}),
        timeout=120,
    )


@pytest.mark.parametrize(
    "args",
    [
        ["analyze", "--json"],  # missing argument
        ["analyze", "x.mp4", "--bogus", "--json"],  # unknown option
        ["log", "ann", "drill", "--sets", "two", "--json"],  # wrong type
    ],
)
def test_usage_mistakes_print_one_line_and_a_json_error(args: list[str]) -> None:
    r = valgus(*args)
    assert r.returncode == 2
    assert r.stderr.startswith("valgus: ") and r.stderr.count("\n") == 1, r.stderr
    assert "Traceback" not in r.stderr and "Usage:" not in r.stderr
    error = json.loads(r.stdout)["error"]
    assert error["code"] == "bad_input" and "--help" in error["message"]


def test_a_failing_store_keeps_the_finished_analysis(tmp_path: Path) -> None:
    """analyze --person --no-save when the database refuses the write: the analysis is
    written to the results folder and the error says where."""
    db = tmp_path / "h.sqlite3"
    assert (
        valgus("person", "add", "ann", env={"VALGUS_DATABASE_URL": f"sqlite:///{db}"}).returncode
        == 0
    )
    poses = save_poses(make_squat_poses(Squat()), tmp_path / "s.poses.nc")
    read_only = f"sqlite:///file:{db}?mode=ro&uri=true"
    out = tmp_path / "results"
    r = valgus(
        "analyze",
        str(poses),
        "--person",
        "ann",
        "--no-save",
        "--out",
        str(out),
        "--json",
        env={"VALGUS_DATABASE_URL": read_only},
    )
    assert r.returncode == 10, r.stderr
    kept = out / "s.analysis.json"
    assert kept.exists() and json.loads(kept.read_text())["summary"]
    assert f"kept in {kept}" in r.stderr and "valgus person attach ann" in r.stderr
    assert json.loads(r.stdout)["error"]["code"] == "storage_error"
