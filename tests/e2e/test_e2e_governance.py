"""Governance end to end: the real state machine admits, refuses, charges and settles by tier.

Each run goes through ``local.tailoring.runner.tailor`` (what ``cvpath tailor
--user`` does) on a fresh database: Admit decides before any provider is
called, Settle charges from the audited attempts, MarkFailed releases.
"""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pydantic import SecretStr

from cvpath.config import get_settings
from cvpath.governance import Vault, store_key, top_up, verify
from cvpath.governance.profiles import create_user
from cvpath.governance.run_keys import forget_run_keys
from cvpath.llm.redact import forget_secrets
from local.fake_llm import FakeLLMServer, Reply
from local.tailoring.runner import REPORT_JSON, TailorOutcome, history_dir, log_path, tailor
from local.tailoring.submission import RunOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAMPLE_TXT = EXAMPLES / "sample_cv.txt"
SAMPLE_JOB = EXAMPLES / "sample_job.txt"
CANARY = "sk-BYOK-CANARY-" + uuid.uuid4().hex
VAULT_KEYS = "1:" + base64.b64encode(b"k" * 32).decode()


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CVPATH_STATE_DIR", str(tmp_path / "state"))
    get_settings.cache_clear()
    return tmp_path / "state"


def run_as(user_id: uuid.UUID, out: Path) -> TailorOutcome:
    return tailor(SAMPLE_TXT, SAMPLE_JOB, out_dir=out, options=RunOptions(user_id=user_id))


def run_row(db: psycopg.Connection[Any], run_id: uuid.UUID) -> tuple[Any, ...]:
    row = db.execute(
        "SELECT status::text, tier::text, error_code, error_state FROM public.pipeline_runs WHERE id = %s",
        [run_id],
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_a_paid_run_reserves_then_charges_cost_plus_fee_and_the_ledger_balances(
    pooled_db: str, db: psycopg.Connection[Any], tmp_path: Path, state_dir: Path
) -> None:
    user = create_user(db, "paid@example.com", tier="PAID")
    top_up(db, user, Decimal("20.00"), description="test credit")
    outcome = run_as(user, tmp_path / "out")
    assert outcome.succeeded, outcome.failure
    assert run_row(db, outcome.run_id)[:2] == ("SUCCEEDED", "PAID")
    kinds = [
        row[0]
        for row in db.execute(
            "SELECT kind::text FROM public.ledger_entries WHERE run_id = %s ORDER BY created_at, kind",
            [outcome.run_id],
        ).fetchall()
    ]
    assert "RESERVE" in kinds
    assert "RELEASE" in kinds or "SETTLE" in kinds  # the reservation is closed either way
    reserved = db.execute("SELECT reserved FROM public.user_accounts WHERE user_id = %s", [user]).fetchone()
    assert reserved == (Decimal("0"),)
    assert verify(db) == []


def test_a_paid_user_without_balance_is_rejected_at_admit_before_any_provider(
    pooled_db: str, db: psycopg.Connection[Any], tmp_path: Path, state_dir: Path
) -> None:
    user = create_user(db, "broke@example.com", tier="PAID")
    outcome = run_as(user, tmp_path / "out")
    assert outcome.failure is not None
    assert (outcome.failure.code, outcome.failure.state) == ("InsufficientBalance", "Admit")
    assert run_row(db, outcome.run_id)[0] == "REJECTED"
    calls = db.execute(
        "SELECT count(*) FROM analytics_monitoring.llm_generation_logs WHERE run_id = %s", [outcome.run_id]
    ).fetchone()
    assert calls == (0,)
    assert [state.name for state in outcome.states if state.name in ("ParseInputs", "Render")] == []
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_global_free_mode_admits_past_the_quota_and_still_records_the_run(
    pooled_db: str, db: psycopg.Connection[Any], tmp_path: Path, state_dir: Path
) -> None:
    user = create_user(db, "free@example.com", tier="FREE", daily_limit=0)
    db.execute("UPDATE public.platform_settings SET global_free_mode = true")
    outcome = run_as(user, tmp_path / "out")
    assert outcome.succeeded, outcome.failure
    admission = db.execute(
        "SELECT admission FROM public.pipeline_runs WHERE id = %s", [outcome.run_id]
    ).fetchone()
    assert admission is not None
    assert admission[0]["free_mode"] is True


@pytest.fixture
def byok_world(
    db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> Iterator[tuple[uuid.UUID, FakeLLMServer]]:
    """A BYOK user whose sealed OpenAI key is the canary; the fake provider accepts only that key.

    Only the scorer's chain has an OpenAI link (the others answer offline): its
    model writes just the narrative, so any scripted text is a valid answer.
    """
    monkeypatch.setenv("CVPATH_VAULT_KEYS", VAULT_KEYS)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-platform-key-that-must-not-be-used")
    get_settings.cache_clear()
    with FakeLLMServer(require_key=CANARY) as server:
        offline = [{"provider": "offline", "model": "offline"}]
        scorer = [
            {"provider": "openai", "model": "gpt-4.1-mini", "base_url": server.url, "max_retries": 0},
            *offline,
        ]
        db.execute(
            """UPDATE public.default_model_config SET provider_chain = CASE agent::text
                   WHEN 'COMPARATIVE_SCORER' THEN %s::jsonb ELSE %s::jsonb END""",
            [json.dumps(scorer), json.dumps(offline)],
        )
        user = create_user(db, "byok@example.com", tier="BYOK")
        store_key(db, Vault.from_settings(), user, "openai", SecretStr(CANARY))
        yield user, server
    forget_run_keys()
    forget_secrets()


def test_a_byok_run_uses_the_users_own_key_and_no_platform_money_or_key(
    pooled_db: str,
    db: psycopg.Connection[Any],
    byok_world: tuple[uuid.UUID, FakeLLMServer],
    tmp_path: Path,
    state_dir: Path,
) -> None:
    user, server = byok_world
    server.script(Reply(json.dumps({"narrative": "Closer to the job now."})))
    outcome = run_as(user, tmp_path / "out")
    assert outcome.succeeded, outcome.failure
    assert run_row(db, outcome.run_id)[:2] == ("SUCCEEDED", "BYOK")
    report = json.loads((tmp_path / "out" / REPORT_JSON).read_text(encoding="utf-8"))
    answered = {row["agent"]: row["provider"] for row in report["costs"]["by_agent"] if row["answered"]}
    assert answered["COMPARATIVE_SCORER"] == "openai"  # the fake accepted only the canary key
    assert db.execute("SELECT count(*) FROM public.user_accounts WHERE user_id = %s", [user]).fetchone() == (
        0,
    )
    # The canary never leaves the vault in clear text.
    logs = db.execute(
        "SELECT coalesce(string_agg(row_to_json(l)::text, ''), '')"
        " FROM analytics_monitoring.llm_generation_logs l"
    ).fetchone()
    assert logs is not None
    assert CANARY not in logs[0]
    for path in (
        tmp_path / "out" / REPORT_JSON,
        history_dir() / f"{outcome.run_id}.json",
        log_path(outcome.run_id),
    ):
        assert CANARY not in path.read_text(encoding="utf-8"), path
