"""Sign-in against PostgreSQL: one refusal for both mistakes, throttling that survives connections, rehash."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from argon2 import PasswordHasher, Type

from cvpath.auth import AuthFailed, TooManyAttempts, login, principal_for, register
from cvpath.auth.throttle import ACCOUNT_LIMIT, IP_LIMIT

PASSWORD = "Canary-Sign-In-Pass-9034"
EMAIL = "login@example.com"
Conn = psycopg.Connection[Any]


@pytest.fixture
def db(fresh_db_url: str) -> Iterator[Conn]:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        register(conn, EMAIL, PASSWORD, guest_id=None, user_agent=None, ip=None)
        yield conn


def _fail(conn: Conn, email: str = EMAIL, ip: str | None = "192.0.2.1") -> Exception:
    with pytest.raises((AuthFailed, TooManyAttempts)) as caught:
        login(conn, email, "Wrong-Password-000", user_agent=None, ip=ip)
    return caught.value


def test_login_opens_a_session_case_insensitively(db: Conn) -> None:
    pair = login(db, "  LOGIN@example.COM", PASSWORD, user_agent="pytest", ip="192.0.2.1")

    principal = principal_for(db, pair.access_token)
    assert principal.user_id == pair.user_id
    row = db.execute(
        "SELECT last_login_at IS NOT NULL FROM public.users WHERE id = %s", [pair.user_id]
    ).fetchone()
    assert row == (True,)


def test_unknown_email_and_wrong_password_get_the_same_refusal(db: Conn) -> None:
    wrong = _fail(db)
    with pytest.raises(AuthFailed) as unknown:
        login(db, "nobody@example.com", PASSWORD, user_agent=None, ip=None)

    assert isinstance(wrong, AuthFailed)
    assert wrong.to_body() == unknown.value.to_body()
    assert wrong.http_status == 401
    assert PASSWORD not in str(unknown.value.to_body())


def test_account_is_throttled_after_five_failures_across_connections(db: Conn, fresh_db_url: str) -> None:
    for i in range(ACCOUNT_LIMIT):
        # A different IP each time: only the account counter can trip.
        assert isinstance(_fail(db, ip=f"192.0.2.{i + 10}"), AuthFailed)

    with psycopg.connect(fresh_db_url, autocommit=True) as other, pytest.raises(TooManyAttempts) as caught:
        login(other, EMAIL, PASSWORD, user_agent=None, ip="198.51.100.99")
    assert caught.value.http_status == 429
    assert caught.value.code == "too_many_attempts"
    assert caught.value.details["scope"] == "account"
    assert 0 < caught.value.details["retry_after_s"] <= 15 * 60
    # Another account is unaffected.
    register(db, "other@example.com", PASSWORD, guest_id=None, user_agent=None, ip=None)
    login(db, "other@example.com", PASSWORD, user_agent=None, ip="198.51.100.99")


def test_the_window_ends_and_a_success_clears_the_account_counter(db: Conn) -> None:
    for _ in range(ACCOUNT_LIMIT):
        _fail(db)
    db.execute("UPDATE public.auth_attempts SET window_started_at = now() - interval '16 minutes'")

    login(db, EMAIL, PASSWORD, user_agent=None, ip="192.0.2.1")

    counters = dict(db.execute("SELECT scope, failures FROM public.auth_attempts").fetchall())
    assert counters == {"ip": ACCOUNT_LIMIT}


def test_ip_is_throttled_after_twenty_failures_over_many_accounts(db: Conn, fresh_db_url: str) -> None:
    for i in range(IP_LIMIT):
        assert isinstance(_fail(db, email=f"guess{i}@example.com", ip="203.0.113.50"), AuthFailed)

    with psycopg.connect(fresh_db_url, autocommit=True) as other:
        with pytest.raises(TooManyAttempts) as caught:
            login(other, EMAIL, PASSWORD, user_agent=None, ip="203.0.113.50")
        assert caught.value.details["scope"] == "ip"
        # The same account from another IP still signs in.
        login(other, EMAIL, PASSWORD, user_agent=None, ip="203.0.113.51")


def test_counters_store_only_keyed_hashes(db: Conn) -> None:
    _fail(db, ip="203.0.113.77")

    rows = db.execute("SELECT scope, subject FROM public.auth_attempts ORDER BY scope").fetchall()
    assert [scope for scope, _ in rows] == ["account", "ip"]
    for _, subject in rows:
        assert len(subject) == 32
        assert b"203.0.113.77" not in subject
        assert b"login" not in subject


def test_login_rehashes_a_hash_made_with_old_parameters(db: Conn) -> None:
    old = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1, type=Type.ID).hash(PASSWORD)
    db.execute("UPDATE public.users SET password_hash = %s WHERE lower(email) = %s", [old, EMAIL])

    login(db, EMAIL, PASSWORD, user_agent=None, ip=None)

    stored = db.execute("SELECT password_hash FROM public.users WHERE lower(email) = %s", [EMAIL]).fetchone()
    assert stored is not None
    assert stored[0] != old
    assert stored[0].startswith("$argon2id$v=19$m=19456,t=2,p=1$")
    login(db, EMAIL, PASSWORD, user_agent=None, ip=None)


def test_a_user_without_a_password_cannot_sign_in(db: Conn) -> None:
    db.execute("INSERT INTO public.users (email) VALUES ('nopass@example.com')")

    with pytest.raises(AuthFailed):
        login(db, "nopass@example.com", "", user_agent=None, ip=None)
