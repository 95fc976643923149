"""The web app's JSON API through FastAPI's TestClient, with real worker processes running
the real pose model on rendered squats, and the guards every request passes."""

from __future__ import annotations

import csv
import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

import valgus
from tests.paths import shared_file
from valgus.synth import CameraParams, RenderParams, SquatParams, render_squat
from valgus.web.app import create_app
from valgus.web.settings import Settings

pytestmark = pytest.mark.integration
HOST = {"host": "127.0.0.1:8000"}


@pytest.fixture(scope="module")
def squat(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A rendered 3-rep squat: the left knee caves in 25 deg, the right not at all."""
    video = tmp_path_factory.mktemp("web") / "squat.mp4"
    render_squat(
        video,
        SquatParams(reps=3, rep_s=2.0, valgus_left_deg=25.0, valgus_right_deg=0.0, seed=3),
        CameraParams(width_px=540, height_px=960),
        RenderParams(seed=3),
    )
    return video


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    root = tmp_path_factory.mktemp("server")
    settings = Settings(
        data_dir=root / "data",
        database_url=f"sqlite:///{root / 'history.sqlite3'}",
        max_upload_bytes=20 * 1024**2,
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as c:
        yield c


def _upload(c: TestClient, path: Path, **fields: str) -> Any:
    with path.open("rb") as fh:
        return c.post("/api/analyses", files={"file": (path.name, fh, "video/mp4")}, data=fields)


def _wait(c: TestClient, job_id: str, timeout_s: float = 240) -> dict[str, Any]:
    end = time.monotonic() + timeout_s
    while time.monotonic() < end:
        job = c.get(f"/api/analyses/{job_id}").json()
        assert 0.0 <= job["progress"] <= 1.0
        if job["status"] not in ("queued", "running"):
            return dict(job)
        time.sleep(1)
    raise AssertionError(f"job {job_id} did not finish in {timeout_s} s")


def test_upload_to_result_matches_valgus_analyze(client: TestClient, squat: Path) -> None:
    person = client.post("/api/people", json={"name": "ann", "sex": "female"})
    assert person.status_code == 201, person.text
    pid = person.json()["id"]
    r = _upload(client, squat, movement="squat", person="ann")
    assert r.status_code == 202, r.text
    job = _wait(client, r.json()["id"])
    assert job["status"] == "done", job
    expected = valgus.analyze_video(squat).result.model_dump(mode="json")
    got = job["result"]
    assert got["source"].pop("path") != expected["source"].pop("path")  # a generated name
    assert got == expected  # exactly what `valgus analyze --json` prints
    assert got["summary"]["left"]["valgus"] in ("mild", "marked")
    assert got["summary"]["right"]["valgus"] == "none"
    files = {k: client.get(f"/api/analyses/{job['id']}/files/{k}") for k in ("json", "csv", "pdf")}
    assert all(f.status_code == 200 for f in files.values())
    assert files["pdf"].content.startswith(b"%PDF")
    frames = client.get(f"/api/analyses/{job['id']}/frames").json()
    assert len(frames["time_s"]) == got["source"]["frames"] and "left_mkd" in frames
    history = client.get(f"/api/people/{pid}/history").json()
    assert history["kind"] == "valgus-history" and len(history["analyses"]) == 1
    (card,) = client.get("/api/people").json()
    assert card["name"] == "ann" and card["latest"]["left"] in (
        "above typical",
        "well above typical",
    )
    # The Team page: the same sheet as `valgus batch` writes, from the history.
    page = client.get("/team")
    assert page.status_code == 200 and 'data-testid="team-table"' in page.text
    sheet = list(csv.reader(client.get("/team.csv").text.splitlines()))
    assert sheet[0][:5] == ["person", "movement", "file", "leg", "result"]
    left, right = sheet[1:]
    assert (left[0], left[3], right[3]) == ("ann", "left", "right")
    assert left[4].startswith(("above typical", "well above typical"))
    assert right[4].startswith("typical")
    assert left[-1] == f"/people/{pid}"


def test_manual_check_uses_the_product_definitions(client: TestClient, squat: Path) -> None:
    job = _wait(client, _upload(client, squat, movement="squat").json()["id"])
    start = client.get(f"/api/analyses/{job['id']}/manual/1/left").json()
    auto = start["points"]
    same = client.post(f"/api/analyses/{job['id']}/manual", json=auto).json()
    assert abs(same["fppa_difference_deg"]) < 0.5 and abs(same["mkd_difference"]) < 0.005
    moved = auto | {"knee": [auto["knee"][0] + 40, auto["knee"][1]]}  # 40 px sideways
    check = client.post(f"/api/analyses/{job['id']}/manual", json=moved).json()
    assert check["fppa_deg"] != same["fppa_deg"] and check["auto_fppa_deg"] == same["auto_fppa_deg"]
    assert client.get(f"/api/analyses/{job['id']}/manual/1/left").json()["checks"][0]["rep"] == 1


def test_footage_that_cannot_be_judged_fails_with_its_reason(
    client: TestClient, tmp_path: Path
) -> None:
    side = shared_file("data", "video", "side-view-barbell-squat.mp4")
    job = _wait(client, _upload(client, side).json()["id"])
    assert job["status"] == "failed"
    assert job["error"]["code"] == "unsuitable_view" and "side" in job["error"]["message"]


@pytest.mark.parametrize(
    ("name", "content", "status", "code"),
    [
        ("notes.mp4", b"this is not a video", 422, "video_unreadable"),
        ("empty.mp4", b"", 400, "bad_input"),
    ],
)
def test_bad_files_are_refused_before_they_are_queued(
    client: TestClient, tmp_path: Path, name: str, content: bytes, status: int, code: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    r = _upload(client, path)
    assert r.status_code == status and r.json()["error"]["code"] == code, r.text


def test_uploads_are_limited_and_checked(client: TestClient, tmp_path: Path, squat: Path) -> None:
    big = tmp_path / "big.mp4"
    big.write_bytes(b"\0" * (21 * 1024**2))
    r = _upload(client, big)
    assert r.status_code == 413 and r.json()["error"]["code"] == "too_large"
    uploads = list((Path(client.app.state.valgus.workspace.uploads)).glob("*"))  # type: ignore[attr-defined]
    assert all(p.stat().st_size < 20 * 1024**2 for p in uploads)  # nothing half-stored
    r = _upload(client, squat, movement="cartwheel")
    assert r.status_code == 400 and "cartwheel" in r.json()["error"]["message"]
    r = _upload(client, squat, person="nobody")
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_person"
    r = client.post("/api/analyses", data={"movement": "squat"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_input"


def test_queued_and_running_jobs_can_be_cancelled(client: TestClient, squat: Path) -> None:
    ids = [_upload(client, squat).json()["id"] for _ in range(2)]  # one worker: one waits
    while client.get(f"/api/analyses/{ids[0]}").json()["status"] == "queued":
        time.sleep(0.2)
    queued = client.post(f"/api/analyses/{ids[1]}/cancel").json()
    assert queued["status"] == "cancelled"  # at once
    running = client.post(f"/api/analyses/{ids[0]}/cancel").json()
    assert running["status"] in ("running", "cancelled")
    assert _wait(client, ids[0])["status"] == "cancelled"  # at its next progress report


def test_errors_are_json_and_never_500(client: TestClient) -> None:
    for method, url, body in [
        ("get", "/api/analyses/nope", None),
        ("get", "/api/people/999", None),
        ("get", "/api/people/999/history", None),
        ("post", "/api/people", {"name": ""}),
        ("post", "/api/people", {"name": "x", "sex": "robot"}),
        (
            "post",
            "/api/people/999/workouts",
            {"exercise_id": "x", "sets": 1, "reps": 1, "pain_0_10": 0},
        ),
        ("get", "/api/analyses/nope/files/pdf", None),
    ]:
        r = (
            getattr(client, method)(url, json=body)
            if body is not None
            else getattr(client, method)(url)
        )
        assert 400 <= r.status_code < 500, (url, r.status_code, r.text)
        assert set(r.json()["error"]) == {"code", "message"}


def test_the_safety_gate_answers_409(client: TestClient) -> None:
    pid = client.post("/api/people", json={"name": "bob"}).json()["id"]
    from valgus.assessment.questions import QUESTIONS

    answers = {
        "red_flags": dict.fromkeys(QUESTIONS, False) | {"locking": True},
        "self_tests": {"pain_0_10": 1},
    }
    r = client.post(f"/api/people/{pid}/assessments", json=answers)
    assert r.status_code == 201 and r.json()["red_flags"]["status"] == "refer"
    r = client.post(f"/api/people/{pid}/program", json={})
    assert r.status_code == 409 and "locked knee" in r.json()["error"]["message"]


def test_another_site_cannot_post_and_rebinding_is_refused(client: TestClient) -> None:
    r = client.post("/api/people", json={"name": "eve"}, headers={"origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "cross_origin"
    r = client.get("/api/people", headers={"host": "evil.example:8000"})
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_host"
    page = client.get("/")
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp
    assert "valgus_csrf" in page.cookies or "valgus_csrf" in client.cookies


def test_a_form_without_its_csrf_token_is_refused(client: TestClient) -> None:
    r = client.post("/people", data={"name": "mallory"}, follow_redirects=False)
    assert r.status_code == 400 and "form expired" in r.text
    assert all(p["name"] != "mallory" for p in client.get("/api/people").json())


def test_beyond_loopback_every_request_needs_the_token(tmp_path: Path) -> None:
    settings = Settings(
        host="0.0.0.0", data_dir=tmp_path / "data", database_url=f"sqlite:///{tmp_path / 'h.db'}"
    )
    app = create_app(settings, run_workers=False)
    with TestClient(app, base_url="http://192.168.1.20:8000") as c:
        token = c.app.state.valgus.settings.token  # type: ignore[attr-defined]
        assert token and len(token) >= 24
        assert c.get("/api/people").status_code == 401
        assert c.get("/api/people", headers={"authorization": f"Bearer {token}"}).status_code == 200
        r = c.get(f"/?token={token}", follow_redirects=False)
        assert r.status_code == 303 and "token" not in r.headers["location"]
        assert c.get("/api/people").status_code == 200  # the session cookie


def test_openapi_lists_the_contract(client: TestClient) -> None:
    spec = client.get("/api/openapi.json").json()
    for path in (
        "/api/analyses",
        "/api/analyses/{job_id}",
        "/api/people",
        "/api/people/{person_id}/history",
    ):
        assert path in spec["paths"], path
    assert json.dumps(spec).count("http://") == 0 or "servers" not in spec
