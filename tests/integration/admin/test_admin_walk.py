"""Every admin route, from the generated OpenAPI: 401 without a token, 403 for anyone not an admin; no 5xx."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
import schemathesis
from admin_world import (  # noqa: F401 - the *_client imports register fixtures
    SECRET,
    admin_client,
    admin_token,
    bearer,
    error_of,
    make_user,
    public_client,
)
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from cvpath.config import get_settings
from cvpath_admin.app import app

# Values for path parameters: well-formed, so the request reaches the authorisation check.
PATH_VALUES = {
    "id": "7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10",
    "agent": "CV_PARSER",
    "fingerprint": "0123456789abcdef",
}
# The only admin route a non-admin may call: it answers 403 itself when the caller is not an admin.
EXCHANGE = ("POST", "/api/admin/auth/token")


def admin_operations() -> list[tuple[str, str]]:
    operations = []
    for path, methods in app.openapi()["paths"].items():
        for method in methods:
            operations.append((method.upper(), path.format(**PATH_VALUES)))
    return sorted(operations)


def test_the_walk_covers_every_resource_of_the_issue() -> None:
    paths = {path for _, path in admin_operations()}
    for expected in ("llm-analytics", "settings", "model-config", "users", "errors", "runs", "audit"):
        assert any(f"/api/admin/{expected}" in path for path in paths), expected
    assert len(admin_operations()) >= 14


def test_every_admin_route_is_403_for_a_user_and_a_guest_and_401_without_a_token(
    public: TestClient, admin_api: TestClient, db: psycopg.Connection[Any]
) -> None:
    user = make_user(public, "not-an-admin@example.com", db=db)
    guest = public.post("/api/guest").json()["guest_token"]
    walked = 0
    for method, path in admin_operations():
        for token in (user.access_token, guest):
            answer = admin_api.request(method, path, headers=bearer(token), json={})
            assert error_of(answer, 403)["code"] == "forbidden", (method, path)
        if (method, path) != EXCHANGE:
            assert error_of(admin_api.request(method, path, json={}), 401)["code"] == "not_authenticated"
        walked += 1
    assert walked == len(admin_operations())
    # The schema itself is public: it lists routes, not data.
    assert admin_api.get("/api/admin/openapi.json").status_code == 200


schema = schemathesis.openapi.from_asgi("/api/admin/openapi.json", app)


@pytest.fixture
def operator_token(pooled_db: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """An admin token of a fresh administrator, for generated requests to get past authorisation."""
    monkeypatch.setenv("CVPATH_JWT_SECRET", SECRET)
    get_settings.cache_clear()
    from cvpath_api.app import app as public_app

    with psycopg.connect(pooled_db, autocommit=True) as db:
        person = make_user(TestClient(public_app), "fuzz-admin@example.com", db=db, admin=True)
    return admin_token(TestClient(app), person)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_admin_operation_answers_5xx(case: schemathesis.Case[Any], operator_token: str) -> None:
    response = case.call(headers=bearer(operator_token))
    case.validate_response(response, checks=[not_a_server_error])
