"""Sessions against PostgreSQL: refresh rotation, reuse detection, logout, email verification, and
secrets (password, refresh token) never stored, logged or echoed."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest

from cvpath.auth import (
    AuthFailed,
    InvalidToken,
    TokenExpired,
    is_email_verified,
    login,
    logout,
    principal_for,
    refresh,
    register,
    verification_token,
    verify_email,
)

CANARY_PASSWORD = "Canary-Rotating-Pass-4417"
Conn = psycopg.Connection[Any]


def _register(db: Conn, email: str = "session@example.com") -> Any:
    return register(db, email, CANARY_PASSWORD, guest_id=None, user_agent=None, ip="192.0.2.9")


def test_refresh_rotates_and_the_old_token_stops_working(db: Conn) -> None:
    first = _register(db)

    second = refresh(db, first.refresh_token)

    assert second.refresh_token != first.refresh_token
    assert second.user_id == first.user_id
    assert (
        principal_for(db, second.access_token).session_id == principal_for(db, first.access_token).session_id
    )
    third = refresh(db, second.refresh_token)
    assert principal_for(db, third.access_token).user_id == first.user_id


def test_reusing_a_rotated_refresh_token_revokes_the_session(db: Conn) -> None:
    first = _register(db)
    second = refresh(db, first.refresh_token)

    with pytest.raises(InvalidToken, match="already used"):
        refresh(db, first.refresh_token)

    # The thief's use revoked everything: the legitimate holder's tokens die too.
    with pytest.raises(InvalidToken):
        refresh(db, second.refresh_token)
    with pytest.raises(InvalidToken):
        principal_for(db, second.access_token)
    assert db.execute("SELECT revoked_at IS NOT NULL FROM public.sessions").fetchone() == (True,)


def test_unknown_refresh_token_is_refused(db: Conn) -> None:
    _register(db)

    with pytest.raises(InvalidToken):
        refresh(db, "cvr_not-a-real-token")
    with pytest.raises(InvalidToken):
        refresh(db, "")
    assert db.execute("SELECT revoked_at FROM public.sessions").fetchone() == (None,)


def test_refresh_of_an_expired_session_is_refused(db: Conn) -> None:
    pair = _register(db)

    with pytest.raises(TokenExpired):
        refresh(db, pair.refresh_token, now=datetime.now(UTC) + timedelta(days=31))


def test_logout_revokes_and_the_access_token_is_refused(db: Conn) -> None:
    pair = _register(db)
    principal = principal_for(db, pair.access_token)
    assert principal.session_id is not None

    logout(db, principal.session_id)
    logout(db, principal.session_id)  # idempotent

    with pytest.raises(InvalidToken) as caught:
        principal_for(db, pair.access_token)
    assert caught.value.http_status == 401
    with pytest.raises(InvalidToken, match="signed out"):
        refresh(db, pair.refresh_token)


def test_other_sessions_survive_one_logout(db: Conn) -> None:
    first = _register(db)
    second = login(db, "session@example.com", CANARY_PASSWORD, user_agent=None, ip=None)
    session_id = principal_for(db, first.access_token).session_id
    assert session_id is not None

    logout(db, session_id)

    assert principal_for(db, second.access_token).user_id == first.user_id


def test_admin_flag_is_read_from_the_user_row(db: Conn) -> None:
    pair = _register(db)
    db.execute("UPDATE public.users SET is_admin = true WHERE id = %s", [pair.user_id])

    assert principal_for(db, pair.access_token).is_admin is True


def test_email_verification_marks_the_user_once(db: Conn) -> None:
    pair = _register(db)
    row = db.execute("SELECT payload->>'verification_id' FROM public.email_outbox").fetchone()
    assert row is not None
    token = verification_token(row[0])
    assert not is_email_verified(db, pair.user_id)

    assert verify_email(db, token) == pair.user_id

    assert is_email_verified(db, pair.user_id)
    with pytest.raises(InvalidToken, match="already used"):
        verify_email(db, token)


def test_verification_link_for_an_old_address_or_past_expiry_is_refused(db: Conn) -> None:
    pair = _register(db)
    verification_id = db.execute("SELECT id FROM public.email_verifications").fetchone()
    assert verification_id is not None
    token = verification_token(verification_id[0])

    db.execute(
        "UPDATE public.email_verifications SET created_at = now() - interval '10 days', "
        "expires_at = now() - interval '1 day'"
    )
    with pytest.raises(TokenExpired):
        verify_email(db, token)
    db.execute("UPDATE public.email_verifications SET expires_at = now() + interval '1 day'")
    db.execute("UPDATE public.users SET email = 'changed@example.com' WHERE id = %s", [pair.user_id])
    with pytest.raises(InvalidToken):
        verify_email(db, token)
    assert not is_email_verified(db, pair.user_id)


def _every_stored_value(db: Conn) -> str:
    tables = db.execute(
        """SELECT format('%I.%I', table_schema, table_name) FROM information_schema.tables
           WHERE table_schema IN ('public', 'analytics_monitoring') AND table_type = 'BASE TABLE'"""
    ).fetchall()
    dumped: list[str] = []
    for (table,) in tables:
        dumped.extend(str(row[0]) for row in db.execute(f"SELECT t::text FROM {table} t").fetchall())
    return "\n".join(dumped)


def test_secrets_never_reach_the_database_logs_or_errors(
    db: Conn, caplog: pytest.LogCaptureFixture, capsys: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG)
    pair = _register(db)
    rotated = refresh(db, pair.refresh_token)
    with pytest.raises(InvalidToken) as reuse:
        refresh(db, pair.refresh_token)
    for _ in range(2):
        with pytest.raises(AuthFailed) as failed:
            login(db, "session@example.com", CANARY_PASSWORD + "-wrong", user_agent=None, ip=None)
    secrets = [CANARY_PASSWORD, pair.refresh_token, rotated.refresh_token, pair.access_token]

    stored = _every_stored_value(db)
    captured = capsys.readouterr()
    outputs = [stored, caplog.text, captured.out, captured.err, str(reuse.value.to_body())]
    outputs.append(str(failed.value.to_body()))
    for secret in secrets:
        for output in outputs:
            assert secret not in output
    # Sanity: the dump really contains the session rows (as hashes).
    assert "\\x" in stored
    assert "session@example.com" in stored
