"""Bad input gets a clear message and an exit code, never a traceback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from tests.paths import shared_file
from valgus.cli.main import app

pytestmark = pytest.mark.integration


def _truncate(src: Path, dst: Path, n_bytes: int) -> Path:
    dst.write_bytes(src.read_bytes()[:n_bytes])
    return dst


def _cases(tmp: Path) -> list[tuple[Path, str, str]]:
    (tmp / "empty.mp4").write_bytes(b"")
    (tmp / "notes.mp4").write_text("this is not a video\n")
    (tmp / "garbage.poses.nc").write_text("not a pose file\n")
    side = shared_file("data", "video", "side-view-barbell-squat.mp4")  # index at the end
    return [
        (tmp / "empty.mp4", "video_unreadable", "empty"),
        (tmp / "notes.mp4", "video_unreadable", "not a video"),
        (tmp / "missing.mp4", "video_unreadable", "no such file"),
        (tmp, "video_unreadable", "folder"),
        (_truncate(side, tmp / "cut.mp4", 1_000_000), "video_unreadable", "not a video"),
        (tmp / "garbage.poses.nc", "pose_file_invalid", "not a readable pose file"),
    ]


def test_bad_files_get_a_clear_error(tmp_path: Path) -> None:
    runner = CliRunner()
    for path, code, words in _cases(tmp_path):
        res = runner.invoke(app, ["analyze", str(path), "--json", "--no-save"])
        assert res.exit_code not in (0, 1), (path, res.exit_code, res.stderr)
        assert res.exception is None or isinstance(res.exception, SystemExit), res.exception
        payload = json.loads(res.stdout)
        assert payload["error"]["code"] == code, (path, payload)
        assert words in payload["error"]["message"], (path, payload)
        assert res.stderr.startswith("valgus: ") and "Traceback" not in res.stderr


def test_truncated_video_keeps_what_it_could_read(tmp_path: Path) -> None:
    # The oblique clip has its index at the start: a cut file decodes up to the cut.
    src = shared_file("data", "video", "oblique-dim-heavy-squat.mp4")
    cut = _truncate(src, tmp_path / "cut.mp4", 1_700_000)  # ends before the squat
    res = CliRunner().invoke(app, ["analyze", str(cut), "--json", "--no-save"])
    assert res.exit_code == 7
    message = json.loads(res.stdout)["error"]["message"]
    assert "no squat found" in message and "damaged after" in message


def test_unknown_movement_is_refused(tmp_path: Path) -> None:
    src = shared_file("data", "video", "side-view-barbell-squat.mp4")
    res = CliRunner().invoke(app, ["analyze", str(src), "--movement", "lunge", "--json"])
    assert res.exit_code == 2
    assert json.loads(res.stdout)["error"]["code"] == "bad_input"
