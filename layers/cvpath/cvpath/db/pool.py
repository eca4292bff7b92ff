"""One lazy connection pool per process (per Lambda execution environment).

Why lazy: a Lambda that never touches the database must not pay for a
connection at cold start, and one that does reuses the pool across invocations.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from psycopg.rows import TupleRow
from psycopg_pool import ConnectionPool

from cvpath.config import Settings, get_settings
from cvpath.errors import ConfigurationError, DatabaseUnavailable

_pool: ConnectionPool[psycopg.Connection[TupleRow]] | None = None
_lock = threading.Lock()


def connection_kwargs(settings: Settings) -> dict[str, Any]:
    """Keyword arguments for every connection: timeouts and the prepare policy."""
    return {
        "connect_timeout": settings.db_connect_timeout_s,
        "prepare_threshold": settings.db_prepare_threshold,
        "application_name": "cvpath",
    }


def database_url(settings: Settings | None = None) -> str:
    """The configured connection URL, or a clear error when there is none."""
    settings = settings or get_settings()
    if settings.database_url is None and settings.database_url_parameter:
        return _url_from_parameter(settings.database_url_parameter)
    if settings.database_url is None:
        raise ConfigurationError(
            "DATABASE_URL is not set; locally, run a `cvpath db ...` command to start the embedded database"
        )
    return settings.database_url.get_secret_value()


def _url_from_parameter(name: str) -> str:
    """The URL from SSM (a parameter name) or Secrets Manager (an ARN), cached for 5 minutes.

    Why lazy: Powertools parameters pulls in boto3, which only AWS deployments need.
    """
    from aws_lambda_powertools.utilities import parameters

    if name.startswith("arn:aws:secretsmanager:"):
        value = parameters.get_secret(name, max_age=300)
    else:
        value = parameters.get_parameter(name, decrypt=True, max_age=300)
    if not isinstance(value, str) or not value:
        raise ConfigurationError("the database URL parameter is empty", details={"parameter": name})
    return value


def get_pool() -> ConnectionPool[psycopg.Connection[TupleRow]]:
    """The process-wide pool, opened on first use."""
    global _pool
    if _pool is not None:
        return _pool
    with _lock:
        if _pool is None:
            settings = get_settings()
            _pool = ConnectionPool(
                database_url(settings),
                min_size=settings.db_pool_min_size,
                max_size=settings.db_pool_max_size,
                kwargs=connection_kwargs(settings),
                check=ConnectionPool.check_connection,
                open=True,
                name="cvpath",
            )
    return _pool


@contextmanager
def step_connection() -> Iterator[psycopg.Connection[Any]]:
    """A pooled connection in autocommit mode for one pipeline task (an agent step, Admit, Render...).

    Why autocommit: a step keeps its connection across LLM calls that can take
    minutes; reads then end at once instead of idling in a transaction, and
    writes that belong together use a transaction of their own.
    """
    with get_pool().connection() as conn:
        conn.autocommit = True
        try:
            yield conn
        finally:
            if not conn.closed:
                conn.autocommit = False


def close_pool() -> None:
    """Close the pool (tests, CLI shutdown). The next ``get_pool()`` opens a new one."""
    global _pool
    with _lock:
        if _pool is not None:
            _pool.close()
            _pool = None


def connect(url: str | None = None, *, autocommit: bool = False) -> psycopg.Connection[TupleRow]:
    """A single connection outside the pool, with a clear error when unreachable.

    Why: the CLI and the migration runner want one connection and an error that
    names the host and the reason, not a pool that retries in the background.
    """
    settings = get_settings()
    url = url or database_url(settings)
    try:
        return psycopg.connect(url, autocommit=autocommit, **connection_kwargs(settings))
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailable(
            f"cannot connect to PostgreSQL at {describe_target(url)}: {first_line(exc)}",
            details={"target": describe_target(url)},
        ) from None


def describe_target(url: str) -> str:
    """Host, port and database of a URL, without user or password."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    host = info.get("host") or "localhost"
    port = info.get("port") or "5432"
    where = f"{host}:{port}" if not str(host).startswith("/") else f"socket {host} (port {port})"
    return f"{where}, database {info.get('dbname') or info.get('user') or '?'}"


def first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
