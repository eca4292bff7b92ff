"""The statistics queries return the right aggregates for seeded data, zero-filled and bounded."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from usage_seed import action, error_event, log_call, page_view, session_started

from cvpath.errors import ValidationFailed
from cvpath.telemetry.aggregation import aggregate_hour
from cvpath.telemetry.stats import llm_usage, overview, user_activity
from cvpath.telemetry.stats_range import StatsRange

DAY1 = datetime(2032, 7, 1, tzinfo=UTC)
DAY2 = DAY1 + timedelta(days=1)
HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def _in_the_test_transaction(conn: psycopg.Connection[Any]) -> None:
    conn.execute("SELECT 1")


def test_overview_counts_each_source_per_day_with_zero_days_and_totals(conn: psycopg.Connection[Any]) -> None:
    user = uuid4()
    for minutes in (5, 65, 600):
        page_view(conn, DAY1 + timedelta(minutes=minutes))
    page_view(conn, DAY2 + 3 * HOUR)
    page_view(conn, DAY1 - timedelta(seconds=1))  # before the range
    session_started(conn, DAY1 + HOUR)
    action(conn, DAY2 + HOUR)
    error_event(conn, DAY1 + 2 * HOUR)
    log_call(
        conn,
        DAY1 + timedelta(minutes=10),
        user_id=user,
        cost="0.2500000000",
        input_tokens=10,
        output_tokens=5,
    )
    log_call(conn, DAY1 + timedelta(minutes=20), user_id=user, status="ERROR", cost="0")
    aggregate_hour(conn, DAY1)

    result = overview(conn, DAY1 + timedelta(hours=7), DAY2 + timedelta(days=1, hours=2), "day")

    assert (result["from"], result["to"]) == (DAY1.isoformat(), (DAY2 + timedelta(days=2)).isoformat())
    assert [b["start"] for b in result["buckets"]] == [
        DAY1.isoformat(),
        DAY2.isoformat(),
        (DAY2 + timedelta(days=1)).isoformat(),
    ]
    first, second, third = result["buckets"]
    assert first | {"start": None} == {
        "start": None,
        "page_views": 3,
        "sessions": 1,
        "actions": 0,
        "errors": 1,
        "llm_requests": 2,
        "llm_errors": 1,
        "llm_tokens": 165,
        "llm_cost_usd": "0.2500000000",
    }
    assert (second["page_views"], second["actions"], second["llm_cost_usd"]) == (1, 1, "0.0000000000")
    assert third["page_views"] == 0
    assert result["totals"]["page_views"] == 4
    assert result["totals"]["llm_requests"] == 2


def test_user_activity_counts_distinct_people_per_hour_and_over_the_range(
    conn: psycopg.Connection[Any],
) -> None:
    user, guest, anonymous = uuid4(), uuid4(), uuid4()
    s_user, s_guest = uuid4(), uuid4()
    page_view(conn, DAY1 + timedelta(minutes=1), session=s_user, user_id=user)
    action(conn, DAY1 + timedelta(minutes=2), session=s_user, user_id=user)
    page_view(conn, DAY1 + timedelta(minutes=3), session=s_guest, guest_id=guest)
    page_view(conn, DAY1 + timedelta(minutes=4), session=anonymous)
    page_view(conn, DAY1 + timedelta(minutes=70), session=s_user, user_id=user)

    result = user_activity(conn, DAY1, DAY1 + 3 * HOUR, "hour")

    hour0, hour1, hour2 = result["buckets"]
    assert hour0 == {
        "start": DAY1.isoformat(),
        "users": 1,
        "guests": 1,
        "sessions": 3,
        "anonymous_sessions": 1,
        "page_views": 3,
        "actions": 1,
    }
    assert (hour1["users"], hour1["page_views"], hour1["sessions"]) == (1, 1, 1)
    assert hour2["page_views"] == 0
    # The same user in two hours is one user over the range.
    assert result["totals"] == {
        "users": 1,
        "guests": 1,
        "sessions": 3,
        "anonymous_sessions": 1,
        "page_views": 4,
        "actions": 1,
    }


def test_llm_usage_splits_by_provider_and_model(conn: psycopg.Connection[Any]) -> None:
    alice, bob = uuid4(), uuid4()
    log_call(conn, DAY1 + timedelta(minutes=1), user_id=alice, latency_ms=100, cost="0.0000000100")
    log_call(conn, DAY1 + timedelta(minutes=2), user_id=bob, latency_ms=300, cost="0.0000000200")
    log_call(
        conn,
        DAY1 + HOUR + timedelta(minutes=2),
        guest_id=uuid4(),
        model="claude-haiku",
        provider="anthropic",
        status="TIMEOUT",
        latency_ms=1000,
        cost="0",
    )
    aggregate_hour(conn, DAY1)
    aggregate_hour(conn, DAY1 + HOUR)

    result = llm_usage(conn, DAY1, DAY1 + 2 * HOUR, "hour")

    (mini,) = result["buckets"][0]["models"]
    assert mini == {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "requests": 2,
        "successes": 2,
        "errors": 0,
        "input_tokens": 200,
        "output_tokens": 100,
        "people": 2,
        "cost_usd": "0.0000000300",
        "avg_latency_ms": 200.0,
    }
    (haiku,) = result["buckets"][1]["models"]
    assert (haiku["provider"], haiku["errors"], haiku["avg_latency_ms"]) == ("anthropic", 1, 1000.0)
    assert [(m["provider"], m["requests"]) for m in result["models"]] == [("anthropic", 1), ("openai", 2)]
    assert result["totals"]["requests"] == 3
    assert result["totals"]["people"] == 3
    assert result["totals"]["cost_usd"] == "0.0000000300"


def test_an_empty_range_has_zero_totals(conn: psycopg.Connection[Any]) -> None:
    result = llm_usage(conn, datetime(2001, 1, 1, tzinfo=UTC), datetime(2001, 1, 2, tzinfo=UTC), "day")
    assert result["buckets"] == [{"start": "2001-01-01T00:00:00+00:00", "models": []}]
    assert result["totals"]["requests"] == 0
    assert result["totals"]["avg_latency_ms"] is None


@pytest.mark.parametrize(
    ("start", "end", "granularity", "field"),
    [
        (DAY1, DAY1, "day", "to"),
        (DAY2, DAY1, "day", "to"),
        (DAY1, DAY2, "week", "granularity"),
        (DAY1.replace(tzinfo=None), DAY2, "day", "from"),
        (DAY1, DAY1 + timedelta(days=32), "hour", "from"),
        (DAY1, DAY1 + timedelta(days=400), "day", "from"),
        (datetime(1990, 1, 1, tzinfo=UTC), DAY1, "day", "from"),
    ],
)
def test_bad_ranges_are_refused_naming_the_field(
    start: datetime, end: datetime, granularity: str, field: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        StatsRange.create(start, end, granularity)
    assert refused.value.details["field"] == field


def test_a_range_is_widened_to_whole_buckets() -> None:
    span = StatsRange.create(DAY1 + timedelta(minutes=30), DAY1 + timedelta(hours=2, minutes=1), "hour")
    assert (span.start, span.end) == (DAY1, DAY1 + 3 * HOUR)
    assert list(span.buckets()) == [DAY1, DAY1 + HOUR, DAY1 + 2 * HOUR]
    exact = StatsRange.create(DAY1, DAY1 + 744 * HOUR, "hour")
    assert len(list(exact.buckets())) == 744
