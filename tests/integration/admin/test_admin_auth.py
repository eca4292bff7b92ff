"""Admin authentication: the token exchange, 401 and 403, the admin audience, the audit trail's guard."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from admin_world import (  # noqa: F401 - the *_client imports register fixtures
    admin_client,
    admin_token,
    bearer,
    error_of,
    make_user,
    operator_headers,
    public_client,
)
from fastapi.testclient import TestClient

from cvpath.admin.audit import Actor, record
from cvpath.auth.tokens import issue_admin_token


def test_an_admin_exchanges_their_access_token_and_reads_the_audit_trail(
    public: TestClient, admin_api: TestClient, db: psycopg.Connection[Any]
) -> None:
    person = make_user(public, "root@example.com", db=db, admin=True)
    token = admin_token(admin_api, person)
    answer = admin_api.get("/api/admin/audit", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"items": []}
    # The admin token is not a public API token, and an access token is not an admin token.
    assert error_of(public.get("/api/me", headers=bearer(token)), 401)["code"] == "invalid_token"
    assert error_of(admin_api.get("/api/admin/audit", headers=bearer(person.access_token)), 403)["code"] == (
        "forbidden"
    )


def test_a_non_admin_gets_403_and_no_token_gets_401(
    public: TestClient, admin_api: TestClient, db: psycopg.Connection[Any]
) -> None:
    person = make_user(public, "user@example.com", db=db)
    assert error_of(admin_api.post("/api/admin/auth/token", headers=bearer(person.access_token)), 403)
    assert error_of(admin_api.get("/api/admin/audit", headers=bearer(person.access_token)), 403)
    guest = public.post("/api/guest").json()["guest_token"]
    assert error_of(admin_api.get("/api/admin/audit", headers=bearer(guest)), 403)
    assert error_of(admin_api.get("/api/admin/audit"), 401)["code"] == "not_authenticated"
    assert error_of(admin_api.get("/api/admin/audit", headers=bearer("not.a.token")), 401)


def test_an_expired_admin_token_is_401_and_a_removed_right_is_403_at_once(
    public: TestClient, admin_api: TestClient, db: psycopg.Connection[Any]
) -> None:
    person = make_user(public, "boss@example.com", db=db, admin=True)
    session = db.execute(
        "SELECT id FROM public.sessions WHERE user_id = %s ORDER BY created_at DESC LIMIT 1", [person.user_id]
    ).fetchone()
    assert session is not None
    stale = issue_admin_token(person.user_id, session[0], now=datetime.now(UTC) - timedelta(hours=1))
    assert error_of(admin_api.get("/api/admin/audit", headers=bearer(stale)), 401)["code"] == "token_expired"
    token = admin_token(admin_api, person)
    db.execute("UPDATE public.users SET is_admin = false WHERE id = %s", [person.user_id])
    assert error_of(admin_api.get("/api/admin/audit", headers=bearer(token)), 403)["code"] == "forbidden"


def test_signing_out_ends_the_admin_token_too(
    public: TestClient, admin_api: TestClient, db: psycopg.Connection[Any]
) -> None:
    person = make_user(public, "ops@example.com", db=db, admin=True)
    token = admin_token(admin_api, person)
    assert public.post("/api/auth/logout", headers=bearer(person.access_token)).status_code in (200, 204)
    assert error_of(admin_api.get("/api/admin/audit", headers=bearer(token)), 401)


def test_the_audit_trail_is_append_only(db: psycopg.Connection[Any], public: TestClient) -> None:
    person = make_user(public, "audit@example.com", db=db, admin=True)
    entry = record(
        db, Actor(user_id=person.user_id), "settings.update", "settings", None, before={}, after={}
    )
    for statement in (
        "UPDATE public.admin_audit_log SET action = 'x.y.z' WHERE id = %s",
        "DELETE FROM public.admin_audit_log WHERE id = %s",
    ):
        with pytest.raises(psycopg.DatabaseError, match="append-only"):
            db.execute(statement, [entry])
    with pytest.raises(psycopg.DatabaseError, match="append-only"):
        db.execute("TRUNCATE public.admin_audit_log")
    # The application role may only read and append.
    privileges = db.execute(
        """SELECT privilege_type FROM information_schema.role_table_grants
           WHERE grantee = 'cvpath_app' AND table_name = 'admin_audit_log' ORDER BY 1"""
    ).fetchall()
    assert [row[0] for row in privileges] == ["INSERT", "SELECT"]
