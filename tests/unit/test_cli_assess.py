"""`valgus assess` and `valgus program` through the typer runner, with answers files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from icalendar import Calendar
from typer.testing import CliRunner

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.cli.main import app

runner = CliRunner()

ANSWERS = """
[red_flags]
recent_injury = false
swelling_within_2h = false
locking = false
giving_way = false
hot_red_fever = false
calf_swelling_breathless = false
night_or_rest_pain = false
neurovascular = false
recent_surgery_or_acl = false

[self_tests]
pain_0_10 = 2
knee_to_wall_cm = { left = 8.5, right = 11.0 }
fpi6 = { left = 8 }

[preferences]
minutes_per_session = 25
[preferences.equipment]
bands = ["red", "yellow"]
roller_or_ball = true
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    d = tmp_path_factory.mktemp("cli")
    result = analyze_poses(make_squat_poses(Squat(medial_shift_m={"left": 0.06, "right": -0.01})))
    (d / "squat.json").write_text(result.result.model_dump_json())
    (d / "answers.toml").write_text(ANSWERS)
    return {"squat": d / "squat.json", "answers": d / "answers.toml", "dir": d}


def run(*args: str | Path) -> tuple[int, str, str]:
    r = runner.invoke(app, [str(a) for a in args])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    return r.exit_code, r.stdout, r.stderr


def test_assess_text(files: dict[str, Path]) -> None:
    code, out, _ = run("assess", files["squat"], "--answers", files["answers"], "--no-input")
    assert code == 0
    assert "No red flags reported" in out and "ankle mobility" in out
    assert "likely" in out and "not a medical assessment" in out


def test_assess_json_then_program_with_ics(files: dict[str, Path]) -> None:
    code, out, _ = run(
        "assess", files["squat"], "--answers", files["answers"], "--json", "--date", "2025-03-03"
    )
    assert code == 0
    a = json.loads(out)
    assert a["kind"] == "valgus-assessment" and a["red_flags"]["status"] == "clear"
    weights = {d["id"]: d["weight"] for d in a["drivers"]["drivers"]}
    assert weights["ankle_dorsiflexion"] == "likely"
    path = files["dir"] / "assessment.json"
    path.write_text(out)
    ics = files["dir"] / "program.ics"
    code, out, _ = run("program", path, "--start", "2025-03-03", "--json", "--ics", ics)
    assert code == 0
    p = json.loads(out)
    assert len(p["sessions"]) == 18 and p["reassess"] == ["2025-03-24", "2025-04-14"]
    cal = Calendar.from_ical(ics.read_bytes())
    events = list(cal.walk("VEVENT"))
    assert len(events) == 18 + 2
    first = events[0]
    assert first.decoded("dtstart").isoformat() == "2025-03-03"
    assert "Knee-to-wall" in str(first.get("description")) or "knee-to-wall" in str(
        first.get("description")
    )


def test_program_text_from_answers_directly(files: dict[str, Path]) -> None:
    code, out, _ = run(
        "program",
        "--answers",
        files["answers"],
        "--analysis",
        files["squat"],
        "--start",
        "2025-03-03",
    )
    assert code == 0
    assert "Corrective program" in out and "Stop rules" in out and "Re-assess" in out


def test_flags_override_the_file(files: dict[str, Path]) -> None:
    code, out, _ = run(
        "assess",
        files["squat"],
        "--answers",
        files["answers"],
        "--ktw-left",
        "13",
        "--ktw-right",
        "13",
        "--json",
    )
    weights = {d["id"]: d["weight"] for d in json.loads(out)["drivers"]["drivers"]}
    assert code == 0 and weights["ankle_dorsiflexion"] == "none"


def test_flags_only_no_file(files: dict[str, Path]) -> None:
    code, out, _ = run("assess", files["squat"], "--pain", "1", "--no-red-flags", "--json")
    assert code == 0 and json.loads(out)["red_flags"]["status"] == "clear"


def test_red_flag_refers_and_program_refuses(files: dict[str, Path]) -> None:
    code, out, _ = run(
        "assess", files["squat"], "--answers", files["answers"], "--red-flag", "locking", "--json"
    )
    assert code == 8
    a = json.loads(out)
    assert a["red_flags"]["status"] == "refer" and a["drivers"] is None
    path = files["dir"] / "refer.json"
    path.write_text(out)
    code, out, err = run("program", path)
    assert code == 8
    assert err.startswith("valgus: no program: a red flag was reported")
    assert len(err.strip().splitlines()) == 1


def test_pain_6_refers(files: dict[str, Path]) -> None:
    code, out, _ = run("assess", "--answers", files["answers"], "--pain", "6")
    assert code == 8 and "See a clinician" in out


def _write(files: dict[str, Path], name: str, text: str) -> Path:
    p = files["dir"] / name
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    ("name", "text", "message"),
    [
        ("missing.toml", None, "no such answers file"),
        ("broken.toml", "[self_tests\npain_0_10 = 2", "not valid TOML"),
        ("broken.json", "{pain", "not valid JSON"),
        ("list.json", "[1, 2]", "one object"),
        ("nopain.toml", "[self_tests]\nsex = 'female'", "pain_0_10: Field required"),
        ("type.toml", "[self_tests]\npain_0_10 = 'a lot'", "pain_0_10"),
        ("range.toml", "[self_tests]\npain_0_10 = 11", "less than or equal to 10"),
        (
            "ktw.json",
            '{"self_tests": {"pain_0_10": 1, "knee_to_wall_cm": {"left": -3}}}',
            "knee_to_wall_cm.left",
        ),
        ("fpi.toml", "[self_tests]\npain_0_10 = 1\nfpi6 = { left = 2.5 }", "fpi6.left"),
        (
            "band.toml",
            "[self_tests]\npain_0_10 = 1\n[preferences.equipment]\nbands = ['pink']",
            "bands",
        ),
        ("extra.toml", "[self_tests]\npain_0_10 = 1\nshoe_size = 42", "shoe_size"),
        ("flag.toml", "[self_tests]\npain_0_10 = 1\n[red_flags]\nlocking = 'maybe'", "locking"),
    ],
)
def test_bad_answers_files(
    files: dict[str, Path], name: str, text: str | None, message: str
) -> None:
    path = files["dir"] / name if text is None else _write(files, name, text)
    for command in (["assess", "--no-red-flags"], ["program"]):
        code, _out, err = run(*command, "--answers", path)
        assert code == 2, (command, err)
        assert err.startswith("valgus: ") and message in err, err
        assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_unanswered_red_flags_in_a_script(files: dict[str, Path]) -> None:
    code, out, err = run("assess", "--pain", "1", "--no-input", "--json")
    assert code == 2 and "answer the red-flag questions first" in err
    assert json.loads(out)["error"]["code"] == "bad_answers"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["program", "nothere.json"], 2, "nothere.json: no such file"),
        (
            ["assess", "nothere.json", "--pain", "1", "--no-red-flags"],
            2,
            "nothere.json: no such file",
        ),
        (["program"], 2, "give an assessment file, --answers FILE, or --person"),
        (["program", "--answers", "X", "--start", "03/03/2025"], 2, "YYYY-MM-DD"),
    ],
)
def test_bad_files_and_options(args: list[str], code: int, message: str) -> None:
    got, _, err = run(*args)
    assert got == code and message in err and "Traceback" not in err


def test_program_rejects_an_analysis_given_as_assessment(files: dict[str, Path]) -> None:
    code, _, err = run("program", files["squat"])
    assert code == 2 and "is not a valgus assessment" in err


def test_guide() -> None:
    code, out, _ = run("assess", "--guide")
    assert code == 0 and "Knee-to-wall test" in out and "Navicular drop" in out
