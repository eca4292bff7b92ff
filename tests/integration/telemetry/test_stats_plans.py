"""Each statistics query reads every table through its time index: EXPLAIN on seeded data, seqscan allowed."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from cvpath.telemetry.stats import LLM_USAGE_SQL, OVERVIEW_SQL, USER_ACTIVITY_SQL
from cvpath.telemetry.stats_range import StatsRange

SEED_START = datetime(2033, 1, 1, tzinfo=UTC)
ROWS = 20_000
DAYS = 90
MINUTES = DAYS * 24 * 60
INDEX_NODES = {"Index Scan", "Index Only Scan", "Bitmap Index Scan"}

SEED = f"""
INSERT INTO analytics_monitoring.page_views (event_id, visitor_session_id, user_id, path, occurred_at)
SELECT gen_random_uuid(), gen_random_uuid(), CASE WHEN mod(i, 3) = 0 THEN gen_random_uuid() END, '/',
       %(start)s + (mod(i, {MINUTES})) * interval '1 minute'
FROM generate_series(1, {ROWS}) AS i;
INSERT INTO analytics_monitoring.user_actions (event_id, guest_id, action, occurred_at)
SELECT gen_random_uuid(), gen_random_uuid(), 'cv.upload',
       %(start)s + (mod(i, {MINUTES})) * interval '1 minute'
FROM generate_series(1, {ROWS}) AS i;
INSERT INTO analytics_monitoring.visitor_sessions (id, started_at, last_seen_at)
SELECT gen_random_uuid(), t, t
FROM (SELECT %(start)s + (mod(i, {MINUTES})) * interval '1 minute' AS t
      FROM generate_series(1, {ROWS}) AS i) AS s;
INSERT INTO analytics_monitoring.error_events
    (event_id, fingerprint, source, error_type, message, occurred_at)
SELECT gen_random_uuid(), md5(i::text), 'api', 'Boom', 'boom',
       %(start)s + (mod(i, {MINUTES})) * interval '1 minute'
FROM generate_series(1, {ROWS // 3}) AS i;
INSERT INTO analytics_monitoring.user_model_usage (user_id, model, provider, hour_bucket, request_count)
SELECT gen_random_uuid(), 'gpt-4o-mini', 'openai', %(start)s + (mod(i, {DAYS * 24})) * interval '1 hour', 1
FROM generate_series(1, {ROWS}) AS i;
"""


@pytest.fixture
def seeded(conn: psycopg.Connection[Any]) -> psycopg.Connection[Any]:
    """Three months of events and usage, analyzed, inside the test's rolled-back transaction."""
    for statement in filter(str.strip, SEED.split(";")):
        conn.execute(statement, {"start": SEED_START})
    for table in ("page_views", "user_actions", "visitor_sessions", "error_events", "user_model_usage"):
        conn.execute(f"ANALYZE analytics_monitoring.{table}")
    return conn


def _nodes(plan: dict[str, Any]) -> Iterator[dict[str, Any]]:
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _plan(conn: psycopg.Connection[Any], query: str, granularity: str) -> list[dict[str, Any]]:
    span = StatsRange.create(SEED_START + timedelta(days=40), SEED_START + timedelta(days=41), granularity)
    row = conn.execute("EXPLAIN (FORMAT JSON) " + query, span.params()).fetchone()
    assert row is not None
    document = row[0] if not isinstance(row[0], str) else json.loads(row[0])
    return list(_nodes(document[0]["Plan"]))


def _index_reads(nodes: list[dict[str, Any]]) -> set[str]:
    return {node["Index Name"] for node in nodes if node["Node Type"] in INDEX_NODES}


def _sequential_reads(nodes: list[dict[str, Any]]) -> set[str]:
    return {node["Relation Name"] for node in nodes if node["Node Type"] == "Seq Scan"}


# Query, the bucket size it is asked with, and the index each of its tables must be read through.
EXPECTED = {
    "overview": (
        OVERVIEW_SQL,
        "hour",
        {
            "page_views_occurred_idx",
            "user_actions_occurred_idx",
            "visitor_sessions_started_idx",
            "error_events_occurred_idx",
            "user_model_usage_hour_idx",
        },
    ),
    "user-activity": (USER_ACTIVITY_SQL, "hour", {"page_views_occurred_idx", "user_actions_occurred_idx"}),
    "llm-usage": (LLM_USAGE_SQL, "day", {"user_model_usage_hour_idx"}),
}


def test_each_stats_query_reads_a_day_of_three_months_through_the_time_indexes(
    seeded: psycopg.Connection[Any],
) -> None:
    # One test for the three queries: seeding and analyzing is the slow part.
    for name, (query, granularity, indexes) in EXPECTED.items():
        nodes = _plan(seeded, query, granularity)
        assert indexes <= _index_reads(nodes), name
        assert _sequential_reads(nodes) == set(), name


def test_the_pattern_refresh_finds_score_rows_through_the_kind_index(conn: psycopg.Connection[Any]) -> None:
    """The (kind, created_at) index of 0012 serves the refresh's period filter."""
    conn.execute(
        "SET LOCAL enable_seqscan = off"
    )  # an empty tailor_data: only the index choice is in question
    row = conn.execute(
        """EXPLAIN (FORMAT JSON) SELECT run_id FROM public.tailor_data
           WHERE kind = 'SCORE_AFTER' AND created_at >= %s AND created_at < %s""",
        [SEED_START, SEED_START + timedelta(days=30)],
    ).fetchone()
    assert row is not None
    assert "tailor_data_kind_created_idx" in _index_reads(list(_nodes(row[0][0]["Plan"])))
