"""Seed rows for the usage, insight and statistics tests (T3): LLM calls, score outputs, telemetry events."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import psycopg
from psycopg.types.json import Jsonb

from cvpath.db.runs import Owner, insert_guest, insert_run


def log_call(
    conn: psycopg.Connection[Any],
    at: datetime,
    *,
    user_id: UUID | None = None,
    guest_id: UUID | None = None,
    model: str = "gpt-4o-mini",
    provider: str = "openai",
    status: str = "SUCCESS",
    input_tokens: int = 100,
    output_tokens: int = 50,
    cost: str = "0.0010000000",
    latency_ms: int = 400,
) -> None:
    """One audited LLM request at ``at``."""
    conn.execute(
        """INSERT INTO analytics_monitoring.llm_generation_logs
               (user_id, guest_id, provider, model, input_tokens, output_tokens, cost_usd, latency_ms,
                status, error_code, request, created_at)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, '{}', %s)""",
        [
            user_id,
            guest_id,
            provider,
            model,
            input_tokens,
            output_tokens,
            Decimal(cost),
            latency_ms,
            status,
            None if status == "SUCCESS" else "provider_error",
            at,
        ],
    )


def usage_rows(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
    """Every usage row, without its id and timestamps, in a stable order."""
    return conn.execute(
        """SELECT coalesce(user_id, guest_id), user_id IS NOT NULL, model, provider, hour_bucket,
                  request_count, success_count, error_count, input_tokens, output_tokens, cost_usd,
                  total_latency_ms
           FROM analytics_monitoring.user_model_usage ORDER BY hour_bucket, 1, model, provider"""
    ).fetchall()


def scored_run(
    conn: psycopg.Connection[Any],
    at: datetime,
    *,
    title: str,
    company: str | None,
    before: float,
    after: float,
    missing: Sequence[tuple[str, list[str]]] = (),
) -> UUID:
    """A guest's run with PARSED_JOB, ANALYSIS, SCORE_BEFORE and SCORE_AFTER written at ``at``.

    ``missing``: (requirement text, keywords) of skill requirements the analysis marks missing;
    one more requirement is always met.
    """
    owner = Owner(guest_id=insert_guest(conn))
    run_id = insert_run(conn, owner, import_data_id=None, job_data_id=None)
    must = [
        {"id": f"req-{i}", "text": text, "kind": "skill", "keywords": kw}
        for i, (text, kw) in enumerate(missing)
    ]
    must.append({"id": "req-met", "text": "Python", "kind": "skill", "keywords": ["Python"]})
    job = {"title": title, "company": company, "mustHave": must, "niceToHave": []}
    rows: list[dict[str, Any]] = [
        {"requirementId": req["id"], "status": "missing", "evidence": []} for req in must[:-1]
    ]
    rows.append(
        {"requirementId": "req-met", "status": "met", "evidence": [{"sourceId": "b1", "quote": "Python"}]}
    )
    analysis = {"requirements": rows, "strengths": [], "gaps": []}
    outputs: dict[str, dict[str, Any]] = {
        "PARSED_JOB": job,
        "ANALYSIS": analysis,
        "SCORE_BEFORE": {"overall": before, "dimensions": [], "requirements": []},
        "SCORE_AFTER": {"overall": after, "dimensions": [], "requirements": []},
    }
    for kind, content in outputs.items():
        conn.execute(
            """INSERT INTO public.tailor_data (guest_id, run_id, kind, content, content_hash, created_at)
               VALUES (%s, %s, %s, %s, %s, %s)""",
            [owner.guest_id, run_id, kind, Jsonb(content), _digest(content), at],
        )
    return run_id


def _digest(content: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()


def page_view(
    conn: psycopg.Connection[Any],
    at: datetime,
    *,
    session: UUID | None = None,
    user_id: UUID | None = None,
    guest_id: UUID | None = None,
) -> None:
    conn.execute(
        """INSERT INTO analytics_monitoring.page_views
               (event_id, visitor_session_id, user_id, guest_id, path, occurred_at)
           VALUES (%s, %s, %s, %s, '/', %s)""",
        [uuid4(), session, user_id, guest_id, at],
    )


def action(
    conn: psycopg.Connection[Any],
    at: datetime,
    *,
    session: UUID | None = None,
    user_id: UUID | None = None,
    guest_id: UUID | None = None,
) -> None:
    conn.execute(
        """INSERT INTO analytics_monitoring.user_actions
               (event_id, visitor_session_id, user_id, guest_id, action, occurred_at)
           VALUES (%s, %s, %s, %s, 'cv.upload', %s)""",
        [uuid4(), session, user_id, guest_id, at],
    )


def session_started(conn: psycopg.Connection[Any], at: datetime) -> UUID:
    session = uuid4()
    conn.execute(
        """INSERT INTO analytics_monitoring.visitor_sessions (id, started_at, last_seen_at)
           VALUES (%s, %s, %s)""",
        [session, at, at],
    )
    return session


def error_event(conn: psycopg.Connection[Any], at: datetime) -> None:
    conn.execute(
        """INSERT INTO analytics_monitoring.error_events
               (event_id, fingerprint, source, error_type, message, occurred_at)
           VALUES (%s, '0123456789abcdef', 'api', 'Boom', 'boom', %s)""",
        [uuid4(), at],
    )
