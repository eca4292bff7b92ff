"""Sign-in throttling: failure counters per account and per client IP, kept in Postgres.

Why Postgres: Lambda environments share nothing, so an in-memory counter would
give an attacker a fresh allowance per environment. Counters use fixed windows:
the first failure opens a window; once it is older than ``WINDOW`` the next
failure starts a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import psycopg

from cvpath.auth.errors import TooManyAttempts
from cvpath.auth.signing import keyed_hash

WINDOW = timedelta(minutes=15)
ACCOUNT_LIMIT = 5
IP_LIMIT = 20


@dataclass(frozen=True)
class Subject:
    scope: str  # "account" or "ip"
    key: bytes  # the keyed hash stored in auth_attempts.subject
    limit: int


def subjects_for(email: str, ip: str | None) -> list[Subject]:
    """The counters a sign-in attempt for ``email`` from ``ip`` is charged to."""
    found = [Subject("account", keyed_hash("throttle-account", email.strip().lower()), ACCOUNT_LIMIT)]
    if ip and ip.strip():
        found.append(Subject("ip", keyed_hash("throttle-ip", ip.strip()), IP_LIMIT))
    return found


def ensure_allowed(conn: psycopg.Connection[Any], subjects: list[Subject]) -> None:
    """Raise ``TooManyAttempts`` when any subject has reached its limit in the current window."""
    for subject in subjects:
        row = conn.execute(
            """SELECT failures, ceil(extract(epoch FROM window_started_at + %s - now()))::int
               FROM public.auth_attempts
               WHERE scope = %s AND subject = %s AND window_started_at > now() - %s""",
            [WINDOW, subject.scope, subject.key, WINDOW],
        ).fetchone()
        if row is not None and row[0] >= subject.limit:
            raise TooManyAttempts(
                "too many failed sign-in attempts; try again later",
                details={"scope": subject.scope, "retry_after_s": max(int(row[1]), 1)},
            )


def record_failure(conn: psycopg.Connection[Any], subjects: list[Subject]) -> None:
    for subject in subjects:
        conn.execute(
            """INSERT INTO public.auth_attempts AS a (scope, subject, failures) VALUES (%s, %s, 1)
               ON CONFLICT (scope, subject) DO UPDATE SET
                   failures = CASE WHEN a.window_started_at <= now() - %s THEN 1 ELSE a.failures + 1 END,
                   window_started_at = CASE WHEN a.window_started_at <= now() - %s
                                            THEN now() ELSE a.window_started_at END,
                   last_failed_at = now()""",
            [subject.scope, subject.key, WINDOW, WINDOW],
        )


def clear_account(conn: psycopg.Connection[Any], subjects: list[Subject]) -> None:
    """Forget an account's failures after a successful sign-in.

    The IP counter is kept on purpose: an attacker signing into their own
    account in between must not reset the allowance of the IP they guess from.
    """
    for subject in subjects:
        if subject.scope == "account":
            conn.execute(
                "DELETE FROM public.auth_attempts WHERE scope = 'account' AND subject = %s", [subject.key]
            )


def prune(conn: psycopg.Connection[Any]) -> int:
    """Delete counters whose window has passed; returns how many."""
    cur = conn.execute("DELETE FROM public.auth_attempts WHERE window_started_at <= now() - %s", [WINDOW])
    return cur.rowcount
