"""Clinic mode (`valgus serve --clinic`): the authorisation matrix over every route of the
app (generated from the route table: a new route without a rule fails here), sign-in with
its rate limit and CSRF, the audit log, and export and delete of one person."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from valgus.services import accounts
from valgus.services import jobs as job_service
from valgus.storage import Database, store
from valgus.storage import jobs as job_rows
from valgus.storage.store import PersonInfo
from valgus.web import authz
from valgus.web.app import create_app
from valgus.web.settings import Settings

HOST = "http://127.0.0.1:8000"
PASSWORD = "correct horse battery"
ROLES = ("anonymous", "athlete", "coach_a", "coach_b", "admin")
DESTRUCTIVE = {("DELETE", "/api/people/{person_id}"), ("POST", "/people/{pid}/delete")}


@dataclass
class World:
    app: Any
    db: Database
    root: Path
    ann: int  # coach A's athlete (the athlete account is ann)
    bob: int  # coach B's athlete
    job: str  # an analysis job of ann's


def _world(root: Path) -> World:
    settings = Settings(
        data_dir=root / "data", database_url=f"sqlite:///{root / 'h.sqlite3'}", clinic=True
    )
    app = create_app(settings, run_workers=False)
    db = app.state.valgus.db
    for name in ("ann", "bob"):
        store.add_person(db, PersonInfo(name=name))
    ids = store.person_ids(db)
    for user, role, person in (
        ("root", "admin", None),
        ("coach-a", "coach", "ann"),
        ("coach-b", "coach", "bob"),
        ("ann", "athlete", "ann"),
    ):
        accounts.add_user(db, user, role, PASSWORD)
        if person:
            accounts.link(db, user, person)
    upload = root / "data" / "uploads" / "ann-squat.mp4"
    upload.parent.mkdir(parents=True, exist_ok=True)
    upload.write_bytes(b"not really a video")
    job = job_rows.enqueue(
        db,
        job_rows.new_id(),
        path=str(upload),
        upload_name="ann-squat.mp4",
        movement="squat",
        options={},
        person="ann",
        keep_video=True,
    )
    return World(app, db, root, ids["ann"], ids["bob"], job.id)


def _client(w: World, user: str | None) -> TestClient:
    c = TestClient(w.app, base_url=HOST, follow_redirects=False)
    if user is not None:
        r = c.post("/api/login", json={"username": user, "password": PASSWORD})
        assert r.status_code == 200, r.text
        c.headers["X-CSRF-Token"] = r.json()["csrf_token"]
    return c


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    w = _world(tmp_path_factory.mktemp("clinic"))
    yield w
    w.db.close()


USERS = {
    "anonymous": None,
    "athlete": "ann",
    "coach_a": "coach-a",
    "coach_b": "coach-b",
    "admin": "root",
}


def _url(path: str, w: World) -> str:
    values = {
        "person_id": w.ann,
        "pid": w.ann,
        "job_id": w.job,
        "kind": "result",
        "rep": 1,
        "side": "left",
        "movement": "squat",
        "file_name": "result.rep1.png",
        "exercise_id": "banded_clamshell",
    }
    return path.format(**values)


def expected(role: str, rule: authz.Rule) -> str:
    """allowed / signin / forbidden / hidden (404)."""
    if rule.kind == "public":
        return "allowed"
    if role == "anonymous":
        return "signin"
    if rule.kind == "signed_in":
        return "allowed"
    if rule.kind == "admin":
        return "allowed" if role == "admin" else "forbidden"
    if rule.kind == "add_person":
        return "allowed" if role in ("coach_a", "coach_b", "admin") else "forbidden"
    # about ann (or ann's job)
    if role == "coach_a":
        return "allowed"
    if role == "athlete":
        return "allowed" if rule.access in ("read", "log") else "hidden"
    return "hidden"  # coach B, and an admin without a link


def outcome(r: Any, api: bool) -> str:
    if r.status_code == 401 or (
        not api and r.status_code == 303 and "/login" in r.headers.get("location", "")
    ):
        return "signin"
    if r.status_code == 403 and "csrf" not in r.text.lower():
        return "forbidden"
    if r.status_code == 404 and _is_hidden(r, api):
        return "hidden"
    return "allowed"


def _is_hidden(r: Any, api: bool) -> bool:
    """The answer for a person out of scope (the same as for one that does not exist)."""
    if api:
        return bool(r.json().get("error", {}).get("message") == "not found")
    return "not found" in r.text


def test_every_route_has_a_rule(world: World) -> None:
    missing = [r for r in authz.route_table(world.app) if authz.rule_for(*r) is None]
    assert not missing, f"routes without an authorisation rule: {missing}"


def test_the_authorisation_matrix(world: World) -> None:
    routes = sorted(authz.route_table(world.app), key=lambda r: r in DESTRUCTIVE)
    clients = {role: _client(world, user) for role, user in USERS.items()}
    wrong = []
    # coach A last: the one allowed to delete ann
    for role in ("anonymous", "athlete", "coach_b", "admin", "coach_a"):
        c = clients[role]
        for method, path in routes:
            if method == "WEBSOCKET":
                continue
            rule = authz.rule_for(method, path)
            assert rule is not None
            if (method, path) in {("POST", "/api/logout"), ("POST", "/logout")}:
                continue  # would end the client's session mid-matrix (tested below)
            if role == "coach_a" and (method, path) == ("POST", "/people/{pid}/delete"):
                continue  # ann is gone by then (DELETE /api/people/{id}): tested below
            r = c.request(method, _url(path, world))
            got, want = outcome(r, path.startswith("/api")), expected(role, rule)
            if got != want:
                wrong.append(f"{role} {method} {path}: {got} ({r.status_code}), expected {want}")
    assert not wrong, "\n".join(wrong)


def test_lists_show_only_your_people(world: World) -> None:
    names = {p["name"] for p in _client(world, "coach-b").get("/api/people").json()}
    assert names == {"bob"}
    page = _client(world, "coach-b").get("/").text
    assert "bob" in page and "ann" not in page
    assert _client(world, "coach-b").get("/api/analyses").json() == []
    assert "ann" not in _client(world, "coach-b").get("/team.csv").text
    assert _client(world, "root").get("/api/people").json() == []  # an admin needs a link


def test_a_person_a_coach_adds_is_theirs(world: World) -> None:
    c = _client(world, "coach-b")
    r = c.post("/api/people", json={"name": "cid"})
    assert r.status_code == 201, r.text
    assert {p["name"] for p in c.get("/api/people").json()} == {"bob", "cid"}
    assert "cid" not in {p["name"] for p in _client(world, "coach-a").get("/api/people").json()}


def test_csrf_is_required_for_changes(world: World) -> None:
    c = _client(world, "coach-a")
    del c.headers["X-CSRF-Token"]
    r = c.patch(f"/api/people/{world.ann}", json={"name": "ann2"})
    assert r.status_code == 403 and r.json()["error"]["code"] == "csrf"
    c.headers["X-CSRF-Token"] = "wrong"
    assert c.patch(f"/api/people/{world.ann}", json={"name": "ann2"}).status_code == 403


def test_wrong_password_is_refused_and_rate_limited(tmp_path: Path) -> None:
    w = _world(tmp_path)
    c = TestClient(w.app, base_url=HOST)
    for _ in range(accounts.MAX_FAILURES):
        r = c.post("/api/login", json={"username": "coach-a", "password": "wrong password"})
        assert r.status_code == 401 and r.json()["error"]["code"] == "login_failed"
    r = c.post("/api/login", json={"username": "coach-a", "password": PASSWORD})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0
    assert "too many failed sign-ins" in r.json()["error"]["message"]
    unknown = c.post("/api/login", json={"username": "nobody", "password": "x" * 12})
    assert unknown.status_code == 429  # the address is limited too
    accounts.disable(w.db, "coach-b")
    fresh = TestClient(w.app, base_url="http://127.0.0.1:8000", client=("10.0.0.9", 5000))
    r = fresh.post("/api/login", json={"username": "coach-b", "password": PASSWORD})
    assert r.status_code == 401  # disabled: the same answer as a wrong password
    w.db.close()


def test_sign_out_ends_the_session(world: World) -> None:
    c = _client(world, "coach-b")
    assert c.get("/api/me").json()["user"] == "coach-b"
    assert c.post("/api/logout").status_code == 204
    assert c.get("/api/people").status_code == 401


def test_audit_log_and_cli(world: World) -> None:
    _client(world, "coach-a").get(f"/api/people/{world.ann}/history")
    entries = accounts.audit_entries(world.db, person="ann")
    assert any(e.user == "coach-a" and e.action == "view" for e in entries)
    got = _client(world, "root").get("/api/audit", params={"person": "ann"}).json()
    assert any(e["user"] == "coach-a" for e in got)


def test_export_and_delete_leave_nothing_of_the_person(tmp_path: Path) -> None:
    w = _world(tmp_path)
    c = _client(w, "coach-a")
    results = w.app.state.valgus.workspace.results(w.job)
    results.mkdir(parents=True)
    (results / "result.analysis.json").write_text("{}")
    r = c.get(f"/api/people/{w.ann}/export.zip")
    assert r.status_code == 200 and r.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(r.content)).namelist()
    assert "export.json" in names and f"files/{w.job}/result.analysis.json" in names
    assert "files/uploads/ann-squat.mp4" in names
    assert any(e.action == "export" for e in accounts.audit_entries(w.db, person="ann"))
    assert c.delete(f"/api/people/{w.ann}").status_code == 204
    leftovers = [p for p in (tmp_path / "data").rglob("*") if p.is_file()]
    assert not leftovers, leftovers
    assert "ann" not in store.person_ids(w.db)
    assert any(e.action == "delete" for e in accounts.audit_entries(w.db, person="ann"))
    assert job_service.sweep_deleted(w.app.state.valgus.workspace) == 0
    w.db.close()


def test_retention_drops_old_videos_and_keeps_the_rest(tmp_path: Path) -> None:
    import datetime as dt

    from valgus.storage.models import JobRow

    w = _world(tmp_path)
    ws = w.app.state.valgus.workspace
    results = ws.results(w.job)
    results.mkdir(parents=True)
    for name in ("result.analysis.json", "result.poses.nc", "video.mp4", "result.rep1.png"):
        (results / name).write_bytes(b"x")
    upload = tmp_path / "data" / "uploads" / "ann-squat.mp4"
    assert job_service.drop_old_videos(w.db, ws, 30) == 0  # not finished yet
    with w.db.transaction() as s:
        row = s.get(JobRow, w.job)
        assert row is not None
        row.status, row.finished_at = "done", dt.datetime(2020, 1, 1)
    assert job_service.drop_old_videos(w.db, ws, 30) == 2
    assert not upload.exists() and not (results / "video.mp4").exists()
    kept = sorted(p.name for p in results.iterdir())
    assert kept == ["result.analysis.json", "result.poses.nc", "result.rep1.png"]
    w.db.close()


def test_the_live_socket_needs_a_session_and_a_person_in_your_care(world: World) -> None:
    from starlette.websockets import WebSocketDisconnect

    origin = {"host": "127.0.0.1:8000", "origin": "http://127.0.0.1:8000"}
    anonymous = TestClient(world.app, base_url=HOST)
    with (
        pytest.raises(WebSocketDisconnect) as e,
        anonymous.websocket_connect("/live/ws", headers=origin) as ws,
    ):
        ws.receive_text()
    assert e.value.code == 1008  # policy violation: sign in first
    coach_b = _client(world, "coach-b")
    signed_in = origin | {
        "cookie": f"{authz.ACCOUNT_COOKIE}={coach_b.cookies[authz.ACCOUNT_COOKIE]}"
    }
    with coach_b.websocket_connect("/live/ws", headers=signed_in) as ws:
        ws.send_json({"type": "hello", "person_id": world.ann})
        assert ws.receive_json()["message"] == "no such person"  # ann is not in B's care
    with coach_b.websocket_connect("/live/ws", headers=signed_in) as ws:
        ws.send_json({"type": "hello", "person_id": world.bob})
        assert ws.receive_json()["type"] == "ready"
