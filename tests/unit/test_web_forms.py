"""Every form of the web pages, sent junk: a clear 4xx (an error page or a redirect back),
never a server error. (The JSON API is fuzzed from its schema in
tests/integration/test_web_schema.py; the page forms are not in that schema.)"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from valgus.storage import jobs as job_rows
from valgus.storage import store
from valgus.storage.store import PersonInfo
from valgus.web import authz
from valgus.web.app import create_app
from valgus.web.settings import Settings

HOST = "http://127.0.0.1:8000"
FIELDS = [
    "name",
    "sex",
    "age_band",
    "confirm",
    "start",
    "general",
    "date",
    "exercise_id",
    "sets",
    "reps",
    "band",
    "pain_0_10",
    "pain_next_day",
    "form_poor",
    "minutes_per_session",
    "roller_or_ball",
    "bands",
    "next",
    "username",
    "password",
    "movement",
    "person",
    "filmed",
    "keep_video",
    "side",
    "mirrored",
    "rf_recent_injury",
    "rf_night_pain",
    "single_leg_squat.left",
    "single_leg_squat.right",
]
JUNK = ["abc", "-1", "99999999999999999999999", "2026-13-45", "\x00", "x" * 5000, "yes", ""]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[TestClient, int, str]]:
    root = tmp_path_factory.mktemp("forms")
    settings = Settings(data_dir=root / "data", database_url=f"sqlite:///{root / 'h.sqlite3'}")
    app = create_app(settings, run_workers=False)
    db = app.state.valgus.db
    store.add_person(db, PersonInfo(name="ann"))
    upload = root / "data" / "uploads" / "x.mp4"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"not a video")
    job = job_rows.enqueue(
        db,
        job_rows.new_id(),
        path=str(upload),
        upload_name="x.mp4",
        movement="squat",
        options={},
        person="ann",
        keep_video=False,
    )
    with TestClient(app, base_url=HOST, follow_redirects=False) as c:
        yield c, store.person_ids(db)["ann"], job.id


def _page_forms() -> list[str]:
    return sorted(p for m, p in authz.RULES if m == "POST" and not p.startswith("/api"))


@pytest.mark.parametrize("path", _page_forms())
@pytest.mark.parametrize("junk", JUNK, ids=range(len(JUNK)))
def test_junk_in_a_form_is_never_a_server_error(
    client: tuple[TestClient, int, str], path: str, junk: str
) -> None:
    c, pid, job = client
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert token is not None
    url = path.replace("{pid}", str(pid)).replace("{job_id}", job)
    if url.endswith("/delete"):
        url = url.replace(str(pid), str(pid + 1000))  # keep ann for the other cases
    data = {k: junk for k in FIELDS} | {"csrf": token.group(1)}
    r = c.post(url, data=data)
    assert r.status_code < 500, (url, junk[:20], r.text[:300])


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("sets", "abc", "sets must be a whole number"),
        ("date", "2026-13-45", "the date must be a date (YYYY-MM-DD)"),
        ("pain_0_10", "11", "pain: Input should be less than or equal to 10"),
    ],
)
def test_a_bad_workout_field_is_named(
    client: tuple[TestClient, int, str], field: str, value: str, message: str
) -> None:
    c, pid, _ = client
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert token is not None
    form = {"csrf": token.group(1), "exercise_id": "banded_clamshell", "sets": "2", "reps": "10"}
    r = c.post(f"/people/{pid}/log", data=form | {field: value})
    assert r.status_code == 400 and message in r.text


def test_a_bad_program_start_is_named(client: tuple[TestClient, int, str]) -> None:
    c, pid, _ = client
    token = re.search(r'name="csrf" value="([^"]+)"', c.get("/").text)
    assert token is not None
    r = c.post(f"/people/{pid}/program", data={"csrf": token.group(1), "start": "soon"})
    assert r.status_code == 400 and "the start date must be a date" in r.text


def test_the_forms_are_the_ones_the_pages_post_to() -> None:
    assert "/people/{pid}/log" in _page_forms() and "/upload" in _page_forms()
    assert len(_page_forms()) == 11


def test_several_files_in_one_upload_are_refused_in_words(
    client: tuple[TestClient, int, str],
) -> None:
    c, pid, _ = client
    files = [
        ("file", ("a.mp4", b"x" * 10, "video/mp4")),
        ("file", ("b.mp4", b"y" * 10, "video/mp4")),
    ]
    r = c.post("/api/analyses", files=files, data={"movement": "squat", "person": str(pid)})
    assert r.status_code == 400
    assert "2 files in one upload: send one recording per request" in r.json()["error"]["message"]
    kept = c.app.state.valgus.workspace.uploads.glob("*")  # type: ignore[attr-defined]
    assert [f.name for f in kept] == ["x.mp4"]  # the fixture's job's; nothing of this upload


def test_a_person_box_is_checked_when_the_upload_arrives(
    client: tuple[TestClient, int, str], tmp_path: Path
) -> None:
    from tests.synthetic_poses import make_squat_poses
    from valgus.io.poses import save_poses

    c, pid, _ = client
    poses = save_poses(make_squat_poses(), tmp_path / "a.poses.nc").read_bytes()
    form = {"movement": "squat", "person": str(pid)}
    files = {"file": ("a.poses.nc", poses, "application/octet-stream")}
    r = c.post("/api/analyses", files=files, data=form | {"person_box": "10,10,100,200"})
    assert r.status_code == 400 and "picks a person in a video" in r.json()["error"]["message"]
    r = c.post("/api/analyses", files=files, data=form | {"person_box": "10,10,0,200"})
    assert r.status_code == 400 and "positive width" in r.json()["error"]["message"]
