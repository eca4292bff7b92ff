"""LLM analytics: every figure against SQL over the raw log, the CSV export, bad input and access."""

from __future__ import annotations

import csv
import io
import itertools
import shutil
import threading
from collections import defaultdict
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from admin_world import (  # noqa: F401 - the *_client imports register fixtures
    admin_client,
    bearer,
    error_of,
    make_user,
    operator_headers,
    public_client,
)
from fastapi.testclient import TestClient

from cvpath.admin.analytics import LATENCY_EDGES_MS, analytics_params, bucket_of
from cvpath.db.migrate import migrate
from cvpath.telemetry.aggregation import aggregate_hour, catch_up, hour_start

HOUR = timedelta(hours=1)
ROUTE = "/api/admin/llm-analytics"
GROUPINGS = ("provider", "model", "agent", "user", "day")
MICRO = Decimal("0.000001")

# 3 days of calls over 3 providers, 4 models, 6 agents, 10 users (and a guest, and ownerless system
# calls that must not count). Every figure varies with i, so a wrong grouping shows.
SEED_SQL = """
INSERT INTO analytics_monitoring.llm_generation_logs
    (run_id, user_id, guest_id, agent, provider, model, attempt, chain_position, input_tokens, output_tokens,
     cost_usd, fee_usd, latency_ms, status, error_code, request, created_at)
SELECT CASE WHEN owner = 'user' THEN (%(runs)s::uuid[])[1 + i %% 20] END,
       CASE WHEN owner = 'user' THEN (%(users)s::uuid[])[1 + (i %% 20) %% 10] END,
       CASE WHEN owner = 'guest' THEN %(guest)s::uuid END,
       CASE WHEN i %% 41 = 0 THEN NULL
            ELSE (ARRAY['CV_PARSER', 'CV_VALIDATOR', 'JOB_PARSER', 'JOB_ANALYZER', 'CV_TAILOR',
                        'COMPARATIVE_SCORER'])[1 + (i * 5) %% 6]::public.agent_name END,
       (ARRAY['openai', 'openai', 'anthropic', 'gemini'])[1 + (i * 13) %% 4],
       (ARRAY['gpt-4o-mini', 'gpt-4o', 'claude-haiku', 'gemini-flash'])[1 + (i * 13) %% 4],
       1 + (i %% 4 = 0)::int, (i %% 9 = 0)::int,
       (i * 31) %% 2000, (i * 17) %% 800,
       ((i * 53) %% 1000) * 0.0000012345,
       CASE WHEN i %% 5 = 0 THEN ((i * 53) %% 1000) * 0.00000012345 ELSE 0 END,
       CASE WHEN i %% 101 = 0 THEN 600000 WHEN i %% 103 = 0 THEN 0 WHEN i %% 7 = 0 THEN i %% 16
            ELSE 5 + (i * 7919) %% 30000 END,
       status, CASE WHEN status <> 'SUCCESS' THEN 'provider_error' END,
       '{}', %(start)s + (i * %(span)s / (%(n)s + 1)) + ((i * 37) %% 60) * interval '1 second'
FROM generate_series(1, %(n)s) AS i
CROSS JOIN LATERAL (SELECT CASE WHEN i %% 97 = 0 THEN 'none' WHEN i %% 50 = 0 THEN 'guest' ELSE 'user' END
                    AS owner,
                    (CASE (i * 11) %% 10 WHEN 0 THEN 'ERROR' WHEN 1 THEN 'TIMEOUT'
                     WHEN 2 THEN 'INVALID_OUTPUT' ELSE 'SUCCESS' END)::analytics_monitoring.llm_call_status
                    AS status) AS pick
"""


@dataclass(frozen=True)
class World:
    first: datetime  # the first seeded hour
    current: datetime  # the hour not aggregated yet
    users: list[UUID]
    guest: UUID
    runs: list[UUID]


def _log(db: psycopg.Connection[Any], at: datetime, **columns: Any) -> None:
    values = {
        "provider": "openai",
        "model": "gpt-4o-mini",
        "latency_ms": 100,
        "status": "SUCCESS",
        "user_id": uuid4(),
        "request": "{}",
        "created_at": at,
        **columns,
    }
    if values["status"] != "SUCCESS":
        values.setdefault("error_code", "provider_error")
    names = ", ".join(values)
    marks = ", ".join(f"%({name})s" for name in values)
    db.execute(f"INSERT INTO analytics_monitoring.llm_generation_logs ({names}) VALUES ({marks})", values)


def _charge(
    db: psycopg.Connection[Any], account: UUID, kind: str, run: UUID, amount: str, held: str, at: datetime
) -> None:
    db.execute(
        """INSERT INTO public.ledger_entries
               (account_id, kind, amount, reserved_delta, balance_after, reserved_after, run_id,
                idempotency_key, created_at)
           VALUES (%s, %s, %s, %s, 10, 0, %s, %s, %s)""",
        [account, kind, -Decimal(amount), -Decimal(held), run, f"{kind.lower()}:{run}", at],
    )


@pytest.fixture(name="world")
def seeded_world(db: psycopg.Connection[Any]) -> World:
    now = datetime.now(UTC)
    current = hour_start(now)
    first = current - 72 * HOUR
    users = [
        db.execute(
            "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [f"u{n}@example.com"]
        ).fetchone()[0]
        for n in range(10)
    ]
    guest, runs = uuid4(), [uuid4() for _ in range(20)]
    db.execute(
        SEED_SQL, {"runs": runs, "users": users, "guest": guest, "start": first, "span": 72 * HOUR, "n": 3000}
    )
    # Calls of the current hour, which only the raw log knows until the hourly job runs.
    for minute in range(12):
        _log(
            db,
            current + timedelta(seconds=minute),
            user_id=users[minute % 10],
            run_id=runs[minute % 10],
            provider="anthropic",
            model="claude-haiku",
            agent="CV_TAILOR",
            latency_ms=900 + minute,
            cost_usd=Decimal("0.0004"),
            status="SUCCESS" if minute % 3 else "TIMEOUT",
        )
    # PAID settlements: runs 0..7 belong to users (r % 10); some settle in the current hour.
    for r in range(8):
        user = users[r % 10]
        account = db.execute(
            "INSERT INTO public.user_accounts (user_id, balance) VALUES (%s, 10) "
            "ON CONFLICT (user_id) DO UPDATE SET balance = 10 RETURNING id",
            [user],
        ).fetchone()[0]
        at = current + timedelta(seconds=30) if r < 2 else first + (5 + 9 * r) * HOUR + timedelta(minutes=r)
        _charge(db, account, "SETTLE", runs[r], f"0.0{r}1234", "0.002", at)
        if r % 2 == 0:
            _charge(db, account, "FEE", runs[r], "0.000321", "0", at)
    run = catch_up(db, now=now)
    assert run.hours[0] <= first
    assert run.hours[-1] == current - HOUR
    return World(first, current, users, guest, runs)


def _raw_key(group_by: str) -> str:
    return {
        "provider": "provider",
        "model": "model",
        "agent": "agent::text",
        "user": "coalesce(user_id, guest_id)::text",
        "day": "to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
    }[group_by]


def _expected(
    db: psycopg.Connection[Any], group_by: str, start: datetime, end: datetime
) -> dict[Any, dict[str, Any]]:
    """The figures straight from the log and the ledger, computed independently of the rollups."""
    rows = db.execute(
        f"""SELECT {_raw_key(group_by)} AS key, count(*), count(*) FILTER (WHERE status = 'SUCCESS'),
                   sum(input_tokens), sum(output_tokens), sum(cost_usd), sum(cost_usd + fee_usd),
                   count(*) FILTER (WHERE chain_position = 0 AND attempt = 1),
                   count(*) FILTER (WHERE chain_position = 0 AND status = 'SUCCESS'),
                   percentile_disc(0.5) WITHIN GROUP (ORDER BY latency_ms),
                   percentile_disc(0.95) WITHIN GROUP (ORDER BY latency_ms)
            FROM analytics_monitoring.llm_generation_logs
            WHERE created_at >= %s AND created_at < %s AND num_nonnulls(user_id, guest_id) = 1
            GROUP BY 1""",
        [start, end],
    ).fetchall()
    expected: dict[Any, dict[str, Any]] = {}
    for key, requests, ok, tin, tout, cost, estimated, calls, first_ok, p50, p95 in rows:
        expected[key] = {
            "requests": requests,
            "successes": ok,
            "input_tokens": tin,
            "output_tokens": tout,
            "cost": cost,
            "estimated": estimated,
            "calls": calls,
            "failures": max(0, calls - first_ok),
            "p50": p50,
            "p95": p95,
            "ledger": Decimal(0),
        }
    for key, amount in _ledger_by_group(db, group_by, start, end).items():
        expected.setdefault(key, {"requests": 0, "ledger": Decimal(0)})["ledger"] += amount
    return expected


def _ledger_by_group(
    db: psycopg.Connection[Any], group_by: str, start: datetime, end: datetime
) -> dict[Any, Decimal]:
    charges = db.execute(
        """SELECT e.run_id, a.user_id::text, to_char(e.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'),
                  -(e.amount + e.reserved_delta)
           FROM public.ledger_entries e JOIN public.user_accounts a ON a.id = e.account_id
           WHERE e.kind IN ('SETTLE', 'FEE') AND e.created_at >= %s AND e.created_at < %s""",
        [start, end],
    ).fetchall()
    result: dict[Any, Decimal] = defaultdict(Decimal)
    for run_id, user, day, charged in charges:
        if group_by in ("user", "day"):
            result[user if group_by == "user" else day] += charged
            continue
        # Split over the run's logged cost per group: an independent computation in Python.
        shares = db.execute(
            f"""SELECT {_raw_key(group_by)}, sum(cost_usd + fee_usd)
                FROM analytics_monitoring.llm_generation_logs WHERE run_id = %s GROUP BY 1""",
            [run_id],
        ).fetchall()
        whole = sum(cost for _, cost in shares)
        for key, cost in shares:
            result[key] += charged * cost / whole
    return result


def _assert_figures(got: dict[str, Any], want: dict[str, Any], where: str) -> None:
    assert got["requests"] == want["requests"], where
    if want["requests"]:
        assert got["successes"] == want["successes"], where
        assert got["success_rate"] == round(want["successes"] / want["requests"], 6), where
        assert (got["input_tokens"], got["output_tokens"]) == (want["input_tokens"], want["output_tokens"]), (
            where
        )
        assert Decimal(got["cost_usd"]) == want["cost"].quantize(MICRO), where
        assert Decimal(got["estimated_cost_usd"]) == want["estimated"].quantize(MICRO), where
        assert (got["calls"], got["first_link_failures"]) == (want["calls"], want["failures"]), where
        rate = None if not want["calls"] else round(want["failures"] / want["calls"], 6)
        assert got["failover_rate"] == rate, where
        # Percentiles: within the histogram's precision, i.e. in the bucket of the exact value.
        assert bucket_of(got["p50_latency_ms"]) == bucket_of(want["p50"]), where
        assert bucket_of(got["p95_latency_ms"]) == bucket_of(want["p95"]), where
        if want["p50"] < 16:
            assert got["p50_latency_ms"] == want["p50"], where
    assert abs(Decimal(got["ledger_actual_cost_usd"]) - want["ledger"]) <= MICRO, where


@pytest.mark.parametrize("group_by", GROUPINGS)
def test_every_figure_matches_sql_over_the_raw_log(
    group_by: str, world: World, admin_api: TestClient, operator: dict[str, str], db: psycopg.Connection[Any]
) -> None:
    start, end = world.first, world.current + HOUR
    answer = admin_api.get(
        ROUTE,
        params={"from": start.isoformat(), "to": end.isoformat(), "group_by": group_by},
        headers=operator,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["group_by"] == group_by
    assert datetime.fromisoformat(body["aggregated_until"]) == world.current
    expected = _expected(db, group_by, start, end)
    got = {item["key"]: item for item in body["items"]}
    assert set(got) == set(expected)
    for key, want in expected.items():
        _assert_figures(got[key], want, f"{group_by}={key}")
    totals = _expected(db, "day", start, end)
    assert body["totals"]["requests"] == sum(w["requests"] for w in totals.values())
    assert Decimal(body["totals"]["cost_usd"]) == sum(
        w["cost"] for w in totals.values() if "cost" in w
    ).quantize(MICRO)
    assert (
        abs(Decimal(body["totals"]["ledger_actual_cost_usd"]) - sum(w["ledger"] for w in totals.values()))
        <= MICRO
    )
    if group_by == "user":
        owners = {item["key"]: item["owner"] for item in body["items"]}
        assert owners[str(world.guest)] == "guest"
        assert {owners[str(user)] for user in world.users} == {"user"}
    if group_by == "agent":
        assert None in got  # calls without an agent are a group of their own


def test_the_current_hour_comes_from_the_raw_log(
    world: World, admin_api: TestClient, operator: dict[str, str], db: psycopg.Connection[Any]
) -> None:
    params = {
        "from": world.current.isoformat(),
        "to": (world.current + HOUR).isoformat(),
        "group_by": "model",
    }
    body = admin_api.get(ROUTE, params=params, headers=operator).json()
    stored = db.execute(
        "SELECT count(*) FROM analytics_monitoring.llm_usage_hourly WHERE hour_bucket = %s", [world.current]
    ).fetchone()
    assert stored == (0,)  # not aggregated, yet counted:
    used = [(item["key"], item["requests"], item["successes"]) for item in body["items"] if item["requests"]]
    assert used == [("claude-haiku", 12, 8)]
    # Models the settled runs used earlier carry a share of this hour's charges without requests.
    assert all(Decimal(item["ledger_actual_cost_usd"]) > 0 for item in body["items"] if not item["requests"])
    # Runs 0 and 1 settled this hour: their charges are there too.
    assert Decimal(body["totals"]["ledger_actual_cost_usd"]) == Decimal("0.001234") + Decimal(
        "0.002"
    ) * 2 + Decimal("0.011234") + Decimal("0.000321")


def test_rerunning_an_hour_leaves_the_same_rollups(world: World, db: psycopg.Connection[Any]) -> None:
    query = """SELECT hour_bucket, provider, model, agent, request_count, cost_usd, latency_histogram,
                      ledger_actual_usd
               FROM analytics_monitoring.llm_usage_hourly ORDER BY 1, 2, 3, 4 NULLS FIRST"""
    before = db.execute(query).fetchall()
    owners = db.execute(
        "SELECT count(*), sum(request_count) FROM analytics_monitoring.llm_owner_usage_hourly"
    ).fetchone()
    days = db.execute(DAILY_ROWS).fetchall()
    for hour in (world.first, world.first + 23 * HOUR):
        aggregate_hour(db, hour)
    assert db.execute(query).fetchall() == before
    assert db.execute(DAILY_ROWS).fetchall() == days
    assert _daily_rows(db) == _days_of_the_hourly_rollup(db)
    assert (
        db.execute(
            "SELECT count(*), sum(request_count) FROM analytics_monitoring.llm_owner_usage_hourly"
        ).fetchone()
        == owners
    )
    # The rollups hold what user_model_usage holds, by another grain.
    usage = db.execute(
        "SELECT sum(request_count), sum(cost_usd) FROM analytics_monitoring.user_model_usage"
    ).fetchone()
    assert (
        db.execute(
            "SELECT sum(request_count), sum(cost_usd) FROM analytics_monitoring.llm_usage_hourly"
        ).fetchone()
        == usage
    )


def test_failover_rate_is_the_share_of_calls_whose_first_provider_failed(
    admin_api: TestClient, operator: dict[str, str], db: psycopg.Connection[Any]
) -> None:
    at, user = datetime(2031, 5, 6, 7, 8, tzinfo=UTC), uuid4()

    def attempt(position: int, number: int, status: str, provider: str = "openai") -> None:
        _log(db, at, user_id=user, chain_position=position, attempt=number, status=status, provider=provider)

    attempt(0, 1, "ERROR")  # call 1: a retry on the first link succeeds: no failover
    attempt(0, 2, "SUCCESS")
    attempt(0, 1, "TIMEOUT")  # call 2: the second provider answers
    attempt(1, 1, "SUCCESS", "anthropic")
    attempt(0, 1, "SUCCESS")  # call 3: plain success
    attempt(0, 1, "RATE_LIMITED")  # call 4: two failed attempts, then two more links
    attempt(0, 2, "RATE_LIMITED")
    attempt(1, 1, "ERROR", "anthropic")
    attempt(2, 1, "SUCCESS", "offline")
    params = {"from": "2031-05-06T07:00:00Z", "to": "2031-05-06T08:00:00Z", "group_by": "provider"}
    body = admin_api.get(ROUTE, params=params, headers=operator).json()
    assert (
        body["totals"]["calls"],
        body["totals"]["first_link_failures"],
        body["totals"]["failover_rate"],
    ) == (4, 2, 0.5)
    by_provider = {item["key"]: item for item in body["items"]}
    assert by_provider["openai"]["failover_rate"] == 0.5  # calls are the first link's
    assert by_provider["anthropic"]["calls"] == 0
    assert by_provider["anthropic"]["failover_rate"] is None


def test_percentiles_are_within_the_histograms_documented_precision(db: psycopg.Connection[Any]) -> None:
    edges = db.execute("SELECT analytics_monitoring.llm_latency_edges()").fetchone()
    assert edges is not None
    assert tuple(edges[0]) == LATENCY_EDGES_MS
    for low, high in itertools.pairwise(LATENCY_EDGES_MS[15:]):
        assert high <= low * 1.22  # "at most 22 % wider than its lower edge"
    for latency in (0, 1, 15, 16, 18, 19, 300, 524287, 524288, 10**7):
        sql_bucket = db.execute(
            "SELECT width_bucket(%s, analytics_monitoring.llm_latency_edges())", [latency]
        ).fetchone()
        assert sql_bucket == (bucket_of(latency),)


def test_an_empty_range_has_no_items_and_zero_totals(admin_api: TestClient, operator: dict[str, str]) -> None:
    for params in (
        {"from": "2005-01-01T00:00:00Z", "to": "2005-01-02T00:00:00Z"},
        {"from": "2031-01-01T10:30:00Z", "to": "2031-01-01T10:30:00Z"},
    ):
        body = admin_api.get(ROUTE, params=params, headers=operator).json()
        assert body["items"] == []
        totals = body["totals"]
        assert (totals["requests"], totals["cost_usd"], totals["ledger_actual_cost_usd"]) == (
            0,
            "0.000000",
            "0.000000",
        )
        assert (totals["success_rate"], totals["p50_latency_ms"], totals["failover_rate"]) == (
            None,
            None,
            None,
        )


def test_the_default_range_is_the_last_seven_days_in_whole_hours(
    admin_api: TestClient, operator: dict[str, str]
) -> None:
    body = admin_api.get(ROUTE, headers=operator).json()
    start, end = datetime.fromisoformat(body["from"]), datetime.fromisoformat(body["to"])
    assert end == hour_start(datetime.now(UTC)) + HOUR or end == hour_start(datetime.now(UTC))
    assert end - start in (7 * 24 * HOUR, 7 * 24 * HOUR + HOUR)
    assert body["group_by"] == "provider"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"group_by": "provider; DROP TABLE x"}, "group_by"),
        ({"group_by": "tier"}, "group_by"),
        ({"from": "2031-01-02T00:00:00Z", "to": "2031-01-01T00:00:00Z"}, None),
        ({"from": "2030-01-01T00:00:00Z", "to": "2031-01-03T00:00:00Z"}, None),
        ({"from": "not a date"}, "from"),
        ({"to": "1970-01-01T00:00:00Z"}, None),
    ],
)
def test_bad_input_is_422(
    params: dict[str, str],
    field: str | None,
    admin_api: TestClient,
    operator: dict[str, str],
    db: psycopg.Connection[Any],
) -> None:
    for route in (ROUTE, f"{ROUTE}/export.csv"):
        error = error_of(admin_api.get(route, params=params, headers=operator), 422)
        assert error["code"] == "validation_failed"
        if field:
            assert [e["loc"] for e in error["details"]["errors"]] == [["query", field]]
    assert db.execute("SELECT to_regclass('analytics_monitoring.llm_generation_logs')").fetchone() != (None,)


def test_a_range_of_exactly_366_days_is_allowed(admin_api: TestClient, operator: dict[str, str]) -> None:
    params = {"from": "2030-01-01T00:00:00Z", "to": "2031-01-02T00:00:00Z"}
    assert admin_api.get(ROUTE, params=params, headers=operator).status_code == 200


def test_non_admins_get_403_and_strangers_401(
    public: TestClient, admin_api: TestClient, db: psycopg.Connection[Any]
) -> None:
    person = make_user(public, "analyst@example.com", db=db)
    for route in (ROUTE, f"{ROUTE}/export.csv"):
        assert error_of(admin_api.get(route), 401)["code"] == "not_authenticated"
        assert error_of(admin_api.get(route, headers=bearer(person.access_token)), 403)["code"] == "forbidden"


def test_the_csv_export_has_one_row_per_group_and_defuses_formulas(
    admin_api: TestClient, operator: dict[str, str], db: psycopg.Connection[Any]
) -> None:
    at = datetime(2031, 7, 1, 12, tzinfo=UTC)
    hostile = ['=HYPERLINK("http://x")', "+1", "-2", "@SUM(A1)", 'plain, "quoted"\nmodel']
    for n, model in enumerate(hostile):
        _log(db, at, model=model, cost_usd=Decimal(n + 1) / 1000, latency_ms=10 + n)
    params = {"from": "2031-07-01T12:00:00Z", "to": "2031-07-01T13:00:00Z", "group_by": "model"}
    answer = admin_api.get(f"{ROUTE}/export.csv", params=params, headers=operator)
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "llm-analytics-model.csv" in answer.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(answer.text)))
    assert rows[0][:4] == ["model", "owner", "requests", "successes"]
    assert len(rows) == 1 + len(hostile)
    keys = {row[0] for row in rows[1:]}
    assert keys == {"'" + m for m in hostile[:4]} | {hostile[4]}
    json_body = admin_api.get(ROUTE, params=params, headers=operator).json()
    by_key = {item["key"]: item for item in json_body["items"]}
    for row in rows[1:]:
        item = by_key[row[0].removeprefix("'")]
        assert row[2] == str(item["requests"])
        assert row[7] == item["cost_usd"]
    assert answer.text.endswith("\r\n")


def test_a_guest_who_registered_is_reported_as_the_user(
    admin_api: TestClient, operator: dict[str, str], db: psycopg.Connection[Any]
) -> None:
    at = datetime(2031, 8, 1, 9, tzinfo=UTC)
    guest = db.execute("INSERT INTO public.guest_users DEFAULT VALUES RETURNING id").fetchone()[0]
    user = db.execute("INSERT INTO public.users (email) VALUES ('g@example.com') RETURNING id").fetchone()[0]
    _log(db, at, user_id=None, guest_id=guest)
    _log(db, at, user_id=user)
    aggregate_hour(db, at)
    db.execute("SELECT public.migrate_guest_to_user(%s, %s)", [guest, user])
    params = {"from": "2031-08-01T09:00:00Z", "to": "2031-08-01T10:00:00Z", "group_by": "user"}
    body = admin_api.get(ROUTE, params=params, headers=operator).json()
    assert [(item["key"], item["owner"], item["requests"]) for item in body["items"]] == [
        (str(user), "user", 2)
    ]


# The daily owner rollup (0018): each (day, owner) row must be the sum of that day's hourly owner rows.
_OWNER_FIGURES = """request_count, success_count, input_tokens, output_tokens, cost_usd, fee_usd, call_count,
                    first_link_successes, latency_histogram, ledger_actual_usd"""
DAILY_ROWS = f"""SELECT day_bucket, user_id, guest_id, {_OWNER_FIGURES}
                 FROM analytics_monitoring.llm_owner_usage_daily ORDER BY 1, 2 NULLS FIRST, 3 NULLS FIRST"""


def _daily_rows(db: psycopg.Connection[Any]) -> dict[tuple[Any, ...], list[Any]]:
    return {(day, user, guest): list(figures) for day, user, guest, *figures in db.execute(DAILY_ROWS)}


def _days_of_the_hourly_rollup(db: psycopg.Connection[Any]) -> dict[tuple[Any, ...], list[Any]]:
    """The daily rows computed here in Python from the hourly ones, independently of the SQL function."""
    days: dict[tuple[Any, ...], list[Any]] = {}
    hourly = f"""SELECT hour_bucket, user_id, guest_id, {_OWNER_FIGURES}
                  FROM analytics_monitoring.llm_owner_usage_hourly"""
    for hour, user, guest, *figures in db.execute(hourly):
        key = (hour.astimezone(UTC).replace(hour=0), user, guest)
        if key not in days:
            days[key] = figures
            continue
        summed = days[key]
        for n, value in enumerate(figures):
            summed[n] = (
                [a + b for a, b in zip(summed[n], value, strict=True)]
                if isinstance(value, list)
                else (summed[n] + value)
            )
    return days


def test_the_daily_rollup_is_the_sum_of_the_hourly_one(world: World, db: psycopg.Connection[Any]) -> None:
    days = _daily_rows(db)
    assert len({day for day, _, _ in days}) >= 3  # 72 hours touch four UTC days (three from midnight)
    assert days == _days_of_the_hourly_rollup(db)


DAY_WORLD_FIRST = datetime(2031, 3, 1, 5, tzinfo=UTC)  # partial first day: 05:00..24:00
DAY_WORLD_SPLIT = datetime(2031, 3, 4, 10, tzinfo=UTC)  # aggregated up to 09:00 of a fourth day


@pytest.fixture(name="day_world")
def whole_days_world(db: psycopg.Connection[Any]) -> World:
    """Calls from 2031-03-01 05:00 to 2031-03-04 10:40, aggregated (watermark) up to 09:00 of the 4th."""
    users = [
        db.execute(
            "INSERT INTO public.users (email) VALUES (%s) RETURNING id", [f"d{n}@example.com"]
        ).fetchone()[0]
        for n in range(10)
    ]
    guest = db.execute("INSERT INTO public.guest_users DEFAULT VALUES RETURNING id").fetchone()[0]
    runs = [uuid4() for _ in range(20)]
    span = DAY_WORLD_SPLIT + timedelta(minutes=40) - DAY_WORLD_FIRST
    db.execute(
        SEED_SQL,
        {"runs": runs, "users": users, "guest": guest, "start": DAY_WORLD_FIRST, "span": span, "n": 2400},
    )
    # Charges in the partial first day, in whole days, in the partial last day and after the watermark.
    moments = [DAY_WORLD_FIRST + timedelta(hours=h, minutes=7) for h in (2, 30, 55, 75, 77)]
    for r, at in enumerate(moments):
        account = db.execute(
            "INSERT INTO public.user_accounts (user_id, balance) VALUES (%s, 10) RETURNING id", [users[r]]
        ).fetchone()[0]
        _charge(db, account, "SETTLE", runs[r], f"0.00{r}4321", "0.001", at)
    hour = DAY_WORLD_FIRST
    while hour < DAY_WORLD_SPLIT:
        aggregate_hour(db, hour, advance_watermark=True)
        hour += HOUR
    return World(DAY_WORLD_FIRST, DAY_WORLD_SPLIT, users, guest, runs)


def _assert_user_figures_match_the_raw_log(
    admin_api: TestClient,
    operator: dict[str, str],
    db: psycopg.Connection[Any],
    start: datetime,
    end: datetime,
) -> None:
    params = {"from": start.isoformat(), "to": end.isoformat(), "group_by": "user"}
    body = admin_api.get(ROUTE, params=params, headers=operator).json()
    expected = _expected(db, "user", start, end)
    got = {item["key"]: item for item in body["items"]}
    assert set(got) == set(expected), (start, end)
    for key, want in expected.items():
        _assert_figures(got[key], want, f"user={key} in [{start}, {end})")


@pytest.mark.parametrize(
    ("start", "end", "whole_days"),
    [
        # 19 partial hours, two whole days, 10 hours of the 4th day, then the raw log.
        (DAY_WORLD_FIRST, DAY_WORLD_SPLIT + HOUR, 2),
        # partial hours at both ends, ending before the watermark.
        (DAY_WORLD_FIRST + 3 * HOUR, DAY_WORLD_SPLIT - 4 * HOUR, 2),
        # exactly whole days.
        (datetime(2031, 3, 2, tzinfo=UTC), datetime(2031, 3, 4, tzinfo=UTC), 2),
        # one whole day, the range ending after the watermark in the middle of the last day.
        (datetime(2031, 3, 2, 23, tzinfo=UTC), DAY_WORLD_SPLIT + HOUR, 1),
        # no whole day at all.
        (DAY_WORLD_FIRST + HOUR, DAY_WORLD_FIRST + 6 * HOUR, 0),
    ],
)
def test_whole_days_from_the_daily_rollup_and_partial_hours_match_the_raw_log(
    start: datetime,
    end: datetime,
    whole_days: int,
    day_world: World,
    admin_api: TestClient,
    operator: dict[str, str],
    db: psycopg.Connection[Any],
) -> None:
    params = analytics_params(start, min(end, day_world.current), end)
    assert (params["days_to"] - params["days_from"]).days == whole_days  # the path under test is taken
    if whole_days:
        stored = db.execute(
            """SELECT count(*) FROM analytics_monitoring.llm_owner_usage_daily
               WHERE day_bucket >= %s AND day_bucket < %s""",
            [params["days_from"], params["days_to"]],
        ).fetchone()
        assert stored is not None
        assert stored[0] > 0
    _assert_user_figures_match_the_raw_log(admin_api, operator, db, start, end)


def test_a_rerun_hour_and_a_migrated_guest_reach_the_daily_rollup(
    day_world: World, admin_api: TestClient, operator: dict[str, str], db: psycopg.Connection[Any]
) -> None:
    late_hour = datetime(2031, 3, 2, 14, tzinfo=UTC)  # inside a whole day
    user = day_world.users[3]
    _log(db, late_hour + timedelta(minutes=5), user_id=user, latency_ms=123456, cost_usd=Decimal("0.5"))
    aggregate_hour(db, late_hour)
    assert _daily_rows(db) == _days_of_the_hourly_rollup(db)
    db.execute("SELECT public.migrate_guest_to_user(%s, %s)", [day_world.guest, user])
    start, end = DAY_WORLD_FIRST + 2 * HOUR, DAY_WORLD_SPLIT + HOUR
    _assert_user_figures_match_the_raw_log(admin_api, operator, db, start, end)
    params = {"from": start.isoformat(), "to": end.isoformat(), "group_by": "user"}
    items = admin_api.get(ROUTE, params=params, headers=operator).json()["items"]
    assert str(day_world.guest) not in {item["key"] for item in items}  # merged into the user


def test_two_hours_of_one_day_aggregated_at_once_both_reach_the_daily_rollup(
    pooled_db: str, db: psycopg.Connection[Any]
) -> None:
    day = datetime(2031, 6, 1, tzinfo=UTC)
    user = uuid4()
    for hour in (3, 4):
        _log(db, day + hour * HOUR, user_id=user, latency_ms=100 * hour)
    errors: list[psycopg.Error] = []
    with psycopg.connect(pooled_db, autocommit=True) as first:
        with first.transaction():
            aggregate_hour(first, day + 3 * HOUR)

            def second() -> None:
                try:
                    with psycopg.connect(pooled_db, autocommit=True) as conn:
                        aggregate_hour(conn, day + 4 * HOUR)
                except psycopg.Error as error:  # a unique violation without the day lock: reported below
                    errors.append(error)

            worker = threading.Thread(target=second)
            worker.start()
            worker.join(timeout=1)
            assert worker.is_alive()  # waiting for the day, which the first transaction holds
        worker.join(timeout=10)
    assert not worker.is_alive()
    assert errors == []
    assert _daily_rows(db) == _days_of_the_hourly_rollup(db)
    rows = db.execute("SELECT request_count FROM analytics_monitoring.llm_owner_usage_daily").fetchall()
    assert rows == [(2,)]


def test_the_migration_backfills_the_daily_rollup(empty_db_url: str, sql_dir: Path, tmp_path: Path) -> None:
    for path in sorted(sql_dir.glob("*.sql")):
        if path.name < "0018":
            shutil.copy(path, tmp_path / path.name)
    with psycopg.connect(empty_db_url, autocommit=True) as conn:
        migrate(conn, tmp_path)
        at = datetime(2031, 9, 9, 22, 30, tzinfo=UTC)
        users = [uuid4(), uuid4()]
        for n in range(7):
            _log(conn, at + n * 20 * timedelta(minutes=1), user_id=users[n % 2], latency_ms=40 * n)
        for hour in (
            at - 30 * timedelta(minutes=1),
            at + 30 * timedelta(minutes=1),
            at + 90 * timedelta(minutes=1),
        ):
            conn.execute("SELECT analytics_monitoring.aggregate_llm_usage_hour(%s)", [hour])  # 0017's job
        shutil.copy(sql_dir / "0018.admin_owner_rollup.sql", tmp_path)
        assert [m.name for m in migrate(conn, tmp_path)] == ["0018.admin_owner_rollup.sql"]
        days = _daily_rows(conn)
        assert len(days) == 4  # two owners on two UTC days
        assert days == _days_of_the_hourly_rollup(conn)
