"""The text a person reads in the HTML and PDF reports: no sentence twice, no internal
references or raw markup, the step "build the program" gone once the program is in, each
driver named once, and the PDF carrying the safety result, the drill cues and what to avoid.
Synthetic poses, no video."""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest
from pypdf import PdfReader

from tests.synthetic_poses import Squat, make_squat_poses
from valgus.api import analyze_poses
from valgus.assessment.bands import WELLNESS_STATEMENT
from valgus.assessment.drivers import BUILD_PROGRAM_STEP, LABELS, assess, read_analysis
from valgus.assessment.questions import QUESTIONS
from valgus.assessment.selftests import Answers
from valgus.program.catalogue import load_catalogue
from valgus.program.prescription import prescribe
from valgus.report.build import build_report

DAY = dt.date(2025, 3, 3)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: object) -> None:
        self._skip += tag in ("style", "script")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("style", "script")

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.parts.append(data.strip())


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    out = tmp_path_factory.mktemp("report")
    analysis = analyze_poses(make_squat_poses(Squat(medial_shift_m={"left": 0.08, "right": 0.0})))
    answers = Answers.model_validate(
        {
            "red_flags": dict.fromkeys(QUESTIONS, False) | {"recent_injury": True},
            "self_tests": {"pain_0_10": 1, "knee_to_wall_cm": {"left": 8.5, "right": 11.0}},
            "preferences": {"equipment": {"bands": ["red"]}},
        }
    )
    result = analysis.result.model_dump(mode="json")
    assessment = assess([read_analysis(result)], answers, date=DAY)
    program = prescribe(assessment, load_catalogue(), start=DAY)
    files = build_report(
        analysis, out, stem="squat", video=None, pdf=True, assessment=assessment, program=program
    )
    parser = _Text()
    parser.feed(files.html.read_text(encoding="utf-8"))
    pdf = next(p for p in files.pictures if p.suffix == ".pdf")
    pdf_text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    return " ".join(parser.parts), re.sub(r"\s+", " ", pdf_text)


def test_no_sentence_is_said_twice(report: tuple[str, str]) -> None:
    page, pdf = report
    for text in (page, pdf):
        assert text.count(WELLNESS_STATEMENT[:60]) == 1
        assert "See a clinician. See a clinician" not in text
        assert not re.search(r"(\b\w+ \w+ \w+\b) \1", text.replace("x 10", "")), "repeated words"


def test_no_internal_reference_or_raw_markup(report: tuple[str, str]) -> None:
    page, pdf = report
    for text in (page, pdf):
        assert "`" not in text
        assert not re.search(r"reference (rule|section)|PRODUCT\.md|evidence\.md §", text)


def test_with_the_program_in_the_report_the_step_to_build_it_is_gone(
    report: tuple[str, str],
) -> None:
    page, pdf = report
    assert BUILD_PROGRAM_STEP not in page and BUILD_PROGRAM_STEP not in pdf
    assert "Corrective program" in page


def test_each_driver_is_named_once_in_the_html(report: tuple[str, str]) -> None:
    page, _ = report
    for label in LABELS.values():
        assert page.count(label.capitalize()) <= 1, label


def test_the_pdf_carries_the_screen_the_cues_and_what_to_avoid(report: tuple[str, str]) -> None:
    _, pdf = report
    assert "Safety screen" in pdf and "recent knee injury" in pdf
    assert "Cues" in pdf and "Avoid" in pdf
    assert "log it as banded_clamshell" in pdf
