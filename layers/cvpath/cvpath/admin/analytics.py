"""LLM cost analytics for operators: requests, tokens, cost, latency and failover per group.

Source. Complete hours come from the hourly rollups of migration 0017
(``llm_usage_hourly`` by provider, model and agent; ``llm_owner_usage_hourly``
by owner), which the hourly job fills from ``llm_generation_logs`` alongside
``user_model_usage``; hours after the job's watermark (normally just the current
one) are rolled up from the log by the same SQL function at query time, so both
paths count alike. For group_by user, the UTC days wholly before the watermark
come from ``llm_owner_usage_daily`` (0018: the sums of the day's hourly owner
rows, kept by the same job), the partial days at either end from the hours.
Like ``user_model_usage``, only calls with an owner (a user or a guest) count.
The range is widened to whole UTC hours.

Figures per group (and in ``totals``):
- ``requests`` every audited attempt (each retry and failover is one);
  ``success_rate`` = attempts with status SUCCESS / requests.
- ``cost_usd`` the logs' booked provider cost; ``estimated_cost_usd`` that plus
  the logs' ``fee_usd``; ``ledger_actual_cost_usd`` what SETTLE and FEE ledger
  entries created in the range took (reservation and balance) for their runs.
  Per user that is the account's user, per day the entry's day; per provider,
  model and agent each run's charge is split in proportion to the run's logged
  cost in each group (its request count if it logged no cost). Estimated covers
  FREE and BYOK runs too, which the ledger never charges.
- ``p50_latency_ms`` / ``p95_latency_ms``: nearest-rank percentiles of
  ``latency_ms`` read from the fixed-bucket histogram (``LATENCY_EDGES_MS``):
  the value is interpolated inside the bucket that holds the exact percentile,
  so it is exact below 16 ms and within that bucket (at most 22 % wide) above.
  From 524288 ms on, the edge itself is reported (a lower bound).
- ``failover_rate``: of the logical calls (one ``ProviderChain.complete``, i.e.
  the row with chain_position 0 and attempt 1; a re-ask is a call of its own),
  the share whose first link produced no SUCCESS attempt (errors, timeouts, a
  skipped link without a key, and answers that failed validation all count).
  It is computed as (calls - successful first-link attempts) / calls, since a
  link stops at its first success. A call whose retries straddle the end of the
  range can move one failure across it.
"""

from __future__ import annotations

import csv
import io
import math
import operator
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any, Literal

import psycopg
from psycopg import sql

from cvpath.errors import ValidationFailed
from cvpath.money import money_text

GroupBy = Literal["provider", "model", "agent", "user", "day"]
HOUR = timedelta(hours=1)
DAY = timedelta(days=1)
MAX_RANGE = timedelta(days=366)
DEFAULT_RANGE = timedelta(days=7)
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
# Mirrors analytics_monitoring.llm_latency_edges() (0017); a test holds them equal.
LATENCY_EDGES_MS: tuple[int, ...] = (
    *range(1, 17),
    *(19, 23, 27, 32, 38, 45, 54, 64, 76, 91, 108, 128, 152, 181, 215, 256, 304, 362, 431, 512, 609, 724),
    *(861, 1024, 1218, 1448, 1722, 2048, 2435, 2896, 3444, 4096, 4871, 5793, 6889, 8192, 9742, 11585),
    *(13777, 16384, 19484, 23170, 27554, 32768, 38968, 46341, 55109, 65536, 77936, 92682, 110218, 131072),
    *(155872, 185364, 220436, 262144, 311744, 370728, 440872, 524288),
)
BUCKETS = len(LATENCY_EDGES_MS) + 1


def bucket_of(latency_ms: int) -> int:
    """The histogram bucket of a latency, as SQL's ``width_bucket(latency_ms, edges)`` numbers it."""
    return sum(1 for edge in LATENCY_EDGES_MS if edge <= latency_ms)


def percentile_ms(histogram: Sequence[int], fraction: float) -> int | None:
    """The nearest-rank percentile (rank ceil(fraction * n)) read from a histogram; None when empty."""
    total = sum(histogram)
    if total == 0:
        return None
    rank = max(1, math.ceil(fraction * total))
    seen = 0
    for bucket, count in enumerate(histogram):
        if count and seen + count >= rank:
            if bucket == len(histogram) - 1:
                return LATENCY_EDGES_MS[-1]
            low = 0 if bucket == 0 else LATENCY_EDGES_MS[bucket - 1]
            high = LATENCY_EDGES_MS[bucket] - 1  # integer milliseconds: the bucket's largest value
            return round(low + (high - low) * (rank - seen) / count)
        seen += count
    raise AssertionError("unreachable: the ranks add up to the total")


_COUNTS = ("requests", "successes", "input_tokens", "output_tokens", "calls", "first_link_successes")


@dataclass
class Figures:
    """The sums a group's figures derive from."""

    requests: int = 0
    successes: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: Decimal = Decimal(0)
    fee: Decimal = Decimal(0)
    ledger: Decimal = Decimal(0)
    calls: int = 0
    first_link_successes: int = 0
    histogram: list[int] = field(default_factory=lambda: [0] * BUCKETS)

    def add(self, other: Figures) -> None:
        for name in (
            "requests",
            "successes",
            "input_tokens",
            "output_tokens",
            "calls",
            "first_link_successes",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.cost += other.cost
        self.fee += other.fee
        self.ledger += other.ledger
        self.histogram = list(map(operator.add, self.histogram, other.histogram))

    def report(self) -> dict[str, Any]:
        """The figures as the API returns them: money as 6-place strings, rates to 6 places."""
        failures = max(0, self.calls - self.first_link_successes)
        return {
            "requests": self.requests,
            "successes": self.successes,
            "success_rate": _rate(self.successes, self.requests),
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost_usd": money_text(self.cost),
            "estimated_cost_usd": money_text(self.cost + self.fee),
            "ledger_actual_cost_usd": money_text(self.ledger),
            "p50_latency_ms": percentile_ms(self.histogram, 0.50),
            "p95_latency_ms": percentile_ms(self.histogram, 0.95),
            "calls": self.calls,
            "first_link_failures": failures,
            "failover_rate": _rate(failures, self.calls),
        }


def _rate(part: int, whole: int) -> float | None:
    return None if whole == 0 else round(part / whole, 6)


@dataclass(frozen=True)
class Group:
    key: str | None
    owner: str | None
    figures: Figures


@dataclass(frozen=True)
class LlmAnalytics:
    """``[start, end)`` in whole UTC hours; hours before ``aggregated_until`` came from the rollups."""

    start: datetime
    end: datetime
    group_by: GroupBy
    aggregated_until: datetime | None
    groups: list[Group]
    totals: Figures


def analytics_range(
    start: datetime | None, end: datetime | None, *, now: datetime
) -> tuple[datetime, datetime]:
    """The range in whole UTC hours (default: the last 7 days); ``ValidationFailed`` names the field."""
    end = _aware(end) if end is not None else now
    start = _aware(start) if start is not None else end - DEFAULT_RANGE
    for name, moment in (("from", start), ("to", end)):
        if not EARLIEST <= moment <= LATEST:
            raise ValidationFailed(
                f"'{name}' must lie between {EARLIEST.date()} and {LATEST.date()}", details={"field": name}
            )
    if end < start:
        raise ValidationFailed("'to' must not be earlier than 'from'", details={"field": "to"})
    if end - start > MAX_RANGE:
        raise ValidationFailed(
            "the range may span at most 366 days", details={"field": "from", "max_days": MAX_RANGE.days}
        )
    first = _floor_hour(start)
    if end == start:
        return first, first
    last = _floor_hour(end)
    return first, last if last == end else last + HOUR


def _aware(moment: datetime) -> datetime:
    # A moment without a zone is read as UTC, the zone every figure here is in.
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _floor_hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _floor_day(moment: datetime) -> datetime:
    return _floor_hour(moment).replace(hour=0)


# Fixed expressions per group_by: the only SQL that varies, chosen from this map, never from input.
_KEYS: dict[str, str] = {
    "provider": "s.provider",
    "model": "s.model",
    "agent": "s.agent::text",
    "day": "to_char(s.hour_bucket AT TIME ZONE 'UTC', 'YYYY-MM-DD')",
}
_FIGURES = """sum(s.request_count)::bigint, sum(s.success_count)::bigint, sum(s.input_tokens)::bigint,
       sum(s.output_tokens)::bigint, sum(s.cost_usd), sum(s.fee_usd), sum(s.ledger_actual_usd),
       sum(s.call_count)::bigint, sum(s.first_link_successes)::bigint"""
# Why one sum per position: summing int[] element-wise over rows has no built-in aggregate, and
# unnesting every histogram costs ten times more than 77 plain sums over the same rows.
_HISTOGRAM = "ARRAY[" + ", ".join(f"sum(s.latency_histogram[{i}])" for i in range(1, BUCKETS + 1)) + "]"
# Summing sums: sum(bigint) is numeric, and reading 77,000 numerics as Decimal took longer than the
# outer aggregate itself; a bucket count of all calls ever made fits a bigint with room to spare.
_HISTOGRAM_OF_SUMS = (
    "ARRAY[" + ", ".join(f"sum(s.latency_histogram[{i}])::bigint" for i in range(1, BUCKETS + 1)) + "]"
)
_MEASURES = """request_count, success_count, input_tokens, output_tokens, cost_usd, fee_usd,
           call_count, first_link_successes, latency_histogram, ledger_actual_usd"""
_COLUMNS = f"hour_bucket, {_MEASURES}"
_DIMENSION_SQL = f"""
WITH s AS (
    SELECT provider, model, agent, {_COLUMNS}
    FROM analytics_monitoring.llm_usage_hourly
    WHERE hour_bucket >= %(start)s AND hour_bucket < %(split)s
    UNION ALL
    SELECT provider, model, agent, {_COLUMNS}
    FROM analytics_monitoring.llm_usage_rollup(%(split)s, %(end)s)
    WHERE grain = 'dimension'
)
SELECT {{key}} AS key, NULL::text AS owner, {_FIGURES}, {_HISTOGRAM}
FROM s GROUP BY 1
"""
# A guest who registered later is reported as that user (0006 moves their log rows; the rollups keep
# the guest id, so the link is resolved here). Why two levels: hashing a month of owner rows by their
# uuids first leaves about one row per owner for the join and the text key, instead of sorting them all.
# Why days: a month of (hour, owner) rows is ~100,000 histograms to add up; a (day, owner) row stands for
# about three of them (see 0018). Each branch is a plain range on its table's key.
_OWNER_SQL = f"""
WITH parts AS (
    SELECT user_id, guest_id, {_MEASURES}
    FROM analytics_monitoring.llm_owner_usage_daily
    WHERE day_bucket >= %(days_from)s AND day_bucket < %(days_to)s
    UNION ALL
    SELECT user_id, guest_id, {_MEASURES}
    FROM analytics_monitoring.llm_owner_usage_hourly
    WHERE hour_bucket >= %(start)s AND hour_bucket < %(days_from)s
    UNION ALL
    SELECT user_id, guest_id, {_MEASURES}
    FROM analytics_monitoring.llm_owner_usage_hourly
    WHERE hour_bucket >= %(days_to)s AND hour_bucket < %(split)s
    UNION ALL
    SELECT user_id, guest_id, {_MEASURES}
    FROM analytics_monitoring.llm_usage_rollup(%(split)s, %(end)s)
    WHERE grain = 'owner'
),
owners AS (
    SELECT s.user_id, s.guest_id, sum(s.request_count) AS request_count,
           sum(s.success_count) AS success_count, sum(s.input_tokens) AS input_tokens,
           sum(s.output_tokens) AS output_tokens, sum(s.cost_usd) AS cost_usd, sum(s.fee_usd) AS fee_usd,
           sum(s.ledger_actual_usd) AS ledger_actual_usd,
           sum(s.call_count) AS call_count, sum(s.first_link_successes) AS first_link_successes,
           {_HISTOGRAM} AS latency_histogram
    FROM parts s GROUP BY s.user_id, s.guest_id
)
SELECT coalesce(s.user_id, g.migrated_to_user_id, s.guest_id)::text AS key,
       CASE WHEN coalesce(s.user_id, g.migrated_to_user_id) IS NULL THEN 'guest' ELSE 'user' END AS owner,
       {_FIGURES}, {_HISTOGRAM_OF_SUMS}
FROM owners s LEFT JOIN public.guest_users g ON g.id = s.guest_id
GROUP BY 1, 2
"""


def analytics_params(start: datetime, split: datetime, end: datetime) -> dict[str, datetime]:
    """The parameters of ``analytics_query``: ``[start, split)`` from the rollups, the rest from the log.

    ``[days_from, days_to)`` are the whole UTC days of ``[start, split)``, which group_by user reads from
    the daily rollup; when there are none both are ``split``, and the hours cover all of ``[start, split)``.
    """
    days_from = _floor_day(start) if start == _floor_day(start) else _floor_day(start) + DAY
    days_to = _floor_day(split)
    if days_to <= days_from:
        days_from = days_to = split
    return {"start": start, "split": split, "end": end, "days_from": days_from, "days_to": days_to}


def analytics_query(group_by: GroupBy) -> sql.SQL:
    """The statement behind ``llm_analytics`` for ``group_by`` (the benchmark EXPLAINs it)."""
    if group_by == "user":
        return sql.SQL(_OWNER_SQL)
    return sql.SQL(_DIMENSION_SQL.format(key=_KEYS[group_by]))


def llm_analytics(
    conn: psycopg.Connection[Any],
    *,
    start: datetime | None = None,
    end: datetime | None = None,
    group_by: GroupBy = "provider",
    now: datetime | None = None,
) -> LlmAnalytics:
    """The figures of ``[start, end)`` per group (see the module doc), and their totals."""
    from cvpath.telemetry.aggregation import watermark

    first, stop = analytics_range(start, end, now=now or datetime.now(UTC))
    last_aggregated = watermark(conn)
    aggregated_until = None if last_aggregated is None else last_aggregated + HOUR
    groups: list[Group] = []
    if first < stop:
        split = min(max(aggregated_until or first, first), stop)
        params = analytics_params(first, split, stop)
        with conn.transaction():
            # Why: with the default 4 MB a month of owner rows is sorted on disk instead of hashed in
            # memory (about 0.1 MB of sums per thousand groups); LOCAL ends with this transaction.
            conn.execute("SET LOCAL work_mem = '64MB'")
            rows = conn.execute(analytics_query(group_by), params).fetchall()
        groups = [Group(row[0], row[1], _figures(row[2:])) for row in rows]
    totals = Figures()
    for group in groups:
        totals.add(group.figures)
    if group_by == "day":
        groups.sort(key=lambda group: group.key or "")
    else:
        groups.sort(key=lambda group: (-(group.figures.cost + group.figures.fee), group.key or ""))
    return LlmAnalytics(first, stop, group_by, aggregated_until, groups, totals)


def _figures(row: Sequence[Any]) -> Figures:
    requests, successes, tokens_in, tokens_out, cost, fee, ledger, calls, first_ok, histogram = row
    return Figures(
        requests=requests,
        successes=successes,
        input_tokens=tokens_in,
        output_tokens=tokens_out,
        cost=cost or Decimal(0),
        fee=fee or Decimal(0),
        ledger=ledger or Decimal(0),
        calls=calls,
        first_link_successes=first_ok,
        histogram=list(histogram),  # never NULL: every rollup row has all 77 buckets
    )


CSV_COLUMNS = (
    "key",
    "owner",
    "requests",
    "successes",
    "success_rate",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "estimated_cost_usd",
    "ledger_actual_cost_usd",
    "p50_latency_ms",
    "p95_latency_ms",
    "calls",
    "first_link_failures",
    "failover_rate",
)
# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def analytics_csv(result: LlmAnalytics) -> str:
    """One header row and one row per group; RFC 4180 quoting, formula-looking cells defused with '."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow((result.group_by, *CSV_COLUMNS[1:]))
    for group in result.groups:
        figures = group.figures.report()
        row = [group.key, group.owner, *(figures[name] for name in CSV_COLUMNS[2:])]
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def _cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
