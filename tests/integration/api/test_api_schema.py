"""Property-based: every operation of the OpenAPI schema, fed generated requests, never answers 5xx."""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Any

import pytest
import schemathesis
from api_world import SECRET, bearer
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from cvpath.config import get_settings
from cvpath_api.app import app

schema = schemathesis.openapi.from_asgi("/api/openapi.json", app)


@pytest.fixture
def guest_token(pooled_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A valid guest token, so that generated requests get past authentication too."""
    monkeypatch.setenv("CVPATH_JWT_SECRET", SECRET)
    get_settings.cache_clear()
    answer = TestClient(app).post("/api/guest")
    assert answer.status_code == 201
    yield answer.json()["guest_token"]
    get_settings.cache_clear()


@schema.parametrize()
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_operation_answers_5xx(case: schemathesis.Case[Any], guest_token: str) -> None:
    # Half the cases carry the token and reach the routes' own work; the others the authentication path.
    chosen = zlib.crc32(repr((case.path_parameters, case.query, case.body)).encode()) % 2 == 0
    headers = bearer(guest_token) if chosen else None
    response = case.call(headers=headers)
    case.validate_response(response, checks=[not_a_server_error])
