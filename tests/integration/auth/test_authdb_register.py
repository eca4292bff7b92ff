"""Registration against PostgreSQL: one transaction, guest adoption, duplicates and races.

Every test commits, so each gets its own migrated database (``fresh_db_url``).
"""

from __future__ import annotations

import threading
import time
import uuid
from typing import Any

import psycopg
import pytest

from cvpath.auth import InvalidToken, TokenPair, WeakPassword, create_guest, principal_for, register
from cvpath.db.runs import Owner, insert_import, insert_job_text
from cvpath.errors import Conflict, CVPathError, GuestAlreadyMigrated, NotFound, ValidationFailed

PASSWORD = "Canary-Reg-Pass-5531"
Conn = psycopg.Connection[Any]


def _one(conn: Conn, query: str, params: list[Any] | None = None) -> Any:
    row = conn.execute(query, params).fetchone()
    assert row is not None, query
    return row[0]


def _guest_with_data(conn: Conn) -> uuid.UUID:
    guest_id, _ = create_guest(conn, user_agent="pytest", ip="203.0.113.7")
    owner = Owner(guest_id=guest_id)
    insert_import(conn, owner, raw_text="Jane Doe, engineer")
    insert_job_text(conn, owner, "Senior engineer wanted")
    return guest_id


def test_register_creates_user_profile_session_and_verification_email(db: Conn) -> None:
    pair = register(db, "Jane@Example.com", PASSWORD, guest_id=None, user_agent="pytest/1", ip="198.51.100.4")

    assert isinstance(pair, TokenPair)
    user = db.execute(
        "SELECT email, password_hash, email_verified_at FROM public.users WHERE id = %s", [pair.user_id]
    ).fetchone()
    assert user is not None
    assert user[0] == "Jane@Example.com"
    assert user[1].startswith("$argon2id$")
    assert user[2] is None
    assert (
        _one(db, "SELECT tier::text FROM public.user_model_profiles WHERE user_id = %s", [pair.user_id])
        == "FREE"
    )
    session = db.execute(
        """SELECT user_agent, ip_hash, expires_at > now() + interval '29 days'
           FROM public.sessions WHERE user_id = %s""",
        [pair.user_id],
    ).fetchone()
    assert session is not None
    assert session[0] == "pytest/1"
    assert session[1]
    assert "198.51.100.4" not in session[1]
    assert session[2]
    outbox = db.execute("SELECT to_address, template, payload, sent_at FROM public.email_outbox").fetchall()
    assert len(outbox) == 1
    assert outbox[0][:2] == ("Jane@Example.com", "verify_email")
    assert outbox[0][2]["user_id"] == str(pair.user_id)
    assert outbox[0][3] is None
    principal = principal_for(db, pair.access_token)
    assert (principal.kind, principal.user_id, principal.is_admin) == ("user", pair.user_id, False)


def test_register_adopts_the_guest_and_the_guest_token_stops_working(db: Conn) -> None:
    guest_id = _guest_with_data(db)
    guest_token = create_guest(db)[1]  # another guest's token stays valid

    pair = register(db, "adopt@example.com", PASSWORD, guest_id=guest_id, user_agent=None, ip=None)

    assert (
        _one(db, "SELECT migrated_to_user_id FROM public.guest_users WHERE id = %s", [guest_id])
        == pair.user_id
    )
    assert _one(db, "SELECT count(*) FROM public.import_data WHERE user_id = %s", [pair.user_id]) == 1
    assert _one(db, "SELECT count(*) FROM public.job_data WHERE guest_id = %s", [guest_id]) == 0
    assert principal_for(db, guest_token).kind == "guest"


def test_migrated_guest_token_is_refused(db: Conn) -> None:
    guest_id, token = create_guest(db)
    assert principal_for(db, token).guest_id == guest_id

    register(db, "former-guest@example.com", PASSWORD, guest_id=guest_id, user_agent=None, ip=None)

    with pytest.raises(InvalidToken, match="registered") as caught:
        principal_for(db, token)
    assert caught.value.http_status == 401


def test_duplicate_email_is_a_conflict_and_the_guest_is_not_migrated(db: Conn) -> None:
    register(db, "taken@example.com", PASSWORD, guest_id=None, user_agent=None, ip=None)
    guest_id = _guest_with_data(db)

    with pytest.raises(Conflict) as caught:
        register(db, "  TAKEN@Example.COM ", PASSWORD + "x", guest_id=guest_id, user_agent=None, ip=None)

    assert caught.value.http_status == 409
    assert _one(db, "SELECT migrated_to_user_id FROM public.guest_users WHERE id = %s", [guest_id]) is None
    assert _one(db, "SELECT count(*) FROM public.import_data WHERE guest_id = %s", [guest_id]) == 1
    assert _one(db, "SELECT count(*) FROM public.users") == 1
    assert _one(db, "SELECT count(*) FROM public.sessions WHERE user_id IS NOT NULL") == 1


def test_weak_password_and_bad_email_write_nothing(db: Conn) -> None:
    with pytest.raises(WeakPassword) as caught:
        register(db, "weak@example.com", "password123", guest_id=None, user_agent=None, ip=None)
    assert caught.value.details["rule"] == "common_password"
    with pytest.raises(ValidationFailed):
        register(db, "not-an-email", PASSWORD, guest_id=None, user_agent=None, ip=None)

    assert _one(db, "SELECT count(*) FROM public.users") == 0


def test_unknown_guest_rolls_the_whole_registration_back(db: Conn) -> None:
    with pytest.raises(NotFound):
        register(db, "ghost@example.com", PASSWORD, guest_id=uuid.uuid4(), user_agent=None, ip=None)

    assert _one(db, "SELECT count(*) FROM public.users") == 0
    assert _one(db, "SELECT count(*) FROM public.email_outbox") == 0


def _wait_for_lock_waiters(url: str, count: int) -> None:
    deadline = time.monotonic() + 10
    with psycopg.connect(url, autocommit=True) as monitor:
        while time.monotonic() < deadline:
            waiting = _one(
                monitor,
                """SELECT count(*) FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event_type = 'Lock'
                     AND query LIKE '%migrate_guest_to_user%'""",
            )
            if waiting >= count:
                return
            time.sleep(0.01)
    pytest.fail(f"{count} registrations never queued on the guest lock")


def test_two_registrations_with_one_guest_exactly_one_wins(fresh_db_url: str, db: Conn) -> None:
    guest_id = _guest_with_data(db)
    emails = ["first@example.com", "second@example.com"]
    outcomes: dict[str, TokenPair | CVPathError | psycopg.Error] = {}

    def attempt(email: str) -> None:
        try:
            with psycopg.connect(fresh_db_url, autocommit=True) as conn:
                conn.execute("SET lock_timeout = '20s'")
                outcomes[email] = register(conn, email, PASSWORD, guest_id=guest_id, user_agent=None, ip=None)
        except (CVPathError, psycopg.Error) as exc:
            outcomes[email] = exc

    # A blocker holds the guest row so both registrations are queued on it before either proceeds.
    with psycopg.connect(fresh_db_url) as blocker:
        blocker.execute("SELECT 1 FROM public.guest_users WHERE id = %s FOR UPDATE", [guest_id])
        threads = [threading.Thread(target=attempt, args=(email,), daemon=True) for email in emails]
        for thread in threads:
            thread.start()
        _wait_for_lock_waiters(fresh_db_url, 2)
        blocker.rollback()
    for thread in threads:
        thread.join(30)
        assert not thread.is_alive()

    winners = [email for email, outcome in outcomes.items() if isinstance(outcome, TokenPair)]
    losers = [outcome for outcome in outcomes.values() if not isinstance(outcome, TokenPair)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], GuestAlreadyMigrated)
    winner = outcomes[winners[0]]
    assert isinstance(winner, TokenPair)
    assert _one(db, "SELECT array_agg(email) FROM public.users") == winners
    assert (
        _one(db, "SELECT migrated_to_user_id FROM public.guest_users WHERE id = %s", [guest_id])
        == winner.user_id
    )
    assert _one(db, "SELECT count(*) FROM public.import_data WHERE user_id = %s", [winner.user_id]) == 1
    assert _one(db, "SELECT count(*) FROM public.job_data WHERE user_id = %s", [winner.user_id]) == 1
    assert _one(db, "SELECT count(*) FROM public.email_outbox") == 1
