"""Reports are produced, complete and valid: the HTML parses, every image decodes."""

from __future__ import annotations

import base64
import json
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest
from typer.testing import CliRunner

import valgus
from valgus.cli.main import app
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

pytestmark = pytest.mark.integration


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.images: list[str] = []
        self.drill_images: list[str] = []  # inside <figure class="drill">
        self.text: list[str] = []
        self.open_tags: list[str] = []
        self.in_drill = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs)["src"] or "")
            if self.in_drill:
                self.drill_images.append(self.images[-1])
        elif tag not in ("meta", "br", "img"):
            self.open_tags.append(tag)
        if tag == "figure":
            self.in_drill = dict(attrs).get("class") == "drill"

    def handle_endtag(self, tag: str) -> None:
        assert self.open_tags and self.open_tags[-1] == tag, f"unbalanced </{tag}>"
        self.open_tags.pop()

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _decode(png: bytes) -> np.ndarray:
    img = cv2.imdecode(np.frombuffer(png, dtype=np.uint8), cv2.IMREAD_COLOR)
    assert img is not None and img.size > 0
    return img


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report")
    video = out / "squat.mp4"
    render_squat(
        video,
        SquatParams(reps=2, rep_s=2.5, valgus_left_deg=40.0, seed=5),
        CameraParams(),
        RenderParams(seed=5),
    )
    analysis = valgus.analyze_video(video)
    valgus.save_analysis(analysis, out, stem="squat")
    return out


def test_report_html_is_complete_and_self_contained(results: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(results)])
    assert res.exit_code == 0, res.stderr
    page = _Page()
    page.feed((results / "squat.report.html").read_text(encoding="utf-8"))
    page.close()
    assert page.open_tags == []
    text = " ".join(page.text)
    for words in (
        "Left knee",
        "Right knee",
        "well above typical",
        "not a medical assessment",
        "Key frames",
        "Faces are blurred",
    ):
        assert words in text, words
    # 2 key frames, the plot and best/worst for each leg whose reps clearly differ, inline PNGs
    best_worst = list(results.glob("*best-worst.png"))
    assert len(page.images) == 3 + len(best_worst)
    for src in page.images:
        assert src.startswith("data:image/png;base64,")
        _decode(base64.b64decode(src.split(",", 1)[1]))
    for name in ("squat.rep1.png", "squat.rep2.png", "squat.measures.png"):
        assert _decode((results / name).read_bytes()).shape[0] > 200


def test_faces_are_blurred_unless_asked(results: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    assert runner.invoke(app, ["report", str(results), "--out", str(tmp_path / "b")]).exit_code == 0
    assert (
        runner.invoke(
            app, ["report", str(results), "--out", str(tmp_path / "n"), "--no-blur"]
        ).exit_code
        == 0
    )
    blurred = _decode((tmp_path / "b" / "squat.rep1.png").read_bytes())
    sharp = _decode((tmp_path / "n" / "squat.rep1.png").read_bytes())
    assert blurred.shape == sharp.shape
    top = slice(0, blurred.shape[0] // 5)  # the head is in the top fifth of the crop
    diff = np.abs(blurred[top].astype(int) - sharp[top].astype(int)).sum()
    assert diff > 0
    lap_b = cv2.Laplacian(cv2.cvtColor(blurred[top], cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()
    lap_s = cv2.Laplacian(cv2.cvtColor(sharp[top], cv2.COLOR_BGR2GRAY), cv2.CV_64F).var()
    assert lap_b < lap_s
    assert "NOT blurred" in (tmp_path / "n" / "squat.report.html").read_text()


def test_report_without_the_video_says_so(results: Path, tmp_path: Path) -> None:
    res = CliRunner().invoke(
        app,
        [
            "report",
            str(results / "squat.analysis.json"),
            "--video",
            str(tmp_path / "gone.mp4"),
            "--out",
            str(tmp_path),
        ],
    )
    assert res.exit_code == 0, res.stderr
    assert "video was not kept" in (tmp_path / "squat.report.html").read_text()


def test_report_bad_input_is_one_clear_line(tmp_path: Path) -> None:
    res = CliRunner().invoke(app, ["report", str(tmp_path / "nothing.txt")])
    assert res.exit_code == 2
    assert res.stderr.startswith("valgus: ") and "Traceback" not in res.stderr


def test_annotated_video_plays_everywhere(results: Path, tmp_path: Path) -> None:
    import av

    res = CliRunner().invoke(
        app, ["report", str(results), "--out", str(tmp_path), "--annotated-video"]
    )
    assert res.exit_code == 0, res.stderr
    with av.open(str(results / "squat.mp4")) as src:
        n_src = sum(1 for _ in src.decode(video=0))
    with av.open(str(tmp_path / "squat.annotated.mp4")) as out:
        stream = out.streams.video[0]
        assert stream.codec_context.name == "h264"
        assert stream.codec_context.pix_fmt == "yuv420p"  # browsers and phones
        frames = list(out.decode(video=0))
    assert len(frames) == n_src
    assert (frames[0].width, frames[0].height) == (720, 1280)
    assert not list(tmp_path.glob("*.part*"))


def test_pdf_report_has_the_pages_and_the_findings(results: Path, tmp_path: Path) -> None:
    from pypdf import PdfReader

    res = CliRunner().invoke(app, ["report", str(results), "--out", str(tmp_path), "--pdf"])
    assert res.exit_code == 0, res.stderr
    reader = PdfReader(str(tmp_path / "squat.report.pdf"))
    assert len(reader.pages) >= 2
    text = " ".join(page.extract_text() for page in reader.pages)
    for words in (
        "Knee valgus screen",
        "Left knee",
        "well above typical",
        "not a medical assessment",
        "Key frames",
        "Quality and method",
    ):
        assert words in text, words
    n_images = sum(len(page.images) for page in reader.pages)
    assert n_images >= 3  # key frames and the plot


ANSWERS = """
[red_flags]
recent_injury = false
swelling_within_2h = false
locking = {locking}
giving_way = false
hot_red_fever = false
calf_swelling_breathless = false
night_or_rest_pain = false
neurovascular = false
recent_surgery_or_acl = false

[self_tests]
pain_0_10 = 2
knee_to_wall_cm = {{ left = 8.5, right = 11.0 }}
hip_abduction_pct_bw = {{ left = 30.0, right = 38.0 }}

[preferences]
minutes_per_session = 30
[preferences.equipment]
bands = ["yellow", "red"]
roller_or_ball = true
mirror_or_phone = true
"""


def _assess(results: Path, tmp: Path, *, locking: bool) -> tuple[Path, int]:
    answers = tmp / f"answers-{locking}.toml"
    answers.write_text(ANSWERS.format(locking=str(locking).lower()))
    res = CliRunner().invoke(
        app, ["assess", str(results / "squat.analysis.json"), "--answers", str(answers), "--json"]
    )
    out = tmp / f"assessment-{locking}.json"
    out.write_text(res.stdout)
    return out, res.exit_code


def test_report_with_drivers_and_program(results: Path, tmp_path: Path) -> None:
    assessment, code = _assess(results, tmp_path, locking=False)
    assert code == 0
    program = tmp_path / "program.json"
    res = CliRunner().invoke(app, ["program", str(assessment), "--start", "2026-12-07", "--json"])
    assert res.exit_code == 0, res.stderr
    program.write_text(res.stdout)
    res = CliRunner().invoke(
        app,
        [
            "report",
            str(results),
            "--out",
            str(tmp_path),
            "--pdf",
            "--assessment",
            str(assessment),
            "--program",
            str(program),
        ],
    )
    assert res.exit_code == 0, res.stderr
    page = _Page()
    page.feed((tmp_path / "squat.report.html").read_text(encoding="utf-8"))
    text = " ".join(page.text)
    for words in (
        "What may contribute",
        "Ankle mobility",
        "knee-to-wall",
        "Corrective program",
        "Re-assess",
        "Stop rules",
        "Single-leg squat with mirror or video feedback",
        "07 Dec 2026",
    ):
        assert words in text, words
    # Each drill of the program has its start/end picture, drawn by the figure renderer.
    drills = json.loads(program.read_text())["drills"]
    assert len(drills) >= 3 and len(page.drill_images) == len(drills)
    for src in page.drill_images:
        img = _decode(base64.b64decode(src.split(",", 1)[1]))
        assert img.shape[1] > img.shape[0]  # start and end side by side
    from pypdf import PdfReader

    reader = PdfReader(str(tmp_path / "squat.report.pdf"))
    pdf_text = " ".join(p.extract_text() for p in reader.pages)
    assert "Corrective program" in pdf_text and "What may contribute" in pdf_text
    assert "The exercises (start and end positions)" in pdf_text
    for d in drills:
        assert d["name"][:30] in pdf_text.replace("\n", " ")
    n_images = sum(len(p.images) for p in reader.pages)
    assert n_images >= 2 + 1 + len(drills)  # key frames, the plot and one per drill


def test_report_with_a_red_flag_gives_no_program(results: Path, tmp_path: Path) -> None:
    assessment, code = _assess(results, tmp_path, locking=True)
    assert code == 8  # red flag: the assessment is written, the program is refused
    res = CliRunner().invoke(app, ["program", str(assessment), "--json"])
    assert res.exit_code == 8
    res = CliRunner().invoke(
        app, ["report", str(results), "--out", str(tmp_path), "--assessment", str(assessment)]
    )
    assert res.exit_code == 0, res.stderr
    page = (tmp_path / "squat.report.html").read_text(encoding="utf-8")
    assert "No exercise program is given" in page
    assert "Corrective program" not in page


def test_report_refuses_a_broken_assessment_file(results: Path, tmp_path: Path) -> None:
    bad = tmp_path / "assessment.json"
    bad.write_text("{not json")
    res = CliRunner().invoke(app, ["report", str(results), "--assessment", str(bad)])
    assert res.exit_code == 2
    assert res.stderr.startswith("valgus: ") and "Traceback" not in res.stderr


def test_report_with_the_persons_trend(
    results: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--person adds the trend of each leg from the history database (3 assessments)."""
    import datetime as dt

    from tests.synthetic_poses import Squat, make_squat_poses
    from valgus.api import analyze_poses
    from valgus.storage import Database, store

    url = f"sqlite:///{tmp_path / 'history.sqlite3'}"
    monkeypatch.setenv("VALGUS_DATABASE_URL", url)
    with Database(url) as db:
        store.add_person(db, store.PersonInfo(name="ann"))
        for month, shift in ((3, 0.08), (4, 0.05), (5, 0.0)):
            poses = make_squat_poses(Squat(medial_shift_m={"left": shift, "right": 0.0}))
            store.add_analysis(
                db,
                "ann",
                analyze_poses(poses).result,
                poses_nc=None,
                recorded_at=dt.datetime(2025, month, 1),
            )
    out = tmp_path / "out"
    res = CliRunner().invoke(
        app, ["report", str(results), "--out", str(out), "--person", "ann", "--pdf"]
    )
    assert res.exit_code == 0, res.stderr
    page = _Page()
    page.feed((out / "squat.report.html").read_text(encoding="utf-8"))
    text = " ".join(page.text)
    assert "Across assessments" in text and "3 squat analyses" in text
    assert "left: less valgus since the first" in text and "right: no measurable change" in text
    for side in ("left", "right"):
        assert _decode((out / f"squat.trend-{side}.png").read_bytes()).shape[1] > 500
    best_worst = list(results.glob("*best-worst.png"))  # key frames, plot, best/worst, trends
    assert len(page.images) == 3 + len(best_worst) + 2
    from pypdf import PdfReader

    pdf_text = " ".join(p.extract_text() for p in PdfReader(str(out / "squat.report.pdf")).pages)
    assert "Across assessments" in pdf_text

    res = CliRunner().invoke(app, ["report", str(results), "--out", str(out), "--person", "bob"])
    assert res.exit_code == 2 and "no person named 'bob'" in res.stderr
