"""Property-based tests of the JSON API in clinic mode, signed in as a coach (schemathesis,
from the API's own OpenAPI schema): no input gets a server error, and no response ever
carries another coach's athlete."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from valgus.services import accounts
from valgus.storage import store
from valgus.storage.store import PersonInfo
from valgus.web.app import create_app
from valgus.web.authz import ACCOUNT_COOKIE
from valgus.web.settings import Settings

pytestmark = pytest.mark.integration
HOST = "127.0.0.1:8000"
SECRET = "zelda-of-coach-b"  # coach B's athlete: must never appear in coach A's answers


def _app(tmp: Path) -> tuple[object, dict[str, str]]:
    cfg = Settings(
        data_dir=tmp / "data", database_url=f"sqlite:///{tmp / 'h.sqlite3'}", clinic=True
    )
    app = create_app(cfg, run_workers=False)
    db = app.state.valgus.db
    for person, coach in (("ann", "coach-a"), (SECRET, "coach-b")):
        store.add_person(db, PersonInfo(name=person))
        accounts.add_user(db, coach, "coach", "a long password")
        accounts.link(db, coach, person)
    session = accounts.login(db, accounts.LoginLimiter(), "coach-a", "a long password", "test")
    headers = {
        "host": HOST,
        "cookie": f"{ACCOUNT_COOKIE}={session.token}",
        "x-csrf-token": session.csrf_token,
    }
    return app, headers


_APP, HEADERS = _app(Path(tempfile.mkdtemp(prefix="valgus-schema-clinic-")))
schema = schemathesis.openapi.from_asgi("/api/openapi.json", _APP, headers=HEADERS).exclude(
    path_regex="^/api/log(in|out)$"  # signing out would end the coach's session mid-run
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_as_a_coach_no_server_error_and_no_other_coach_s_athlete(case: schemathesis.Case) -> None:
    response = case.call_and_validate(checks=[not_a_server_error], headers=HEADERS)
    assert SECRET not in response.text, f"{case.method} {case.formatted_path}: {response.text}"
