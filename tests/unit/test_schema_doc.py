"""The published output schema matches the typed models."""

import json

from tests.paths import REPO
from valgus.results import json_schema, published_schema


def test_published_schema_is_current() -> None:
    published = json.loads((REPO / "docs" / "analysis.schema.json").read_text())
    assert published == published_schema(), "regenerate: valgus schema > docs/analysis.schema.json"


def test_schema_has_the_contract_fields() -> None:
    props = json_schema()["properties"]
    assert isinstance(props, dict)
    for key in ("schema_version", "movement", "source", "quality", "reps", "summary"):
        assert key in props
