"""Database fixtures, shared by tests/integration and tests/e2e (the root conftest imports them).

One fresh, migrated template database per test session:
- ``conn``: a connection to a clone of the template, inside a transaction that
  is rolled back after the test (about 2 ms).
- ``fresh_db_url``: a new clone of the template for tests that commit or use
  several connections; dropped afterwards.
- ``empty_db_url``: a new empty database.
- ``pooled_db``: ``fresh_db_url`` as the process's DATABASE_URL (what handlers
  use, through the pool), with no platform LLM key configured; ``db`` an
  autocommit connection to it; ``seed_run`` creates runs there.

Why a committed database for handlers: audit rows are written through the
process pool on their own connections, and they must be visible to the test
(and survive a failed step) like in Lambda.

``DATABASE_URL`` names the server when it is set (the PostgreSQL 15 run of
``make test`` uses it); otherwise the embedded server is started.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import TupleRow

from cvpath.config import get_settings
from cvpath.db import pool
from cvpath.db.migrate import migrate
from cvpath.db.runs import Owner, insert_guest, insert_import, insert_job_text, insert_run
from cvpath.llm.redact import forget_secrets
from local.database import resolve_database_url


def _create_database(server_url: str, name: str, *, template: str | None = None) -> str:
    with psycopg.connect(server_url, autocommit=True) as admin:
        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        admin.execute(query)
    return make_conninfo(server_url, dbname=name)


def _drop_database(server_url: str, name: str) -> None:
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture(scope="session")
def server_url() -> str:
    return resolve_database_url(quiet=True)


@pytest.fixture(scope="session")
def sql_dir() -> Path:
    return get_settings().sql_dir


@pytest.fixture(scope="session")
def template_db(server_url: str, sql_dir: Path) -> Iterator[str]:
    """Name of a database created fresh for this session and migrated once."""
    name = f"cvpath_test_tpl_{uuid.uuid4().hex[:10]}"
    url = _create_database(server_url, name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            migrate(conn, sql_dir)
        yield name
    finally:
        _drop_database(server_url, name)


@pytest.fixture(scope="session")
def shared_db_url(server_url: str, template_db: str) -> Iterator[str]:
    """A clone of the template that rollback-per-test connections share."""
    name = f"cvpath_test_{uuid.uuid4().hex[:10]}"
    url = _create_database(server_url, name, template=template_db)
    yield url
    _drop_database(server_url, name)


@pytest.fixture
def conn(shared_db_url: str) -> Iterator[psycopg.Connection[TupleRow]]:
    """A connection inside a transaction that is rolled back after the test."""
    with psycopg.connect(shared_db_url, autocommit=False) as connection:
        try:
            yield connection
        finally:
            connection.rollback()


@pytest.fixture
def fresh_db_url(server_url: str, template_db: str) -> Iterator[str]:
    """A brand-new migrated database for a test that commits; dropped afterwards."""
    name = f"cvpath_test_fresh_{uuid.uuid4().hex[:10]}"
    url = _create_database(server_url, name, template=template_db)
    yield url
    _drop_database(server_url, name)


@pytest.fixture
def empty_db_url(server_url: str) -> Iterator[str]:
    """A brand-new empty database; dropped afterwards."""
    name = f"cvpath_test_empty_{uuid.uuid4().hex[:10]}"
    url = _create_database(server_url, name)
    yield url
    _drop_database(server_url, name)


EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
SAMPLE_CV_TEXT = (EXAMPLES / "sample_cv.txt").read_text(encoding="utf-8")
SAMPLE_JOB_TEXT = (EXAMPLES / "sample_job.txt").read_text(encoding="utf-8")
PLATFORM_KEYS = (
    "OPENAI_API_KEY",
    "ANTHROPIC_API_KEY",
    "GEMINI_API_KEY",
    "OPENROUTER_API_KEY",
    "CVPATH_LLM_KEY_PARAMETER_PREFIX",
)

SeedRun = Callable[..., UUID]


@pytest.fixture
def pooled_db(monkeypatch: pytest.MonkeyPatch, fresh_db_url: str) -> Iterator[str]:
    """``fresh_db_url`` as the process's DATABASE_URL, with no platform LLM key configured."""
    monkeypatch.setenv("DATABASE_URL", fresh_db_url)
    for name in PLATFORM_KEYS:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    pool.close_pool()
    yield fresh_db_url
    pool.close_pool()
    get_settings.cache_clear()
    forget_secrets()


@pytest.fixture
def db(pooled_db: str) -> Iterator[psycopg.Connection[Any]]:
    """An autocommit connection to the pooled database (what the handler uses too)."""
    with psycopg.connect(pooled_db, autocommit=True) as conn:
        yield conn


@pytest.fixture
def seed_run(db: psycopg.Connection[Any]) -> SeedRun:
    """Create a guest's run over a CV (text and/or JSON content) and a job text; returns the run id."""

    def seed(
        cv_text: str | None = SAMPLE_CV_TEXT,
        job_text: str | None = SAMPLE_JOB_TEXT,
        *,
        content: dict[str, Any] | None = None,
        source_format: str = "TEXT",
    ) -> UUID:
        owner = Owner(guest_id=insert_guest(db))
        import_id = None
        if cv_text is not None or content is not None:
            import_id = insert_import(
                db, owner, raw_text=cv_text, content=content, source_format=source_format
            )
        job_id = insert_job_text(db, owner, job_text) if job_text is not None else None
        return insert_run(db, owner, import_data_id=import_id, job_data_id=job_id)

    return seed
