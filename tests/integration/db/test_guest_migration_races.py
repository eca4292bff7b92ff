"""migrate_guest_to_user with committed data: concurrent callers and a failure midway.

Each test gets its own migrated database (``fresh_db_url``) because it commits
and uses several connections. Races are made deterministic: a blocker
connection holds the guest rows locked until every caller is queued behind it,
then lets them all go at once.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from guest_workspace import OWNED_TABLES, Owner, new_guest, new_user, one, owned_counts, seed_workspace

from cvpath.db.guests import GuestMigrationResult, migrate_guest_to_user
from cvpath.errors import CVPathError, GuestAlreadyMigrated

Outcome = GuestMigrationResult | CVPathError | psycopg.Error
JOIN_TIMEOUT_S = 30


@contextmanager
def _committed(url: str) -> Iterator[psycopg.Connection[Any]]:
    with psycopg.connect(url) as conn:
        yield conn
        conn.commit()


def _wait_for_lock_waiters(url: str, count: int) -> None:
    deadline = time.monotonic() + 10
    with psycopg.connect(url, autocommit=True) as monitor:
        while time.monotonic() < deadline:
            waiting = one(
                monitor,
                """SELECT count(*) FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event_type = 'Lock'
                     AND query LIKE '%migrate_guest_to_user%'""",
            )
            if waiting >= count:
                return
            time.sleep(0.01)
    pytest.fail(f"{count} migrations never queued on the guest lock")


def _race(url: str, calls: list[tuple[uuid.UUID, uuid.UUID]]) -> list[Outcome]:
    """Run the calls in threads, each on its own connection, released together."""
    outcomes: list[Outcome | None] = [None] * len(calls)

    def call(index: int, guest: uuid.UUID, user: uuid.UUID) -> Callable[[], None]:
        def run() -> None:
            try:
                with psycopg.connect(url, autocommit=True) as conn:
                    # A stuck lock fails the test instead of hanging it.
                    conn.execute("SET lock_timeout = '20s'")
                    outcomes[index] = migrate_guest_to_user(conn, guest, user)
            except (CVPathError, psycopg.Error) as exc:
                outcomes[index] = exc

        return run

    guests = sorted({guest for guest, _ in calls})
    with psycopg.connect(url) as blocker:
        blocker.execute("SELECT 1 FROM public.guest_users WHERE id = ANY(%s) FOR UPDATE", [guests])
        threads = [threading.Thread(target=call(i, g, u), daemon=True) for i, (g, u) in enumerate(calls)]
        for thread in threads:
            thread.start()
        _wait_for_lock_waiters(url, len(calls))
        blocker.rollback()
    for thread in threads:
        thread.join(JOIN_TIMEOUT_S)
        assert not thread.is_alive(), "a migration did not finish: lock wait or deadlock"
    assert all(outcome is not None for outcome in outcomes)
    return [outcome for outcome in outcomes if outcome is not None]


def test_two_concurrent_calls_give_one_migration_and_no_deadlock(fresh_db_url: str) -> None:
    # Given a committed guest with a full workspace, and a user
    with _committed(fresh_db_url) as conn:
        guest, user = new_guest(conn), new_user(conn)
        seeded = seed_workspace(conn, Owner(guest_id=guest))
    # When two callers migrate it at the same moment
    outcomes = _race(fresh_db_url, [(guest, user), (guest, user)])
    # Then neither failed (no DeadlockDetected, no error at all)
    errors = [o for o in outcomes if not isinstance(o, GuestMigrationResult)]
    assert errors == []
    results = [o for o in outcomes if isinstance(o, GuestMigrationResult)]
    # And exactly one of them moved the rows; the other found nothing left to do
    movers = [r for r in results if not r.already_migrated]
    assert len(movers) == 1
    assert movers[0].moved == seeded
    assert [r.total for r in results if r.already_migrated] == [0]
    assert len({r.migrated_at for r in results}) == 1
    with psycopg.connect(fresh_db_url) as conn:
        assert owned_counts(conn, Owner(user_id=user)) == seeded
        assert owned_counts(conn, Owner(guest_id=guest)) == dict.fromkeys(OWNED_TABLES, 0)


def test_claims_by_two_users_at_once_let_exactly_one_win(fresh_db_url: str) -> None:
    with _committed(fresh_db_url) as conn:
        guest, first, second = new_guest(conn), new_user(conn), new_user(conn)
        seeded = seed_workspace(conn, Owner(guest_id=guest))
    outcomes = _race(fresh_db_url, [(guest, first), (guest, second)])
    winners = [o for o in outcomes if isinstance(o, GuestMigrationResult)]
    losers = [o for o in outcomes if not isinstance(o, GuestMigrationResult)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert isinstance(losers[0], GuestAlreadyMigrated)
    with psycopg.connect(fresh_db_url) as conn:
        assert owned_counts(conn, Owner(user_id=winners[0].user_id)) == seeded
        loser_id = second if winners[0].user_id == first else first
        assert sum(owned_counts(conn, Owner(user_id=loser_id)).values()) == 0


def test_two_guests_merging_into_one_user_at_once_both_land(fresh_db_url: str) -> None:
    # Given a user and two of their guest sessions (two devices), all with the
    # same singletons and the same usage hours; the second guest edited last
    base = datetime(2025, 5, 1, 8, tzinfo=UTC)
    with _committed(fresh_db_url) as conn:
        user, phone, laptop = new_user(conn), new_guest(conn), new_guest(conn)
        seed_workspace(conn, Owner(user_id=user), singletons_at=base)
        seed_workspace(conn, Owner(guest_id=phone), singletons_at=base + timedelta(hours=1))
        seed_workspace(conn, Owner(guest_id=laptop), singletons_at=base + timedelta(hours=2))
        conn.execute("UPDATE public.user_preferences SET theme = 'light' WHERE guest_id = %s", [laptop])
        conn.execute(
            "UPDATE public.user_preferences SET updated_at = %s WHERE guest_id = %s",
            [base + timedelta(hours=2), laptop],
        )
    # When both guests are migrated concurrently
    outcomes = _race(fresh_db_url, [(phone, user), (laptop, user)])
    # Then both succeed, usage of all three is summed, and the newest singleton won
    assert all(isinstance(o, GuestMigrationResult) for o in outcomes), outcomes
    with psycopg.connect(fresh_db_url) as conn:
        usage = conn.execute(
            "SELECT request_count FROM analytics_monitoring.user_model_usage WHERE user_id = %s", [user]
        ).fetchall()
        assert usage == [(6,), (6,)]
        prefs = conn.execute(
            "SELECT theme, updated_at FROM public.user_preferences WHERE user_id = %s", [user]
        ).fetchall()
        assert prefs == [("light", base + timedelta(hours=2))]
        for table in ("public.app_sessions", "public.builder_states", "public.user_preferences"):
            assert one(conn, f"SELECT count(*) FROM {table} WHERE user_id = %s", [user]) == 1


def test_a_failure_midway_moves_nothing(fresh_db_url: str) -> None:
    # Given a committed guest workspace, and a fault in a table the function
    # handles late (after every plain move and the singleton merges)
    with _committed(fresh_db_url) as conn:
        guest, user = new_guest(conn), new_user(conn)
        seeded = seed_workspace(conn, Owner(guest_id=guest))
        conn.execute(
            """CREATE FUNCTION public.forced_failure() RETURNS trigger LANGUAGE plpgsql AS $$
               BEGIN RAISE EXCEPTION 'forced failure in %', TG_TABLE_NAME; END $$"""
        )
        conn.execute(
            """CREATE TRIGGER forced_failure BEFORE DELETE ON analytics_monitoring.user_model_usage
               FOR EACH ROW EXECUTE FUNCTION public.forced_failure()"""
        )
    # When the migration runs and hits the fault
    with (
        psycopg.connect(fresh_db_url, autocommit=True) as conn,
        pytest.raises(psycopg.Error, match="forced failure"),
    ):
        migrate_guest_to_user(conn, guest, user)
    # Then every row still belongs to the guest, and the guest is not marked migrated
    with psycopg.connect(fresh_db_url) as conn:
        assert owned_counts(conn, Owner(guest_id=guest)) == seeded
        assert sum(owned_counts(conn, Owner(user_id=user)).values()) == 0
        marked = conn.execute(
            "SELECT migrated_to_user_id, migrated_at FROM public.guest_users WHERE id = %s", [guest]
        ).fetchone()
        assert marked == (None, None)
