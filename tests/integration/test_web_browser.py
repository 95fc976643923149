"""The web app end to end, as a new user would use it, in a real browser.

`valgus serve` runs as its own process (worker processes, SQLite history and data folder in a
temporary folder); Debian's Chromium (/usr/bin/chromium) is driven by Playwright; the videos
are rendered squats with known valgus (valgus.synth), analyzed by the real pose model.

- Desktop (1280x900), the whole journey: add a person; upload a squat with the left knee
  caving in 25 deg, watch the live progress, read the verdicts against the renderer's truth;
  drag a point on the manual check; safety questions (all "no") and self-tests; the drivers;
  build the program; log a workout and read the next dose; upload a second squat with 5 deg
  on the left (keeping the original video); Progress lists both and draws the trend; compare
  the two.
- Phone (390x844), shorter: add a person, upload and results, safety form, drivers, program,
  then delete the person (their files go); and every other page at phone size.

Every page is saved as a full-page PNG in VALGUS_SCREENSHOTS (else tmp/screenshots). On every
page: no console error, no uncaught exception, no failed response, no request leaving
127.0.0.1, no broken image. The server's output never names a person.

The tests at the end pin four bugs found while writing it (injury follow-ups shown, compare
running backwards, a reloaded log logging twice, the manual check overwritten on reopening).

Without /usr/bin/chromium the tests skip, except under CI (CI set), where they fail.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat
from valgus.synth.truth import true_knee_over_foot

pytestmark = pytest.mark.integration

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: dict[str, Any] = {"viewport": {"width": 1280, "height": 900}}
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
ANALYSIS_MS = 300_000  # ~15 s pose model + ~20 s pictures and video on 2 cores; margin for CI
PAGE_MS = 30_000

# Expectations, from the renderer's truth and the analysis of these same clips (3 reps, 90 deg
# squat, seed 3): 25 deg of left valgus puts the left knee 6.6 % of leg length inside the toe
# line (truth; the analysis reads ~5.5 %), inside the "above typical" band (3-8 %): the page
# must read "above typical" or "well above typical", never "typical". The right knee (no
# valgus: truth -1.7 %, read ~-2.6 %) and the left at 5 deg (truth 0.0 %, read ~-1.4 %) must
# read "typical". The shown MKD per leg is held to the truth within 3 % of leg length (the
# tolerance of tests/integration/test_rendered.py). From the first to the second clip the
# left knee moves ~7 % (SDC ~4 %): "less valgus"; the right does not move: "no measurable
# change".
CLIPS = {"first": (25.0, 0.0), "second": (5.0, 0.0)}  # valgus left, right (deg)
MKD_TOL_PCT = 3.0
ABOVE = re.compile(r"^(well )?above typical", re.I)
TYPICAL = re.compile(r"^typical", re.I)


# --- set-up: browser, clips, server ---------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        why = f"{CHROMIUM} is missing (Debian: apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{why}: the browser test must run under CI")
        pytest.skip(f"{why}, and not under CI")
    return CHROMIUM


@dataclass(frozen=True)
class Clip:
    video: Path
    truth_mkd_pct: dict[str, float]  # knee over the foot's line, mean over reps, % of leg


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Clip]:
    folder = tmp_path_factory.mktemp("clips")
    out = {}
    for name, (left, right) in CLIPS.items():
        video = folder / f"squat-{name}.mp4"
        truth = render_squat(
            video,
            SquatParams(
                reps=3,
                rep_s=2.5,
                depth_deg=90.0,
                valgus_left_deg=left,
                valgus_right_deg=right,
                seed=3,
            ),
            CameraParams(width_px=720, height_px=1280, distance_m=3.0),  # as `valgus synth`
            RenderParams(seed=3),
        )
        kof = true_knee_over_foot(truth)
        mkd = {side: 100 * sum(r[side] for r in kof) / len(kof) for side in ("left", "right")}
        out[name] = Clip(video, mkd)
    return out


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _valgus() -> str:
    beside = Path(sys.executable).parent / "valgus"
    exe = str(beside) if beside.exists() else shutil.which("valgus")
    assert exe, "the valgus command is not installed: pip install -e '.[test]'"
    return exe


@dataclass
class Server:
    url: str
    root: Path
    log: Path
    process: subprocess.Popen[bytes]

    @property
    def data(self) -> Path:
        return self.root / "data"

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def api(self, path: str, body: dict[str, Any] | None = None) -> Any:
        """A JSON request as a script sends it (no Origin header)."""
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            self.url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(req, timeout=30) as r:
            return json.loads(r.read() or b"null")


@contextlib.contextmanager
def serving(root: Path, env: dict[str, str], *args: str, ready: str = "/") -> Iterator[Server]:
    """`valgus serve ARGS` on a free port, until it answers 200 at `ready`; stopped after."""
    port = _free_port()
    log = root / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [_valgus(), "serve", *args, "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    s = Server(f"http://127.0.0.1:{port}", root, log, process)
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, f"valgus serve exited:\n{s.output()}"
            try:
                with urllib.request.urlopen(s.url + ready, timeout=5) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            assert time.monotonic() < deadline, f"valgus serve did not answer:\n{s.output()}"
            time.sleep(0.3)
        yield s
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(10)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    root = tmp_path_factory.mktemp("serve")
    env = {k: v for k, v in os.environ.items() if k != "VALGUS_TOKEN"} | {
        "VALGUS_DATABASE_URL": f"sqlite:///{root / 'history.sqlite3'}",
        "VALGUS_DATA_DIR": str(root / "data"),
    }
    with serving(root, env) as s:
        yield s


@pytest.fixture(scope="module")
def browser(chromium: Path) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    env = os.environ.get("VALGUS_SCREENSHOTS", "").strip()
    folder = Path(env) if env else tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


@dataclass
class Journey:
    """What the desktop journey made, for the phone pages and the known-bug tests."""

    pid: int | None = None
    first: str | None = None  # job ids
    second: str | None = None
    done: bool = False


@pytest.fixture(scope="module")
def journey() -> Journey:
    return Journey()


# --- the browser, watched -------------------------------------------------------------------


@dataclass
class Tab:
    """A page with its console errors, failed responses and every requested URL recorded."""

    page: Any
    base: str
    folder: Path
    prefix: str
    problems: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)
    expected_status: set[str] = field(default_factory=set)  # URLs allowed to answer 4xx
    shots: int = 0

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")

    def shoot(self, name: str) -> Path:
        """Wait for every picture (scrolled through: some load lazily), check none is
        broken, save the full page."""
        page = self.page
        height = page.evaluate("document.documentElement.scrollHeight")
        for y in range(0, int(height) + 1, 600):
            page.evaluate(f"window.scrollTo(0, {y})")
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_load_state("networkidle")
        broken: list[str] = []
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            broken = page.evaluate(
                "Array.from(document.images)"
                ".filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)"
            )
            if not broken:
                break
            time.sleep(0.25)
        assert not broken, f"{page.url}: pictures not shown: {broken}"
        self.shots += 1
        path = self.folder / f"{self.prefix}-{self.shots:02d}-{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    def check_clean(self) -> None:
        assert not self.problems, "\n".join(self.problems)
        outside = [
            u for u in self.requests if not (u.startswith(self.base + "/") or u == self.base)
        ]
        outside = [u for u in outside if urlsplit(u).scheme not in ("data", "blob")]
        assert not outside, f"requests left 127.0.0.1: {outside}"


@pytest.fixture
def desktop(browser: Any, server: Server, screenshots: Path) -> Iterator[Tab]:
    yield from _tab(browser, server, screenshots, "desktop", DESKTOP)


@pytest.fixture
def phone(browser: Any, server: Server, screenshots: Path) -> Iterator[Tab]:
    yield from _tab(browser, server, screenshots, "phone", PHONE)


def _tab(browser: Any, server: Server, folder: Path, prefix: str, options: dict[str, Any]) -> Any:
    context = browser.new_context(**options)
    context.set_default_timeout(PAGE_MS)
    page = context.new_page()
    tab = Tab(page, server.url, folder, prefix)

    def on_console(msg: Any) -> None:
        if msg.type != "error":
            return
        if msg.location.get("url") in tab.expected_status and "status of 4" in msg.text:
            return  # the page asked for on purpose (the error page): its status is logged
        tab.problems.append(f"console error on {page.url}: {msg.text}")

    def on_response(r: Any) -> None:
        if r.status >= 400 and r.url not in tab.expected_status:
            tab.problems.append(f"{r.status} for {r.request.method} {r.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda e: tab.problems.append(f"uncaught on {page.url}: {e}"))
    page.on("request", lambda r: tab.requests.append(r.url))
    page.on("response", on_response)
    try:
        yield tab
    finally:
        context.close()


# --- steps ------------------------------------------------------------------------------------


def _add_person(tab: Tab, name: str) -> int:
    page = tab.page
    tab.goto("/")
    form = page.locator("[data-testid=add-person]")
    form.locator("input[name=name]").fill(name)
    form.locator("select[name=sex]").select_option("female")
    form.locator("select[name=age_band]").select_option("18-34")
    form.locator("button[type=submit]").click()
    page.wait_for_url(re.compile(r"/people/\d+$"))
    assert page.locator("[data-testid=person-name]").inner_text() == name
    return int(page.url.rsplit("/", 1)[1])


def _upload(tab: Tab, pid: int, video: Path, *, keep: bool = False, shoot: bool = True) -> str:
    """From the person's page: New assessment (the person chosen), the squat, the file;
    then the analysis page with its live progress, until the results show."""
    from playwright.sync_api import expect

    page = tab.page
    tab.goto(f"/people/{pid}")
    page.get_by_role("link", name="Film and upload a movement test").click()
    page.wait_for_url(re.compile(r"/new\?person=\d+$"))
    form = page.locator("[data-testid=upload-form]")
    expect(form.locator("select[name=person]")).to_have_value(str(pid))
    form.locator("input[name=movement][value=squat]").check()
    form.locator("[data-testid=file-input]").set_input_files(str(video))
    if keep:
        form.locator("details", has_text="More options").locator("summary").click()
        form.locator("input[name=keep_video]").check()
    if shoot:
        tab.shoot("new-assessment")
    form.get_by_role("button", name="Upload and analyze").click()
    page.wait_for_url(re.compile(r"/analyses/[0-9a-f]+$"))
    job_id = page.url.rsplit("/", 1)[1]
    # live progress: the page's script polls the API and writes "stage (NN%)"
    live = page.locator("[data-testid=job-progress] [data-stage]")
    # a stage of the running analysis (not the queue's "waiting for a free worker")
    expect(live).to_have_text(re.compile(r"^(?!waiting).+\(\d+%\)"), timeout=ANALYSIS_MS)
    if shoot:
        tab.shoot("analysis-progress")
    expect(page.locator("[data-testid=results]")).to_be_visible(timeout=ANALYSIS_MS)
    return job_id


def _verdicts(tab: Tab, clip: Clip, expected: dict[str, re.Pattern[str]]) -> None:
    from playwright.sync_api import expect

    page = tab.page
    for side, pattern in expected.items():
        cell = page.locator(f"[data-testid=verdict-{side}]")
        expect(cell).to_have_text(pattern)
        shown = page.locator("table.verdicts tr", has_text="knee inside the foot's line")
        text = shown.locator("td").nth(0 if side == "left" else 1).inner_text()
        mkd = float(re.match(r"(-?\d+\.\d+)", text).group(1))  # type: ignore[union-attr]
        truth = clip.truth_mkd_pct[side]
        assert abs(mkd - truth) <= MKD_TOL_PCT, f"{side}: shown {text}, truth {truth:.1f} %"


def _drag_knee(page: Any, dx: float) -> None:
    """Drag the knee point of the manual check sideways by dx CSS pixels, as a mouse does."""
    knee = page.locator("svg[data-canvas] circle[data-point=knee]")
    box = knee.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx / 2, y, steps=4)
    page.mouse.move(x + dx, y, steps=4)
    page.mouse.up()


def _safety(tab: Tab, pid: int, *, self_tests: dict[str, str]) -> None:
    """Every safety question shown answered "no", the given self-tests, a red band."""
    page = tab.page
    tab.goto(f"/people/{pid}")
    page.get_by_role("link", name="Safety questions and self-tests").click()
    page.wait_for_url(f"**/people/{pid}/safety")
    form = page.locator("[data-testid=safety-form]")
    questions = form.locator(".question")
    answered = 0
    for i in range(questions.count()):
        q = questions.nth(i)
        if q.is_visible():
            q.locator("input[value=no]").check()
            answered += 1
    assert answered >= 9  # the questions for everyone (the injury follow-ups may be hidden)
    form.locator("input[name=pain_0_10]").fill("0")
    for name, value in self_tests.items():
        form.locator(f"input[name='{name}']").fill(value)
    form.locator("input[name=bands][value=red]").check()
    tab.shoot("safety-and-self-tests")
    form.get_by_role("button", name="See what may contribute").click()
    page.wait_for_url(f"**/people/{pid}/assessment")


def _build_program(tab: Tab, pid: int) -> list[str]:
    from playwright.sync_api import expect

    page = tab.page
    page.locator("[data-testid=build-program] button").click()
    page.wait_for_url(f"**/people/{pid}/program")
    expect(page.locator("[data-testid=program-summary]")).to_contain_text("weeks")
    drills = page.locator("[data-drill]")
    ids = [drills.nth(i).get_attribute("data-drill") or "" for i in range(drills.count())]
    assert len(ids) >= 2, ids
    tab.shoot("program")
    return ids


# --- the journeys -----------------------------------------------------------------------------


def test_desktop_journey(
    desktop: Tab, server: Server, clips: dict[str, Clip], journey: Journey
) -> None:
    from playwright.sync_api import expect

    tab, page = desktop, desktop.page
    name = "Ann Example"

    tab.goto("/")
    expect(page.get_by_text("No one yet")).to_be_visible()
    tab.shoot("people-empty")
    pid = _add_person(tab, name)
    journey.pid = pid
    tab.shoot("person-new")

    # first squat: left knee 25 deg in
    first = _upload(tab, pid, clips["first"].video)
    journey.first = first
    _verdicts(tab, clips["first"], {"left": ABOVE, "right": TYPICAL})
    expect(page.locator("[data-testid=verdict-left] .band")).to_have_class(re.compile("above"))
    expect(page.locator(".grid figure", has_text="deepest point")).to_have_count(3)  # per rep
    # the video steps frame by frame, the measures of the frame beside it
    player = page.locator("[data-player]")
    expect(player.locator("[data-v=time_s]")).to_have_text("0.00 s")
    for _ in range(3):
        player.locator("[data-step='1']").click()
    expect(player.locator("[data-v=time_s]")).to_have_text(re.compile(r"^0\.(0[1-9]|1\d) s$"))
    tab.shoot("analysis-results")

    # manual check: drag the knee; the hand-placed values move away from the automatic ones
    page.get_by_test_id("manual-link").click()
    page.wait_for_url(f"**/analyses/{first}/manual")
    values = page.get_by_test_id("manual-values")
    expect(values.locator("[data-m=auto_fppa_deg]")).not_to_have_text("-")
    expect(values.locator("[data-m=fppa_deg]")).to_have_text("-")  # nothing placed by hand yet
    auto = values.locator("[data-m=auto_fppa_deg]").inner_text()
    _drag_knee(page, 40)
    expect(values.locator("[data-m=fppa_difference_deg]")).not_to_have_text(re.compile(r"^-?0\.0$"))
    expect(values.locator("[data-m=auto_fppa_deg]")).to_have_text(auto)
    tab.shoot("manual-check")

    # safety questions (all "no") and self-tests that point at the ankle and the hip
    _safety(
        tab,
        pid,
        self_tests={
            "knee_to_wall_cm.left": "8",
            "knee_to_wall_cm.right": "11",
            "hip_abduction_pct_bw.left": "25",
            "hip_abduction_pct_bw.right": "32",
        },
    )
    expect(page.get_by_test_id("screen-clear")).to_contain_text("No red flags")
    likely = [t.lower() for t in page.locator(".driver.weight-likely h3").all_inner_texts()]
    assert any("ankle" in t for t in likely) and any("hip" in t for t in likely), likely
    tab.shoot("drivers")
    drills = _build_program(tab, pid)
    assert any(d.startswith("ankle") for d in drills), drills

    # log a workout: the next dose
    page.get_by_role("link", name="Log a workout").click()
    page.wait_for_url(f"**/people/{pid}/log")
    tab.shoot("workout-log-empty")
    # tick off today's session: every drill at the dose it starts with
    session = page.get_by_test_id("session-form")
    ticked = session.locator("input[name=done]:checked").count()
    assert ticked == len(drills), (ticked, drills)
    session.get_by_role("button", name="Log the session").click()
    expect(page.get_by_test_id("decision")).to_contain_text("Next: ")
    assert page.locator("[data-testid=logged] tbody tr").count() == len(drills)
    # and one drill on its own, as done
    page.locator("details", has=page.get_by_test_id("log-form")).locator("summary").click()
    form = page.get_by_test_id("log-form")
    form.locator("select[name=exercise_id]").select_option(drills[0])
    form.locator("input[name=sets]").fill("2")
    form.locator("input[name=reps]").fill("10")
    form.get_by_role("button", name="Log it").click()
    # its second good session at the starting dose: the progression adds a set
    expect(page.get_by_test_id("decision")).to_contain_text(re.compile(r"Next: 3 x \d+"))
    assert page.locator("[data-testid=logged] tbody tr").count() == len(drills) + 1
    tab.shoot("workout-logged")

    # second squat, 5 deg on the left, the original video kept
    second = _upload(tab, pid, clips["second"].video, keep=True, shoot=False)
    journey.second = second
    _verdicts(tab, clips["second"], {"left": TYPICAL, "right": TYPICAL})
    kept = sorted(p.name for p in (server.data / "uploads").iterdir())
    assert kept == [f"{second}.mp4"], f"only the second video was to be kept: {kept}"

    # progress: both analyses, the trend per knee, what changed
    tab.goto(f"/people/{pid}")
    links = page.locator("table tbody tr td:first-child a")
    hrefs = {links.nth(i).get_attribute("href") for i in range(links.count())}
    assert hrefs == {f"/analyses/{first}", f"/analyses/{second}"}, hrefs
    tab.shoot("person")
    page.get_by_role("link", name="Progress").click()
    page.wait_for_url(f"**/people/{pid}/progress")
    legs = page.get_by_test_id("progress-squat").locator("li").all_inner_texts()
    assert re.match(r"left\b.*\bless valgus", legs[0], re.I), legs
    assert re.match(r"right\b.*\bno measurable change", legs[1], re.I), legs
    assert page.locator("img[src$='/trend/left.png'], img[src$='/trend/right.png']").count() == 2
    for select in ("a", "b"):
        options = page.locator(f"select[name={select}] option")
        ids = {options.nth(i).get_attribute("value") for i in range(options.count())}
        assert ids == {first, second}, ids
    tab.shoot("progress")

    # compare the first with the second (chosen: the page's default order is reversed, see
    # test_compare_defaults_to_the_older_analysis_first)
    page.locator("select[name=a]").select_option(first)
    page.locator("select[name=b]").select_option(second)
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url(f"**/people/{pid}/compare?*")
    legs = page.get_by_test_id("comparison").locator("li").all_inner_texts()
    assert re.match(r"left\b.*\bless valgus", legs[0], re.I), legs
    assert re.match(r"right\b.*\bno measurable change", legs[1], re.I), legs
    assert page.locator(".pair-videos video").count() == 2
    tab.shoot("compare")

    # the lists
    tab.goto("/")
    row = page.locator(f"tr[data-person-id='{pid}']")
    expect(row).to_contain_text(re.compile(r"less valgus", re.I))
    tab.shoot("people")
    tab.goto("/jobs")
    expect(page.locator("table tbody tr", has_text="done")).to_have_count(2)
    tab.shoot("analyses")
    tab.goto("/team")  # the coach's sheet: the latest squat, the left leg first to see
    team = page.locator(f"[data-testid=team-table] tr[data-person='{name}']")
    expect(team).to_have_count(2)
    expect(team.first).to_have_attribute("data-leg", "left")
    tab.shoot("team")
    missing = "/people/999999"
    tab.expected_status.add(server.url + missing)
    tab.goto(missing)
    expect(page.locator("[data-error-code]")).to_be_visible()
    tab.shoot("error")

    tab.check_clean()
    assert name not in server.output(), "the server's output names a person"
    journey.done = True


def test_phone_journey(
    phone: Tab, server: Server, clips: dict[str, Clip], journey: Journey
) -> None:
    """Shorter: add a person, upload and results, safety form, drivers, program, a session
    logged; delete the person; then the other pages at phone size (the desktop journey's
    person, if it ran)."""
    from playwright.sync_api import expect

    tab, page = phone, phone.page
    name = "Bo Example"

    tab.goto("/")
    pid = _add_person(tab, name)
    tab.shoot("person-new")
    job = _upload(tab, pid, clips["first"].video)
    _verdicts(tab, clips["first"], {"left": ABOVE, "right": TYPICAL})
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the results page is {width}px wide on a 390px phone"
    tab.shoot("analysis-results")
    _safety(tab, pid, self_tests={})
    expect(page.get_by_test_id("screen-clear")).to_be_visible()
    tab.shoot("drivers")
    _build_program(tab, pid)
    # tick off today's session on the phone
    tab.goto(f"/people/{pid}/log")
    page.get_by_test_id("session-form").get_by_role("button", name="Log the session").click()
    expect(page.get_by_test_id("decision")).to_contain_text("Next: ")
    assert page.locator("[data-testid=logged] tbody tr").count() >= 1

    # delete the person: their results go with them
    assert (server.data / "results" / job).is_dir()
    tab.goto(f"/people/{pid}")
    page.once("dialog", lambda d: d.accept())
    page.locator("input[name=confirm]").check()
    page.get_by_role("button", name="Delete").click()
    page.wait_for_url(server.url + "/")
    expect(page.locator(f"tr[data-person-id='{pid}']")).to_have_count(0)
    assert not (server.data / "results" / job).exists()

    # the other pages, on the desktop journey's person
    if journey.done and journey.pid is not None:
        pid = journey.pid
        pages = [
            ("people", "/"),
            ("person", f"/people/{pid}"),
            ("manual-check", f"/analyses/{journey.first}/manual"),
            ("program-full", f"/people/{pid}/program"),
            ("workout-log", f"/people/{pid}/log"),
            ("progress", f"/people/{pid}/progress"),
            ("compare", f"/people/{pid}/compare?a={journey.first}&b={journey.second}"),
            ("analyses", "/jobs"),
            ("team", "/team"),
            ("live", f"/live?person={pid}"),
        ]
        for shot, path in pages:
            tab.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, f"{path} is {width}px wide on a 390px phone"
            tab.shoot(shot)
    tab.check_clean()
    assert name not in server.output(), "the server's output names a person"


# --- bugs found while writing this test, fixed: each test fails without its fix ------------


def test_injury_follow_ups_hidden_until_a_recent_injury(desktop: Tab, server: Server) -> None:
    from playwright.sync_api import expect

    pid = server.api("/api/people", {"name": "Cy Example"})["id"]
    desktop.goto(f"/people/{pid}/safety")
    follow_up = desktop.page.locator("[data-after-injury]").first
    expect(follow_up).to_have_attribute("hidden", "")  # app.js hid it...
    expect(follow_up).to_be_hidden(timeout=2000)  # ...but it is still shown


def test_compare_defaults_to_the_older_analysis_first(
    desktop: Tab, server: Server, journey: Journey
) -> None:
    if not journey.done:
        pytest.skip("needs the desktop journey's two analyses")
    page = desktop.page
    desktop.goto(f"/people/{journey.pid}/progress")
    page.get_by_role("button", name="Compare").click()
    page.wait_for_url("**/compare?*")
    left = page.get_by_test_id("comparison").locator("li").first.inner_text()
    assert re.match(r"left\b.*\bless valgus", left, re.I), left


def test_reloading_the_workout_log_does_not_log_twice(
    desktop: Tab, server: Server, journey: Journey
) -> None:
    if not journey.done:
        pytest.skip("needs the desktop journey's program")
    page = desktop.page
    desktop.goto(f"/people/{journey.pid}/log")
    before = page.locator("[data-testid=logged] tbody tr").count()
    session = page.get_by_test_id("session-form")
    ticked = session.locator("input[name=done]:checked").count()
    session.get_by_role("button", name="Log the session").click()
    page.get_by_test_id("decision").wait_for()
    page.reload()
    page.wait_for_load_state("load")
    assert page.locator("[data-testid=logged] tbody tr").count() == before + ticked


def test_reopening_the_manual_check_keeps_the_hand_placed_points(
    desktop: Tab, server: Server, journey: Journey
) -> None:
    if not journey.done:
        pytest.skip("needs the desktop journey's analysis")
    from playwright.sync_api import expect

    page = desktop.page

    def kept() -> dict[str, Any]:
        checks = server.api(f"/api/analyses/{journey.first}/manual/1/left")["checks"]
        (check,) = [c for c in checks if (c["rep"], c["side"]) == (1, "left")]
        return dict(check)

    desktop.goto(f"/analyses/{journey.first}/manual")
    difference = page.locator("[data-m=fppa_difference_deg]")
    expect(page.locator("[data-m=auto_fppa_deg]")).not_to_have_text("-")
    _drag_knee(page, 40)
    expect(difference).not_to_have_text(re.compile(r"^-?0\.0$"))
    page.wait_for_load_state("networkidle")
    by_hand = kept()
    assert abs(by_hand["fppa_difference_deg"]) > 1
    page.reload()
    expect(page.locator("[data-m=fppa_deg]")).not_to_have_text("-")
    page.wait_for_load_state("networkidle")
    assert kept() == by_hand


def test_several_videos_are_sent_one_after_the_other(
    desktop: Tab, server: Server, clips: dict[str, Clip], tmp_path: Path
) -> None:
    """Upload one or more videos: each its own analysis; a refused one is named with its
    reason and the others go on."""
    from playwright.sync_api import expect

    page = desktop.page
    notes = tmp_path / "notes.mp4"
    notes.write_text("not a video")
    pid = server.api("/api/people", {"name": "Di Example"})["id"]
    desktop.expected_status.add(f"{server.url}/api/analyses")  # the refused file's 4xx
    desktop.goto(f"/new?person={pid}")
    form = page.locator("[data-testid=upload-form]")
    form.locator("[data-testid=file-input]").set_input_files(
        [str(clips["first"].video), str(notes)]
    )
    form.get_by_role("button", name="Upload and analyze").click()
    error = form.locator("[data-upload-error]")
    expect(error).to_contain_text("notes.mp4: ")
    expect(error).to_contain_text("The other 1 are being analyzed")
    jobs = server.api(f"/api/analyses?person={pid}")
    assert len(jobs) == 1 and jobs[0]["person"] == "Di Example"
    server.api(f"/api/analyses/{jobs[0]['id']}/cancel", {})  # spare the workers


def test_a_box_drawn_on_the_first_frame_picks_the_person(
    desktop: Tab, server: Server, tmp_path: Path
) -> None:
    """Two people in the picture: a box dragged around the one on the left (whose left knee
    caves in) on the page's first frame; the analysis measures that person."""
    from playwright.sync_api import expect

    from tests.integration.test_person_box import W, render_two_people

    page = desktop.page
    video = render_two_people(tmp_path)
    pid = server.api("/api/people", {"name": "Gym Example"})["id"]
    desktop.goto(f"/new?person={pid}")
    form = page.locator("[data-testid=upload-form]")
    form.locator("[data-testid=file-input]").set_input_files(str(video))
    picker = form.locator("[data-person-pick]")
    expect(picker).to_be_visible()  # shown once the first frame is read
    picker.locator("summary").click()
    canvas = page.get_by_test_id("person-pick")
    expect(canvas).to_be_visible()
    canvas.scroll_into_view_if_needed()
    r = canvas.bounding_box()
    assert r is not None
    width_px = 2 * W  # the video's width: the canvas shows it whole
    k = r["width"] / width_px
    page.mouse.move(r["x"] + 100 * k, r["y"] + 150 * k)
    page.mouse.down()
    page.mouse.move(r["x"] + 300 * k, r["y"] + 500 * k, steps=5)
    page.mouse.move(r["x"] + 440 * k, r["y"] + 900 * k, steps=5)
    page.mouse.up()
    box = form.locator("input[name=person_box]").input_value()
    x, y, w, h = (float(v) for v in box.split(","))
    assert abs(x - 100) < 6 and abs(y - 150) < 6 and abs(w - 340) < 8 and abs(h - 750) < 8, box
    desktop.shoot("person-box")
    form.get_by_role("button", name="Upload and analyze").click()
    page.wait_for_url(re.compile(r"/analyses/[0-9a-f]+$"))
    expect(page.locator("[data-testid=results]")).to_be_visible(timeout=ANALYSIS_MS)
    expect(page.locator("[data-testid=verdict-left]")).to_have_text(ABOVE)
    expect(page.locator("[data-testid=verdict-right]")).to_have_text(TYPICAL)
