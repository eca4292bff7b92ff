"""handle_stats: parameters, status codes and error bodies, through the process pool like the Lambda."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from usage_seed import page_view

from cvpath_telemetry.stats_routes import handle_stats, parse_params

DAY = datetime(2034, 2, 1, tzinfo=UTC)


def test_overview_through_the_pool_answers_200_with_the_figures(db: psycopg.Connection[Any]) -> None:
    page_view(db, DAY + timedelta(hours=5))
    status, body = handle_stats(
        "/stats/overview", {"from": "2034-02-01", "to": "2034-02-03T00:00:00Z", "granularity": "day"}
    )
    assert status == 200
    assert [bucket["page_views"] for bucket in body["buckets"]] == [1, 0]
    assert body["granularity"] == "day"


@pytest.mark.parametrize("path", ["/stats/llm-usage", "/stats/user-activity/"])
def test_the_other_statistics_answer_200(db: psycopg.Connection[Any], path: str) -> None:
    status, body = handle_stats(
        path, {"from": "2034-02-01T00:00", "to": "2034-02-01T03:00", "granularity": "hour"}
    )
    assert status == 200
    assert len(body["buckets"]) == 3


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"from": "yesterday"}, "from"),
        ({"to": "2034-13-01"}, "to"),
        ({"granularity": "minute"}, "granularity"),
        ({"from": "2034-02-02", "to": "2034-02-01"}, "to"),
        ({"from": "2030-01-01", "to": "2034-01-01", "granularity": "hour"}, "from"),
        ({"limit": "5"}, "limit"),
    ],
)
def test_bad_parameters_answer_400_with_the_error_body(params: dict[str, str], field: str) -> None:
    # No database is touched: validation comes first.
    status, body = handle_stats("/stats/overview", params, connect=_no_database)
    assert status == 400
    assert body["error"]["code"] == "validation_failed"
    assert body["error"]["details"]["field"] == field
    assert body["error"]["message"]


def test_an_unknown_statistic_answers_404() -> None:
    status, body = handle_stats("/stats/secrets", {}, connect=_no_database)
    assert status == 404
    assert body["error"]["code"] == "not_found"


def test_an_unreachable_database_answers_503() -> None:
    def unreachable() -> psycopg.Connection[Any]:
        return psycopg.connect("host=127.0.0.1 port=1 dbname=none connect_timeout=1")

    status, body = handle_stats("/stats/overview", {}, connect=unreachable)
    assert status == 503
    assert body["error"]["code"] == "database_unavailable"
    assert "127.0.0.1" not in body["error"]["message"]


def test_defaults_end_now_and_span_a_day_of_hours_or_thirty_days() -> None:
    now = datetime(2034, 2, 10, 12, 30, tzinfo=UTC)
    assert parse_params({}, now=now) == (now - timedelta(days=30), now, "day")
    assert parse_params({"granularity": "hour"}, now=now) == (now - timedelta(hours=24), now, "hour")
    start, end, _ = parse_params({"from": "2034-02-01T10:00:00+02:00", "to": "2034-02-02"}, now=now)
    assert start == datetime(2034, 2, 1, 8, tzinfo=UTC)
    assert end == datetime(2034, 2, 2, tzinfo=UTC)


def _no_database() -> psycopg.Connection[Any]:
    raise AssertionError("validation must fail before any connection is made")
