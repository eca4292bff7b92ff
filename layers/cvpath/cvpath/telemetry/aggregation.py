"""The hourly job: LLM usage per person, model, provider and hour, and the score insights.

``user_model_usage`` is derived from ``llm_generation_logs`` one UTC hour at a
time. An hour is recomputed from the log and replaces what was there, in one
transaction, so running an hour twice (a retried schedule, a manual re-run)
leaves the same rows. Calls without an owner (system pings) have no usage row.

The watermark (``aggregation_watermarks``) is the last hour the scheduled path
finished; each run aggregates every hour after it up to the last complete hour,
so a missed schedule is caught up, at most ``MAX_CATCH_UP_HOURS`` back.

The same transaction replaces the hour of the admin analytics rollups
(``llm_usage_hourly`` by provider, model and agent, ``llm_owner_usage_hourly``
by owner; migration 0017): they add latency histograms, first-link failures and
the ledger's charges, which ``user_model_usage`` cannot hold. The SQL function
that does it also refreshes that hour's day in ``llm_owner_usage_daily``
(migration 0018), so a month by owner reads days, not hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from cvpath.errors import ValidationFailed

HOUR = timedelta(hours=1)
MAX_CATCH_UP_HOURS = 7 * 24
WATERMARK_JOB = "user_model_usage"
# Any fixed number: the first key of the per-hour advisory lock.
_LOCK_CLASS = 0x0C7A_0008

_REPLACE_HOUR = "DELETE FROM analytics_monitoring.user_model_usage WHERE hour_bucket = %(hour)s"
_AGGREGATE_HOUR = """
INSERT INTO analytics_monitoring.user_model_usage
    (user_id, guest_id, model, provider, hour_bucket, request_count, success_count, error_count,
     input_tokens, output_tokens, cost_usd, total_latency_ms)
SELECT user_id, guest_id, model, provider, %(hour)s,
       count(*),
       count(*) FILTER (WHERE status = 'SUCCESS'),
       count(*) FILTER (WHERE status <> 'SUCCESS'),
       sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(latency_ms)
FROM analytics_monitoring.llm_generation_logs
WHERE created_at >= %(hour)s AND created_at < %(end)s
  AND num_nonnulls(user_id, guest_id) = 1
GROUP BY user_id, guest_id, model, provider
"""
_AGGREGATE_ANALYTICS_HOUR = "SELECT analytics_monitoring.aggregate_llm_usage_hour(%(hour)s)"
_ADVANCE_WATERMARK = """
INSERT INTO analytics_monitoring.aggregation_watermarks AS w (job, last_hour)
VALUES (%(job)s, %(hour)s)
ON CONFLICT (job) DO UPDATE SET last_hour = GREATEST(w.last_hour, excluded.last_hour), updated_at = now()
"""


@dataclass(frozen=True)
class AggregationRun:
    """What one scheduled run did: the hours aggregated (oldest first), and hours beyond the bound."""

    hours: list[datetime] = field(default_factory=list)
    skipped_hours: int = 0


def hour_start(moment: datetime) -> datetime:
    """The start of the UTC hour containing ``moment`` (a naive moment is taken as UTC)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return aware.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def last_complete_hour(now: datetime) -> datetime:
    return hour_start(now) - HOUR


def aggregate_hour(conn: psycopg.Connection[Any], hour: datetime, *, advance_watermark: bool = False) -> int:
    """Recompute ``user_model_usage`` (and the analytics rollups) for the UTC hour starting at ``hour``.

    Returns the ``user_model_usage`` rows written.

    One transaction (a savepoint inside the caller's): the hour's old rows go and
    the new ones come together. ``advance_watermark`` moves the scheduled job's
    watermark up to this hour in the same transaction.
    """
    if hour.tzinfo is None or hour != hour_start(hour):
        raise ValidationFailed(
            "the hour to aggregate must be the timezone-aware start of a UTC hour",
            details={"hour": hour.isoformat()},
        )
    params = {"hour": hour, "end": hour + HOUR, "job": WATERMARK_JOB}
    with conn.transaction():
        # Two runs of the same hour (an overlapping schedule) would both delete, then collide on insert.
        conn.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_CLASS, int(hour.timestamp() // 3600) % 2**31]
        )
        conn.execute(_REPLACE_HOUR, params)
        written = conn.execute(_AGGREGATE_HOUR, params).rowcount
        conn.execute(_AGGREGATE_ANALYTICS_HOUR, params)
        if advance_watermark:
            conn.execute(_ADVANCE_WATERMARK, params)
    return written


def watermark(conn: psycopg.Connection[Any]) -> datetime | None:
    """The last hour the scheduled job aggregated, or None before its first run."""
    row = conn.execute(
        "SELECT last_hour FROM analytics_monitoring.aggregation_watermarks WHERE job = %s", [WATERMARK_JOB]
    ).fetchone()
    return None if row is None else hour_start(row[0])


def catch_up(
    conn: psycopg.Connection[Any], *, now: datetime | None = None, max_hours: int = MAX_CATCH_UP_HOURS
) -> AggregationRun:
    """Aggregate every hour after the watermark up to the last complete one, oldest first.

    At most ``max_hours`` hours, the most recent ones: older missed hours are
    counted in ``skipped_hours`` (``cvpath jobs run hourly-aggregation --hour``
    recomputes any of them). Before the first run the bound alone decides.
    Each hour commits on its own, so an interrupted run resumes where it stopped.
    """
    if max_hours < 1:
        raise ValidationFailed("max_hours must be at least 1", details={"max_hours": max_hours})
    target = last_complete_hour(now or datetime.now(UTC))
    oldest_allowed = target - (max_hours - 1) * HOUR
    last_done = watermark(conn)
    first = oldest_allowed if last_done is None else max(last_done + HOUR, oldest_allowed)
    skipped = 0
    if last_done is not None and last_done + HOUR < oldest_allowed:
        skipped = int((oldest_allowed - last_done - HOUR) / HOUR)
    hours: list[datetime] = []
    hour = first
    while hour <= target:
        aggregate_hour(conn, hour, advance_watermark=True)
        hours.append(hour)
        hour += HOUR
    return AggregationRun(hours=hours, skipped_hours=skipped)


def month_period(moment: datetime) -> tuple[datetime, datetime]:
    """The UTC calendar month containing ``moment``: the period score insights are kept for."""
    start = hour_start(moment).replace(day=1, hour=0)
    end = (
        start.replace(year=start.year + 1, month=1)
        if start.month == 12
        else start.replace(month=start.month + 1)
    )
    return start, end


def refresh_pattern_insights(
    conn: psycopg.Connection[Any], period_start: datetime, period_end: datetime, *, min_sample: int = 3
) -> int:
    """Replace the COMPARATIVE_SCORER insights of the period (stored procedure of 0012); returns how many."""
    if min_sample < 1:
        raise ValidationFailed("min_sample must be at least 1", details={"min_sample": min_sample})
    if period_end <= period_start:
        raise ValidationFailed(
            "the insight period must end after it starts",
            details={"start": period_start.isoformat(), "end": period_end.isoformat()},
        )
    with conn.transaction():
        row = conn.execute(
            "SELECT analytics_monitoring.refresh_pattern_insights(%s, %s, %s)",
            [period_start, period_end, min_sample],
        ).fetchone()
    assert row is not None  # a scalar function returns one row
    return int(row[0])
