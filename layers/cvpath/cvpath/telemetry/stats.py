"""The operators' statistics: traffic overview, LLM usage and user activity per hour or day.

Each function runs one aggregated query whose every table is read by a range
on its indexed time column (``*_occurred_idx``, ``visitor_sessions_started_idx``,
``user_model_usage_hour_idx``); tests check the plans. Buckets are UTC hours or
days; the range is widened to whole buckets, and buckets without data are
reported with zeros so a chart needs no gap filling.

LLM figures come from ``user_model_usage``, which the hourly job fills: they
cover complete, aggregated hours, and only calls with an owner (user or guest).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from typing import Any

import psycopg
from psycopg.rows import dict_row

from cvpath.telemetry.stats_range import StatsRange

__all__ = [
    "LLM_USAGE_SQL",
    "OVERVIEW_SQL",
    "USER_ACTIVITY_SQL",
    "StatsRange",
    "llm_usage",
    "overview",
    "user_activity",
]

MONEY = Decimal("0.0000000001")

# Long form (bucket, metric, value): one aggregate per source, no join between sources.
OVERVIEW_SQL = """
SELECT date_trunc(%(unit)s, occurred_at, 'UTC') AS bucket, 'page_views' AS metric, count(*)::numeric AS value
FROM analytics_monitoring.page_views WHERE occurred_at >= %(start)s AND occurred_at < %(end)s GROUP BY 1
UNION ALL
SELECT date_trunc(%(unit)s, started_at, 'UTC'), 'sessions', count(*)
FROM analytics_monitoring.visitor_sessions WHERE started_at >= %(start)s AND started_at < %(end)s GROUP BY 1
UNION ALL
SELECT date_trunc(%(unit)s, occurred_at, 'UTC'), 'actions', count(*)
FROM analytics_monitoring.user_actions WHERE occurred_at >= %(start)s AND occurred_at < %(end)s GROUP BY 1
UNION ALL
SELECT date_trunc(%(unit)s, occurred_at, 'UTC'), 'errors', count(*)
FROM analytics_monitoring.error_events WHERE occurred_at >= %(start)s AND occurred_at < %(end)s GROUP BY 1
UNION ALL
SELECT usage.bucket, figures.metric, figures.value
FROM (
    SELECT date_trunc(%(unit)s, hour_bucket, 'UTC') AS bucket, sum(request_count) AS requests,
           sum(error_count) AS errors, sum(input_tokens + output_tokens) AS tokens, sum(cost_usd) AS cost
    FROM analytics_monitoring.user_model_usage
    WHERE hour_bucket >= %(start)s AND hour_bucket < %(end)s
    GROUP BY 1
) AS usage
CROSS JOIN LATERAL (VALUES ('llm_requests', usage.requests::numeric),
                           ('llm_errors', usage.errors::numeric),
                           ('llm_tokens', usage.tokens::numeric),
                           ('llm_cost_usd', usage.cost)) AS figures (metric, value)
"""
OVERVIEW_COUNTS = ("page_views", "sessions", "actions", "errors", "llm_requests", "llm_errors", "llm_tokens")

# GROUPING SETS: the bucket rows and the whole range's row (bucket NULL), whose
# distinct counts cannot be summed from the buckets.
USER_ACTIVITY_SQL = """
SELECT bucket,
       count(DISTINCT user_id) AS users,
       count(DISTINCT guest_id) AS guests,
       count(DISTINCT visitor_session_id) AS sessions,
       count(DISTINCT visitor_session_id) FILTER (WHERE user_id IS NULL AND guest_id IS NULL)
           AS anonymous_sessions,
       count(*) FILTER (WHERE is_view) AS page_views,
       count(*) FILTER (WHERE NOT is_view) AS actions
FROM (
    SELECT date_trunc(%(unit)s, occurred_at, 'UTC') AS bucket, user_id, guest_id, visitor_session_id,
           true AS is_view
    FROM analytics_monitoring.page_views WHERE occurred_at >= %(start)s AND occurred_at < %(end)s
    UNION ALL
    SELECT date_trunc(%(unit)s, occurred_at, 'UTC'), user_id, guest_id, visitor_session_id, false
    FROM analytics_monitoring.user_actions WHERE occurred_at >= %(start)s AND occurred_at < %(end)s
) AS activity
GROUP BY GROUPING SETS ((bucket), ())
"""
USER_ACTIVITY_COUNTS = ("users", "guests", "sessions", "anonymous_sessions", "page_views", "actions")

LLM_USAGE_SQL = """
SELECT bucket, provider, model,
       sum(request_count) AS requests, sum(success_count) AS successes, sum(error_count) AS errors,
       sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens, sum(cost_usd) AS cost_usd,
       sum(total_latency_ms) AS latency_ms, count(DISTINCT coalesce(user_id, guest_id)) AS people
FROM (
    SELECT date_trunc(%(unit)s, hour_bucket, 'UTC') AS bucket, provider, model, user_id, guest_id,
           request_count, success_count, error_count, input_tokens, output_tokens, cost_usd, total_latency_ms
    FROM analytics_monitoring.user_model_usage
    WHERE hour_bucket >= %(start)s AND hour_bucket < %(end)s
) AS usage
GROUP BY GROUPING SETS ((bucket, provider, model), (provider, model), ())
"""
LLM_COUNTS = ("requests", "successes", "errors", "input_tokens", "output_tokens", "people")


def overview(
    conn: psycopg.Connection[Any], start: datetime, end: datetime, granularity: str
) -> dict[str, Any]:
    """Page views, sessions started, actions, errors and LLM requests/tokens/cost per bucket, with totals."""
    span = StatsRange.create(start, end, granularity)
    values: dict[datetime, dict[str, Decimal]] = {}
    for bucket, metric, value in conn.execute(OVERVIEW_SQL, span.params()).fetchall():
        values.setdefault(bucket, {})[metric] = value
    buckets = [
        _overview_figures(values.get(start_, {})) | {"start": start_.isoformat()} for start_ in span.buckets()
    ]
    totals: dict[str, Decimal] = {}
    for figures in values.values():
        for metric, value in figures.items():
            totals[metric] = totals.get(metric, Decimal(0)) + value
    return span.describe() | {"buckets": buckets, "totals": _overview_figures(totals)}


def user_activity(
    conn: psycopg.Connection[Any], start: datetime, end: datetime, granularity: str
) -> dict[str, Any]:
    """Distinct users, guests, sessions (and ownerless sessions), page views and actions per bucket."""
    span = StatsRange.create(start, end, granularity)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(USER_ACTIVITY_SQL, span.params()).fetchall()
    by_bucket = {row["bucket"]: row for row in rows if row["bucket"] is not None}
    total = next((row for row in rows if row["bucket"] is None), {})
    buckets = [
        {"start": start_.isoformat(), **_counts(by_bucket.get(start_, {}), USER_ACTIVITY_COUNTS)}
        for start_ in span.buckets()
    ]
    return span.describe() | {"buckets": buckets, "totals": _counts(total, USER_ACTIVITY_COUNTS)}


def llm_usage(
    conn: psycopg.Connection[Any], start: datetime, end: datetime, granularity: str
) -> dict[str, Any]:
    """Requests, outcomes, tokens, cost, mean latency and people per provider and model, per bucket."""
    span = StatsRange.create(start, end, granularity)
    with conn.cursor(row_factory=dict_row) as cur:
        rows = cur.execute(LLM_USAGE_SQL, span.params()).fetchall()
    per_bucket: dict[datetime, list[dict[str, Any]]] = {}
    per_model: list[dict[str, Any]] = []
    total: dict[str, Any] = {}
    for row in sorted(rows, key=lambda r: (r["provider"] or "", r["model"] or "")):
        if row["bucket"] is not None:
            per_bucket.setdefault(row["bucket"], []).append(_model_figures(row))
        elif row["provider"] is not None:
            per_model.append(_model_figures(row))
        else:
            total = row
    buckets = [
        {"start": start_.isoformat(), "models": per_bucket.get(start_, [])} for start_ in span.buckets()
    ]
    totals = _usage_figures(total)
    return span.describe() | {"buckets": buckets, "models": per_model, "totals": totals}


def _overview_figures(values: dict[str, Decimal]) -> dict[str, Any]:
    figures: dict[str, Any] = {metric: int(values.get(metric, 0)) for metric in OVERVIEW_COUNTS}
    figures["llm_cost_usd"] = _money(values.get("llm_cost_usd"))
    return figures


def _counts(row: dict[str, Any], names: Iterable[str]) -> dict[str, int]:
    return {name: int(row.get(name) or 0) for name in names}


def _model_figures(row: dict[str, Any]) -> dict[str, Any]:
    return {"provider": row["provider"], "model": row["model"], **_usage_figures(row)}


def _usage_figures(row: dict[str, Any]) -> dict[str, Any]:
    figures: dict[str, Any] = _counts(row, LLM_COUNTS)
    figures["cost_usd"] = _money(row.get("cost_usd"))
    requests = figures["requests"]
    latency = int(row.get("latency_ms") or 0)
    figures["avg_latency_ms"] = round(latency / requests, 1) if requests else None
    return figures


def _money(value: Decimal | None) -> str:
    """USD as an exact decimal string: binary floats would round sums of micro-costs."""
    return f"{(value or Decimal(0)).quantize(MONEY):f}"
