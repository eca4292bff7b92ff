"""HTTP answers become named errors; Retry-After is honoured in all its forms."""

from __future__ import annotations

import json
from collections.abc import Iterator
from email.utils import formatdate

import pytest

from cvpath.errors import (
    AuthFailed,
    BadRequest,
    ContextTooLong,
    CVPathError,
    MalformedResponse,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
)
from cvpath.llm.clients.classify import (
    decode_json_object,
    error_for_status,
    error_snippet,
    retry_after_seconds,
)
from cvpath.llm.redact import forget_secrets, register_secret


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def body(message: str) -> bytes:
    return json.dumps({"error": {"message": message}}).encode()


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (429, RateLimited),
        (401, AuthFailed),
        (403, AuthFailed),
        (400, BadRequest),
        (404, BadRequest),
        (422, BadRequest),
        (413, ContextTooLong),
        (408, ProviderTimeout),
        (500, ProviderUnavailable),
        (502, ProviderUnavailable),
        (503, ProviderUnavailable),
        (529, ProviderUnavailable),
        (302, BadRequest),
        (101, MalformedResponse),
    ],
)
def test_status_classes(status: int, error: type[CVPathError]) -> None:
    assert type(error_for_status(status, {}, body("nope"), where="openai m")) is error


@pytest.mark.parametrize(
    "message",
    [
        '{"error": {"code": "context_length_exceeded", "message": "too long"}}',
        "This model's maximum context length is 8192 tokens",
        "prompt is too long: 210000 tokens > 200000 maximum",
        "The input token count (1200000) exceeds the maximum number of tokens allowed (1048576).",
    ],
)
def test_each_providers_context_error_is_context_too_long(message: str) -> None:
    error = error_for_status(400, {}, body(message), where="x m")
    assert isinstance(error, ContextTooLong)


def test_gemini_reports_a_bad_key_as_400_and_it_is_still_auth_failed() -> None:
    raw = (
        b'{"error": {"code": 400, "message": "API key not valid.", '
        b'"details": [{"reason": "API_KEY_INVALID"}]}}'
    )
    assert isinstance(
        error_for_status(400, {}, raw, where="gemini m", auth_markers=("API_KEY_INVALID",)), AuthFailed
    )


def test_rate_limit_carries_retry_after_in_details() -> None:
    error = error_for_status(429, {"retry-after": "7"}, b"{}", where="anthropic m")
    assert error.details["retry_after_s"] == 7.0
    assert "retry after 7s" in error.message


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "3"}, 3.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after": "-4"}, 0.0),
        ({"retry-after-ms": "250"}, 0.25),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_retry_after_in_seconds(headers: dict[str, str], expected: float | None) -> None:
    assert retry_after_seconds(headers) == expected


def test_retry_after_as_an_http_date() -> None:
    now = 1_700_000_000.0
    assert retry_after_seconds({"retry-after": formatdate(now + 12, usegmt=True)}, now=now) == 12.0
    assert retry_after_seconds({"retry-after": formatdate(now - 60, usegmt=True)}, now=now) == 0.0


def test_the_snippet_is_short_single_line_and_redacted() -> None:
    register_secret("sk-leaky-key-0123456789")
    raw = body("bad key sk-leaky-key-0123456789\n" + "word " * 500)
    snippet = error_snippet(raw)
    assert "sk-leaky-key" not in snippet
    assert "\n" not in snippet
    assert len(snippet) <= 303


def test_html_and_bad_json_are_malformed() -> None:
    with pytest.raises(MalformedResponse, match="HTML"):
        decode_json_object(b"<!DOCTYPE html><html></html>", "text/html", where="x m")
    with pytest.raises(MalformedResponse, match="invalid JSON"):
        decode_json_object(b'{"choices": [', "application/json", where="x m")
    with pytest.raises(MalformedResponse, match="not an object"):
        decode_json_object(b"[1, 2]", "application/json", where="x m")
