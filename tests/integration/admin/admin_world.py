"""Shared set-up of the admin API tests: the admin app and the public app over one fresh database.

Imported by the test modules (tests/ has no packages): ``from admin_world import ...``; importing
``admin_client`` (and ``public_client``) registers those fixtures in the importing module.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from uuid import UUID

import psycopg
import pytest
from fastapi.testclient import TestClient

from cvpath.config import get_settings
from cvpath_admin.app import app as admin_app
from cvpath_api.app import app as public_app

SECRET = "jwt-secret-canary-admin-3c9e1f7a5b2d4e6f8a0c1e3b5d7f9a1c"
PASSWORD = "Admin-canary-Pa55-w0rd"


@dataclass(frozen=True)
class Person:
    user_id: UUID
    access_token: str


@pytest.fixture(name="public")
def public_client(pooled_db: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[TestClient]:
    """The public API in process (sign-up and login), over the fresh database."""
    monkeypatch.setenv("CVPATH_JWT_SECRET", SECRET)
    get_settings.cache_clear()
    with TestClient(public_app, raise_server_exceptions=False) as client:
        yield client
    get_settings.cache_clear()


@pytest.fixture(name="admin_api")
def admin_client(public: TestClient) -> Iterator[TestClient]:
    """The admin API in process; a 500 is answered, not raised into the test."""
    with TestClient(admin_app, raise_server_exceptions=False) as client:
        yield client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_user(public: TestClient, email: str, *, db: psycopg.Connection[Any], admin: bool = False) -> Person:
    """A registered user (an administrator when ``admin``), signed in: their id and access token."""
    answer = public.post("/api/auth/register", json={"email": email, "password": PASSWORD})
    assert answer.status_code == 201, answer.text
    user_id = UUID(answer.json()["user_id"])
    if admin:
        db.execute("UPDATE public.users SET is_admin = true WHERE id = %s", [user_id])
        # The register token predates the admin right: sign in again for a token that carries it.
        answer = public.post("/api/auth/login", json={"email": email, "password": PASSWORD})
        assert answer.status_code == 200, answer.text
    return Person(user_id, answer.json()["access_token"])


def admin_token(admin_api: TestClient, person: Person) -> str:
    answer = admin_api.post("/api/admin/auth/token", headers=bearer(person.access_token))
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["admin_token"]
    return token


@pytest.fixture(name="operator")
def operator_headers(
    public: TestClient, admin_api: TestClient, db: psycopg.Connection[Any]
) -> dict[str, str]:
    """Authorization headers with a fresh admin token of a fresh administrator."""
    person = make_user(public, "operator@example.com", db=db, admin=True)
    return bearer(admin_token(admin_api, person))


def error_of(answer: Any, status: int) -> dict[str, Any]:
    """The common error body of ``answer``, after checking its status and shape."""
    assert answer.status_code == status, answer.text
    body = answer.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    error: dict[str, Any] = body["error"]
    return error
