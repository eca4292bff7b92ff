"""Redaction: a registered key becomes *** in text, nested data and log lines."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from cvpath.llm.redact import (
    MASK,
    forget_secrets,
    redact,
    redact_text,
    redacting_logger,
    register_secret,
    strip_auth_headers,
)

CANARY = "sk-CANARY-redact-0123456789abcdef"


@pytest.fixture(autouse=True)
def _clean_registry() -> Iterator[None]:
    forget_secrets()
    yield
    forget_secrets()


def test_a_registered_key_is_masked_in_text() -> None:
    register_secret(SecretStr(CANARY))
    assert redact_text(f"Bearer {CANARY} failed") == f"Bearer {MASK} failed"


def test_nested_values_and_keys_are_masked_without_touching_the_original() -> None:
    register_secret(CANARY)
    data = {"headers": {"x": CANARY}, CANARY: [1, (CANARY, "ok")], "n": 3}
    masked = redact(data)
    assert CANARY not in repr(masked)
    assert masked["n"] == 3
    assert masked["headers"] == {"x": MASK}
    assert data["headers"] == {"x": CANARY}


def test_deep_values_are_masked() -> None:
    register_secret(CANARY)
    clean = {"body": {"messages": [{"content": "no secret here"}]}, "n": 1.5, "ok": True, "none": None}
    assert redact(clean) == clean
    dirty = {"body": {"messages": [{"content": f"key {CANARY}"}]}}
    assert redact(dirty) == {"body": {"messages": [{"content": f"key {MASK}"}]}}


@pytest.mark.parametrize("secret", ['sk-with"quote-123456', "sk-with\\backslash-1234", "sk-with\ttab-123456"])
def test_keys_with_unusual_characters_are_found(secret: str) -> None:
    register_secret(secret)
    assert redact({"a": [f"x{secret}y"]}) == {"a": [f"x{MASK}y"]}


def test_a_longer_key_containing_a_shorter_one_is_masked_whole() -> None:
    register_secret("abcdefgh")
    register_secret("abcdefgh-ijklmnop")
    assert redact_text("k=abcdefgh-ijklmnop") == f"k={MASK}"


def test_short_dummy_values_are_not_secrets() -> None:
    # Given a local server's dummy key (Ollama users often put "ollama")
    register_secret("ollama")
    # Then ordinary text that contains the word is left alone
    assert redact_text("provider ollama answered") == "provider ollama answered"


def test_nothing_registered_returns_the_same_object() -> None:
    data = {"a": "b"}
    assert redact(data) is data


def test_auth_headers_are_dropped_whatever_their_case() -> None:
    headers = {
        "Authorization": "Bearer x",
        "x-api-key": "k",
        "X-Goog-Api-Key": "g",
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
    }
    assert strip_auth_headers(headers) == {
        "content-type": "application/json",
        "anthropic-version": "2023-06-01",
    }


def test_log_records_are_masked_at_the_source(caplog: pytest.LogCaptureFixture) -> None:
    register_secret(CANARY)
    logger = redacting_logger("cvpath.llm.test_redact")
    with caplog.at_level(logging.DEBUG, logger="cvpath.llm.test_redact"):
        logger.debug("calling with %s", CANARY)
        logger.warning("plain " + CANARY)
    assert CANARY not in caplog.text
    assert caplog.text.count(MASK) == 2


def test_the_filter_is_installed_once() -> None:
    logger = redacting_logger("cvpath.llm.test_redact_once")
    redacting_logger("cvpath.llm.test_redact_once")
    assert len(logger.filters) == 1
