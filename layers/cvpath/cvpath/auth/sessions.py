"""Sessions of registered users: open, refresh with rotation, revoke, resolve a bearer token.

A session row is the server-side truth behind an access token (``sid``) and
holds the sha256 of the one refresh token currently valid for it. Refresh
tokens are single-use: rotating moves the old hash to
``retired_refresh_tokens``, and presenting a retired one revokes the whole
session, because one of the two holders must be a thief.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import psycopg

from cvpath.auth.errors import InvalidToken, NotAnAdmin, TokenExpired
from cvpath.auth.principal import Principal, TokenPair
from cvpath.auth.signing import ip_hash
from cvpath.auth.tokens import (
    ADMIN_AUDIENCE,
    issue_access_token,
    issue_admin_token,
    new_refresh_token,
    refresh_token_hash,
    verify_token,
)
from cvpath.config import get_settings

USER_AGENT_MAX = 512


def open_session(
    conn: psycopg.Connection[Any], user_id: UUID, *, is_admin: bool, user_agent: str | None, ip: str | None
) -> TokenPair:
    """Create a session for ``user_id`` in the caller's transaction and issue its tokens."""
    settings = get_settings()
    refresh_token = new_refresh_token()
    row = conn.execute(
        """INSERT INTO public.sessions (user_id, token_hash, user_agent, ip_hash, expires_at)
           VALUES (%s, %s, %s, %s, now() + %s) RETURNING id""",
        [
            user_id,
            refresh_token_hash(refresh_token),
            (user_agent or None) and user_agent[:USER_AGENT_MAX],
            ip_hash(ip),
            timedelta(seconds=settings.refresh_token_ttl_s),
        ],
    ).fetchone()
    assert row is not None
    return _pair(user_id, UUID(str(row[0])), is_admin, refresh_token, None)


def refresh(conn: psycopg.Connection[Any], refresh_token: str, *, now: datetime | None = None) -> TokenPair:
    """Trade a refresh token for a new pair; the presented token stops working.

    Commits its own transaction (use an autocommit or idle connection): the
    revocation caused by a reused token must persist although ``InvalidToken``
    is raised afterwards.
    """
    now = now or datetime.now(UTC)
    if not isinstance(refresh_token, str) or not refresh_token:
        raise InvalidToken("the refresh token is missing")
    presented = refresh_token_hash(refresh_token)
    replacement = new_refresh_token()
    ttl = timedelta(seconds=get_settings().refresh_token_ttl_s)
    reused = expired = revoked = False
    session_id = user_id = is_admin = None
    with conn.transaction():
        row = conn.execute(
            """SELECT s.id, s.user_id, s.expires_at <= %s, s.revoked_at IS NOT NULL, u.is_admin
               FROM public.sessions s JOIN public.users u ON u.id = s.user_id
               WHERE s.token_hash = %s FOR UPDATE OF s""",
            [now, presented],
        ).fetchone()
        if row is None:
            reused = _revoke_if_retired(conn, presented)
        else:
            session_id, user_id, expired, revoked, is_admin = row
            if not expired and not revoked:
                conn.execute(
                    "INSERT INTO public.retired_refresh_tokens (token_hash, session_id) VALUES (%s, %s)",
                    [presented, session_id],
                )
                conn.execute(
                    """UPDATE public.sessions SET token_hash = %s, last_used_at = now(), expires_at = %s
                       WHERE id = %s""",
                    [refresh_token_hash(replacement), now + ttl, session_id],
                )
    if row is None:
        detail = "the refresh token was already used; the session is revoked" if reused else None
        raise InvalidToken(detail or "the refresh token is invalid")
    if revoked:
        raise InvalidToken("the session was signed out")
    if expired:
        raise TokenExpired("the session has expired; sign in again")
    return _pair(UUID(str(user_id)), UUID(str(session_id)), bool(is_admin), replacement, now)


def logout(conn: psycopg.Connection[Any], session_id: UUID) -> None:
    """Revoke the session: its access tokens and refresh token stop working at once. Idempotent."""
    conn.execute(
        "UPDATE public.sessions SET revoked_at = now() WHERE id = %s AND revoked_at IS NULL", [session_id]
    )


def principal_for(conn: psycopg.Connection[Any], token: str, *, now: datetime | None = None) -> Principal:
    """The caller behind a guest or access token; ``AuthFailed`` (401) otherwise.

    An access token is honoured only while its session is neither revoked nor
    expired, and ``is_admin`` is read from the user row, so both revocation and
    a removed admin right take effect before the token expires. A guest token
    stops working once the guest has registered (its data is the user's now).
    """
    claims = verify_token(token, expected={"guest", "access"}, now=now)
    subject = _uuid(claims.get("sub"))
    if claims["typ"] == "guest":
        row = conn.execute(
            "SELECT migrated_to_user_id IS NOT NULL FROM public.guest_users WHERE id = %s", [subject]
        ).fetchone()
        if row is None or row[0]:
            raise InvalidToken("this guest no longer exists or has registered; sign in instead")
        return Principal(kind="guest", guest_id=subject)
    session_id = _uuid(claims.get("sid"))
    row = conn.execute(
        """SELECT s.revoked_at IS NULL AND s.expires_at > coalesce(%s::timestamptz, now()), u.is_admin
           FROM public.sessions s JOIN public.users u ON u.id = s.user_id
           WHERE s.id = %s AND s.user_id = %s""",
        [now, session_id, subject],
    ).fetchone()
    if row is None or not row[0]:
        raise InvalidToken("the session was signed out or has expired")
    return Principal(kind="user", user_id=subject, session_id=session_id, is_admin=bool(row[1]))


def admin_principal_for(
    conn: psycopg.Connection[Any], token: str, *, now: datetime | None = None
) -> Principal:
    """The admin behind an admin token: 401 for a bad, expired or revoked one, 403 for anyone not an admin.

    The admin right is read from the user row on every call, so removing it takes
    effect at once. A valid public token (guest or access) is a known caller
    without an admin token: 403, so that every admin route refuses a non-admin
    the same way.
    """
    try:
        claims = verify_token(token, expected={"admin"}, now=now, audience=ADMIN_AUDIENCE)
    except InvalidToken:
        principal = principal_for(conn, token, now=now)  # 401 unless it is a valid public token
        raise NotAnAdmin(
            "admin routes take an admin token" if principal.is_admin else "this route is for administrators"
        ) from None
    subject = _uuid(claims.get("sub"))
    row = conn.execute(
        """SELECT s.revoked_at IS NULL AND s.expires_at > coalesce(%s::timestamptz, now()), u.is_admin
           FROM public.sessions s JOIN public.users u ON u.id = s.user_id
           WHERE s.id = %s AND s.user_id = %s""",
        [now, _uuid(claims.get("sid")), subject],
    ).fetchone()
    if row is None or not row[0]:
        raise InvalidToken("the session was signed out or has expired")
    if not row[1]:
        raise NotAnAdmin("this route is for administrators")
    return Principal(kind="user", user_id=subject, session_id=_uuid(claims.get("sid")), is_admin=True)


def issue_admin_session_token(principal: Principal, *, now: datetime | None = None) -> tuple[str, int]:
    """An admin token for an admin's live session (from ``principal_for``); 403 for a non-admin."""
    if principal.kind != "user" or not principal.is_admin or principal.session_id is None:
        raise NotAnAdmin("only an administrator's session can get an admin token")
    assert principal.user_id is not None
    token = issue_admin_token(principal.user_id, principal.session_id, now=now)
    return token, get_settings().admin_token_ttl_s


def _revoke_if_retired(conn: psycopg.Connection[Any], presented: bytes) -> bool:
    row = conn.execute(
        "SELECT session_id FROM public.retired_refresh_tokens WHERE token_hash = %s", [presented]
    ).fetchone()
    if row is None:
        return False
    logout(conn, UUID(str(row[0])))
    return True


def _pair(
    user_id: UUID, session_id: UUID, is_admin: bool, refresh_token: str, now: datetime | None
) -> TokenPair:
    return TokenPair(
        access_token=issue_access_token(user_id, session_id, is_admin=is_admin, now=now),
        refresh_token=refresh_token,
        expires_in=get_settings().access_token_ttl_s,
        user_id=user_id,
    )


def _uuid(value: object) -> UUID:
    try:
        return UUID(str(value))
    except ValueError:
        raise InvalidToken("the token's subject is malformed") from None
