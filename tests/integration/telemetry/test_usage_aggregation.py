"""Hourly usage aggregation: correct sums, idempotent re-runs, catch-up after missed hours."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from usage_seed import log_call, usage_rows

from cvpath.errors import ValidationFailed
from cvpath.telemetry.aggregation import (
    aggregate_hour,
    catch_up,
    hour_start,
    last_complete_hour,
    month_period,
    watermark,
)

HOUR = timedelta(hours=1)
H = datetime(2031, 3, 4, 10, tzinfo=UTC)


@pytest.fixture(autouse=True)
def _in_the_test_transaction(conn: psycopg.Connection[Any]) -> None:
    """Open the rolled-back transaction first: otherwise the code's own transaction block would commit."""
    conn.execute("SELECT 1")


def test_given_calls_in_an_hour_when_aggregated_then_one_row_per_owner_model_and_provider(
    conn: psycopg.Connection[Any],
) -> None:
    user, guest = uuid4(), uuid4()
    log_call(conn, H + timedelta(minutes=1), user_id=user, cost="0.0010000000", latency_ms=300)
    log_call(conn, H + timedelta(minutes=59, seconds=59), user_id=user, status="TIMEOUT", cost="0.0005000000")
    log_call(conn, H + timedelta(minutes=5), user_id=user, model="claude-haiku", provider="anthropic")
    log_call(conn, H + timedelta(minutes=7), guest_id=guest, input_tokens=7, output_tokens=3)
    log_call(conn, H + timedelta(minutes=8))  # no owner: a system call, not anyone's usage
    log_call(conn, H + HOUR, user_id=user)  # the next hour
    log_call(conn, H - timedelta(microseconds=1), user_id=user)  # the previous hour

    written = aggregate_hour(conn, H)

    assert written == 3
    rows = {(row[0], row[2]): row for row in usage_rows(conn)}
    assert set(rows) == {(user, "gpt-4o-mini"), (user, "claude-haiku"), (guest, "gpt-4o-mini")}
    mini = rows[(user, "gpt-4o-mini")]
    # (owner, is_user, model, provider, hour, requests, successes, errors, in, out, cost, latency)
    assert mini[1:] == (True, "gpt-4o-mini", "openai", H, 2, 1, 1, 200, 100, Decimal("0.0015"), 700)
    assert rows[(guest, "gpt-4o-mini")][1] is False
    assert rows[(guest, "gpt-4o-mini")][8:10] == (7, 3)
    assert rows[(user, "claude-haiku")][3] == "anthropic"


def test_given_an_aggregated_hour_when_run_again_then_the_rows_are_the_same(
    conn: psycopg.Connection[Any],
) -> None:
    user = uuid4()
    log_call(conn, H + timedelta(minutes=3), user_id=user)
    aggregate_hour(conn, H)
    first = usage_rows(conn)

    aggregate_hour(conn, H)

    assert usage_rows(conn) == first
    assert len(first) == 1


def test_given_a_late_call_when_the_hour_is_recomputed_then_it_replaces_the_old_figures(
    conn: psycopg.Connection[Any],
) -> None:
    user = uuid4()
    log_call(conn, H + timedelta(minutes=3), user_id=user)
    aggregate_hour(conn, H)
    log_call(conn, H + timedelta(minutes=4), user_id=user, status="RATE_LIMITED")

    aggregate_hour(conn, H)

    (row,) = usage_rows(conn)
    assert row[5:8] == (2, 1, 1)


def test_given_an_hour_whose_calls_are_gone_when_recomputed_then_its_rows_are_removed(
    conn: psycopg.Connection[Any],
) -> None:
    conn.execute(
        """INSERT INTO analytics_monitoring.user_model_usage
               (user_id, model, provider, hour_bucket, request_count)
           VALUES (%s, 'stale', 'openai', %s, 9)""",
        [uuid4(), H],
    )
    assert aggregate_hour(conn, H) == 0
    assert usage_rows(conn) == []


@pytest.mark.parametrize(
    "hour",
    [
        H + timedelta(minutes=30),
        H.replace(tzinfo=None),
        datetime(2031, 3, 4, 12, tzinfo=timezone(timedelta(hours=5, minutes=30))),
    ],
    ids=["mid-hour", "naive", "half-hour-zone"],
)
def test_given_a_bad_hour_when_aggregated_then_validation_fails(
    conn: psycopg.Connection[Any], hour: datetime
) -> None:
    with pytest.raises(ValidationFailed):
        aggregate_hour(conn, hour)


def test_an_hour_start_in_another_zone_is_accepted(conn: psycopg.Connection[Any]) -> None:
    log_call(conn, H + timedelta(minutes=1), user_id=uuid4())
    assert aggregate_hour(conn, datetime(2031, 3, 4, 15, tzinfo=timezone(timedelta(hours=5)))) == 1


def test_given_a_watermark_when_caught_up_then_every_missed_hour_is_done_once(
    conn: psycopg.Connection[Any],
) -> None:
    user = uuid4()
    aggregate_hour(conn, H - 3 * HOUR, advance_watermark=True)
    for back in (2, 1, 0):
        log_call(conn, H - back * HOUR + timedelta(minutes=10), user_id=user)
    log_call(conn, H + HOUR + timedelta(minutes=1), user_id=user)  # the current, incomplete hour
    now = H + HOUR + timedelta(minutes=20)

    run = catch_up(conn, now=now)

    assert run.hours == [H - 2 * HOUR, H - HOUR, H]
    assert run.skipped_hours == 0
    assert watermark(conn) == H
    assert [row[4] for row in usage_rows(conn)] == [H - 2 * HOUR, H - HOUR, H]
    again = catch_up(conn, now=now)
    assert again.hours == []
    assert len(usage_rows(conn)) == 3


def test_given_a_watermark_older_than_the_bound_when_caught_up_then_older_hours_are_counted_as_skipped(
    conn: psycopg.Connection[Any],
) -> None:
    aggregate_hour(conn, H - 10 * HOUR, advance_watermark=True)

    run = catch_up(conn, now=H + timedelta(minutes=5), max_hours=4)

    # The last complete hour is H - 1h: H-4h .. H-1h are done, H-9h .. H-5h are skipped.
    assert run.hours == [H - 4 * HOUR, H - 3 * HOUR, H - 2 * HOUR, H - HOUR]
    assert run.skipped_hours == 5
    assert watermark(conn) == H - HOUR


def test_given_no_watermark_when_caught_up_then_the_bound_alone_decides(
    conn: psycopg.Connection[Any],
) -> None:
    conn.execute("DELETE FROM analytics_monitoring.aggregation_watermarks")
    run = catch_up(conn, now=H + timedelta(minutes=5), max_hours=2)
    assert run.hours == [H - 2 * HOUR, H - HOUR]
    assert run.skipped_hours == 0
    with pytest.raises(ValidationFailed):
        catch_up(conn, now=H, max_hours=0)


def test_an_explicit_hour_does_not_move_the_watermark(conn: psycopg.Connection[Any]) -> None:
    aggregate_hour(conn, H - 5 * HOUR, advance_watermark=True)
    aggregate_hour(conn, H)
    assert watermark(conn) == H - 5 * HOUR


def test_hour_and_month_boundaries_are_utc() -> None:
    assert last_complete_hour(datetime(2031, 1, 1, 0, 30, tzinfo=UTC)) == datetime(
        2030, 12, 31, 23, tzinfo=UTC
    )
    assert hour_start(datetime(2031, 1, 1, 5, 30)) == datetime(2031, 1, 1, 5, tzinfo=UTC)
    assert month_period(datetime(2030, 12, 31, 23, 59, tzinfo=UTC)) == (
        datetime(2030, 12, 1, tzinfo=UTC),
        datetime(2031, 1, 1, tzinfo=UTC),
    )
    assert month_period(datetime(2031, 2, 14, tzinfo=UTC))[1] == datetime(2031, 3, 1, tzinfo=UTC)
