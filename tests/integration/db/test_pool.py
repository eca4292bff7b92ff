"""The lazy per-process pool."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from cvpath.config import get_settings
from cvpath.db import pool
from cvpath.errors import ConfigurationError


@pytest.fixture
def pool_env(monkeypatch: pytest.MonkeyPatch, shared_db_url: str) -> Iterator[None]:
    monkeypatch.setenv("DATABASE_URL", shared_db_url)
    get_settings.cache_clear()
    pool.close_pool()
    yield
    pool.close_pool()
    get_settings.cache_clear()


@pytest.mark.usefixtures("pool_env")
def test_pool_is_lazy_and_shared() -> None:
    # Given no pool has been used yet, none exists
    assert pool._pool is None
    # When two callers ask for it, they get the same open pool
    first = pool.get_pool()
    assert pool.get_pool() is first
    with first.connection() as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)


@pytest.mark.usefixtures("pool_env")
def test_prepare_threshold_none_reaches_the_connections(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CVPATH_DB_PREPARE_THRESHOLD", "none")
    get_settings.cache_clear()
    with pool.get_pool().connection() as conn:
        assert conn.prepare_threshold is None


def test_missing_url_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    get_settings.cache_clear()
    try:
        with pytest.raises(ConfigurationError, match="DATABASE_URL is not set"):
            pool.database_url()
    finally:
        get_settings.cache_clear()
