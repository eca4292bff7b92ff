"""Benchmark: migrate a guest who owns 1,000 rows spread over 19 tables.

Usage: .venv/bin/python bench/guest_migration.py [--runs 5] [--url URL]

It creates a scratch database on the server (``--url``, else ``DATABASE_URL``,
else the embedded PostgreSQL), migrates it, and for each run seeds a fresh guest
and a user who already has singletons and overlapping hourly usage (so the
merge paths run, not only the moves). Only the ``migrate_guest_to_user`` call
is timed, commit included. The scratch database is dropped at the end.

For context it also times, in the same process and database:
  * the no-op second call for the same pair (locking + one sweep of every table),
  * a plain single-table UPDATE moving 1,000 rows from a guest to a user.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from typing import Any

import psycopg
from scratch_database import scratch_database, server_url

from cvpath.db.guests import migrate_guest_to_user

Conn = psycopg.Connection[Any]

# Rows the guest owns, per table; 1,000 in all.
GUEST_ROWS = {
    "public.sessions": 20,
    "public.master_cvs": 100,
    "public.job_applications": 100,
    "public.import_data": 50,
    "public.job_data": 50,
    "public.pipeline_runs": 100,
    "public.tailor_data": 150,
    "public.generation_requests": 50,
    "public.interview_steps": 50,
    "public.app_sessions": 1,
    "public.builder_states": 1,
    "public.user_preferences": 1,
    "public.user_model_profiles": 1,
    "analytics_monitoring.llm_generation_logs": 150,
    "analytics_monitoring.visitor_sessions": 20,
    "analytics_monitoring.page_views": 100,
    "analytics_monitoring.user_actions": 36,
    "analytics_monitoring.error_events": 10,
    "analytics_monitoring.user_model_usage": 10,
}

# Each statement seeds one table for the guest %(g)s; %(n)s is the row count.
SEED_GUEST = [
    """INSERT INTO public.sessions (guest_id, token_hash, expires_at)
       SELECT %(g)s, sha256((%(g)s::text || i)::bytea), now() + interval '1 day'
       FROM generate_series(1, %(n_sessions)s) i""",
    """INSERT INTO public.master_cvs (guest_id, lineage_id, version, source_format, content, content_hash)
       SELECT %(g)s, md5(%(g)s::text || ((i - 1) / 10))::uuid, (i - 1) %% 10 + 1, 'JSON_RESUME',
              jsonb_build_object('basics', jsonb_build_object('name', 'Guest ' || i), 'work', '[]'::jsonb),
              encode(sha256(('cv' || i)::bytea), 'hex')
       FROM generate_series(1, %(n_cvs)s) i""",
    """INSERT INTO public.job_applications
           (guest_id, master_cv_id, job_title, workflow_step, reached_job_input)
       SELECT %(g)s, (SELECT min(id::text)::uuid FROM public.master_cvs WHERE guest_id = %(g)s),
              'Role ' || i, 'JOB_INPUT', true
       FROM generate_series(1, %(n_apps)s) i""",
    """INSERT INTO public.import_data (guest_id, source_format, raw_text, content_hash)
       SELECT %(g)s, 'TEXT', repeat('Experienced engineer. ', 40), encode(sha256(('imp' || i)::bytea), 'hex')
       FROM generate_series(1, %(n_imports)s) i""",
    """INSERT INTO public.job_data (guest_id, raw_text, content_hash)
       SELECT %(g)s, repeat('We are hiring a platform engineer. ', 30),
              encode(sha256(('job' || i)::bytea), 'hex')
       FROM generate_series(1, %(n_jobs)s) i""",
    """INSERT INTO public.pipeline_runs (guest_id, application_id, status, started_at, finished_at)
       SELECT %(g)s, (SELECT min(id::text)::uuid FROM public.job_applications WHERE guest_id = %(g)s),
              'SUCCEEDED', now() - interval '1 minute', now()
       FROM generate_series(1, %(n_runs)s) i""",
    """INSERT INTO public.tailor_data (guest_id, run_id, kind, content, content_hash)
       SELECT %(g)s, r.id, (ARRAY['PARSED_CV', 'ANALYSIS'])[(i - 1) / r.total + 1],
              jsonb_build_object('bullets', jsonb_build_array('Led a migration', 'Cut costs 20%%')),
              encode(sha256(('out' || i)::bytea), 'hex')
       FROM generate_series(1, %(n_outputs)s) i
       JOIN (SELECT id, row_number() OVER (ORDER BY id) AS rn, count(*) OVER () AS total
             FROM public.pipeline_runs WHERE guest_id = %(g)s) r ON r.rn = (i - 1) %% r.total + 1""",
    """INSERT INTO public.generation_requests (guest_id, kind, status, idempotency_key)
       SELECT %(g)s, 'TAILOR', 'COMPLETED', %(g)s::text || '-' || i
       FROM generate_series(1, %(n_requests)s) i""",
    """INSERT INTO public.interview_steps (guest_id, step_key, position, question)
       SELECT %(g)s, 'step.' || i, i, 'Question ' || i FROM generate_series(1, %(n_steps)s) i""",
    """INSERT INTO public.app_sessions (guest_id, current_route, updated_at)
       VALUES (%(g)s, '/guest', now())""",
    """INSERT INTO public.builder_states (guest_id, step, updated_at) VALUES (%(g)s, 'skills', now())""",
    """INSERT INTO public.user_preferences (guest_id, theme, updated_at)
       VALUES (%(g)s, 'dark', now() - interval '1 day')""",
    """INSERT INTO public.user_model_profiles (guest_id, daily_used) VALUES (%(g)s, 3)""",
    """INSERT INTO analytics_monitoring.llm_generation_logs
           (guest_id, provider, model, input_tokens, output_tokens, cost_usd, latency_ms, status,
            request, response)
       SELECT %(g)s, 'openai', 'gpt-4.1-mini', 1200, 300, 0.0009, 800, 'SUCCESS',
              jsonb_build_object('messages', jsonb_build_array(repeat('context ', 50))),
              jsonb_build_object('text', repeat('answer ', 30))
       FROM generate_series(1, %(n_logs)s) i""",
    """INSERT INTO analytics_monitoring.visitor_sessions (id, guest_id, started_at, last_seen_at)
       SELECT gen_random_uuid(), %(g)s, now() - interval '1 hour', now()
       FROM generate_series(1, %(n_visits)s) i""",
    """INSERT INTO analytics_monitoring.page_views (event_id, guest_id, path, occurred_at)
       SELECT gen_random_uuid(), %(g)s, '/page/' || i, now() FROM generate_series(1, %(n_views)s) i""",
    """INSERT INTO analytics_monitoring.user_actions (event_id, guest_id, action, occurred_at)
       SELECT gen_random_uuid(), %(g)s, 'cv.edit', now() FROM generate_series(1, %(n_actions)s) i""",
    """INSERT INTO analytics_monitoring.error_events
           (event_id, fingerprint, source, error_type, message, guest_id, occurred_at)
       SELECT gen_random_uuid(), 'feedfacefeedface', 'frontend', 'TypeError', 'oops', %(g)s, now()
       FROM generate_series(1, %(n_errors)s) i""",
    """INSERT INTO analytics_monitoring.user_model_usage
           (guest_id, model, provider, hour_bucket, request_count, success_count, input_tokens, cost_usd)
       SELECT %(g)s, 'gpt-4.1-mini', 'openai', timestamptz '2025-01-01 00:00+00' + i * interval '1 hour',
              4, 4, 4800, 0.0036
       FROM generate_series(1, %(n_usage)s) i""",
]

# The user already has every singleton and half of the guest's usage hours.
SEED_USER = [
    """INSERT INTO public.app_sessions (user_id, current_route, updated_at)
       VALUES (%(u)s, '/user', now() - interval '1 hour')""",
    """INSERT INTO public.builder_states (user_id, step, updated_at)
       VALUES (%(u)s, 'work', now() - interval '1 hour')""",
    """INSERT INTO public.user_preferences (user_id, theme, updated_at) VALUES (%(u)s, 'light', now())""",
    """INSERT INTO public.user_model_profiles (user_id, tier, daily_used) VALUES (%(u)s, 'PAID', 1)""",
    """INSERT INTO analytics_monitoring.user_model_usage
           (user_id, model, provider, hour_bucket, request_count, success_count, input_tokens, cost_usd)
       SELECT %(u)s, 'gpt-4.1-mini', 'openai', timestamptz '2025-01-01 00:00+00' + i * interval '1 hour',
              2, 2, 2400, 0.0018
       FROM generate_series(1, %(n_usage)s / 2) i""",
]

COUNT_PARAMS = {
    "n_sessions": "public.sessions",
    "n_cvs": "public.master_cvs",
    "n_apps": "public.job_applications",
    "n_imports": "public.import_data",
    "n_jobs": "public.job_data",
    "n_runs": "public.pipeline_runs",
    "n_outputs": "public.tailor_data",
    "n_requests": "public.generation_requests",
    "n_steps": "public.interview_steps",
    "n_logs": "analytics_monitoring.llm_generation_logs",
    "n_visits": "analytics_monitoring.visitor_sessions",
    "n_views": "analytics_monitoring.page_views",
    "n_actions": "analytics_monitoring.user_actions",
    "n_errors": "analytics_monitoring.error_events",
    "n_usage": "analytics_monitoring.user_model_usage",
}


def scalar(conn: Conn, query: str, params: list[Any] | None = None) -> Any:
    row = conn.execute(query, params).fetchone()
    if row is None:
        raise RuntimeError(f"no row from: {query}")
    return row[0]


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return (time.perf_counter() - started) * 1000


def new_guest(conn: Conn) -> uuid.UUID:
    return uuid.UUID(str(scalar(conn, "INSERT INTO public.guest_users DEFAULT VALUES RETURNING id")))


def new_user(conn: Conn, label: str) -> uuid.UUID:
    email = f"{label}-{uuid.uuid4().hex}@example.org"
    return uuid.UUID(str(scalar(conn, "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [email])))


def seed(conn: Conn) -> tuple[uuid.UUID, uuid.UUID]:
    """A fresh guest with the 1,000 rows and a user with overlapping data; committed."""
    params: dict[str, Any] = {name: GUEST_ROWS[table] for name, table in COUNT_PARAMS.items()}
    with conn.transaction():
        params["g"] = new_guest(conn)
        params["u"] = new_user(conn, "bench")
        for statement in SEED_GUEST + SEED_USER:
            conn.execute(statement, params)
    conn.execute("ANALYZE")
    return params["g"], params["u"]


def single_table_baseline(conn: Conn) -> float:
    """Time one UPDATE moving 1,000 page views from a guest to a user (autocommit)."""
    total = sum(GUEST_ROWS.values())
    with conn.transaction():
        guest, user = new_guest(conn), new_user(conn, "baseline")
        conn.execute(
            """INSERT INTO analytics_monitoring.page_views (event_id, guest_id, path, occurred_at)
               SELECT gen_random_uuid(), %s, '/p/' || i, now() FROM generate_series(1, %s) i""",
            [guest, total],
        )
    conn.execute("ANALYZE analytics_monitoring.page_views")
    return timed(
        lambda: conn.execute(
            "UPDATE analytics_monitoring.page_views SET user_id = %s, guest_id = NULL WHERE guest_id = %s",
            [user, guest],
        )
    )


def run(url: str, runs: int) -> None:
    with scratch_database(url) as scratch_url, psycopg.connect(scratch_url, autocommit=True) as conn:
        figures = [measure_once(conn, i, runs) for i in range(1, runs + 1)]
    report(figures)


def measure_once(conn: Conn, index: int, runs: int) -> dict[str, float]:
    print(f"run {index}/{runs}: seeding {sum(GUEST_ROWS.values())} guest rows ...", end=" ", flush=True)
    ids: list[uuid.UUID] = []
    seed_ms = timed(lambda: ids.extend(seed(conn)))
    guest, user = ids
    print(f"{seed_ms:.0f} ms; migrating ...", end=" ", flush=True)
    outcome: list[Any] = []
    migrate_ms = timed(lambda: outcome.append(migrate_guest_to_user(conn, guest, user)))
    result = outcome[0]
    if result.moved != GUEST_ROWS:
        raise SystemExit(f"unexpected move counts: {result.moved}")
    noop_ms = timed(lambda: migrate_guest_to_user(conn, guest, user))
    baseline_ms = single_table_baseline(conn)
    print(
        f"{migrate_ms:.1f} ms ({result.total} rows, {len(result.tables_moved)} tables); "
        f"no-op repeat {noop_ms:.1f} ms; single-table UPDATE {baseline_ms:.1f} ms",
        flush=True,
    )
    return {"migrate": migrate_ms, "noop": noop_ms, "baseline": baseline_ms}


def report(figures: list[dict[str, float]]) -> None:
    migrate_runs = [f["migrate"] for f in figures]
    median = statistics.median(migrate_runs)
    rows = sum(GUEST_ROWS.values())
    print()
    print(f"migrate_guest_to_user, {rows} rows over {len(GUEST_ROWS)} tables, {len(figures)} runs")
    print(f"  per run (ms):  {', '.join(f'{ms:.1f}' for ms in migrate_runs)}")
    print(f"  median:        {median:.1f} ms  ({rows / median * 1000:,.0f} rows/s)")
    print(f"  min / max:     {min(migrate_runs):.1f} / {max(migrate_runs):.1f} ms")
    print("baselines, same process and database (median):")
    noop = statistics.median(f["noop"] for f in figures)
    baseline = statistics.median(f["baseline"] for f in figures)
    print(f"  no-op second call:                        {noop:.1f} ms")
    print(f"  one UPDATE moving {rows} rows in one table: {baseline:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=5, help="number of measured runs (default 5)")
    parser.add_argument("--url", help="server URL; default DATABASE_URL, else the embedded PostgreSQL")
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    run(server_url(args.url), args.runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
