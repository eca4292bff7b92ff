"""Attack tests: many concurrent admissions, each on its own connection, against one hot row."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from gov_world import log_attempt, new_run, new_user, set_platform

from cvpath.errors import InsufficientBalance, QuotaExceeded
from cvpath.governance import account, admit, settle, top_up, verify

Conn = psycopg.Connection[Any]


def race(url: str, runs: list[UUID], action: Callable[[Conn, UUID], Any]) -> list[Any]:
    """Run ``action`` for every run at once: one thread and one connection each, released together."""
    barrier = threading.Barrier(len(runs))

    def one(run_id: UUID) -> Any:
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            try:
                return action(conn, run_id)
            except QuotaExceeded as refused:
                return refused

    with ThreadPoolExecutor(max_workers=len(runs)) as pool:
        return list(pool.map(one, runs))


def test_fifty_concurrent_paid_runs_admit_exactly_what_the_balance_covers(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        set_platform(conn, minimum_balance=Decimal(0))
        user = new_user(conn, "PAID", monthly_cap=Decimal(10_000))
        runs = [new_run(conn, user_id=user) for _ in range(50)]
        # Every run has the same texts, so the same estimate: measure it on a throwaway user.
        probe = new_user(conn, "PAID")
        top_up(conn, probe, "1000")
        estimate = admit(conn, new_run(conn, user_id=probe)).estimate
        assert estimate > 0
        top_up(conn, user, estimate * 10)
    watching = threading.Event()
    lowest: list[Decimal] = []

    def watch() -> None:
        with psycopg.connect(fresh_db_url, autocommit=True) as conn:
            while not watching.is_set():
                acct = account(conn, user)
                assert acct is not None
                lowest.append(acct.balance)

    watcher = threading.Thread(target=watch)
    watcher.start()
    outcomes = race(fresh_db_url, runs, lambda conn, run_id: admit(conn, run_id))
    watching.set()
    watcher.join()
    admitted = [o for o in outcomes if not isinstance(o, Exception)]
    refused = [o for o in outcomes if isinstance(o, Exception)]
    assert len(admitted) == 10
    assert len(refused) == 40
    assert all(type(o) is InsufficientBalance for o in refused)
    assert min(lowest) >= 0
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        acct = account(conn, user)
        assert acct is not None
        assert (acct.balance, acct.reserved) == (Decimal(0), estimate * 10)
        assert verify(conn) == []
        for admission in admitted:
            log_attempt(conn, admission.run_id, "0.001")
    settled = race(
        fresh_db_url, [a.run_id for a in admitted], lambda conn, r: settle(conn, r, succeeded=True)
    )
    assert all(s.charged == Decimal("0.0012") for s in settled)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        acct = account(conn, user)
        assert acct is not None
        assert acct.reserved == 0
        assert acct.balance == estimate * 10 - Decimal("0.012")
        assert verify(conn) == []


def test_twenty_concurrent_free_runs_admit_exactly_the_quota_of_five(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        user = new_user(conn, "FREE", daily_limit=5)
        runs = [new_run(conn, user_id=user) for _ in range(20)]
    outcomes = race(fresh_db_url, runs, lambda conn, run_id: admit(conn, run_id))
    assert sum(not isinstance(o, Exception) for o in outcomes) == 5
    assert all(type(o) is QuotaExceeded for o in outcomes if isinstance(o, Exception))
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        row = conn.execute(
            "SELECT daily_used FROM public.user_model_profiles WHERE user_id = %s", [user]
        ).fetchone()
        assert row == (5,)
        assert conn.execute("SELECT count(*) FROM public.ledger_entries").fetchone() == (0,)


def test_concurrent_retries_of_one_admit_and_one_settle_count_and_charge_once(fresh_db_url: str) -> None:
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        user = new_user(conn, "PAID")
        top_up(conn, user, "50")
        run_id = new_run(conn, user_id=user)
    admissions = race(fresh_db_url, [run_id] * 8, lambda conn, r: admit(conn, r))
    assert len(set(admissions)) == 1
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        log_attempt(conn, run_id, "0.01")
    settlements = race(fresh_db_url, [run_id] * 8, lambda conn, r: settle(conn, r, succeeded=True))
    assert len(set(settlements)) == 1
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        kinds = conn.execute(
            "SELECT kind::text FROM public.ledger_entries WHERE run_id = %s ORDER BY seq", [run_id]
        ).fetchall()
        assert [k for (k,) in kinds] == ["RESERVE", "SETTLE", "FEE", "RELEASE"]
        assert verify(conn) == []
