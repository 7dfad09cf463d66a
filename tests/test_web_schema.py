"""Every JSON API response matches the app's own OpenAPI schema (schemathesis generates the
requests from the schema, calls the app, and validates status codes, content types and bodies)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from newsprism.web import create_app
from tests import test_web_fixtures as fx

# shared fixtures (built once per session)
copy_db = fx.copy_db
seed_db = fx.seed_db

OPERATIONS = [
    ("/api/stories", "GET"),
    ("/api/stories/{story_id}", "GET"),
    ("/api/articles", "GET"),
    ("/api/articles/{article_id}", "GET"),
    ("/api/search", "GET"),
    ("/api/compare", "POST"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_api_responses_match_the_schema(copy_db: Path, path: str, method: str) -> None:
    # a private copy of the store: generated uploads may ask to be stored
    schema = schemathesis.openapi.from_asgi("/openapi.json", create_app(copy_db))
    operation = schema[path][method]
    calls: list[int] = []

    @given(case=operation.as_strategy())
    @settings(
        max_examples=8 if method == "POST" else 15,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case: Any) -> None:
        # an upload can be schema-valid and still hold nothing readable (a 400, documented)
        excluded = [positive_data_acceptance] if method == "POST" else []
        response = case.call_and_validate(excluded_checks=excluded)
        calls.append(response.status_code)

    check()
    assert calls  # the operation was exercised


def test_schema_documents_every_api_route(seed_db: Path) -> None:
    app = create_app(seed_db)
    paths = app.openapi()["paths"]
    assert set(paths) == {
        "/api/stories",
        "/api/stories/{story_id}",
        "/api/articles",
        "/api/articles/{article_id}",
        "/api/search",
        "/api/compare",
    }
    for path, operations in paths.items():
        for operation in operations.values():
            ok = operation["responses"]["200"]["content"]["application/json"]["schema"]
            assert ok, path  # a response model, not an untyped body
