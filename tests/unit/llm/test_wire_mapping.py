"""Each client maps a ChatRequest to its wire format and the answer back (pure: no I/O)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from cvpath.errors import MalformedResponse
from cvpath.llm.clients.anthropic import AnthropicClient
from cvpath.llm.clients.base import HttpChatClient, OutgoingRequest, versioned_url
from cvpath.llm.clients.gemini import GeminiClient
from cvpath.llm.clients.openai_compatible import OpenAICompatibleClient
from cvpath.llm.types import ChatMessage, ChatRequest

KEY = SecretStr("sk-wire-test-key-0123456789")
REQUEST = ChatRequest(
    model="some-model",
    system="You answer in JSON.",
    messages=[
        ChatMessage(role="user", content="first question"),
        ChatMessage(role="assistant", content="first answer"),
        ChatMessage(role="user", content="second question"),
    ],
    temperature=0.2,
    max_tokens=300,
)


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client() as client:
        yield client


def test_openai_puts_the_system_prompt_first_and_a_bearer_key(http: httpx.Client) -> None:
    client = OpenAICompatibleClient(provider="openai", base_url="https://api.openai.com/v1", http=http)
    out = client.build(REQUEST, KEY)
    assert out.url == "https://api.openai.com/v1/chat/completions"
    assert out.headers["authorization"] == f"Bearer {KEY.get_secret_value()}"
    assert out.body == {
        "model": "some-model",
        "messages": [
            {"role": "system", "content": "You answer in JSON."},
            {"role": "user", "content": "first question"},
            {"role": "assistant", "content": "first answer"},
            {"role": "user", "content": "second question"},
        ],
        "temperature": 0.2,
        "max_tokens": 300,
    }


@pytest.mark.parametrize(
    ("base", "url"),
    [
        ("http://127.0.0.1:1234", "http://127.0.0.1:1234/v1/chat/completions"),
        ("http://127.0.0.1:1234/", "http://127.0.0.1:1234/v1/chat/completions"),
        ("https://openrouter.ai/api/v1", "https://openrouter.ai/api/v1/chat/completions"),
    ],
)
def test_openai_a_bare_host_means_its_v1_api(http: httpx.Client, base: str, url: str) -> None:
    client = OpenAICompatibleClient(provider="openai_compatible", base_url=base, http=http)
    assert client.build(REQUEST, None).url == url


def test_openai_without_a_key_sends_no_auth_header(http: httpx.Client) -> None:
    client = OpenAICompatibleClient(provider="ollama", base_url="http://127.0.0.1:11434/v1", http=http)
    assert "authorization" not in client.build(REQUEST, None).headers


def test_anthropic_has_a_top_level_system_and_its_own_headers(http: httpx.Client) -> None:
    client = AnthropicClient(provider="anthropic", base_url="https://api.anthropic.com", http=http)
    out = client.build(REQUEST, KEY)
    assert out.url == "https://api.anthropic.com/v1/messages"
    assert out.headers["x-api-key"] == KEY.get_secret_value()
    assert out.headers["anthropic-version"] == "2023-06-01"
    assert out.body["system"] == "You answer in JSON."
    assert [m["role"] for m in out.body["messages"]] == ["user", "assistant", "user"]
    assert out.body["max_tokens"] == 300


def test_gemini_keeps_the_key_out_of_the_url(http: httpx.Client) -> None:
    client = GeminiClient(provider="gemini", base_url="https://generativelanguage.googleapis.com", http=http)
    out = client.build(REQUEST.model_copy(update={"model": "models/gemini-2.0-flash"}), KEY)
    assert out.url == (
        "https://generativelanguage.googleapis.com/v1beta/models/gemini-2.0-flash:generateContent"
    )
    assert KEY.get_secret_value() not in out.url
    assert out.headers["x-goog-api-key"] == KEY.get_secret_value()
    assert out.body["systemInstruction"] == {"parts": [{"text": "You answer in JSON."}]}
    assert [c["role"] for c in out.body["contents"]] == ["user", "model", "user"]
    assert out.body["generationConfig"] == {"temperature": 0.2, "maxOutputTokens": 300}


def test_the_recorded_request_has_no_auth_header_and_no_key(http: httpx.Client) -> None:
    for client in (
        OpenAICompatibleClient(provider="openai", base_url="https://api.openai.com/v1", http=http),
        AnthropicClient(provider="anthropic", base_url="https://api.anthropic.com", http=http),
        GeminiClient(provider="gemini", base_url="https://generativelanguage.googleapis.com", http=http),
    ):
        out = client.build(REQUEST, KEY)
        assert KEY.get_secret_value() not in str(out.for_record())
        assert KEY.get_secret_value() not in repr(out)
        assert out.for_record()["body"] == out.body


def test_versioned_url_does_not_double_the_version() -> None:
    assert (
        versioned_url("https://api.anthropic.com/v1/", "v1", "messages")
        == "https://api.anthropic.com/v1/messages"
    )
    assert versioned_url("https://proxy.local/anthropic", "v1", "messages") == (
        "https://proxy.local/anthropic/v1/messages"
    )


def _parse(client: HttpChatClient, data: dict[str, Any]) -> tuple[str, int, int, str]:
    out = OutgoingRequest(provider=client.provider, model="m", url="http://127.0.0.1", body={})
    response = client.parse(data, out)
    return response.text, response.input_tokens, response.output_tokens, response.finish_reason


@pytest.mark.parametrize(
    ("reason", "expected"),
    [("stop", "stop"), ("length", "length"), ("content_filter", "content_filter"), ("tool_calls", "other")],
)
def test_openai_answers_map_back(http: httpx.Client, reason: str, expected: str) -> None:
    client = OpenAICompatibleClient(provider="openai", base_url="http://127.0.0.1/v1", http=http)
    data = {
        "choices": [{"message": {"role": "assistant", "content": "hi"}, "finish_reason": reason}],
        "usage": {"prompt_tokens": 12, "completion_tokens": 3},
    }
    assert _parse(client, data) == ("hi", 12, 3, expected)


@pytest.mark.parametrize(("reason", "expected"), [("end_turn", "stop"), ("max_tokens", "length")])
def test_anthropic_answers_map_back(http: httpx.Client, reason: str, expected: str) -> None:
    client = AnthropicClient(provider="anthropic", base_url="http://127.0.0.1", http=http)
    data = {
        "content": [{"type": "text", "text": "a"}, {"type": "tool_use"}, {"type": "text", "text": "b"}],
        "stop_reason": reason,
        "usage": {"input_tokens": 7, "output_tokens": 2},
    }
    assert _parse(client, data) == ("ab", 7, 2, expected)


@pytest.mark.parametrize(
    ("reason", "expected"), [("STOP", "stop"), ("MAX_TOKENS", "length"), ("SAFETY", "content_filter")]
)
def test_gemini_answers_map_back(http: httpx.Client, reason: str, expected: str) -> None:
    client = GeminiClient(provider="gemini", base_url="http://127.0.0.1", http=http)
    data = {
        "candidates": [{"content": {"parts": [{"text": "x"}, {"text": "y"}]}, "finishReason": reason}],
        "usageMetadata": {"promptTokenCount": 9, "candidatesTokenCount": 4},
    }
    assert _parse(client, data) == ("xy", 9, 4, expected)


@pytest.mark.parametrize(
    ("client_class", "data"),
    [
        (OpenAICompatibleClient, {"choices": []}),
        (AnthropicClient, {"content": []}),
        (GeminiClient, {"candidates": [], "promptFeedback": {"blockReason": "SAFETY"}}),
    ],
)
def test_an_empty_answer_is_malformed(
    http: httpx.Client, client_class: type[HttpChatClient], data: dict[str, Any]
) -> None:
    client = client_class(provider="p", base_url="http://127.0.0.1", http=http)
    with pytest.raises(MalformedResponse):
        _parse(client, data)
