"""The render function's HTTP routes, driven with API Gateway (HTTP API v2) events."""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cvpath.telemetry import CollectingTelemetry, set_telemetry
from cvpath_render import service
from cvpath_render.handlers import http_handler

EVENTS = Path(__file__).parent / "events"
EXAMPLES = Path(__file__).resolve().parents[3] / "examples"


class FakeContext:
    function_name = "render"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:render"
    aws_request_id = "req-1"


def http_event(
    method: str,
    path: str,
    *,
    body: bytes | str = b"",
    headers: dict[str, str] | None = None,
    query: dict[str, str] | None = None,
) -> dict[str, Any]:
    event: dict[str, Any] = copy.deepcopy(json.loads((EVENTS / "extract_text_pdf.json").read_text()))
    event["routeKey"] = f"{method} {path}"
    event["rawPath"] = path
    event["requestContext"]["http"].update(method=method, path=path)
    event["requestContext"]["routeKey"] = event["routeKey"]
    event["headers"] = headers or {}
    event["queryStringParameters"] = query or None
    event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in (query or {}).items())
    raw = body.encode() if isinstance(body, str) else body
    event["body"] = base64.b64encode(raw).decode()
    event["isBase64Encoded"] = True
    return event


def call(event: dict[str, Any]) -> dict[str, Any]:
    return http_handler(event, FakeContext())  # type: ignore[arg-type]


def json_body(response: dict[str, Any]) -> Any:
    return json.loads(response["body"])


def example_cv() -> dict[str, Any]:
    return json.loads((EXAMPLES / "cv.json").read_text(encoding="utf-8"))


def test_health_reports_the_fonts() -> None:
    response = call(http_event("GET", "/render/health"))
    assert response["statusCode"] == 200
    assert json_body(response) == {"status": "ok", "fonts": 10}


def test_render_pdf_returns_a_base64_pdf() -> None:
    # Given a JSON Resume CV, when it is posted to /render/pdf
    response = call(
        http_event(
            "POST",
            "/render/pdf",
            body=json.dumps({"cv": example_cv(), "engine": "v1"}),
            headers={"content-type": "application/json"},
        )
    )
    # Then the body is the PDF itself, base64-encoded as API Gateway expects
    assert response["statusCode"] == 200
    assert response["isBase64Encoded"] is True
    assert response["headers"]["Content-Type"] == "application/pdf"
    assert base64.b64decode(response["body"]).startswith(b"%PDF-")


def test_render_with_letter_separate_returns_json_artifacts() -> None:
    letter = json.loads((EXAMPLES / "cover_letter.json").read_text(encoding="utf-8"))
    payload = {"cv": example_cv(), "outputMode": "separate", "coverLetter": letter}
    response = call(
        http_event(
            "POST", "/render/pdf", body=json.dumps(payload), headers={"content-type": "application/json"}
        )
    )
    assert response["statusCode"] == 200
    artifacts = json_body(response)["artifacts"]
    assert [a["filename"] for a in artifacts] == ["cv.pdf", "cover_letter.docx"]
    assert base64.b64decode(artifacts[1]["dataBase64"])[:2] == b"PK"


def test_extract_text_from_a_binary_upload() -> None:
    pdf = base64.b64decode(
        json_body(
            call(
                http_event(
                    "POST",
                    "/render/pdf",
                    body=json.dumps({"cv": example_cv()}),
                    headers={"content-type": "application/json", "accept": "application/json"},
                )
            )
        )["artifacts"][0]["dataBase64"]
    )
    response = call(
        http_event(
            "POST",
            "/render/extract-text",
            body=pdf,
            headers={"content-type": "application/pdf"},
            query={"filename": "cv.pdf"},
        )
    )
    assert response["statusCode"] == 200
    body = json_body(response)
    assert body["kind"] == "pdf"
    assert example_cv()["basics"]["name"] in body["text"]


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ("", 422, "validation_failed"),
        ("{not json", 422, "validation_failed"),
        (json.dumps({"cv": {}, "engine": "v9"}), 422, "validation_failed"),
        (json.dumps({"cv": {"basics": {"name": "A"}}, "surprise": 1}), 422, "validation_failed"),
        (
            json.dumps({"cv": {"basics": {"name": "A"}}, "outputMode": "combined_pdf"}),
            422,
            "validation_failed",
        ),
    ],
)
def test_bad_render_requests_get_named_json_errors(body: str, status: int, code: str) -> None:
    response = call(
        http_event("POST", "/render/pdf", body=body, headers={"content-type": "application/json"})
    )
    assert response["statusCode"] == status
    error = json_body(response)["error"]
    assert error["code"] == code
    assert error["message"]


@pytest.mark.parametrize(
    ("data", "filename", "code"),
    [
        (b"", "cv.pdf", "empty_document"),
        (b"%PDF-1.7\n1 0 obj <<", "cv.pdf", "corrupt_document"),
        (b"PK\x03\x04" + b"\x00" * 64, "cv.pdf", "document_type_mismatch"),
    ],
)
def test_bad_uploads_are_refused_by_name(data: bytes, filename: str, code: str) -> None:
    response = call(
        http_event(
            "POST",
            "/render/extract-text",
            body=data,
            headers={"content-type": "application/pdf"},
            query={"filename": filename},
        )
    )
    assert response["statusCode"] in (413, 415, 422)
    assert json_body(response)["error"]["code"] == code


def test_extract_text_json_body_must_be_inline() -> None:
    payload = {"filename": "cv.pdf", "s3": {"bucket": "bucket-x", "key": "k"}}
    response = call(
        http_event(
            "POST",
            "/render/extract-text",
            body=json.dumps(payload),
            headers={"content-type": "application/json"},
        )
    )
    assert response["statusCode"] == 422
    assert "dataBase64" in json_body(response)["error"]["message"]


@pytest.fixture
def telemetry() -> Iterator[CollectingTelemetry]:
    sink = CollectingTelemetry()
    previous = set_telemetry(sink)
    yield sink
    set_telemetry(previous)


def test_a_render_failure_is_reported_to_telemetry(telemetry: CollectingTelemetry) -> None:
    # Given a CV whose name is in a script the fonts cannot draw
    cv = example_cv()
    cv["basics"]["name"] = "\u0645\u0631\u064a\u0645 \u062d\u062f\u0627\u062f"
    response = call(
        http_event(
            "POST", "/render/pdf", body=json.dumps({"cv": cv}), headers={"content-type": "application/json"}
        )
    )
    # Then the client gets a named error and telemetry gets one error event, without the name
    assert response["statusCode"] == 422
    assert json_body(response)["error"]["code"] == "unsupported_text"
    (event,) = telemetry.events
    assert event.payload["code"] == "unsupported_text"
    assert event.payload["source"] == "render/render/pdf"
    assert cv["basics"]["name"] not in event.model_dump_json()


def test_an_unexpected_failure_is_a_500_without_internals(
    telemetry: CollectingTelemetry, monkeypatch: pytest.MonkeyPatch
) -> None:
    def explode(request: object) -> object:
        raise RuntimeError("Jane Doe lives at 12 Secret Street")

    monkeypatch.setattr(service, "render", explode)
    response = call(
        http_event(
            "POST",
            "/render/pdf",
            body=json.dumps({"cv": example_cv()}),
            headers={"content-type": "application/json"},
        )
    )
    assert response["statusCode"] == 500
    assert json_body(response)["error"]["code"] == "internal_error"
    assert "Secret Street" not in response["body"]
    assert telemetry.events[0].payload["code"] == "unhandled"
