"""Guests and registration.

``register`` is one transaction: the user, their FREE profile, the guest's
data moving over (``migrate_guest_to_user``), the first session and the
verification email all commit together or not at all. Two registrations
carrying the same guest token serialise on the guest row inside
``migrate_guest_to_user``: the second sees the guest migrated to the first
user, fails with ``GuestAlreadyMigrated`` (a ``Conflict``), and its user is
rolled back with everything else.
"""

from __future__ import annotations

import re
from typing import Any
from uuid import UUID

import psycopg

from cvpath.auth.email_verification import start_verification
from cvpath.auth.passwords import check_password_strength, hash_password
from cvpath.auth.principal import TokenPair
from cvpath.auth.sessions import USER_AGENT_MAX, open_session
from cvpath.auth.signing import ip_hash, signing_secret
from cvpath.auth.tokens import issue_guest_token
from cvpath.db.guests import migrate_guest_to_user
from cvpath.db.runs import Owner
from cvpath.errors import Conflict, ValidationFailed
from cvpath.governance.profiles import ensure_profile

# The same rule as the users.email CHECK (sql/0001), checked first for a clear 422.
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")
EMAIL_MAX = 320


def create_guest(
    conn: psycopg.Connection[Any], *, user_agent: str | None = None, ip: str | None = None
) -> tuple[UUID, str]:
    """A new guest with its FREE profile (the guest quota); returns its id and a signed guest token."""
    signing_secret()  # fail before writing anything when tokens cannot be signed
    with conn.transaction():
        row = conn.execute(
            "INSERT INTO public.guest_users (user_agent, ip_hash) VALUES (%s, %s) RETURNING id",
            [(user_agent or None) and user_agent[:USER_AGENT_MAX], ip_hash(ip)],
        ).fetchone()
        assert row is not None
        guest_id = UUID(str(row[0]))
        ensure_profile(conn, Owner(guest_id=guest_id))
    return guest_id, issue_guest_token(guest_id)


def normalise_email(email: str) -> str:
    """``email`` stripped, or ``ValidationFailed``; case is kept, uniqueness ignores it."""
    cleaned = email.strip() if isinstance(email, str) else ""
    if not cleaned or len(cleaned) > EMAIL_MAX or not EMAIL.match(cleaned):
        raise ValidationFailed("the email address is not valid", details={"field": "email", "rule": "format"})
    return cleaned


def register(
    conn: psycopg.Connection[Any],
    email: str,
    password: str,
    *,
    guest_id: UUID | None,
    user_agent: str | None,
    ip: str | None,
) -> TokenPair:
    """Create an account (and adopt the guest's data when ``guest_id`` is given); returns its first tokens.

    Raises ``WeakPassword`` (422, ``details.rule``) or ``ValidationFailed`` for bad
    input, ``Conflict`` when the email is taken (case-insensitively; the guest is
    then left untouched) and ``GuestAlreadyMigrated`` (409) when the guest was
    adopted by another account meanwhile. Runs in its own transaction (a savepoint
    if the caller has one open).
    """
    email = normalise_email(email)
    check_password_strength(password, email=email)
    signing_secret()
    # Hashed before the transaction: argon2 takes tens of ms and must not hold locks.
    password_hash = hash_password(password)
    with conn.transaction():
        row = conn.execute(
            """INSERT INTO public.users (email, password_hash) VALUES (%s, %s)
               ON CONFLICT ((lower(email))) DO NOTHING RETURNING id""",
            [email, password_hash],
        ).fetchone()
        if row is None:
            raise Conflict(
                "an account with this email already exists", details={"field": "email", "rule": "unique"}
            )
        user_id = UUID(str(row[0]))
        ensure_profile(conn, Owner(user_id=user_id))
        if guest_id is not None:
            migrate_guest_to_user(conn, guest_id, user_id)
        pair = open_session(conn, user_id, is_admin=False, user_agent=user_agent, ip=ip)
        start_verification(conn, user_id, email)
    return pair
