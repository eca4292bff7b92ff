"""Builders for the governance tests: users of each tier, their runs, audited attempts."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb

from cvpath.db.runs import Owner, insert_guest, insert_import, insert_job_text, insert_run
from cvpath.governance.profiles import create_user

CV_TEXT = "Jane Doe\nSenior data engineer\n" + "Built pipelines in Python and SQL. " * 60
JOB_TEXT = "We hire a data engineer: Python, PostgreSQL, AWS. " * 30

Conn = psycopg.Connection[Any]


def new_user(conn: Conn, tier: str = "FREE", **limits: Any) -> UUID:
    return create_user(conn, f"u{uuid.uuid4().hex[:12]}@example.com", tier=tier, **limits)


def new_run(conn: Conn, *, user_id: UUID | None = None, guest_id: UUID | None = None) -> UUID:
    owner = Owner(user_id=user_id) if user_id else Owner(guest_id=guest_id or insert_guest(conn))
    import_id = insert_import(conn, owner, raw_text=CV_TEXT)
    job_id = insert_job_text(conn, owner, JOB_TEXT)
    return insert_run(conn, owner, import_data_id=import_id, job_data_id=job_id)


def log_attempt(conn: Conn, run_id: UUID, cost: str, *, status: str = "SUCCESS", attempt: int = 1) -> None:
    """One audited LLM request of the run costing ``cost`` USD (an ERROR row is a failed, paid attempt)."""
    conn.execute(
        """INSERT INTO analytics_monitoring.llm_generation_logs
               (run_id, agent, provider, model, attempt, input_tokens, output_tokens, cost_usd, latency_ms,
                status, error_code, request)
           VALUES (%s, 'CV_TAILOR', 'openai', 'gpt-4.1', %s, 1000, 500, %s, 1200,
                   %s::analytics_monitoring.llm_call_status,
                   %s, %s)""",
        [
            run_id,
            attempt,
            Decimal(cost),
            status,
            None if status == "SUCCESS" else "provider_error",
            Jsonb({}),
        ],
    )


def set_platform(conn: Conn, **values: Any) -> None:
    for column, value in values.items():
        assert column.isidentifier()
        conn.execute(f"UPDATE public.platform_settings SET {column} = %s", [value])


def ledger_rows(conn: Conn, user_id: UUID) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (kind, amount, delta)
        for kind, amount, delta in conn.execute(
            """SELECT e.kind::text, e.amount, e.reserved_delta FROM public.ledger_entries e
               JOIN public.user_accounts a ON a.id = e.account_id WHERE a.user_id = %s ORDER BY e.seq""",
            [user_id],
        ).fetchall()
    ]


def profile_counters(conn: Conn, user_id: UUID) -> tuple[int, int, Decimal, Decimal]:
    row = conn.execute(
        """SELECT daily_used, hourly_used, monthly_spent, monthly_reserved
           FROM public.user_model_profiles WHERE user_id = %s""",
        [user_id],
    ).fetchone()
    assert row is not None
    return row[0], row[1], row[2], row[3]
