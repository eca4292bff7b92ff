"""Each wire client against the fake provider over real HTTP: the happy path, and every fault
mapped to its named error."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from gateway_fakes import CANARIES, WIRES
from pydantic import SecretStr

from cvpath.errors import (
    AuthFailed,
    ContextTooLong,
    CVPathError,
    MalformedResponse,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    ResponseTooLarge,
)
from cvpath.llm.clients.base import ChatClient
from cvpath.llm.redact import forget_secrets
from cvpath.llm.registry import create_client, parse_model_string
from cvpath.llm.types import ChatMessage, ChatRequest
from local.fake_llm import FakeLLMServer, Fault, Reply, unused_port

REQUEST = ChatRequest(
    model="model-x",
    system="Answer in JSON only.",
    messages=[ChatMessage(role="user", content="list three skills please")],
    max_tokens=50,
)


@pytest.fixture(autouse=True)
def _forget() -> Iterator[None]:
    yield
    forget_secrets()


def client_for(wire: str, base_url: str, http: httpx.Client) -> ChatClient:
    return create_client(parse_model_string(f"{wire}:model-x", base_url=base_url), http)


def call(
    wire: str,
    server: FakeLLMServer,
    http: httpx.Client,
    *,
    timeout_s: float = 5.0,
    request: ChatRequest = REQUEST,
):
    client = client_for(wire, server.url, http)
    return client.send(client.build(request, SecretStr(CANARIES[wire])), timeout_s=timeout_s)


@pytest.mark.parametrize("wire", WIRES)
def test_happy_path_maps_text_usage_and_finish(
    wire: str, fake_llm: FakeLLMServer, http: httpx.Client
) -> None:
    fake_llm.script(Reply('{"skills": ["python", "sql", "aws"]}'))
    response = call(wire, fake_llm, http)
    assert response.text == '{"skills": ["python", "sql", "aws"]}'
    assert (response.input_tokens, response.output_tokens) == (8, 4)  # words: 4 system + 4 user; 4 answer
    assert response.finish_reason == "stop"
    assert (response.provider, response.model) == (wire, "model-x")
    assert response.raw


def test_openai_wire_on_the_server(fake_llm: FakeLLMServer, http: httpx.Client) -> None:
    call("openai", fake_llm, http)
    [seen] = fake_llm.requests
    assert seen.path == "/v1/chat/completions"
    assert seen.headers["authorization"] == f"Bearer {CANARIES['openai']}"
    assert seen.body["messages"][0] == {"role": "system", "content": "Answer in JSON only."}
    assert seen.body["max_tokens"] == 50


def test_anthropic_wire_on_the_server(fake_llm: FakeLLMServer, http: httpx.Client) -> None:
    call("anthropic", fake_llm, http)
    [seen] = fake_llm.requests
    assert seen.path == "/v1/messages"
    assert seen.headers["x-api-key"] == CANARIES["anthropic"]
    assert seen.headers["anthropic-version"] == "2023-06-01"
    assert "authorization" not in seen.headers
    # The system prompt is a top-level field, not a message
    assert seen.body["system"] == "Answer in JSON only."
    assert [m["role"] for m in seen.body["messages"]] == ["user"]


def test_gemini_wire_on_the_server(fake_llm: FakeLLMServer, http: httpx.Client) -> None:
    call("gemini", fake_llm, http)
    [seen] = fake_llm.requests
    assert seen.path == "/v1beta/models/model-x:generateContent"
    assert "key=" not in seen.path
    assert seen.headers["x-goog-api-key"] == CANARIES["gemini"]
    assert seen.body["systemInstruction"] == {"parts": [{"text": "Answer in JSON only."}]}
    assert seen.body["generationConfig"]["maxOutputTokens"] == 50


FAULTS: list[tuple[str, Fault, type[CVPathError]]] = [
    ("503", Fault.unavailable(), ProviderUnavailable),
    ("500", Fault.server_error(500), ProviderUnavailable),
    ("529 overloaded", Fault.server_error(529), ProviderUnavailable),
    ("429", Fault.rate_limited("2"), RateLimited),
    ("stall past the timeout", Fault.stall(3.0), ProviderTimeout),
    ("connection closed without a response", Fault.drop(), ProviderUnavailable),
    ("malformed JSON", Fault.malformed_json(), MalformedResponse),
    ("HTML instead of JSON", Fault.html(), MalformedResponse),
    ("HTML error page", Fault.html(status=502), ProviderUnavailable),
    ("empty choices", Fault.empty(), MalformedResponse),
    ("over 5 MB, declared", Fault.too_large(), ResponseTooLarge),
    ("over 5 MB, chunked", Fault.too_large(chunked=True), ResponseTooLarge),
    ("context too long", Fault.context_too_long(), ContextTooLong),
    ("bad key", Fault.auth_failed(), AuthFailed),
]


@pytest.mark.parametrize("wire", WIRES)
@pytest.mark.parametrize(("label", "fault", "error"), FAULTS, ids=[f[0] for f in FAULTS])
def test_each_fault_is_its_named_error(
    wire: str, label: str, fault: Fault, error: type[CVPathError], fake_llm: FakeLLMServer, http: httpx.Client
) -> None:
    fake_llm.script(fault)
    with pytest.raises(error) as caught:
        call(wire, fake_llm, http, timeout_s=0.5)
    assert type(caught.value) is error
    assert caught.value.message.startswith(f"{wire} model-x: ")


@pytest.mark.parametrize("wire", WIRES)
def test_rate_limit_carries_retry_after(wire: str, fake_llm: FakeLLMServer, http: httpx.Client) -> None:
    fake_llm.script(Fault.rate_limited("4"))
    with pytest.raises(RateLimited) as caught:
        call(wire, fake_llm, http)
    assert caught.value.details["retry_after_s"] == 4.0


@pytest.mark.parametrize("wire", WIRES)
def test_connection_refused_is_provider_unavailable(wire: str, http: httpx.Client) -> None:
    client = client_for(wire, f"http://127.0.0.1:{unused_port()}", http)
    with pytest.raises(ProviderUnavailable, match="Connection refused") as caught:
        client.send(client.build(REQUEST, None), timeout_s=2)
    assert type(caught.value) is ProviderUnavailable


@pytest.mark.parametrize("wire", WIRES)
def test_a_prompt_over_the_context_window_is_context_too_long(wire: str, http: httpx.Client) -> None:
    # Given a provider whose context window is 100 tokens, and a 300-word prompt
    with FakeLLMServer(context_window=100) as server:
        big = REQUEST.model_copy(update={"messages": [ChatMessage(role="user", content="word " * 300)]})
        # Then its own wording of the error becomes ContextTooLong
        with pytest.raises(ContextTooLong):
            call(wire, server, http, request=big)


@pytest.mark.parametrize("wire", WIRES)
def test_a_wrong_key_is_auth_failed(wire: str, http: httpx.Client) -> None:
    with FakeLLMServer(require_key="the-right-key-123") as server, pytest.raises(AuthFailed):
        call(wire, server, http)


@pytest.mark.parametrize("wire", WIRES)
def test_output_past_max_tokens_comes_back_as_length(
    wire: str, fake_llm: FakeLLMServer, http: httpx.Client
) -> None:
    # Given an answer of 80 words and max_tokens=50
    fake_llm.script(Reply("word " * 80))
    response = call(wire, fake_llm, http)
    # Then the client reports the truncation; deciding what it means is the chain's job
    assert response.finish_reason == "length"
    assert response.output_tokens == 50


@pytest.mark.parametrize("wire", WIRES)
def test_schema_violating_json_is_a_plain_answer_for_the_validator(
    wire: str, fake_llm: FakeLLMServer, http: httpx.Client
) -> None:
    fake_llm.script(Reply('{"not_the_schema": true}'))
    assert call(wire, fake_llm, http).text == '{"not_the_schema": true}'


def test_connections_are_reused(fake_llm: FakeLLMServer, http: httpx.Client) -> None:
    for _ in range(5):
        call("openai", fake_llm, http)
    # One keep-alive connection carried all five requests
    assert len({r.client_port for r in fake_llm.requests}) == 1
