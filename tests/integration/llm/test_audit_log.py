"""The LLM audit log on a real PostgreSQL: one immutable row per attempt, no key, payloads per mode."""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from psycopg.rows import TupleRow, dict_row
from pydantic import BaseModel, ConfigDict

from cvpath.config import get_settings
from cvpath.db import pool
from cvpath.errors import InvalidOutput
from cvpath.llm.audit import AuditLogRecorder, HeldAttempts, body_digest, scrub
from cvpath.llm.pricing import price_call
from cvpath.llm.prompt import PromptBuilder
from cvpath.llm.redact import forget_secrets, register_secret
from cvpath.llm.structured import generate_structured
from cvpath.llm.types import Attempt, AttemptStatus, CallContext, ChatRequest, ChatResponse

Conn = psycopg.Connection[TupleRow]
TABLE = "analytics_monitoring.llm_generation_logs"
CANARY = "sk-CANARY-" + uuid.uuid4().hex
# Not key-shaped and never registered: only header and query-parameter masking can catch it.
UNREGISTERED_CANARY = "CANARY-UNREGISTERED-" + uuid.uuid4().hex


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    headline: str
    years: int


def attempt(
    status: AttemptStatus = "success",
    *,
    number: int = 1,
    error_code: str | None = None,
    model: str = "gpt-4o-mini",
    text: str = '{"headline": "Engineer", "years": 7}',
) -> Attempt:
    """An attempt as the chain records it, with a key in places a careless client might leave one."""
    ok = status == "success"
    return Attempt(
        provider="openai",
        model=model,
        chain_position=0,
        attempt=number,
        status=status,
        error_code=error_code,
        error_message=None if ok else f"HTTP 429 for key {CANARY}",
        input_tokens=1500 if ok else 0,
        output_tokens=400 if ok else 0,
        started_at=1_764_000_000.0 + number,
        completed_at=1_764_000_000.0 + number + 0.5,
        duration_ms=500,
        parameters={"temperature": 0.0, "max_tokens": 2000, "timeout_s": 60.0},
        request={
            "url": f"https://api.openai.com/v1/chat/completions?key={UNREGISTERED_CANARY}",
            "headers": {"Authorization": f"Bearer {CANARY}", "X-Api-Key": UNREGISTERED_CANARY},
            "body": {"model": model, "messages": [{"role": "user", "content": f"my key is {CANARY}"}]},
        },
        response={"choices": [{"message": {"content": text}}], "usage": {"prompt_tokens": 1500}}
        if ok
        else None,
    )


@pytest.fixture(autouse=True)
def _registered_canary() -> Iterator[None]:
    register_secret(CANARY)
    yield
    forget_secrets()


@pytest.fixture
def run_id() -> str:
    return str(uuid.uuid4())


def rows(conn: Conn, run_id: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(f"SELECT * FROM {TABLE} WHERE run_id = %s ORDER BY id", [run_id]).fetchall()


def assert_no_canary(conn: Conn) -> None:
    dumped = [r[0] for r in conn.execute(f"SELECT row_to_json(t)::text FROM {TABLE} t").fetchall()]
    assert dumped, "no rows to scan"
    for text in dumped:
        assert "CANARY" not in text, text


def test_one_row_per_attempt_with_the_status_of_each(conn: Conn, run_id: str) -> None:
    # Given a call that was rate limited, timed out, was refused for its key, then answered
    recorder = AuditLogRecorder(conn, log_payloads=False)
    context = CallContext(
        run_id=run_id, agent="cv_tailor", tier="free", prompt_version="p/1", schema_version="s1"
    )
    outcomes: Sequence[tuple[AttemptStatus, str | None]] = [
        ("error", "rate_limited"),
        ("timeout", "provider_timeout"),
        ("error", "provider_auth_failed"),
        ("error", "provider_unavailable"),
        ("invalid_output", "invalid_output"),
        ("success", None),
    ]
    for number, (status, code) in enumerate(outcomes, start=1):
        recorder.record(context, attempt(status, number=number, error_code=code))
    # Then each attempt is one row, its status mapped to the SQL enum
    written = rows(conn, run_id)
    assert [(r["status"], r["error_code"]) for r in written] == [
        ("RATE_LIMITED", "rate_limited"),
        ("TIMEOUT", "provider_timeout"),
        ("AUTH_ERROR", "provider_auth_failed"),
        ("ERROR", "provider_unavailable"),
        ("INVALID_OUTPUT", "invalid_output"),
        ("SUCCESS", None),
    ]
    last = written[-1]
    assert (last["agent"], last["tier"], last["prompt_version"], last["schema_version"]) == (
        "CV_TAILOR",
        "FREE",
        "p/1",
        "s1",
    )
    assert (last["input_tokens"], last["output_tokens"], last["latency_ms"]) == (1500, 400, 500)
    assert last["parameters"] == {"temperature": 0.0, "max_tokens": 2000, "timeout_s": 60.0}
    assert (last["completed_at"] - last["started_at"]).total_seconds() == 0.5
    # And the cost is genai-prices' estimate; attempts without tokens cost 0
    expected = price_call("openai", "gpt-4o-mini", 1500, 400)
    assert expected is not None
    assert last["estimated_cost_usd"] == last["cost_usd"] == expected.quantize(Decimal("1e-10"))
    assert written[0]["estimated_cost_usd"] == 0


def test_an_unknown_price_is_null_not_zero(conn: Conn, run_id: str) -> None:
    AuditLogRecorder(conn, log_payloads=False).record(
        CallContext(run_id=run_id), attempt(model="gpt-unreleased-9")
    )
    (row,) = rows(conn, run_id)
    assert row["estimated_cost_usd"] is None
    assert row["cost_usd"] == 0


def test_debug_mode_stores_full_payloads(conn: Conn, run_id: str) -> None:
    one = attempt()
    AuditLogRecorder(conn, log_payloads=True).record(CallContext(run_id=run_id), one)
    (row,) = rows(conn, run_id)
    # The bodies are stored whole, keys masked, with their hashes and sizes
    assert row["request"] == scrub(one.request)
    assert row["request"]["body"]["model"] == "gpt-4o-mini"
    assert row["response"] == one.response
    assert (row["request_sha256"], row["request_bytes"]) == body_digest(scrub(one.request))
    assert (row["response_sha256"], row["response_bytes"]) == body_digest(one.response)
    assert_no_canary(conn)


def test_normal_mode_stores_only_hashes_and_sizes(conn: Conn, run_id: str) -> None:
    one = attempt()
    AuditLogRecorder(conn, log_payloads=False).record(CallContext(run_id=run_id), one)
    (row,) = rows(conn, run_id)
    assert row["request"] is None
    assert row["response"] is None
    assert (row["request_sha256"], row["request_bytes"]) == body_digest(scrub(one.request))
    assert (row["response_sha256"], row["response_bytes"]) == body_digest(one.response)
    assert len(row["request_sha256"]) == 64
    assert row["request_bytes"] > 100


def test_the_payload_mode_follows_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CVPATH_LLM_LOG_PAYLOADS", "1")
    get_settings.cache_clear()
    try:
        assert AuditLogRecorder().log_payloads is True
    finally:
        get_settings.cache_clear()
    assert AuditLogRecorder().log_payloads is get_settings().llm_log_payloads


def test_rows_are_immutable(conn: Conn, run_id: str) -> None:
    AuditLogRecorder(conn, log_payloads=False).record(CallContext(run_id=run_id), attempt())
    for statement in (
        f"UPDATE {TABLE} SET status = 'ERROR', error_code = 'x' WHERE run_id = %s",
        f"UPDATE {TABLE} SET estimated_cost_usd = 0 WHERE run_id = %s",
        f"UPDATE {TABLE} SET request_sha256 = repeat('0', 64) WHERE run_id = %s",
        f"DELETE FROM {TABLE} WHERE run_id = %s",
    ):
        with pytest.raises(psycopg.Error, match="is immutable"), conn.transaction():
            conn.execute(statement, [run_id])
    assert len(rows(conn, run_id)) == 1


def test_a_guest_row_can_still_move_to_a_user(conn: Conn, run_id: str) -> None:
    # The one update the trigger allows keeps working with the new columns
    guest = conn.execute("INSERT INTO public.guest_users DEFAULT VALUES RETURNING id").fetchone()
    user = conn.execute(
        "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [f"{uuid.uuid4().hex}@example.org"]
    ).fetchone()
    assert guest is not None
    assert user is not None
    AuditLogRecorder(conn, log_payloads=False).record(
        CallContext(run_id=run_id, guest_id=str(guest[0])), attempt()
    )
    conn.execute(f"UPDATE {TABLE} SET guest_id = NULL, user_id = %s WHERE run_id = %s", [user[0], run_id])
    assert rows(conn, run_id)[0]["user_id"] == user[0]


def test_a_row_must_keep_its_request_or_the_hash(conn: Conn) -> None:
    with pytest.raises(psycopg.errors.CheckViolation, match="request_evidence"), conn.transaction():
        conn.execute(
            f"INSERT INTO {TABLE} (provider, model, latency_ms, status, request)"
            " VALUES ('x', 'y', 1, 'SUCCESS', NULL)"
        )
    with pytest.raises(psycopg.errors.CheckViolation, match="hash_has_size"), conn.transaction():
        conn.execute(
            f"INSERT INTO {TABLE} (provider, model, latency_ms, status, request_sha256)"
            " VALUES ('x', 'y', 1, 'SUCCESS', repeat('a', 64))"
        )


@pytest.mark.parametrize("log_payloads", [True, False])
def test_the_canary_key_appears_in_no_row(conn: Conn, run_id: str, log_payloads: bool) -> None:
    recorder = AuditLogRecorder(conn, log_payloads=log_payloads)
    context = CallContext(run_id=run_id, agent="CV_PARSER")
    recorder.record(context, attempt("error", number=1, error_code="rate_limited"))
    recorder.record(context, attempt(number=2))
    assert len(rows(conn, run_id)) == 2
    assert_no_canary(conn)


@dataclass(frozen=True)
class _Completion:
    response: ChatResponse
    attempts: list[Attempt]


class _Chain:
    """Records like the provider chain: a 429 then an answer, per call."""

    def __init__(self, answers: list[str], recorder: HeldAttempts) -> None:
        self.answers = answers
        self.recorder = recorder
        self.calls = 0

    def complete(self, request: ChatRequest, context: CallContext) -> _Completion:
        self.calls += 1
        text = self.answers.pop(0)
        made = [attempt("error", number=1, error_code="rate_limited"), attempt(number=2, text=text)]
        for one in made:
            self.recorder.record(context, one)
        response = ChatResponse(
            text=text,
            input_tokens=1500,
            output_tokens=400,
            finish_reason="stop",
            raw={},
            provider="openai",
            model="gpt-4o-mini",
        )
        return _Completion(response, made)


@pytest.mark.parametrize("log_payloads", [True, False])
def test_a_failed_re_ask_leaves_both_answers_as_invalid_output(
    conn: Conn, run_id: str, log_payloads: bool
) -> None:
    # Given structured output wired as in production: chain -> HeldAttempts -> audit log
    held = HeldAttempts(AuditLogRecorder(conn, log_payloads=log_payloads))
    prompt = PromptBuilder(
        system_prompt="Summarise.", prompt_version="summary/1", output_model=Summary
    ).build({"cv": "Jane Doe"})
    first, second = '{"headline": "Engineer"}', "I would rather not."
    chain = _Chain([first, second], held)
    # When the model answers invalidly twice
    with pytest.raises(InvalidOutput):
        generate_structured(chain, prompt, Summary, CallContext(run_id=run_id, agent="CV_TAILOR"), held=held)
    # Then every attempt has its row: the 429s, and both answers as INVALID_OUTPUT
    written = rows(conn, run_id)
    assert chain.calls == 2
    assert [r["status"] for r in written] == [
        "RATE_LIMITED",
        "INVALID_OUTPUT",
        "RATE_LIMITED",
        "INVALID_OUTPUT",
    ]
    assert all(r["schema_version"] == prompt.schema_version for r in written)
    assert "years" in written[1]["error_message"]
    # And both raw outputs are kept: whole in debug mode, else by hash
    invalid = [written[1], written[3]]
    if log_payloads:
        texts = [r["response"]["choices"][0]["message"]["content"] for r in invalid]
        assert texts == [first, second]
    else:
        assert [r["response_sha256"] for r in invalid] == [
            body_digest(attempt(text=text).response)[0] for text in (first, second)
        ]
    assert_no_canary(conn)


@pytest.fixture
def pooled_db(monkeypatch: pytest.MonkeyPatch, fresh_db_url: str) -> Iterator[str]:
    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    get_settings.cache_clear()
    pool.close_pool()
    yield fresh_db_url
    pool.close_pool()
    get_settings.cache_clear()


def test_without_a_connection_each_row_is_committed_through_the_pool(pooled_db: str, run_id: str) -> None:
    AuditLogRecorder(log_payloads=False).record(CallContext(run_id=run_id), attempt())
    # Another connection sees it at once: the audit row does not wait for any business transaction
    with psycopg.connect(pooled_db) as other:
        (row,) = rows(other, run_id)
    assert row["parameters"] == {"temperature": 0.0, "max_tokens": 2000, "timeout_s": 60.0}
