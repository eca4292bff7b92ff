"""The turn of each audit row (sql/0008): the first ask's rows are turn 1, the re-ask's turn 2."""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import Any

import psycopg
import pytest
from psycopg.rows import TupleRow, dict_row
from pydantic import BaseModel, ConfigDict

from cvpath.db.llm_logs import insert_log
from cvpath.llm.audit import AuditLogRecorder, HeldAttempts, audit_row
from cvpath.llm.chain import ProviderChain
from cvpath.llm.keys import KeySource
from cvpath.llm.prompt import PromptBuilder
from cvpath.llm.structured import StructuredResult, generate_structured
from cvpath.llm.types import CallContext, ProviderSpec
from local.fake_llm import FakeLLMServer, Fault, Reply

Conn = psycopg.Connection[TupleRow]
TABLE = "analytics_monitoring.llm_generation_logs"
VALID = '{"headline": "Backend engineer", "years": 7}'


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    headline: str
    years: int


def invalid_then_valid(
    conn: Conn, server: FakeLLMServer, keys: KeySource, context: CallContext
) -> StructuredResult[Summary]:
    """A structured call through the real chain: a 503 and an off-schema answer, then a valid re-ask."""
    held = HeldAttempts(AuditLogRecorder(conn, log_payloads=False))
    spec = ProviderSpec(
        provider="openai", model="gpt-4o-mini", base_url=server.url, timeout_s=5, max_retries=1
    )
    chain = ProviderChain([spec], keys=keys, recorder=held, sleep=lambda _s: None, backoff_base_s=0)
    server.script(Fault.unavailable(), Reply('{"headline": "Backend engineer"}'), Reply(VALID))
    prompt = PromptBuilder(
        system_prompt="Summarise the CV.", prompt_version="summary/1", output_model=Summary
    ).build({"cv": "Jane Doe, backend engineer since 2018."})
    return generate_structured(chain, prompt, Summary, context, held=held)


def rows(conn: Conn, run_id: str) -> list[dict[str, Any]]:
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(f"SELECT * FROM {TABLE} WHERE run_id = %s ORDER BY id", [run_id]).fetchall()


def test_the_re_asks_rows_are_turn_2_and_the_first_asks_turn_1(
    conn: Conn, fake_llm: FakeLLMServer, canary_keys: KeySource
) -> None:
    # Given a first ask that fails once (503) and then answers off-schema, and a valid re-ask
    run_id = str(uuid.uuid4())
    # When structured output runs through the chain and the fake provider
    result = invalid_then_valid(conn, fake_llm, canary_keys, CallContext(run_id=run_id, agent="CV_TAILOR"))
    # Then the re-ask's attempt numbers start at 1 again, and the turn tells the two asks apart
    assert result.reasked
    assert [(r["status"], r["attempt"], r["turn"]) for r in rows(conn, run_id)] == [
        ("ERROR", 1, 1),
        ("INVALID_OUTPUT", 2, 1),
        ("SUCCESS", 1, 2),
    ]
    assert [a.turn for a in result.attempts] == [1, 1, 2]


def test_the_turn_is_immutable_and_survives_a_move_to_a_user(
    conn: Conn, fake_llm: FakeLLMServer, canary_keys: KeySource
) -> None:
    # Given a guest's audit rows of both turns
    run_id = str(uuid.uuid4())
    guest = conn.execute("INSERT INTO public.guest_users DEFAULT VALUES RETURNING id").fetchone()
    user = conn.execute(
        "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [f"{uuid.uuid4().hex}@example.org"]
    ).fetchone()
    assert guest is not None
    assert user is not None
    invalid_then_valid(conn, fake_llm, canary_keys, CallContext(run_id=run_id, guest_id=str(guest[0])))
    # When the turn is changed, Then the immutability trigger refuses it
    with pytest.raises(psycopg.Error, match="is immutable"), conn.transaction():
        conn.execute(f"UPDATE {TABLE} SET turn = 1 WHERE run_id = %s AND turn = 2", [run_id])
    # And the rows can still move from the guest to a user, keeping their turns
    conn.execute(f"UPDATE {TABLE} SET guest_id = NULL, user_id = %s WHERE run_id = %s", [user[0], run_id])
    assert [(r["user_id"], r["turn"]) for r in rows(conn, run_id)] == [
        (user[0], 1),
        (user[0], 1),
        (user[0], 2),
    ]


def test_a_turn_outside_1_and_2_is_refused(
    conn: Conn, fake_llm: FakeLLMServer, canary_keys: KeySource
) -> None:
    run_id = str(uuid.uuid4())
    result = invalid_then_valid(conn, fake_llm, canary_keys, CallContext(run_id=run_id))
    row = audit_row(CallContext(run_id=run_id), result.attempts[-1], log_payloads=False)
    with pytest.raises(psycopg.errors.CheckViolation, match="turn_range"), conn.transaction():
        insert_log(conn, replace(row, turn=3))
    assert len(rows(conn, run_id)) == 3
