"""GET /stats/overview|llm-usage|user-activity: query parameters in, (status, JSON body) out.

The ingest handler's thin routes import this module inside the route function,
so psycopg is loaded only when an operator asks for statistics, never on the
POST /track/* hot path. Parameters: ``from`` and ``to`` (ISO 8601; a date alone
is midnight UTC, a time without offset is UTC) and ``granularity`` (``hour`` or
``day``, default ``day``). Without ``to`` the range ends now; without ``from``
it starts 24 hours (hour) or 30 days (day) before ``to``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from aws_lambda_powertools import Logger

from cvpath.errors import CVPathError, DatabaseUnavailable, NotFound, ValidationFailed
from cvpath.telemetry.stats_range import StatsRange

logger = Logger(service="telemetry")

Connect = Callable[[], AbstractContextManager[psycopg.Connection[Any]]]
StatsQuery = Callable[[psycopg.Connection[Any], datetime, datetime, str], dict[str, Any]]

PARAMETERS = frozenset({"from", "to", "granularity"})
DEFAULT_SPAN = {"hour": timedelta(hours=24), "day": timedelta(days=30)}
# An operator's dashboard may wait a little, but never hold a connection for long.
STATEMENT_TIMEOUT = "10s"


def handle_stats(
    path: str, query_params: Mapping[str, str] | None, *, connect: Connect | None = None
) -> tuple[int, dict[str, Any]]:
    """One statistics request: 200 and the figures, 400/404 and an error body, 503 without a database."""
    try:
        query = _query_for(path)
        start, end, granularity = parse_params(query_params or {})
        StatsRange.create(start, end, granularity)  # a bad range costs no connection
        with (connect or _pooled_connection)() as conn, conn.transaction():
            conn.execute(f"SET LOCAL statement_timeout = '{STATEMENT_TIMEOUT}'")
            return 200, query(conn, start, end, granularity)
    except ValidationFailed as exc:
        return 400, exc.to_body()
    except CVPathError as exc:
        logger.warning("stats request failed", extra={"code": exc.code, "path": path})
        return exc.http_status, exc.to_body()
    except psycopg.OperationalError as exc:
        logger.warning("stats request failed", extra={"error_type": type(exc).__name__, "path": path})
        unavailable = DatabaseUnavailable("the statistics database is unavailable; try again shortly")
        return unavailable.http_status, unavailable.to_body()


def parse_params(params: Mapping[str, str], *, now: datetime | None = None) -> tuple[datetime, datetime, str]:
    """``(from, to, granularity)`` from the query string, defaults applied; ``ValidationFailed`` when bad."""
    unknown = sorted(set(params) - PARAMETERS)
    if unknown:
        raise ValidationFailed(
            f"unknown query parameter(s): {', '.join(unknown)[:200]}",
            details={"field": unknown[0][:100], "allowed": sorted(PARAMETERS)},
        )
    granularity = params.get("granularity", "day")
    if granularity not in DEFAULT_SPAN:
        raise ValidationFailed(
            "granularity must be 'hour' or 'day'",
            details={"field": "granularity", "allowed": sorted(DEFAULT_SPAN)},
        )
    end = _parse_moment(params["to"], "to") if "to" in params else (now or datetime.now(UTC))
    start = _parse_moment(params["from"], "from") if "from" in params else end - DEFAULT_SPAN[granularity]
    return start, end, granularity


def _parse_moment(text: str, name: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise ValidationFailed(
            f"'{name}' is not an ISO 8601 date or time", details={"field": name, "value": text[:64]}
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _query_for(path: str) -> StatsQuery:
    from cvpath.telemetry import stats

    queries: dict[str, StatsQuery] = {
        "overview": stats.overview,
        "llm-usage": stats.llm_usage,
        "user-activity": stats.user_activity,
    }
    name = path.rstrip("/").rsplit("/", 1)[-1]
    if not path.rstrip("/").startswith("/stats/") or name not in queries:
        raise NotFound("no such statistics", details={"path": path[:200], "known": sorted(queries)})
    return queries[name]


def _pooled_connection() -> AbstractContextManager[psycopg.Connection[Any]]:
    from cvpath.db.pool import get_pool

    return get_pool().connection()
