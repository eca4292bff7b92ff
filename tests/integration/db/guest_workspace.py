"""Test data: a person's whole workspace, one or more rows in every table they can own.

Shared by the guest migration tests (single connection and concurrent ones).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg

Conn = psycopg.Connection[Any]


@dataclass(frozen=True)
class Owner:
    """Exactly one of the two ids is set, like every owned row."""

    user_id: uuid.UUID | None = None
    guest_id: uuid.UUID | None = None

    @property
    def column(self) -> str:
        return "user_id" if self.user_id else "guest_id"

    @property
    def id(self) -> uuid.UUID:
        owner_id = self.user_id or self.guest_id
        assert owner_id is not None
        return owner_id


def new_user(conn: Conn) -> uuid.UUID:
    return uuid.UUID(str(one(conn, "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [_email()])))


def new_guest(conn: Conn) -> uuid.UUID:
    return uuid.UUID(str(one(conn, "INSERT INTO public.guest_users DEFAULT VALUES RETURNING id")))


def one(conn: Conn, query: str, params: list[Any] | None = None) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None, query
    return row[0]


def content_hash(value: object) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True).encode()).hexdigest()


def seed_workspace(conn: Conn, owner: Owner, *, singletons_at: datetime | None = None) -> dict[str, int]:
    """Give ``owner`` rows in all 19 owned tables; return the row count per table."""
    o = [owner.user_id, owner.guest_id]
    cv = {"basics": {"name": "Jane Doe"}, "work": [{"id": "w1", "name": "Acme"}]}
    cv_json = json.dumps(cv)
    lineage = one(
        conn,
        """INSERT INTO public.master_cvs (user_id, guest_id, version, source_format, content, content_hash)
           VALUES (%s, %s, 1, 'JSON_RESUME', %s, %s) RETURNING lineage_id""",
        [*o, cv_json, content_hash(cv)],
    )
    cv2 = one(
        conn,
        """INSERT INTO public.master_cvs
               (user_id, guest_id, lineage_id, version, source_format, content, content_hash)
           VALUES (%s, %s, %s, 2, 'JSON_RESUME', %s, %s) RETURNING id""",
        [*o, lineage, cv_json, content_hash({**cv, "v": 2})],
    )
    app = one(
        conn,
        """INSERT INTO public.job_applications
               (user_id, guest_id, master_cv_id, job_title, company, workflow_step,
                reached_job_input, reached_analysis)
           VALUES (%s, %s, %s, 'Platform Engineer', 'Initech', 'ANALYSIS', true, true) RETURNING id""",
        [*o, cv2],
    )
    imported = one(
        conn,
        """INSERT INTO public.import_data
               (user_id, guest_id, master_cv_id, source_format, content, content_hash)
           VALUES (%s, %s, %s, 'JSON_RESUME', %s, %s) RETURNING id""",
        [*o, cv2, cv_json, content_hash(cv)],
    )
    job = one(
        conn,
        """INSERT INTO public.job_data (user_id, guest_id, application_id, raw_text, content_hash)
           VALUES (%s, %s, %s, 'Platform engineer, Kubernetes, Go', %s) RETURNING id""",
        [*o, app, content_hash("job")],
    )
    run = one(
        conn,
        """INSERT INTO public.pipeline_runs
               (user_id, guest_id, application_id, master_cv_id, import_data_id, job_data_id,
                status, started_at, finished_at)
           VALUES (%s, %s, %s, %s, %s, %s, 'SUCCEEDED', now() - interval '1 minute', now()) RETURNING id""",
        [*o, app, cv2, imported, job],
    )
    for agent, kind in (("CV_PARSER", "PARSED_CV"), ("COMPARATIVE_SCORER", "SCORE_AFTER")):
        conn.execute(
            """INSERT INTO public.tailor_data (user_id, guest_id, run_id, agent, kind, content, content_hash)
               VALUES (%s, %s, %s, %s, %s, '{"ok": true}', %s)""",
            [*o, run, agent, kind, content_hash(kind)],
        )
    conn.execute(
        """INSERT INTO public.sessions (user_id, guest_id, token_hash, expires_at)
           VALUES (%s, %s, sha256(%s), now() + interval '1 day')""",
        [*o, uuid.uuid4().bytes],
    )
    conn.execute(
        """INSERT INTO public.generation_requests
               (user_id, guest_id, application_id, run_id, kind, status, idempotency_key)
           VALUES (%s, %s, %s, %s, 'TAILOR', 'COMPLETED', %s)""",
        [*o, app, run, uuid.uuid4().hex],
    )
    conn.execute(
        """INSERT INTO public.interview_steps
               (user_id, guest_id, application_id, step_key, position, question)
           VALUES (%s, %s, %s, 'gap.kubernetes', 0, 'Have you run Kubernetes in production?')""",
        [*o, app],
    )
    at = singletons_at or datetime.now().astimezone()
    conn.execute(
        """INSERT INTO public.app_sessions
               (user_id, guest_id, current_application_id, current_route, updated_at)
           VALUES (%s, %s, %s, '/applications', %s)""",
        [*o, app, at],
    )
    conn.execute(
        """INSERT INTO public.builder_states (user_id, guest_id, master_cv_id, step, updated_at)
           VALUES (%s, %s, %s, 'skills', %s)""",
        [*o, cv2, at],
    )
    conn.execute(
        "INSERT INTO public.user_preferences (user_id, guest_id, theme, updated_at)"
        " VALUES (%s, %s, 'dark', %s)",
        [*o, at],
    )
    conn.execute(
        "INSERT INTO public.user_model_profiles (user_id, guest_id, daily_used) VALUES (%s, %s, 2)",
        o,
    )
    for attempt in (1, 2):
        conn.execute(
            """INSERT INTO analytics_monitoring.llm_generation_logs
                   (user_id, guest_id, run_id, agent, provider, model, attempt, input_tokens, output_tokens,
                    cost_usd, latency_ms, status, error_code, request, response)
               VALUES (%s, %s, %s, 'CV_TAILOR', 'openai', 'gpt-4.1-mini', %s, 1200, 400,
                       0.0012, 850, %s, %s, '{"messages": []}', '{}')""",
            [*o, run, attempt, "SUCCESS" if attempt == 2 else "TIMEOUT", None if attempt == 2 else "timeout"],
        )
    visit = uuid.uuid4()
    conn.execute(
        """INSERT INTO analytics_monitoring.visitor_sessions (id, user_id, guest_id, started_at, last_seen_at)
           VALUES (%s, %s, %s, now() - interval '5 minutes', now())""",
        [visit, *o],
    )
    for path in ("/", "/applications"):
        conn.execute(
            """INSERT INTO analytics_monitoring.page_views
                   (event_id, visitor_session_id, user_id, guest_id, path, occurred_at)
               VALUES (gen_random_uuid(), %s, %s, %s, %s, now())""",
            [visit, *o, path],
        )
    conn.execute(
        """INSERT INTO analytics_monitoring.user_actions
               (event_id, visitor_session_id, user_id, guest_id, action, occurred_at)
           VALUES (gen_random_uuid(), %s, %s, %s, 'cv.upload', now())""",
        [visit, *o],
    )
    conn.execute(
        """INSERT INTO analytics_monitoring.error_events
               (event_id, fingerprint, source, error_type, message, user_id, guest_id, occurred_at)
           VALUES (gen_random_uuid(), 'deadbeefdeadbeef', 'frontend', 'TypeError', 'x is undefined', %s, %s,
                   now())""",
        o,
    )
    for hour in ("2025-01-01T10:00Z", "2025-01-01T11:00Z"):
        conn.execute(
            """INSERT INTO analytics_monitoring.user_model_usage
                   (user_id, guest_id, model, provider, hour_bucket, request_count, success_count,
                    input_tokens, output_tokens, cost_usd)
               VALUES (%s, %s, 'gpt-4.1-mini', 'openai', %s, 2, 2, 1000, 300, 0.002)""",
            [*o, hour],
        )
    return {
        "public.sessions": 1,
        "public.master_cvs": 2,
        "public.job_applications": 1,
        "public.import_data": 1,
        "public.job_data": 1,
        "public.pipeline_runs": 1,
        "public.tailor_data": 2,
        "public.generation_requests": 1,
        "public.interview_steps": 1,
        "public.app_sessions": 1,
        "public.builder_states": 1,
        "public.user_preferences": 1,
        "public.user_model_profiles": 1,
        "analytics_monitoring.llm_generation_logs": 2,
        "analytics_monitoring.visitor_sessions": 1,
        "analytics_monitoring.page_views": 2,
        "analytics_monitoring.user_actions": 1,
        "analytics_monitoring.error_events": 1,
        "analytics_monitoring.user_model_usage": 2,
    }


OWNED_TABLES = tuple(
    sorted(
        [
            "public.sessions",
            "public.master_cvs",
            "public.job_applications",
            "public.import_data",
            "public.job_data",
            "public.pipeline_runs",
            "public.tailor_data",
            "public.generation_requests",
            "public.interview_steps",
            "public.app_sessions",
            "public.builder_states",
            "public.user_preferences",
            "public.user_model_profiles",
            "analytics_monitoring.llm_generation_logs",
            "analytics_monitoring.visitor_sessions",
            "analytics_monitoring.page_views",
            "analytics_monitoring.user_actions",
            "analytics_monitoring.error_events",
            "analytics_monitoring.user_model_usage",
        ]
    )
)


def owned_counts(conn: Conn, owner: Owner) -> dict[str, int]:
    """Rows per owned table that belong to ``owner``."""
    return {
        table: int(one(conn, f"SELECT count(*) FROM {table} WHERE {owner.column} = %s", [owner.id]))
        for table in OWNED_TABLES
    }


def _email() -> str:
    return f"{uuid.uuid4().hex[:12]}@example.org"
