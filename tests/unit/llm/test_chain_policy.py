"""The chain's policy with scripted in-process links (registered like the offline provider) and a
fake clock: what is retried, what fails over, how long it waits, when it stops."""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field

import httpx
import pytest
from pydantic import SecretStr

from cvpath.errors import (
    AuthFailed,
    BadRequest,
    ContextTooLong,
    CVPathError,
    InvalidProviderChain,
    MalformedResponse,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
    ResponseTooLarge,
    TruncatedOutput,
    UnknownProvider,
    ValidationFailed,
)
from cvpath.llm.chain import ProviderChain
from cvpath.llm.clients.base import OutgoingRequest
from cvpath.llm.keys import KeySource
from cvpath.llm.registry import provider_info, register_provider, unregister_provider
from cvpath.llm.types import (
    CallContext,
    ChatMessage,
    ChatRequest,
    ChatResponse,
    CollectingRecorder,
    FinishReason,
    ProviderSpec,
)
from local.fake_llm.clock import FakeClock

CONTEXT = CallContext(run_id="run-1", agent="CV_TAILOR")
REQUEST = ChatRequest(model="chain", system="sys", messages=[ChatMessage(role="user", content="hi")])
Outcome = ChatResponse | CVPathError


def answer(text: str = "ok", finish: FinishReason = "stop") -> ChatResponse:
    return ChatResponse(
        text=text,
        input_tokens=3,
        output_tokens=1,
        finish_reason=finish,
        raw={"t": text},
        provider="offline",
        model="x",
    )


@dataclass
class ScriptedLink:
    """A link that answers from a list and takes ``latency_s`` of fake time per call."""

    clock: FakeClock
    outcomes: list[Outcome]
    latency_s: float = 0.1
    provider: str = "offline"
    timeouts: list[float] = field(default_factory=list)
    keys_seen: list[SecretStr | None] = field(default_factory=list)

    def build(self, request: ChatRequest, api_key: SecretStr | None) -> OutgoingRequest:
        self.keys_seen.append(api_key)
        return OutgoingRequest("offline", request.model, "offline://", request.model_dump())

    def send(self, outgoing: OutgoingRequest, *, timeout_s: float) -> ChatResponse:
        self.timeouts.append(timeout_s)
        self.clock.now += min(self.latency_s, timeout_s)
        outcome = self.outcomes.pop(0) if self.outcomes else answer()
        if isinstance(outcome, CVPathError):
            raise outcome
        return outcome.model_copy(update={"model": outgoing.model})


@dataclass
class Links:
    clock: FakeClock
    by_model: dict[str, ScriptedLink] = field(default_factory=dict)

    def add(self, model: str, *outcomes: Outcome, latency_s: float = 0.1) -> ScriptedLink:
        self.by_model[model] = ScriptedLink(self.clock, list(outcomes), latency_s)
        return self.by_model[model]

    def factory(self, spec: ProviderSpec, http: httpx.Client) -> ScriptedLink:
        return self.by_model[spec.model]


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def links(clock: FakeClock) -> Iterator[Links]:
    try:
        previous = provider_info("offline")
    except UnknownProvider:
        previous = None
    scripted = Links(clock)
    register_provider("offline", scripted.factory)
    yield scripted
    unregister_provider("offline")
    if previous is not None:
        register_provider("offline", previous.target, needs_key=previous.needs_key)


def make_chain(
    clock: FakeClock,
    *models: str,
    recorder: CollectingRecorder | None = None,
    max_retries: int = 2,
    **options: object,
) -> ProviderChain:
    specs = [ProviderSpec(provider="offline", model=m, timeout_s=30, max_retries=max_retries) for m in models]
    return ProviderChain(
        specs,
        keys=KeySource(),
        recorder=recorder,
        clock=clock.time,
        sleep=clock.sleep,
        rng=random.Random(7),
        **options,  # type: ignore[arg-type]
    )


def test_the_first_answer_wins_and_the_link_model_replaces_the_request_model(
    clock: FakeClock, links: Links
) -> None:
    links.add("a", answer("hello"))
    recorder = CollectingRecorder()
    result = make_chain(clock, "a", "b", recorder=recorder).complete(REQUEST, CONTEXT)
    assert (result.provider, result.model, result.response.text) == ("offline", "a", "hello")
    assert [(a.model, a.status, a.attempt) for a in result.attempts] == [("a", "success", 1)]
    assert recorder.attempts == [(CONTEXT, result.attempts[0])]
    assert result.attempts[0].request["body"]["model"] == "a"
    assert result.attempts[0].duration_ms == 100


@pytest.mark.parametrize(
    "error",
    [
        ProviderUnavailable("503"),
        ProviderTimeout("slow"),
        RateLimited("429"),
        MalformedResponse("html"),
    ],
)
def test_transient_errors_are_retried_then_fail_over(
    clock: FakeClock, links: Links, error: CVPathError
) -> None:
    links.add("a", error, error, error)
    links.add("b", answer("from b"))
    result = make_chain(clock, "a", "b", max_retries=2).complete(REQUEST, CONTEXT)
    assert result.model == "b"
    assert [(a.model, a.attempt) for a in result.attempts] == [("a", 1), ("a", 2), ("a", 3), ("b", 1)]
    assert len(clock.sleeps) == 2


@pytest.mark.parametrize(
    "error",
    [
        AuthFailed("401"),
        BadRequest("400"),
        ContextTooLong("too long"),
        ResponseTooLarge("6 MB"),
    ],
)
def test_errors_that_would_repeat_fail_over_at_once(
    clock: FakeClock, links: Links, error: CVPathError
) -> None:
    links.add("a", error)
    links.add("b", answer())
    result = make_chain(clock, "a", "b", max_retries=3).complete(REQUEST, CONTEXT)
    assert [(a.model, a.status) for a in result.attempts] == [("a", "error"), ("b", "success")]
    assert result.attempts[0].error_code == error.code
    assert clock.sleeps == []


def test_a_truncated_answer_fails_over_and_is_truncated_output_at_the_end(
    clock: FakeClock, links: Links
) -> None:
    links.add("a", answer("half", finish="length"))
    links.add("b", answer("half again", finish="length"))
    recorder = CollectingRecorder()
    with pytest.raises(TruncatedOutput, match="max_tokens=4096"):
        make_chain(clock, "a", "b", recorder=recorder).complete(REQUEST, CONTEXT)
    attempts = [a for _, a in recorder.attempts]
    assert [(a.model, a.error_code) for a in attempts] == [
        ("a", "truncated_output"),
        ("b", "truncated_output"),
    ]
    assert attempts[0].response == {"t": "half"}
    assert attempts[0].output_tokens == 1


def test_other_errors_are_raised_at_once(clock: FakeClock, links: Links) -> None:
    links.add("a", ValidationFailed("nope"))
    links.add("b", answer())
    with pytest.raises(ValidationFailed):
        make_chain(clock, "a", "b").complete(REQUEST, CONTEXT)


def test_when_every_link_fails_the_last_error_class_is_raised_with_a_summary(
    clock: FakeClock, links: Links
) -> None:
    links.add("a", AuthFailed("a: bad key"))
    links.add("b", ContextTooLong("b: prompt too long"))
    with pytest.raises(ContextTooLong) as caught:
        make_chain(clock, "a", "b").complete(REQUEST, CONTEXT)
    message = caught.value.message
    assert "all 2 providers failed after 2 attempts" in message
    assert "offline/a provider_auth_failed x1" in message
    assert "offline/b context_too_long x1" in message
    assert message.endswith("last error: b: prompt too long")


def test_backoff_is_full_jitter_within_the_exponential_bound(clock: FakeClock, links: Links) -> None:
    links.add("a", *[ProviderUnavailable("503")] * 6)
    make_chain(clock, "a", max_retries=6, backoff_base_s=0.5, backoff_cap_s=4.0, deadline_s=1000).complete(
        REQUEST, CONTEXT
    )
    bounds = [0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
    assert len(clock.sleeps) == 6
    assert all(0 <= s <= b for s, b in zip(clock.sleeps, bounds, strict=True)), clock.sleeps


def test_jitter_spreads_retries_over_the_whole_range(clock: FakeClock, links: Links) -> None:
    link = links.add("a")
    chain = make_chain(clock, "a", max_retries=1, backoff_base_s=1.0, backoff_cap_s=1.0, deadline_s=10_000)
    for _ in range(200):
        link.outcomes.append(ProviderUnavailable("503"))
        chain.complete(REQUEST, CONTEXT)
    assert len(clock.sleeps) == 200
    assert min(clock.sleeps) < 0.1
    assert max(clock.sleeps) > 0.9


def test_retry_after_is_honoured_as_a_floor(clock: FakeClock, links: Links) -> None:
    links.add("a", RateLimited("429", details={"retry_after_s": 3.0}), answer())
    result = make_chain(clock, "a", backoff_base_s=0.1, backoff_cap_s=8.0).complete(REQUEST, CONTEXT)
    assert result.response.text == "ok"
    assert clock.sleeps == [3.0]


def test_a_retry_after_beyond_the_cap_moves_on_instead_of_waiting(clock: FakeClock, links: Links) -> None:
    links.add("a", RateLimited("429", details={"retry_after_s": 60.0}))
    links.add("b", answer())
    result = make_chain(clock, "a", "b", backoff_cap_s=8.0).complete(REQUEST, CONTEXT)
    assert result.model == "b"
    assert clock.sleeps == []


def test_backoff_zero_retries_without_sleeping(clock: FakeClock, links: Links) -> None:
    links.add("a", ProviderUnavailable("503"), answer())
    make_chain(clock, "a", backoff_base_s=0.0).complete(REQUEST, CONTEXT)
    assert clock.sleeps == []


def test_the_total_deadline_stops_the_chain(clock: FakeClock, links: Links) -> None:
    # Given links that each take 4 s of fake time and always fail
    links.add("a", *[ProviderUnavailable("503")] * 20, latency_s=4.0)
    links.add("b", *[ProviderUnavailable("503")] * 20, latency_s=4.0)
    started = clock.now
    recorder = CollectingRecorder()
    chain = make_chain(
        clock, "a", "b", recorder=recorder, max_retries=10, deadline_s=10.0, backoff_base_s=0.2
    )
    # When the chain runs, Then it stops at the deadline with a summary of what it tried
    with pytest.raises(ProviderUnavailable, match=r"deadline of 10s exceeded after 3 attempts: offline/a"):
        chain.complete(REQUEST, CONTEXT)
    assert clock.now - started <= 10.0
    assert len(recorder.attempts) == 3
    # And the last attempt's timeout was cut to what was left of the deadline
    assert links.by_model["a"].timeouts[-1] < 30


def test_the_attempt_timeout_never_exceeds_the_remaining_deadline(clock: FakeClock, links: Links) -> None:
    link = links.add("a", answer())
    make_chain(clock, "a", deadline_s=5.0).complete(REQUEST, CONTEXT)
    assert link.timeouts == [5.0]


def test_a_link_without_a_key_is_skipped_and_recorded(clock: FakeClock, links: Links) -> None:
    links.add("a", answer("never"))
    links.add("b", answer("from b"))
    specs = [
        ProviderSpec(provider="offline", model="a", api_key_ref="byok"),
        ProviderSpec(provider="offline", model="b"),
    ]
    recorder = CollectingRecorder()
    chain = ProviderChain(specs, keys=KeySource(), recorder=recorder, clock=clock.time, sleep=clock.sleep)
    result = chain.complete(REQUEST, CONTEXT)
    assert result.model == "b"
    skipped = result.attempts[0]
    assert (skipped.model, skipped.status, skipped.error_code) == ("a", "error", "missing_key")
    assert "api_key_ref 'byok' resolved to nothing" in (skipped.error_message or "")
    assert skipped.request == {"provider": "offline", "model": "a", "skipped": "missing_key"}
    assert links.by_model["a"].keys_seen == []


def test_bad_chain_options_are_refused() -> None:
    spec = ProviderSpec(provider="ollama", model="m")
    with pytest.raises(InvalidProviderChain, match="empty"):
        ProviderChain([], keys=KeySource())
    with pytest.raises(InvalidProviderChain, match="deadline_s"):
        ProviderChain([spec], keys=KeySource(), deadline_s=0)
    with pytest.raises(InvalidProviderChain, match="backoff"):
        ProviderChain([spec], keys=KeySource(), backoff_base_s=-1)


def test_every_attempt_carries_the_turn_of_its_call(clock: FakeClock, links: Links) -> None:
    # Given a skipped link (no key), a link that fails once then times out, and a link that answers
    links.add("b", ProviderUnavailable("503"), ProviderTimeout("slow"))
    links.add("c", answer("from c"))
    specs = [
        ProviderSpec(provider="offline", model="a", api_key_ref="byok"),
        ProviderSpec(provider="offline", model="b", max_retries=1),
        ProviderSpec(provider="offline", model="c"),
    ]
    recorder = CollectingRecorder()
    chain = ProviderChain(specs, keys=KeySource(), recorder=recorder, clock=clock.time, sleep=clock.sleep)
    # When the chain runs as a re-ask (turn 2), Then each attempt is numbered per link and carries turn 2
    reask = chain.complete(REQUEST, CONTEXT.model_copy(update={"turn": 2}))
    assert [(a.model, a.attempt, a.turn) for a in reask.attempts] == [
        ("a", 1, 2),
        ("b", 1, 2),
        ("b", 2, 2),
        ("c", 1, 2),
    ]
    assert [a.turn for _, a in recorder.attempts] == [2, 2, 2, 2]
    # And a call without a turn is the first ask
    links.add("c", answer("again"))
    first = chain.complete(REQUEST, CONTEXT)
    assert {a.turn for a in first.attempts} == {1}
