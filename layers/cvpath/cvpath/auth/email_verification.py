"""Email verification: a row per email sent, a link token derived from it, and the verified state.

Why the token is derived (HMAC of the row id under the signing secret) rather
than stored: the outbox payload and the table then hold nothing that verifies
an address. Whoever renders the email (the sender, holding the secret) calls
``verification_token`` to build the link.
"""

from __future__ import annotations

import base64
import hmac
from datetime import timedelta
from typing import Any
from uuid import UUID

import psycopg

from cvpath.auth.errors import InvalidToken, TokenExpired
from cvpath.auth.outbox import send_email
from cvpath.auth.signing import keyed_hash

VERIFICATION_TTL = timedelta(days=3)
TEMPLATE = "verify_email"


def start_verification(conn: psycopg.Connection[Any], user_id: UUID, email: str) -> UUID:
    """Record a verification for ``email`` and queue the email; returns the verification id."""
    row = conn.execute(
        """INSERT INTO public.email_verifications (user_id, email, expires_at)
           VALUES (%s, %s, now() + %s) RETURNING id""",
        [user_id, email, VERIFICATION_TTL],
    ).fetchone()
    assert row is not None
    verification_id = UUID(str(row[0]))
    send_email(conn, email, TEMPLATE, {"verification_id": str(verification_id), "user_id": str(user_id)})
    return verification_id


def verification_token(verification_id: UUID) -> str:
    """The token a verification link carries: ``<id>.<mac>``."""
    mac = keyed_hash("verify-email", str(verification_id))
    return f"{verification_id}.{base64.urlsafe_b64encode(mac).decode().rstrip('=')}"


def verify_email(conn: psycopg.Connection[Any], token: str) -> UUID:
    """Mark the address as verified; returns the user id.

    Raises ``InvalidToken`` for a forged or consumed token or one whose address
    is no longer the user's, ``TokenExpired`` past its expiry.
    """
    verification_id = _parse(token)
    with conn.transaction():
        row = conn.execute(
            """SELECT v.user_id, v.expires_at <= now(), v.consumed_at IS NOT NULL,
                      lower(v.email) = lower(u.email)
               FROM public.email_verifications v JOIN public.users u ON u.id = v.user_id
               WHERE v.id = %s FOR UPDATE OF v""",
            [verification_id],
        ).fetchone()
        if row is None or row[2] or not row[3]:
            raise InvalidToken("the verification link is invalid or was already used")
        if row[1]:
            raise TokenExpired("the verification link has expired")
        conn.execute(
            "UPDATE public.email_verifications SET consumed_at = now() WHERE id = %s", [verification_id]
        )
        conn.execute(
            "UPDATE public.users SET email_verified_at = now() WHERE id = %s AND email_verified_at IS NULL",
            [row[0]],
        )
    return UUID(str(row[0]))


def is_email_verified(conn: psycopg.Connection[Any], user_id: UUID) -> bool:
    row = conn.execute(
        "SELECT email_verified_at IS NOT NULL FROM public.users WHERE id = %s", [user_id]
    ).fetchone()
    return bool(row and row[0])


def _parse(token: str) -> UUID:
    head, _, mac = token.partition(".") if isinstance(token, str) else ("", "", "")
    try:
        verification_id = UUID(head)
    except ValueError:
        raise InvalidToken("the verification link is invalid") from None
    if not hmac.compare_digest(verification_token(verification_id).encode(), f"{head}.{mac}".encode()):
        raise InvalidToken("the verification link is invalid")
    return verification_id
