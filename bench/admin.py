"""Benchmark: GET /api/admin/llm-analytics over 30 days of 1,000,000 LLM log rows, per group_by.

Usage: .venv/bin/python bench/admin.py [--rows 1000000] [--repeats 7] [--url POSTGRES_URL]

A scratch database gets ``--rows`` generation-log rows over the last 30 days
(``INSERT ... SELECT FROM generate_series``): runs of 10 calls by 1,000 users
over 3 providers, 4 models and 6 agents, with retries, failovers, errors and
log-normal latencies, plus SETTLE/FEE ledger entries for a fifth of the runs.
The hourly job then aggregates every complete hour; the current hour stays in
the raw log, as in production. Timed, p50 of ``--repeats`` runs per group_by:
  * the library call ``cvpath.admin.analytics.llm_analytics``;
  * the FastAPI app in process (TestClient), token check and JSON included;
  * the baseline: the same figures straight from the raw log (one GROUP BY with
    percentile_disc), which is what the rollups save.
Each group_by's figures are checked against that baseline (counts, tokens and
costs equal, p50/p95 in the same histogram bucket). For group_by=user the SQL is
also timed reading only the hourly owner rollup, as before the daily one (0018).
Then EXPLAIN (ANALYZE, BUFFERS) of the main statements. Target: <= 200 ms per query.
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

import psycopg

from cvpath.admin.analytics import GroupBy

TARGET_MS = 200.0
GROUPINGS: tuple[GroupBy, ...] = ("provider", "model", "agent", "user", "day")
HOUR = timedelta(hours=1)
USERS = 1000

SEED_USERS = """
INSERT INTO public.users (id, email)
SELECT md5('bench-user-' || n)::uuid, 'bench' || n || '@example.com'
FROM generate_series(0, %(users)s - 1) AS n
"""
SEED_LOGS = """
INSERT INTO analytics_monitoring.llm_generation_logs
    (run_id, user_id, agent, provider, model, attempt, chain_position, input_tokens, output_tokens,
     cost_usd, fee_usd, latency_ms, status, error_code, request, created_at)
SELECT md5('bench-run-' || run)::uuid, md5('bench-user-' || (run %% %(users)s))::uuid,
       (ARRAY['CV_PARSER', 'CV_VALIDATOR', 'JOB_PARSER', 'JOB_ANALYZER', 'CV_TAILOR',
              'COMPARATIVE_SCORER'])[1 + (i %% 10) %% 6]::public.agent_name,
       (ARRAY['openai', 'openai', 'anthropic', 'gemini'])[1 + m], (ARRAY['gpt-4o-mini', 'gpt-4o',
        'claude-3-5-haiku', 'gemini-2.0-flash'])[1 + m],
       1 + (i %% 17 = 0)::int, (i %% 23 = 0)::int,
       500 + (i::bigint * 7919) %% 4000, 100 + (i::bigint * 104729) %% 1500,
       ((i::bigint * 7919) %% 1000) * 0.000002, 0,
       (100 * exp(random() * 5))::int,
       status, CASE WHEN status <> 'SUCCESS' THEN 'provider_error' END, '{}',
       %(start)s + run * (%(span)s / %(runs)s) + (i %% 10) * interval '3 seconds'
FROM generate_series(0, %(rows)s - 1) AS i
CROSS JOIN LATERAL (SELECT i / 10 AS run, (i * 31 + i / 10) %% 4 AS m,
                           (CASE WHEN i %% 29 = 0 THEN 'ERROR' WHEN i %% 31 = 0 THEN 'TIMEOUT'
                                 ELSE 'SUCCESS' END)::analytics_monitoring.llm_call_status AS status) AS pick
"""
SEED_LEDGER = """
WITH accounts AS (
    INSERT INTO public.user_accounts (user_id, balance) SELECT id, 100 FROM public.users RETURNING id, user_id
),
paid AS (
    SELECT l.run_id, min(l.user_id::text)::uuid AS user_id, sum(l.cost_usd) AS cost, max(l.created_at) AS at
    FROM analytics_monitoring.llm_generation_logs l
    WHERE l.run_id IS NOT NULL AND abs(hashtext(l.run_id::text)) %% 5 = 0
    GROUP BY l.run_id
)
INSERT INTO public.ledger_entries
    (account_id, kind, amount, reserved_delta, balance_after, reserved_after, run_id, idempotency_key,
     created_at)
SELECT a.id, k.kind::public.ledger_entry_kind, -k.amount, 0, 100, 0, p.run_id,
       lower(k.kind) || ':' || p.run_id, p.at + interval '1 second'
FROM paid p
JOIN accounts a ON a.user_id = p.user_id
CROSS JOIN LATERAL (VALUES ('SETTLE', round(p.cost, 6)), ('FEE', round(p.cost * 0.1, 6))) AS k (kind, amount)
WHERE k.amount > 0
"""
# The baseline: the same figures computed from the raw log on every request.
RAW_KEYS = {
    "provider": "provider",
    "model": "model",
    "agent": "agent::text",
    "user": "coalesce(user_id, guest_id)::text",
    "day": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
}
RAW_SQL = """
SELECT {key}, count(*), count(*) FILTER (WHERE status = 'SUCCESS'), sum(input_tokens), sum(output_tokens),
       sum(cost_usd), sum(cost_usd + fee_usd), count(*) FILTER (WHERE chain_position = 0 AND attempt = 1),
       count(*) FILTER (WHERE chain_position = 0 AND status = 'SUCCESS'),
       percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms),
       percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms)
FROM analytics_monitoring.llm_generation_logs
WHERE created_at >= %(start)s AND created_at < %(end)s AND num_nonnulls(user_id, guest_id) = 1
GROUP BY 1
"""


def p50_ms(call: Callable[[], object], repeats: int) -> float:
    call()  # warm-up: plans, caches, first imports
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return statistics.median(samples)


def _get(client: Any, query: dict[str, str], headers: dict[str, str]) -> None:
    answer = client.get("/api/admin/llm-analytics", params=query, headers=headers)
    assert answer.status_code == 200, answer.text


def _fetch(conn: psycopg.Connection[Any], query: str, params: dict[str, Any]) -> None:
    conn.execute(query, params).fetchall()


def _statement(conn: psycopg.Connection[Any], query: Any, params: dict[str, Any]) -> None:
    with conn.transaction():  # as llm_analytics runs it
        conn.execute("SET LOCAL work_mem = '64MB'")
        conn.execute(query, params).fetchall()


def mismatches(result: Any, raw: list[tuple[Any, ...]]) -> list[str]:
    """The groups whose figures differ from the raw log's (percentiles: a different histogram bucket)."""
    from cvpath.admin.analytics import bucket_of

    got = {group.key: group.figures for group in result.groups if group.figures.requests}
    wrong = [f"missing {key}" for key in {row[0] for row in raw} ^ set(got)]
    for key, requests, ok, tin, tout, cost, estimated, calls, first_ok, p50, p95 in raw:
        figures = got.get(key)
        if figures is None:
            continue
        report = figures.report()
        same = (
            (figures.requests, figures.successes, figures.input_tokens, figures.output_tokens)
            == (requests, ok, tin, tout)
            and (figures.cost, figures.cost + figures.fee) == (cost, estimated)
            and (figures.calls, figures.first_link_successes) == (calls, first_ok)
            and bucket_of(report["p50_latency_ms"]) == bucket_of(p50)
            and bucket_of(report["p95_latency_ms"]) == bucket_of(p95)
        )
        if not same:
            wrong.append(str(key))
    return wrong


def seed(conn: psycopg.Connection[Any], rows: int, start: datetime, end: datetime) -> None:
    began = time.perf_counter()
    conn.execute(SEED_USERS, {"users": USERS})
    params = {"users": USERS, "rows": rows, "runs": rows // 10 + 1, "start": start, "span": end - start}
    conn.execute(SEED_LOGS, params)
    inserted = time.perf_counter() - began
    print(f"inserted {rows:,} log rows in {inserted:.1f} s ({rows / inserted:,.0f} rows/s)", flush=True)
    charged = conn.execute(SEED_LEDGER, {}).rowcount
    print(f"inserted {charged:,} SETTLE/FEE ledger entries", flush=True)
    conn.execute("VACUUM ANALYZE analytics_monitoring.llm_generation_logs")
    conn.execute("ANALYZE public.ledger_entries")


def aggregate(conn: psycopg.Connection[Any], first: datetime, stop: datetime) -> None:
    from cvpath.telemetry.aggregation import aggregate_hour

    began = time.perf_counter()
    hour, done, total = first, 0, int((stop - first) / HOUR)
    while hour < stop:
        aggregate_hour(conn, hour, advance_watermark=True)
        hour, done = hour + HOUR, done + 1
        if done % 120 == 0 or hour == stop:
            rate = done / (time.perf_counter() - began)
            print(f"  aggregated {done}/{total} hours ({rate:.0f} hours/s)", flush=True)
    conn.execute("VACUUM ANALYZE analytics_monitoring.llm_usage_hourly")
    conn.execute("VACUUM ANALYZE analytics_monitoring.llm_owner_usage_hourly")
    conn.execute("VACUUM ANALYZE analytics_monitoring.llm_owner_usage_daily")
    sizes = conn.execute(
        """SELECT (SELECT count(*) FROM analytics_monitoring.llm_usage_hourly),
                  (SELECT count(*) FROM analytics_monitoring.llm_owner_usage_hourly),
                  (SELECT count(*) FROM analytics_monitoring.llm_owner_usage_daily)"""
    ).fetchone()
    assert sizes is not None
    print(
        f"rollups: {sizes[0]:,} (hour, provider, model, agent) rows, {sizes[1]:,} (hour, owner) rows, "
        f"{sizes[2]:,} (day, owner) rows"
    )


def admin_headers(scratch: str) -> dict[str, str]:
    """An administrator's admin token, through the public and admin apps as an operator gets one."""
    from fastapi.testclient import TestClient

    from cvpath_admin.app import app as admin_app
    from cvpath_api.app import app as public_app

    password = secrets.token_urlsafe(16) + "Aa1!"
    with TestClient(public_app) as public, psycopg.connect(scratch, autocommit=True) as conn:
        answer = public.post(
            "/api/auth/register", json={"email": "bench-admin@example.com", "password": password}
        )
        answer.raise_for_status()
        conn.execute("UPDATE public.users SET is_admin = true WHERE email = 'bench-admin@example.com'")
        login = public.post(
            "/api/auth/login", json={"email": "bench-admin@example.com", "password": password}
        )
        login.raise_for_status()
        with TestClient(admin_app) as admin:
            token = admin.post(
                "/api/admin/auth/token", headers={"Authorization": f"Bearer {login.json()['access_token']}"}
            )
            token.raise_for_status()
    return {"Authorization": f"Bearer {token.json()['admin_token']}"}


def run(url: str | None, rows: int, repeats: int) -> None:
    from fastapi.testclient import TestClient
    from scratch_database import scratch_database, server_url

    from cvpath.admin.analytics import analytics_params, analytics_query, llm_analytics
    from cvpath.config import get_settings
    from cvpath.db.pool import close_pool
    from cvpath.telemetry.aggregation import hour_start
    from cvpath_admin.app import app as admin_app

    os.environ.setdefault("CVPATH_JWT_SECRET", secrets.token_urlsafe(48))
    now = datetime.now(UTC)
    current = hour_start(now)
    start, end = current - 719 * HOUR, current + HOUR  # 30 days of hours, the current one included
    with scratch_database(server_url(url)) as scratch:
        previous = os.environ.get("DATABASE_URL")
        os.environ["DATABASE_URL"] = scratch
        get_settings.cache_clear()
        try:
            with psycopg.connect(scratch, autocommit=True) as conn:
                seed(conn, rows, start, min(end, now))
                aggregate(conn, start, current)
                headers = admin_headers(scratch)
                params = {"from": start.isoformat(), "to": end.isoformat()}
                print(f"\nllm-analytics over 30 days ({rows:,} log rows), p50 of {repeats} runs, ms")
                print(
                    f"  {'group_by':<10}{'groups':>7}{'library':>10}{'HTTP app':>10}{'raw log':>10}"
                    "  target     figures vs raw log"
                )
                with TestClient(admin_app) as client:
                    for group_by in GROUPINGS:
                        result = llm_analytics(conn, start=start, end=end, group_by=group_by, now=now)
                        library = p50_ms(
                            partial(llm_analytics, conn, start=start, end=end, group_by=group_by, now=now),
                            repeats,
                        )
                        query = {**params, "group_by": group_by}
                        app = p50_ms(partial(_get, client, query, headers), repeats)
                        raw_sql = RAW_SQL.format(key=RAW_KEYS[group_by])
                        raw = p50_ms(partial(_fetch, conn, raw_sql, {"start": start, "end": end}), 3)
                        wrong = mismatches(
                            result, conn.execute(raw_sql, {"start": start, "end": end}).fetchall()
                        )
                        verdict = "ok" if max(library, app) <= TARGET_MS else "OVER"
                        check = "equal" if not wrong else f"{len(wrong)} DIFFER, e.g. {wrong[0]}"
                        print(
                            f"  {group_by:<10}{len(result.groups):>7}{library:>10.1f}{app:>10.1f}{raw:>10.1f}"
                            f"  <= {TARGET_MS:.0f}: {verdict:<4}  {check}",
                            flush=True,
                        )
                    totals = result.totals.report()
                    print(
                        f"\ntotals: {totals['requests']:,} requests, cost {totals['cost_usd']} USD, ledger "
                        f"{totals['ledger_actual_cost_usd']} USD, p50 {totals['p50_latency_ms']} ms, p95 "
                        f"{totals['p95_latency_ms']} ms, failover {totals['failover_rate']}"
                    )
                split = current
                statement = analytics_params(start, split, end)
                hours_only = {**statement, "days_from": split, "days_to": split}
                user_sql = analytics_query("user")
                daily = p50_ms(partial(_statement, conn, user_sql, statement), repeats)
                hourly = p50_ms(partial(_statement, conn, user_sql, hours_only), repeats)
                days = f"{statement['days_from']:%Y-%m-%d} to {statement['days_to']:%Y-%m-%d}"
                print(
                    f"\ngroup_by=user statement alone, p50 of {repeats}: {daily:.1f} ms with the days {days} "
                    f"from the daily rollup, {hourly:.1f} ms from the hourly rollup only (as before 0018)"
                )
                for group_by in ("provider", "user"):
                    print(f"\nEXPLAIN (ANALYZE, BUFFERS), group_by={group_by}:")
                    with conn.transaction():  # as llm_analytics runs it
                        conn.execute("SET LOCAL work_mem = '64MB'")
                        plan = conn.execute(
                            b"EXPLAIN (ANALYZE, BUFFERS) " + analytics_query(group_by).as_bytes(conn),
                            statement,
                        ).fetchall()
                    for (line,) in plan:
                        print(f"  {line}")
        finally:
            # The pool points at the scratch database, which is about to be dropped.
            close_pool()
            if previous is None:
                os.environ.pop("DATABASE_URL", None)
            else:
                os.environ["DATABASE_URL"] = previous
            get_settings.cache_clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=7)
    parser.add_argument("--url", help="PostgreSQL server URL (default: DATABASE_URL or the embedded one)")
    args = parser.parse_args()
    run(args.url, args.rows, args.repeats)


if __name__ == "__main__":
    main()
