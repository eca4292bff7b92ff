"""Provider chains over real HTTP to the fake providers: order, retries, backoff, deadline, records."""

from __future__ import annotations

import time
from email.utils import formatdate
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from cvpath.errors import (
    ContextTooLong,
    MalformedResponse,
    ProviderUnavailable,
    ResponseTooLarge,
    TruncatedOutput,
)
from cvpath.llm.chain import ProviderChain
from cvpath.llm.keys import KeySource
from cvpath.llm.types import CallContext, ChatMessage, ChatRequest, CollectingRecorder
from local.fake_llm import FakeLLMServer, Fault, Reply, unused_port
from local.fake_llm.clock import FakeClock

CONTEXT = CallContext(run_id="run-42", agent="JOB_PARSER", user_id="user-1")
REQUEST = ChatRequest(
    model="chain", system="Be brief.", messages=[ChatMessage(role="user", content="hello")], max_tokens=40
)


def link(provider: str, base_url: str, model: str | None = None, **fields: Any) -> dict[str, Any]:
    return {"provider": provider, "model": model or f"{provider}-model", "base_url": base_url, **fields}


def chain_of(
    links: list[dict[str, Any]],
    keys: KeySource,
    http: httpx.Client,
    clock: FakeClock | None = None,
    recorder: CollectingRecorder | None = None,
    **options: Any,
) -> ProviderChain:
    if clock is not None:
        options.update(clock=clock.time, sleep=clock.sleep)
    return ProviderChain.from_json(links, keys=keys, recorder=recorder, http=http, **options)


def test_failover_follows_the_chain_order(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client, fake_clock: FakeClock
) -> None:
    # Given openai down (503 on every retry), anthropic refusing the key, gemini healthy
    fake_llm.script(Fault.unavailable(), Fault.unavailable(), Fault.unavailable(), Fault.auth_failed())
    recorder = CollectingRecorder()
    chain = chain_of(
        [
            link("openai", fake_llm.url, max_retries=2),
            link("anthropic", fake_llm.url, max_retries=2),
            link("gemini", fake_llm.url),
        ],
        canary_keys,
        http,
        fake_clock,
        recorder,
    )
    # When the chain runs
    result = chain.complete(REQUEST, CONTEXT)
    # Then it retried openai, skipped anthropic after one refusal, and answered from gemini
    assert (result.provider, result.model) == ("gemini", "gemini-model")
    assert [r.path for r in fake_llm.requests] == [
        "/v1/chat/completions",
        "/v1/chat/completions",
        "/v1/chat/completions",
        "/v1/messages",
        "/v1beta/models/gemini-model:generateContent",
    ]
    assert [(a.provider, a.attempt, a.status, a.error_code) for a in result.attempts] == [
        ("openai", 1, "error", "provider_unavailable"),
        ("openai", 2, "error", "provider_unavailable"),
        ("openai", 3, "error", "provider_unavailable"),
        ("anthropic", 1, "error", "provider_auth_failed"),
        ("gemini", 1, "success", None),
    ]
    assert [p for p in (a.chain_position for a in result.attempts)] == [0, 0, 0, 1, 2]
    assert len(fake_clock.sleeps) == 2


def test_one_attempt_is_recorded_per_request(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client, fake_clock: FakeClock
) -> None:
    fake_llm.script(Fault.rate_limited("0"), Fault.html(), Fault.drop(), Fault.malformed_json())
    recorder = CollectingRecorder()
    chain = chain_of(
        [link("anthropic", fake_llm.url, max_retries=5)], canary_keys, http, fake_clock, recorder
    )
    result = chain.complete(REQUEST, CONTEXT)
    assert len(recorder.attempts) == len(fake_llm.requests) == 5
    assert [a for _, a in recorder.attempts] == result.attempts
    assert all(context == CONTEXT for context, _ in recorder.attempts)


def test_a_recorded_attempt_holds_the_request_as_sent_without_auth(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client
) -> None:
    fake_llm.script(Fault.unavailable(), Reply("fine"))
    chain = chain_of([link("anthropic", fake_llm.url, max_retries=1)], canary_keys, http, backoff_base_s=0)
    failed, succeeded = chain.complete(REQUEST, CONTEXT).attempts
    assert failed.request["body"] == fake_llm.requests[0].body
    assert failed.request["url"].endswith("/v1/messages")
    assert "x-api-key" not in failed.request["headers"]
    assert failed.request["headers"]["anthropic-version"] == "2023-06-01"
    assert failed.response == {"status": 503, "error": "fake provider: scripted HTTP 503"}
    assert succeeded.response is not None
    assert succeeded.response["content"][0]["text"] == "fine"
    assert (succeeded.input_tokens, succeeded.output_tokens) == (3, 1)
    assert succeeded.parameters == {"temperature": 0.0, "max_tokens": 40, "timeout_s": 60.0}


def test_backoff_stays_within_bounds(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client, fake_clock: FakeClock
) -> None:
    fake_llm.script(*[Fault.unavailable()] * 5)
    chain = chain_of(
        [link("openai", fake_llm.url, max_retries=5)],
        canary_keys,
        http,
        fake_clock,
        backoff_base_s=0.25,
        backoff_cap_s=2.0,
    )
    chain.complete(REQUEST, CONTEXT)
    bounds = [0.25, 0.5, 1.0, 2.0, 2.0]
    assert len(fake_clock.sleeps) == 5
    assert all(0.0 <= s <= b for s, b in zip(fake_clock.sleeps, bounds, strict=True)), fake_clock.sleeps


@pytest.mark.parametrize("retry_after", ["2", "date"])
def test_retry_after_is_honoured(
    retry_after: str,
    fake_llm: FakeLLMServer,
    canary_keys: KeySource,
    http: httpx.Client,
    fake_clock: FakeClock,
) -> None:
    # Given a 429 that asks for 2 s, in seconds or as an HTTP date
    header = formatdate(time.time() + 2, usegmt=True) if retry_after == "date" else retry_after
    fake_llm.script(Fault.rate_limited(header))
    chain = chain_of(
        [link("gemini", fake_llm.url)], canary_keys, http, fake_clock, backoff_base_s=0.01, backoff_cap_s=8.0
    )
    # When the chain retries, Then it waited at least that long and no more than the cap
    assert chain.complete(REQUEST, CONTEXT).provider == "gemini"
    [slept] = fake_clock.sleeps
    assert 1.0 <= slept <= 2.0 if retry_after == "date" else slept == 2.0


def test_a_retry_after_longer_than_the_cap_moves_to_the_next_provider(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client, fake_clock: FakeClock
) -> None:
    fake_llm.script(Fault.rate_limited("120"))
    chain = chain_of(
        [link("openai", fake_llm.url), link("anthropic", fake_llm.url)], canary_keys, http, fake_clock
    )
    assert chain.complete(REQUEST, CONTEXT).provider == "anthropic"
    assert fake_clock.sleeps == []


def test_connection_refused_fails_over(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client, fake_clock: FakeClock
) -> None:
    dead = f"http://127.0.0.1:{unused_port()}"
    chain = chain_of(
        [link("openai", dead, max_retries=1), link("openai", fake_llm.url, "second")],
        canary_keys,
        http,
        fake_clock,
    )
    result = chain.complete(REQUEST, CONTEXT)
    assert result.model == "second"
    assert [a.error_code for a in result.attempts] == ["provider_unavailable", "provider_unavailable", None]


def test_the_total_deadline_is_honoured(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client
) -> None:
    # Given a provider that stalls for 5 s, a 10 s per-attempt timeout and a 0.5 s deadline
    fake_llm.script(Fault.stall(5.0), Fault.stall(5.0))
    recorder = CollectingRecorder()
    chain = chain_of(
        [link("openai", fake_llm.url, timeout_s=10, max_retries=3), link("anthropic", fake_llm.url)],
        canary_keys,
        http,
        recorder=recorder,
        deadline_s=0.5,
    )
    started = time.monotonic()
    # Then the chain gives up at the deadline, not at the timeout, and says so
    with pytest.raises(ProviderUnavailable, match=r"deadline of 0.5s exceeded after 1 attempts"):
        chain.complete(REQUEST, CONTEXT)
    assert time.monotonic() - started < 1.5
    [(_, attempt)] = recorder.attempts
    assert attempt.status == "timeout"
    assert attempt.parameters["timeout_s"] <= 0.5


def test_a_prompt_over_every_context_window_is_context_too_long(
    canary_keys: KeySource, http: httpx.Client
) -> None:
    big = REQUEST.model_copy(update={"messages": [ChatMessage(role="user", content="cv " * 500)]})
    with FakeLLMServer(context_window=200) as small:
        chain = chain_of([link("openai", small.url), link("anthropic", small.url)], canary_keys, http)
        with pytest.raises(ContextTooLong, match="all 2 providers failed"):
            chain.complete(big, CONTEXT)
        # ContextTooLong is not retried on the same provider: one request each
        assert len(small.requests) == 2


def test_a_larger_context_further_down_the_chain_is_used(canary_keys: KeySource, http: httpx.Client) -> None:
    big = REQUEST.model_copy(update={"messages": [ChatMessage(role="user", content="cv " * 500)]})
    with FakeLLMServer(context_window=200) as small, FakeLLMServer(context_window=100_000) as large:
        large.script(Reply("it fits"))
        chain = chain_of([link("openai", small.url), link("gemini", large.url)], canary_keys, http)
        assert chain.complete(big, CONTEXT).response.text == "it fits"


@pytest.mark.parametrize(
    ("fault", "error"),
    [
        (Fault.too_large(chunked=True), ResponseTooLarge),
        (Fault.html(), MalformedResponse),
        (Fault.empty(), MalformedResponse),
    ],
)
def test_bad_answers_surface_as_their_named_error(
    fault: Fault, error: type[Exception], fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client
) -> None:
    fake_llm.script(fault)
    chain = chain_of([link("anthropic", fake_llm.url, max_retries=0)], canary_keys, http)
    with pytest.raises(error):
        chain.complete(REQUEST, CONTEXT)


def test_truncated_output_is_truncated_output(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client
) -> None:
    fake_llm.script(Reply("word " * 100))
    recorder = CollectingRecorder()
    chain = chain_of([link("gemini", fake_llm.url)], canary_keys, http, recorder=recorder)
    with pytest.raises(TruncatedOutput, match="max_tokens=40"):
        chain.complete(REQUEST, CONTEXT)
    [(_, attempt)] = recorder.attempts
    assert (attempt.error_code, attempt.output_tokens) == ("truncated_output", 40)


def test_a_provider_without_a_key_is_skipped(fake_llm: FakeLLMServer, http: httpx.Client) -> None:
    keys = KeySource(overrides={"anthropic": SecretStr("sk-ant-only-this-one-123")})
    chain = chain_of(
        [link("openai", fake_llm.url, api_key_ref="byok"), link("anthropic", fake_llm.url)], keys, http
    )
    result = chain.complete(REQUEST, CONTEXT)
    assert result.provider == "anthropic"
    assert [a.error_code for a in result.attempts] == ["missing_key", None]
    assert [r.path for r in fake_llm.requests] == ["/v1/messages"]


def test_one_chain_serves_threads_concurrently(
    fake_llm: FakeLLMServer, canary_keys: KeySource, http: httpx.Client
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    chain = chain_of([link("openai", fake_llm.url)], canary_keys, http)
    requests = [
        REQUEST.model_copy(update={"messages": [ChatMessage(role="user", content=f"question {i}")]})
        for i in range(32)
    ]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda r: chain.complete(r, CONTEXT).response.text, requests))
    assert answers == [f'{{"echo": "question {i}"}}' for i in range(32)]
