"""Database fixtures: one fresh, migrated template database per test session.

- ``conn``: a connection to a clone of the template, inside a transaction that
  is rolled back after the test (about 2 ms).
- ``fresh_db_url``: a new clone of the template for tests that commit or use
  several connections; dropped afterwards.
- ``empty_db_url``: a new empty database.

``DATABASE_URL`` names the server when it is set (the PostgreSQL 15 run of
``make test`` uses it); otherwise the embedded server is started.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo
from psycopg.rows import TupleRow

from cvpath.config import get_settings
from cvpath.db.migrate import migrate
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
