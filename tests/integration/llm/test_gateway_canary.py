"""The canary keys appear nowhere we log, raise or store, whatever the provider does.

The fake server's received headers must contain them (that is the wire); every
log line (standard logging at DEBUG, httpx and httpcore included, and the same
records through the Powertools JSON formatter), every exception (message,
repr, details, cause and context) and every recorded attempt must not.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from aws_lambda_powertools.logging.formatter import LambdaPowertoolsFormatter
from gateway_fakes import CANARIES, WIRES
from pydantic import SecretStr

from cvpath.errors import CVPathError
from cvpath.llm.chain import ProviderChain
from cvpath.llm.keys import KeySource
from cvpath.llm.registry import parse_chain
from cvpath.llm.types import CallContext, ChatMessage, ChatRequest, CollectingRecorder
from local.fake_llm import FakeLLMServer, Fault, Reply, ScriptItem

CONTEXT = CallContext(run_id="run-canary", agent="CV_PARSER", user_id="u-1")
REQUEST = ChatRequest(
    model="chain", system="s", messages=[ChatMessage(role="user", content="hi")], max_tokens=20
)
SCENARIOS: list[ScriptItem] = [
    Reply("fine"),
    Fault.rate_limited("0"),
    Fault.unavailable(),
    Fault.html(),
    Fault.html(status=502),
    Fault.malformed_json(),
    Fault.drop(),
    Fault.empty(),
    Fault.too_large(chunked=True),
    Fault.context_too_long(),
    Fault.auth_failed(),  # the OpenAI flavour quotes the refused key back
    Fault.stall(2.0),
    Reply("a model that parrots the key back"),  # replaced per wire below
    Reply("word " * 50),  # truncated
]


@pytest.fixture
def powertools_log() -> Iterator[io.StringIO]:
    """The root logger's records, also through the Powertools JSON formatter as Lambda emits them."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(LambdaPowertoolsFormatter(service="cvpath-test"))
    root = logging.getLogger()
    root.addHandler(handler)
    yield stream
    root.removeHandler(handler)


def exception_texts(error: BaseException) -> list[str]:
    texts: list[str] = []
    seen: set[int] = set()
    current: BaseException | None = error
    pending = [error]
    while pending:
        current = pending.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        texts += [str(current), repr(current), repr(current.args)]
        if isinstance(current, CVPathError):
            texts += [json.dumps(current.to_body(), default=str), repr(current.details)]
        pending += [e for e in (current.__cause__, current.__context__) if e is not None]
    return texts


def test_the_canary_keys_appear_nowhere(
    fake_llm: FakeLLMServer,
    canary_keys: KeySource,
    http: httpx.Client,
    caplog: pytest.LogCaptureFixture,
    powertools_log: io.StringIO,
) -> None:
    caplog.set_level(logging.DEBUG)
    recorder = CollectingRecorder()
    stored: list[str] = []
    for wire in WIRES:
        chain = ProviderChain.from_json(
            [
                {
                    "provider": wire,
                    "model": f"{wire}-m",
                    "base_url": fake_llm.url,
                    "timeout_s": 0.3,
                    "max_retries": 0,
                }
            ],
            keys=canary_keys,
            recorder=recorder,
            http=http,
        )
        for item in SCENARIOS:
            if isinstance(item, Reply) and "parrots" in item.text:
                item = Reply(f"your key is {CANARIES[wire]}")
            fake_llm.script(item)
            try:
                result = chain.complete(REQUEST, CONTEXT)
                stored.append(repr(result.attempts))
            except CVPathError as exc:
                stored += exception_texts(exc)

    # Errors built from bad chains and the kill switch too
    for bad in (
        [{"provider": "openai", "model": "m", "api_key_ref": CANARIES["openai"]}],
        [{"provider": "nope", "model": "m", "api_key_ref": CANARIES["gemini"]}],
    ):
        try:
            parse_chain(bad)
        except CVPathError as exc:
            stored += exception_texts(exc)
    forbidden = ProviderChain.from_json(["anthropic:claude"], keys=canary_keys, recorder=recorder)
    try:
        forbidden.complete(REQUEST, CONTEXT)
    except CVPathError as exc:
        stored += exception_texts(exc)

    # The keys did go over the wire (so the scan below is meaningful) ...
    wire_headers = json.dumps([r.headers for r in fake_llm.requests])
    assert all(key in wire_headers for key in CANARIES.values())
    # ... and a provider did quote one back, which redaction turned into ***
    attempts = json.dumps([a.model_dump(mode="json") for _, a in recorder.attempts])
    assert "Incorrect API key provided: ***." in attempts
    assert "your key is ***" in attempts
    assert len(recorder.attempts) == len(fake_llm.requests) + 1  # + the refused real call

    # Nothing we log, raise or store holds any of them
    logs = caplog.text + "\n".join(r.getMessage() for r in caplog.records) + powertools_log.getvalue()
    # Sanity: the capture saw the gateway's and httpcore's debug lines
    assert "llm attempt openai openai-m" in logs
    assert "httpcore" in caplog.text
    for key in CANARIES.values():
        assert key not in logs
        assert key not in attempts
        assert all(key not in text for text in stored)
        assert key not in repr(canary_keys.key_for(parse_chain(["openai:m"])[0], CONTEXT))


def test_the_ping_command_does_not_print_the_key(
    fake_llm: FakeLLMServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    from local.commands.llm import llm_app

    monkeypatch.setenv("CANARY_KEY", CANARIES["openai"])
    fake_llm.script(Fault.auth_failed())
    runner = CliRunner()
    result = runner.invoke(
        llm_app, ["ping", "--provider", "openai", "--base-url", fake_llm.url, "--api-key-env", "CANARY_KEY"]
    )
    assert result.exit_code == 1
    assert "Incorrect API key provided: ***" in result.output
    assert CANARIES["openai"] not in result.output
    assert fake_llm.requests[0].headers["authorization"] == f"Bearer {CANARIES['openai']}"


def test_secret_str_keys_are_masked_in_reprs() -> None:
    keys = KeySource(overrides={"openai": SecretStr(CANARIES["openai"])})
    assert CANARIES["openai"] not in repr(keys.key_for(parse_chain(["openai:m"])[0], CONTEXT))
