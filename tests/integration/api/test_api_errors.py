"""The common error body: validation, unknown routes, a caller's routes without a caller (401) or with an
id nobody has (404), and the 500 that never tells what went wrong; plus the Lambda handler itself."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path
from typing import Any

import pytest
from api_world import (
    PASSWORD,
    SECRET,
    api_client,  # noqa: F401 - registers the "api" fixture
    bearer,
    error_of,
    new_guest,
)
from fastapi.testclient import TestClient

import cvpath.auth
from cvpath_api.app import app, handler

EVENTS = Path(__file__).resolve().parents[3] / "events"
UNKNOWN = "7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10"
# Routes on one of the caller's objects, by id: nobody has this id, so 404 once authenticated.
BY_ID = [
    ("GET", "/api/cvs/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10"),
    ("GET", "/api/cvs/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10/versions"),
    ("POST", "/api/cvs/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10/versions"),
    ("GET", "/api/applications/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10"),
    ("PATCH", "/api/applications/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10"),
    ("POST", "/api/applications/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10/runs"),
    ("GET", "/api/runs/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10"),
    ("GET", "/api/runs/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10/events"),
    ("GET", "/api/runs/7b1c3a52-29a4-4c6b-9d0e-3f1f8e2a6b10/artifacts/pdf"),
]
CALLERS_ROUTES = [
    *BY_ID,
    ("POST", "/api/cvs"),
    ("GET", "/api/cvs"),
    ("POST", "/api/applications"),
    ("GET", "/api/applications"),
    ("GET", "/api/preferences"),
    ("PUT", "/api/preferences"),
    ("GET", "/api/builder-state"),
]


def test_bad_json_is_422_with_locations_and_no_input(api: TestClient) -> None:
    answer = api.post(
        "/api/auth/login",
        content=b'{"email": "a@b.co", "password": "' + PASSWORD.encode() + b'"',
        headers={"content-type": "application/json"},
    )
    error = error_of(answer, 422)
    assert error["code"] == "validation_failed"
    assert error["details"]["errors"][0]["type"] == "json_invalid"
    assert error["details"]["errors"][0]["loc"][0] == "body"
    assert PASSWORD not in answer.text


def test_invalid_fields_name_the_field_and_rule_never_the_value(api: TestClient) -> None:
    answer = api.post("/api/auth/register", json={"email": "no-at-sign", "password": PASSWORD, "extra": 1})
    errors = error_of(answer, 422)["details"]["errors"]
    by_location = {tuple(error["loc"]): error for error in errors}
    assert by_location[("body", "email")]["type"] == "string_pattern_mismatch"
    assert "pattern" in by_location[("body", "email")]["rule"]
    assert by_location[("body", "extra")]["type"] == "extra_forbidden"
    assert "no-at-sign" not in answer.text
    assert PASSWORD not in answer.text
    missing = error_of(api.post("/api/auth/refresh", json={}), 422)["details"]["errors"]
    assert missing == [{"loc": ["body", "refresh_token"], "type": "missing"}]


@pytest.mark.parametrize(("method", "path"), CALLERS_ROUTES)
def test_a_callers_routes_are_401_without_a_token(api: TestClient, method: str, path: str) -> None:
    error = error_of(api.request(method, path), 401)
    assert error["code"] == "not_authenticated"


@pytest.mark.parametrize(("method", "path"), BY_ID)
def test_an_id_nobody_has_is_404_with_a_token(api: TestClient, method: str, path: str) -> None:
    _, token = new_guest(api)
    body = {"cv": {"basics": {"name": "A"}}} if path.endswith("/versions") and method == "POST" else {}
    error = error_of(api.request(method, path, headers=bearer(token), json=body), 404)
    assert error["code"] == "not_found"
    assert UNKNOWN in error["message"]


def test_a_bad_path_parameter_is_422_once_authenticated(api: TestClient) -> None:
    _, token = new_guest(api)
    answer = api.get("/api/runs/not-a-uuid/artifacts/zip", headers=bearer(token))
    locations = {tuple(error["loc"]) for error in error_of(answer, 422)["details"]["errors"]}
    assert locations == {("path", "id"), ("path", "kind")}
    assert "not-a-uuid" not in answer.text


def test_unknown_routes_and_methods_use_the_common_body(api: TestClient) -> None:
    assert error_of(api.get("/api/nowhere"), 404)["code"] == "not_found"
    assert error_of(api.delete("/api/health"), 405)["code"] == "method_not_allowed"


def test_an_unexpected_error_is_500_without_its_text_in_the_answer_or_the_log(
    api: TestClient, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise RuntimeError(f"boom with {SECRET}")

    monkeypatch.setattr(cvpath.auth, "create_guest", broken)
    with caplog.at_level(logging.DEBUG):
        answer = api.post("/api/guest")
    error = error_of(answer, 500)
    assert error == {"code": "internal_error", "message": "internal error", "details": {}}
    assert SECRET not in answer.text
    assert SECRET not in caplog.text
    assert "RuntimeError" in caplog.text


def test_health_and_openapi_need_no_database() -> None:
    client = TestClient(app)
    assert client.get("/api/health").json() == {"status": "ok"}
    schema = client.get("/api/openapi.json").json()
    assert {"/api/guest", "/api/auth/register", "/api/me", "/api/builder-state"} <= set(schema["paths"])
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert "ErrorBody" in schema["components"]["schemas"]


def test_the_lambda_handler_answers_from_any_thread() -> None:
    event = json.loads((EVENTS / "public_api.json").read_text(encoding="utf-8"))
    results: list[dict[str, Any]] = []
    worker = threading.Thread(target=lambda: results.append(handler(event, None)))  # type: ignore[arg-type]
    worker.start()
    worker.join(10)
    results.append(handler(event, None))  # type: ignore[arg-type]
    for result in results:
        assert result["statusCode"] == 200
        assert json.loads(result["body"]) == {"status": "ok"}
