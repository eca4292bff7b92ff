"""The auth tests' signing secret and a committed database they may open several connections to."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from cvpath.config import get_settings


@pytest.fixture(autouse=True)
def _jwt_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("CVPATH_JWT_SECRET", "integration-signing-secret-auth-0123456789")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def db(fresh_db_url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        yield conn
