"""Structured output through the real provider chain, over HTTP to the fake provider, into the audit log."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg.rows import TupleRow, dict_row
from pydantic import BaseModel, ConfigDict, SecretStr

from cvpath.errors import InvalidOutput
from cvpath.llm.audit import AuditLogRecorder, HeldAttempts
from cvpath.llm.chain import ProviderChain
from cvpath.llm.keys import KeySource
from cvpath.llm.pricing import price_call
from cvpath.llm.prompt import BuiltPrompt, PromptBuilder
from cvpath.llm.redact import forget_secrets
from cvpath.llm.structured import generate_structured
from cvpath.llm.types import CallContext, ProviderSpec
from local.fake_llm import FakeLLMServer, Fault, Reply

Conn = psycopg.Connection[TupleRow]
TABLE = "analytics_monitoring.llm_generation_logs"
CANARY = "sk-CANARY-" + uuid.uuid4().hex
VALID = '{"headline": "Backend engineer", "years": 7}'


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    headline: str
    years: int


@pytest.fixture
def server() -> Iterator[FakeLLMServer]:
    # The fake provider refuses any other key, so the canary really travels in a header.
    with FakeLLMServer(require_key=CANARY) as fake:
        yield fake
    forget_secrets()


@pytest.fixture
def prompt() -> BuiltPrompt:
    builder = PromptBuilder(
        system_prompt="Summarise the CV.", prompt_version="summary/1", output_model=Summary
    )
    return builder.build({"cv": "Jane Doe, backend engineer since 2018.", "skills": [{"n": "SQL", "y": 7}]})


def chain_for(server: FakeLLMServer, held: HeldAttempts, *specs: dict[str, Any]) -> ProviderChain:
    links = [ProviderSpec.model_validate({"base_url": server.url, "timeout_s": 5, **spec}) for spec in specs]
    keys = KeySource(overrides={"openai": SecretStr(CANARY), "anthropic": SecretStr(CANARY)})
    return ProviderChain(links, keys=keys, recorder=held, sleep=lambda _s: None, backoff_base_s=0)


def rows(conn: Conn, run_id: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(f"SELECT * FROM {TABLE} WHERE run_id = %s ORDER BY id", [run_id]).fetchall()


def assert_no_canary(conn: Conn) -> None:
    for (text,) in conn.execute(f"SELECT row_to_json(t)::text FROM {TABLE} t").fetchall():
        assert "CANARY" not in text


@pytest.mark.parametrize("log_payloads", [True, False])
def test_a_retry_and_a_re_ask_over_http_are_audited_per_attempt(
    conn: Conn, server: FakeLLMServer, prompt: BuiltPrompt, log_payloads: bool
) -> None:
    # Given an OpenAI link that is rate limited once, then answers off-schema, then correctly
    run_id = str(uuid.uuid4())
    held = HeldAttempts(AuditLogRecorder(conn, log_payloads=log_payloads))
    chain = chain_for(server, held, {"provider": "openai", "model": "gpt-4o-mini", "max_retries": 2})
    server.script(
        Fault.rate_limited(retry_after="0"), Reply('Here: {"headline": "Backend engineer"}'), Reply(VALID)
    )
    # When structured output runs through the chain
    result = generate_structured(
        chain, prompt, Summary, CallContext(run_id=run_id, agent="CV_TAILOR"), held=held
    )
    # Then the valid answer is returned after one re-ask
    assert result.value == Summary(headline="Backend engineer", years=7)
    assert result.reasked
    # And the fake provider saw three HTTP requests, the last carrying the errors by field path
    requests = server.requests
    assert len(requests) == 3
    reask = json.dumps(requests[-1].body)
    assert "years: Field required" in reask
    # And the audit log has one row per attempt, each with its final status
    written = rows(conn, run_id)
    assert [(r["status"], r["attempt"]) for r in written] == [
        ("RATE_LIMITED", 1),
        ("INVALID_OUTPUT", 2),
        ("SUCCESS", 1),
    ]
    assert {r["schema_version"] for r in written} == {prompt.schema_version}
    # And the cost is the sum over the attempts with tokens, as the fake server reported them
    priced = [price_call("openai", "gpt-4o-mini", r["input_tokens"], r["output_tokens"]) for r in written[1:]]
    assert all(r["input_tokens"] > 0 for r in written[1:])
    assert result.cost_usd == sum((p for p in priced if p is not None), Decimal(0))
    assert [r["estimated_cost_usd"] for r in written[1:]] == [
        p.quantize(Decimal("1e-10")) for p in priced if p
    ]
    # And payloads follow the mode; the key is nowhere
    if log_payloads:
        assert written[1]["request"]["body"]["model"] == "gpt-4o-mini"
        assert written[1]["response"] is not None
    else:
        assert all(r["request"] is None and r["response"] is None for r in written)
        assert all(len(r["request_sha256"]) == 64 for r in written)
    assert_no_canary(conn)


def test_two_invalid_answers_after_a_failover_raise_and_keep_both(
    conn: Conn, server: FakeLLMServer, prompt: BuiltPrompt
) -> None:
    # Given OpenAI down (503) and Anthropic answering off-schema twice
    run_id = str(uuid.uuid4())
    held = HeldAttempts(AuditLogRecorder(conn, log_payloads=True))
    chain = chain_for(
        server,
        held,
        {"provider": "openai", "model": "gpt-4o-mini", "max_retries": 0},
        {"provider": "anthropic", "model": "claude-3-5-haiku-latest", "max_retries": 0},
    )
    server.script(Fault.unavailable(), Reply("no JSON here"), Fault.unavailable(), Reply('{"years": "7"}'))
    # When structured output runs, Then it fails with InvalidOutput after exactly one re-ask
    with pytest.raises(InvalidOutput, match="failed validation twice"):
        generate_structured(chain, prompt, Summary, CallContext(run_id=run_id, agent="CV_TAILOR"), held=held)
    written = rows(conn, run_id)
    assert [(r["provider"], r["chain_position"], r["status"]) for r in written] == [
        ("openai", 0, "ERROR"),
        ("anthropic", 1, "INVALID_OUTPUT"),
        ("openai", 0, "ERROR"),
        ("anthropic", 1, "INVALID_OUTPUT"),
    ]
    # And both raw outputs are in the log
    answers = [json.dumps(r["response"]) for r in written if r["status"] == "INVALID_OUTPUT"]
    assert "no JSON here" in answers[0]
    assert '{\\"years\\": \\"7\\"}' in answers[1]
    assert_no_canary(conn)
