"""What a fresh installation runs with: platform settings and default provider chains."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import TupleRow, dict_row

Conn = psycopg.Connection[TupleRow]
AGENTS = {"CV_PARSER", "CV_VALIDATOR", "JOB_PARSER", "JOB_ANALYZER", "CV_TAILOR", "COMPARATIVE_SCORER"}


def test_platform_settings_defaults(conn: Conn) -> None:
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute("SELECT * FROM public.platform_settings").fetchall()
    assert len(rows) == 1
    settings = rows[0]
    assert settings["global_free_mode"] is False
    assert settings["service_fee_rate"] == Decimal("0.20")
    assert settings["free_daily_quota"] == 5
    assert settings["minimum_balance"] > 0
    assert settings["updated_at"] is not None


def test_every_agent_has_a_default_chain_ending_offline(conn: Conn) -> None:
    rows = conn.execute("SELECT agent::text, provider_chain FROM public.default_model_config").fetchall()
    chains: dict[str, list[dict[str, Any]]] = dict(rows)
    assert set(chains) == AGENTS
    for agent, chain in chains.items():
        assert chain[-1]["provider"] == "offline", agent
        assert chain[-1]["model"] == "offline", agent
        for link in chain:
            # The shape every provider chain shares (DESIGN.md, LLM gateway)
            assert {"provider", "model", "timeout_s", "max_retries"} <= set(link), (agent, link)
            assert set(link) <= {"provider", "model", "base_url", "timeout_s", "max_retries"}, (agent, link)
            assert link["timeout_s"] > 0
            assert link["max_retries"] >= 0
