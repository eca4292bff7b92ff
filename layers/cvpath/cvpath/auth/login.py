"""Sign-in with email and password, throttled per account and per client IP."""

from __future__ import annotations

from typing import Any

import psycopg

from cvpath.auth import throttle
from cvpath.auth.errors import AuthFailed
from cvpath.auth.passwords import hash_password, needs_rehash, verify_password
from cvpath.auth.principal import TokenPair
from cvpath.auth.sessions import open_session

# One message for an unknown email and a wrong password: nothing tells which.
REFUSED = "the email or password is incorrect"


def login(
    conn: psycopg.Connection[Any], email: str, password: str, *, user_agent: str | None, ip: str | None
) -> TokenPair:
    """A new session for the account, or ``AuthFailed`` (401) / ``TooManyAttempts`` (429).

    Commits its own transaction: call it on an autocommit connection (the
    pool's convention) with no transaction open, or a caller's rollback would
    forget the failure that was counted.
    """
    email = email.strip() if isinstance(email, str) else ""
    password = password if isinstance(password, str) else ""
    subjects = throttle.subjects_for(email, ip)
    pair: TokenPair | None = None
    # One transaction that ends normally either way, so a failure is committed
    # before AuthFailed leaves (raising inside it would roll the count back).
    with conn.transaction():
        throttle.ensure_allowed(conn, subjects)
        row = None
        if email:
            row = conn.execute(
                "SELECT id, password_hash, is_admin FROM public.users WHERE lower(email) = lower(%s)", [email]
            ).fetchone()
        # Runs even without an account, so both refusals take the same time.
        if verify_password(row[1] if row else None, password) and row is not None:
            user_id, stored_hash, is_admin = row
            throttle.clear_account(conn, subjects)
            if needs_rehash(stored_hash):
                conn.execute(
                    "UPDATE public.users SET password_hash = %s WHERE id = %s",
                    [hash_password(password), user_id],
                )
            conn.execute("UPDATE public.users SET last_login_at = now() WHERE id = %s", [user_id])
            pair = open_session(conn, user_id, is_admin=bool(is_admin), user_agent=user_agent, ip=ip)
        else:
            throttle.record_failure(conn, subjects)
    if pair is None:
        raise AuthFailed(REFUSED)
    return pair
