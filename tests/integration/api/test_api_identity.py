"""The identity routes end to end over a real database: guests, registration with the guest's data moving
over, login, refresh, logout, and the tokens that must be refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt
import psycopg
from api_world import (
    PASSWORD,
    SECRET,
    api_client,  # noqa: F401 - registers the "api" fixture
    bearer,
    error_of,
    new_guest,
    owner_of_import,
    register,
    seed_guest_cv,
)
from fastapi.testclient import TestClient

from cvpath.auth import issue_guest_token

Conn = psycopg.Connection[Any]


def cookie_line(answer: Any, name: str) -> str:
    lines = [line for line in answer.headers.get_list("set-cookie") if line.startswith(f"{name}=")]
    assert len(lines) == 1, answer.headers.get_list("set-cookie")
    return str(lines[0])


def test_a_guest_gets_a_token_and_a_locked_down_cookie(api: TestClient, db: Conn) -> None:
    answer = api.post("/api/guest")
    assert answer.status_code == 201
    guest_id, token = UUID(answer.json()["guest_id"]), answer.json()["guest_token"]
    cookie = cookie_line(answer, "cvpath_guest")
    assert cookie.startswith(f"cvpath_guest={token};")
    for attribute in ("HttpOnly", "Secure", "SameSite=lax", "Path=/api"):
        assert attribute in cookie
    assert db.execute("SELECT count(*) FROM public.guest_users WHERE id = %s", [guest_id]).fetchone() == (1,)

    by_header = api.get("/api/me", headers=bearer(token))
    by_cookie = api.get("/api/me", headers={"Cookie": f"cvpath_guest={token}"})
    expected = {"kind": "guest", "guest_id": str(guest_id), "user_id": None, "is_admin": False}
    assert by_header.json() == expected
    assert by_cookie.json() == expected


def test_registering_with_a_guest_token_moves_its_rows_and_retires_the_guest_token(
    api: TestClient, db: Conn
) -> None:
    guest_id, guest_token = new_guest(api)
    cv_id = seed_guest_cv(db, guest_id)

    answer = register(api, "Jane.Doe@Example.com", guest_token)
    assert answer.status_code == 201, answer.text
    pair = answer.json()
    user_id = UUID(pair["user_id"])
    assert pair["token_type"] == "bearer"
    assert pair["expires_in"] == 900
    assert owner_of_import(db, cv_id) == (user_id, None)
    assert "cvpath_access=" in cookie_line(answer, "cvpath_access")
    assert "Max-Age=0" in cookie_line(answer, "cvpath_guest")

    # The old guest token sees nothing: it is refused, and the guest owns no rows any more.
    assert error_of(api.get("/api/me", headers=bearer(guest_token)), 401)["code"] == "invalid_token"
    assert api.get("/api/cvs", headers=bearer(guest_token)).status_code == 401
    left = db.execute("SELECT count(*) FROM public.import_data WHERE guest_id = %s", [guest_id]).fetchone()
    assert left == (0,)

    me = api.get("/api/me", headers=bearer(pair["access_token"])).json()
    assert me == {"kind": "user", "guest_id": None, "user_id": str(user_id), "is_admin": False}
    stored = db.execute("SELECT password_hash FROM public.users WHERE id = %s", [user_id]).fetchone()
    assert stored is not None
    assert stored[0].startswith("$argon2id$")
    assert PASSWORD not in stored[0]


def test_an_existing_email_is_409_and_the_guest_keeps_its_data(api: TestClient, db: Conn) -> None:
    assert register(api, "taken@example.com").status_code == 201
    guest_id, guest_token = new_guest(api)
    cv_id = seed_guest_cv(db, guest_id)

    error = error_of(register(api, "TAKEN@example.COM", guest_token), 409)
    assert error["code"] == "conflict"
    assert owner_of_import(db, cv_id) == (None, guest_id)


def test_a_weak_password_is_422_naming_the_rule_never_the_password(api: TestClient) -> None:
    answer = register(api, "weak@example.com", password="short1")
    error = error_of(answer, 422)
    assert error["details"]["rule"] == "min_length"
    assert "short1" not in answer.text


def test_login_refuses_a_wrong_password_and_an_unknown_email_alike(api: TestClient) -> None:
    assert register(api, "login@example.com").status_code == 201
    wrong = api.post("/api/auth/login", json={"email": "login@example.com", "password": "Wrong-pass-123"})
    unknown = api.post("/api/auth/login", json={"email": "nobody@example.com", "password": PASSWORD})
    assert error_of(wrong, 401) == error_of(unknown, 401)
    assert wrong.headers["www-authenticate"] == "Bearer"
    assert "Wrong-pass-123" not in wrong.text

    right = api.post("/api/auth/login", json={"email": "LOGIN@example.com", "password": PASSWORD})
    assert right.status_code == 200
    assert api.get("/api/me", headers=bearer(right.json()["access_token"])).json()["kind"] == "user"


def test_repeated_failures_are_throttled_with_429(api: TestClient) -> None:
    assert register(api, "brute@example.com").status_code == 201
    statuses = [
        api.post(
            "/api/auth/login", json={"email": "brute@example.com", "password": f"Guess-{n}-abcdef"}
        ).status_code
        for n in range(6)
    ]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    # Even the right password is refused while the account is throttled.
    blocked = api.post("/api/auth/login", json={"email": "brute@example.com", "password": PASSWORD})
    assert error_of(blocked, 429)["code"] == "too_many_attempts"


def test_forged_tampered_and_expired_tokens_are_401_and_never_echoed(api: TestClient) -> None:
    guest_id, token = new_guest(api)
    claims = jwt.decode(token, SECRET, algorithms=["HS256"], audience="cvpath-api")
    forged = jwt.encode(claims, "another-secret-" + "x" * 40, algorithm="HS256", headers={"kid": "1"})
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    expired = issue_guest_token(guest_id, now=datetime.now(UTC) - timedelta(days=60))
    unsigned = jwt.encode(claims, "", algorithm="none", headers={"kid": "1"})

    for bad, code in [
        (forged, "invalid_token"),
        (tampered, "invalid_token"),
        (unsigned, "invalid_token"),
        ("not-a-jwt", "invalid_token"),
        (expired, "token_expired"),
    ]:
        answer = api.get("/api/me", headers=bearer(bad))
        assert error_of(answer, 401)["code"] == code, bad
        assert bad not in answer.text


def test_no_credentials_is_401_not_authenticated(api: TestClient) -> None:
    error = error_of(api.get("/api/me"), 401)
    assert error["code"] == "not_authenticated"


def test_logout_revokes_the_session_for_its_access_and_refresh_tokens(api: TestClient) -> None:
    pair = register(api, "leaving@example.com").json()
    answer = api.post("/api/auth/logout", headers=bearer(pair["access_token"]))
    assert answer.status_code == 204
    assert answer.content == b""
    assert "Max-Age=0" in cookie_line(answer, "cvpath_access")

    assert error_of(api.get("/api/me", headers=bearer(pair["access_token"])), 401)["code"] == "invalid_token"
    assert api.post("/api/auth/refresh", json={"refresh_token": pair["refresh_token"]}).status_code == 401
    assert api.post("/api/auth/logout").status_code == 401


def test_refresh_rotates_and_a_reused_refresh_token_revokes_the_session(api: TestClient) -> None:
    first = register(api, "rotating@example.com").json()
    answer = api.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert answer.status_code == 200
    second = answer.json()
    assert second["refresh_token"] != first["refresh_token"]
    assert second["user_id"] == first["user_id"]
    assert api.get("/api/me", headers=bearer(second["access_token"])).status_code == 200

    # The old refresh token again: theft is assumed, the whole session ends.
    assert api.post("/api/auth/refresh", json={"refresh_token": first["refresh_token"]}).status_code == 401
    assert api.get("/api/me", headers=bearer(second["access_token"])).status_code == 401
    assert api.post("/api/auth/refresh", json={"refresh_token": second["refresh_token"]}).status_code == 401
