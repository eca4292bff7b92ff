"""A throwaway, migrated database for a benchmark: created on entry, dropped on exit."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from cvpath.config import get_settings
from cvpath.db.migrate import migrate


def server_url(explicit: str | None) -> str:
    """``--url``, else ``DATABASE_URL``, else the embedded server (started if need be)."""
    if explicit:
        return explicit
    settings = get_settings()
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    from local.database import resolve_database_url  # the no-Docker runtime; never shipped

    return resolve_database_url(quiet=True)


@contextmanager
def scratch_database(url: str) -> Iterator[str]:
    """A new database on ``url``'s server with every migration applied; yields its URL."""
    name = f"cvpath_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    scratch_url = make_conninfo(url, dbname=name)
    try:
        with psycopg.connect(scratch_url, autocommit=True) as conn:
            version = conn.execute("SHOW server_version").fetchone()
            print(f"PostgreSQL {version[0] if version else '?'}; scratch database {name}", flush=True)
            migrate(conn, get_settings().sql_dir)
        yield scratch_url
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))
        print(f"dropped {name}", flush=True)
