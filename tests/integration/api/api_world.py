"""Shared set-up of the public API tests: a TestClient over a fresh database, with a signing secret.

Imported by the test modules (tests/ has no packages): ``from api_world import ...``; importing
``api_client`` registers the ``api`` fixture in the importing module.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from uuid import UUID

import psycopg
import pytest
from fastapi.testclient import TestClient

from cvpath.config import get_settings
from cvpath.db.runs import Owner, insert_import
from cvpath_api.app import app

# Canaries: these strings must never show up in an answer or a log line.
SECRET = "jwt-secret-canary-7f3c1e9a0b5d4c2e8f6a1b3c5d7e9f01"
PASSWORD = "Pa55word-canary-Q8zK"


@pytest.fixture(name="api")
def api_client(pooled_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The app in process over the fresh database; a 500 is answered, not raised into the test."""
    monkeypatch.setenv("CVPATH_JWT_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(app, raise_server_exceptions=False) as client:
        yield client
    get_settings.cache_clear()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def new_guest(api: TestClient) -> tuple[UUID, str]:
    answer = api.post("/api/guest")
    assert answer.status_code == 201, answer.text
    body = answer.json()
    return UUID(body["guest_id"]), body["guest_token"]


def register(api: TestClient, email: str, token: str | None = None, password: str = PASSWORD) -> Any:
    headers = bearer(token) if token else {}
    return api.post("/api/auth/register", json={"email": email, "password": password}, headers=headers)


def seed_guest_cv(db: psycopg.Connection[Any], guest_id: UUID) -> UUID:
    """A CV snapshot owned by the guest, to watch it move at registration."""
    return insert_import(db, Owner(guest_id=guest_id), raw_text="Jane Doe, platform engineer")


def owner_of_import(db: psycopg.Connection[Any], import_id: UUID) -> tuple[UUID | None, UUID | None]:
    row = db.execute("SELECT user_id, guest_id FROM public.import_data WHERE id = %s", [import_id]).fetchone()
    assert row is not None
    return row[0], row[1]


def error_of(answer: Any, status: int) -> dict[str, Any]:
    """The common error body of ``answer``, after checking its status and shape."""
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    body = answer.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    error: dict[str, Any] = body["error"]
    return error
