"""Clinic mode end to end in a real browser (Debian's Chromium through Playwright) against a
real `valgus serve --clinic`: a wrong password is refused, coach B cannot see coach A's
athlete, coach A exports everything of their athlete (one zip) and deletes them, and no file
of that person is left on disk."""

from __future__ import annotations

import io
import os
import re
import subprocess
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.integration.test_web_browser import CHROMIUM, CHROMIUM_ARGS, _valgus, serving
from tests.synthetic_poses import Squat, make_squat_poses
from valgus.io.poses import save_poses

pytestmark = pytest.mark.integration
PASSWORD = "correct horse battery"


def _run(env: dict[str, str], *args: str, stdin: str | None = None) -> str:
    r = subprocess.run(
        [_valgus(), *args], env=env, input=stdin, capture_output=True, text=True, timeout=120
    )
    assert r.returncode == 0, r.stderr
    return r.stdout


@pytest.fixture(scope="module")
def clinic(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path, dict[str, str]]]:
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: the browser test must run under CI")
        pytest.skip(f"{CHROMIUM} is missing")
    root = tmp_path_factory.mktemp("clinic")
    env = {k: v for k, v in os.environ.items() if k != "VALGUS_TOKEN"} | {
        "VALGUS_DATABASE_URL": f"sqlite:///{root / 'history.sqlite3'}",
        "VALGUS_DATA_DIR": str(root / "data"),
    }
    for user, role in (("root", "admin"), ("coach-a", "coach"), ("coach-b", "coach")):
        _run(env, "user", "add", user, "--role", role, "--password-stdin", stdin=PASSWORD + "\n")
    for person, coach in (("ann", "coach-a"), ("bob", "coach-b")):
        _run(env, "person", "add", person)
        _run(env, "user", "link", coach, person)
    poses = save_poses(make_squat_poses(Squat(n_reps=3)), root / "ann.poses.nc")
    _run(env, "analyze", str(poses), "--person", "ann", "--out", str(root / "out"))
    with serving(root, env, "--clinic", ready="/login") as server:
        yield server.url, root, env


def _sign_in(page: Any, url: str, user: str, password: str = PASSWORD) -> None:
    page.goto(url + "/")
    assert "/login" in page.url  # not signed in: the sign-in page
    page.fill("input[name=username]", user)
    page.fill("input[name=password]", password)
    page.click("form.stack button")


def test_two_coaches_and_an_export_and_delete(clinic: tuple[str, Path, dict[str, str]]) -> None:
    from playwright.sync_api import expect, sync_playwright

    url, root, env = clinic
    ann_files = [p for p in (root / "out").rglob("*") if p.is_file()]
    assert ann_files  # the CLI's own output folder, outside the server's data
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(accept_downloads=True)
            _sign_in(page, url, "coach-a", "wrong password!")
            expect(page.locator("[data-testid=login-error]")).to_contain_text("wrong user name")
            # coach B: bob only; ann's page is "not found"
            _sign_in(page, url, "coach-b")
            expect(page.locator("[data-testid=account]")).to_contain_text("coach-b (coach)")
            body = page.locator("main").inner_text()
            assert "bob" in body and "ann" not in body
            ids = {c["name"]: c["id"] for c in _api_people(page)}
            assert set(ids) == {"bob"}
            page.click("form.account button")  # sign out
            # coach A: ann; export everything, then delete her
            _sign_in(page, url, "coach-a")
            page.get_by_role("link", name="ann").first.click()
            # an upload from the page: its script sends the session's CSRF token
            ann_page = page.url
            page.get_by_role("link", name="Film and upload a movement test").click()
            form = page.locator("[data-testid=upload-form]")
            form.locator("input[name=movement][value=squat]").check()
            form.locator("[data-testid=file-input]").set_input_files(str(_clip(root)))
            form.get_by_role("button", name="Upload and analyze").click()
            page.wait_for_url(re.compile(r"/analyses/[0-9a-f]+$"))
            page.goto(ann_page)
            with page.expect_download() as got:
                page.click("[data-testid=export]")
            names = zipfile.ZipFile(io.BytesIO(Path(got.value.path()).read_bytes())).namelist()
            assert "export.json" in names and "analyses/001.analysis.json" in names
            assert "analyses/001.poses.nc" in names
            page.on("dialog", lambda d: d.accept())
            page.check("input[name=confirm]")
            page.click("form.danger button")
            page.wait_for_url(url + "/")
            assert "ann" not in page.locator("main").inner_text()
        finally:
            browser.close()
    people = _run(env, "person", "list")
    assert "ann" not in people and "bob" in people
    audit = _run(env, "audit", "--person", "ann")
    assert "export" in audit and "delete" in audit and "coach-a" in audit
    data = root / "data"
    assert not [p for p in data.rglob("*") if p.is_file() and "ann" in p.name]


def _clip(root: Path) -> Path:
    from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat

    video = root / "ann-squat.mp4"
    render_squat(
        video,
        SquatParams(reps=1, rep_s=2.0, pause_before_s=0.5, pause_after_s=0.5, seed=1),
        CameraParams(width_px=360, height_px=640),
        RenderParams(seed=1),
    )
    return video


def _api_people(page: Any) -> list[dict[str, Any]]:
    r = page.request.get(
        page.url.split("/", 3)[0] + "//" + page.url.split("/", 3)[2] + "/api/people"
    )
    assert r.ok, r.text()
    return list(r.json())
