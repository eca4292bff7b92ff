"""Benchmark: admit + settle on one hot PAID account, single-statement vs SELECT ... FOR UPDATE.

Usage: .venv/bin/python bench/admission.py [--clients 16] [--runs-per-client 40] [--url URL]

It creates a scratch database (``--url``, else ``DATABASE_URL``, else the
embedded PostgreSQL), one PAID user per mode, and runs for them, each run with
one audited attempt to charge. ``--clients`` threads, each on its own
connection, then admit and settle their runs as fast as they can, all against
the same account and profile rows (the hot row). Timed per pair: admit + settle.

  * single-statement: ``cvpath.governance.admit`` / ``settle`` (conditional
    UPDATE ... RETURNING, no read before the write);
  * FOR UPDATE baseline: the same rows written the common way: lock the profile
    and the account with SELECT ... FOR UPDATE, decide in Python, then UPDATE
    and INSERT the same ledger entries.

The balance covers only part of the runs, so both modes also refuse under load.
Overspend is what left the account beyond what was put in (charges + held +
balance - top-ups, must be 0), and ``verify()`` must find nothing.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.types.json import Jsonb
from scratch_database import scratch_database, server_url

from cvpath.db.runs import Owner, insert_import, insert_job_text, insert_run
from cvpath.errors import QuotaExceeded
from cvpath.governance import admit, settle, top_up, verify
from cvpath.governance.admission import estimate_run
from cvpath.governance.profiles import create_user, ensure_profile, platform_settings
from cvpath.governance.settlement import MONEY_QUANTUM

Conn = psycopg.Connection[Any]
CV = "Senior data engineer. Python, SQL, AWS. " * 80
JOB = "Data engineer wanted: Python, PostgreSQL. " * 40
ATTEMPT_COST = Decimal("0.002")


def seed(conn: Conn, runs: int, fundable: int) -> tuple[UUID, list[UUID]]:
    user = create_user(
        conn, f"bench-{uuid.uuid4().hex[:8]}@example.com", tier="PAID", monthly_cap=Decimal(99_999)
    )
    owner = Owner(user_id=user)
    cv, job = insert_import(conn, owner, raw_text=CV), insert_job_text(conn, owner, JOB)
    ids = [insert_run(conn, owner, import_data_id=cv, job_data_id=job) for _ in range(runs)]
    conn.execute(
        """INSERT INTO analytics_monitoring.llm_generation_logs
               (run_id, user_id, agent, provider, model, cost_usd, latency_ms, status, request)
           SELECT r, %s, 'CV_TAILOR', 'openai', 'gpt-4.1', %s, 1000, 'SUCCESS', '{}'
           FROM unnest(%s::uuid[]) r""",
        [user, ATTEMPT_COST, ids],
    )
    profile = ensure_profile(conn, owner)
    estimate = estimate_run(conn, ids[0], profile, fee_rate=Decimal("0.2"), at=time_now())
    # Enough for `fundable` reservations at once, plus every run's charge.
    top_up(conn, user, estimate.total * fundable + ATTEMPT_COST * Decimal("1.2") * runs)
    return user, ids


def baseline_admit(conn: Conn, run_id: UUID) -> None:
    """Read under lock, decide in Python, write: what most billing code does."""
    with conn.transaction():
        user_id, guest_id = conn.execute(
            "SELECT user_id, guest_id FROM public.pipeline_runs WHERE id = %s FOR UPDATE", [run_id]
        ).fetchone() or (None, None)
        settings = platform_settings(conn)
        profile = ensure_profile(conn, Owner(user_id=user_id, guest_id=guest_id))
        estimate = estimate_run(conn, run_id, profile, fee_rate=settings.service_fee_rate, at=time_now())
        spent, held, cap = conn.execute(
            """SELECT monthly_spent, monthly_reserved, monthly_cap FROM public.user_model_profiles
               WHERE id = %s FOR UPDATE""",
            [profile.id],
        ).fetchone() or (0, 0, 0)
        account_id, balance, reserved = conn.execute(
            "SELECT id, balance, reserved FROM public.user_accounts WHERE user_id = %s FOR UPDATE", [user_id]
        ).fetchone() or (None, 0, 0)
        amount = estimate.total
        if spent + held + amount > cap or balance < max(amount, settings.minimum_balance):
            raise QuotaExceeded("refused", details={})
        conn.execute(
            """UPDATE public.user_model_profiles
               SET daily_used = daily_used + 1, hourly_used = hourly_used + 1,
                      monthly_reserved = monthly_reserved + %s WHERE id = %s""",
            [amount, profile.id],
        )
        conn.execute(
            "UPDATE public.user_accounts SET balance = %s, reserved = %s WHERE id = %s",
            [balance - amount, reserved + amount, account_id],
        )
        conn.execute(
            """INSERT INTO public.ledger_entries (account_id, kind, amount, reserved_delta, balance_after,
                   reserved_after, run_id, idempotency_key, created_at)
               VALUES (%s, 'RESERVE', %s, %s, %s, %s, %s, %s, clock_timestamp())""",
            [account_id, -amount, amount, balance - amount, reserved + amount, run_id, f"reserve:{run_id}"],
        )
        conn.execute(
            """UPDATE public.pipeline_runs SET tier = 'PAID', reserved_amount = %s, estimated_cost = %s,
                      admission = %s, admitted_at = now() WHERE id = %s""",
            [amount, amount, Jsonb({"baseline": True}), run_id],
        )


def baseline_settle(conn: Conn, run_id: UUID) -> None:
    with conn.transaction():
        user_id, held = conn.execute(
            "SELECT user_id, reserved_amount FROM public.pipeline_runs WHERE id = %s FOR UPDATE", [run_id]
        ).fetchone() or (None, 0)
        cost = conn.execute(
            """SELECT coalesce(sum(cost_usd), 0) FROM analytics_monitoring.llm_generation_logs
               WHERE run_id = %s""",
            [run_id],
        ).fetchone()[0]  # type: ignore[index]
        fee = (cost * platform_settings(conn).service_fee_rate).quantize(MONEY_QUANTUM)
        # The profile before the account, as in admission: the other order deadlocks.
        conn.execute("SELECT 1 FROM public.user_model_profiles WHERE user_id = %s FOR UPDATE", [user_id])
        account_id, balance, reserved = conn.execute(
            "SELECT id, balance, reserved FROM public.user_accounts WHERE user_id = %s FOR UPDATE", [user_id]
        ).fetchone() or (None, 0, 0)
        for kind, amount, delta in (
            ("SETTLE", 0, -cost),
            ("FEE", 0, -fee),
            ("RELEASE", held - cost - fee, cost + fee - held),
        ):
            balance, reserved = balance + amount, reserved + delta
            conn.execute(
                """INSERT INTO public.ledger_entries (account_id, kind, amount, reserved_delta, balance_after,
                       reserved_after, run_id, idempotency_key, created_at)
                   VALUES (%s, %s::public.ledger_entry_kind, %s, %s, %s, %s, %s, %s, clock_timestamp())""",
                [account_id, kind, amount, delta, balance, reserved, run_id, f"{kind.lower()}:{run_id}"],
            )
        conn.execute(
            "UPDATE public.user_accounts SET balance = %s, reserved = %s WHERE id = %s",
            [balance, reserved, account_id],
        )
        conn.execute(
            """UPDATE public.user_model_profiles SET monthly_reserved = greatest(monthly_reserved - %s, 0),
                      monthly_spent = monthly_spent + %s WHERE user_id = %s""",
            [held, cost + fee, user_id],
        )
        conn.execute(
            """UPDATE public.pipeline_runs SET actual_cost = %s, fee_amount = %s, settled_at = now(),
                      settlement = '{}' WHERE id = %s""",
            [cost, fee, run_id],
        )


def time_now() -> Any:
    from datetime import UTC, datetime

    return datetime.now(UTC)


def ours_admit(conn: Conn, run_id: UUID) -> None:
    admit(conn, run_id)


def ours_settle(conn: Conn, run_id: UUID) -> None:
    settle(conn, run_id, succeeded=True)


def hammer(
    url: str,
    runs: list[UUID],
    clients: int,
    admit_one: Callable[[Conn, UUID], None],
    settle_one: Callable[[Conn, UUID], None],
) -> tuple[float, list[float], int]:
    """(seconds, admit+settle latencies of admitted runs, refusals)."""
    shares = [runs[i::clients] for i in range(clients)]
    latencies: list[float] = []
    refusals = [0]
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def client(share: list[UUID]) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            barrier.wait()
            for run_id in share:
                started = time.perf_counter()
                try:
                    admit_one(conn, run_id)
                except QuotaExceeded:
                    with lock:
                        refusals[0] += 1
                    continue
                settle_one(conn, run_id)
                with lock:
                    latencies.append(time.perf_counter() - started)

    threads = [threading.Thread(target=client, args=(share,)) for share in shares]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, refusals[0]


def overspend(conn: Conn, user: UUID) -> Decimal:
    """Money that left the account beyond what was put in: charges + held + balance - top-ups (0 expected)."""
    row = conn.execute(
        """SELECT coalesce(sum(-(e.amount + e.reserved_delta)) FILTER (WHERE e.kind IN ('SETTLE', 'FEE')), 0),
                  a.reserved, a.balance, coalesce(sum(e.amount) FILTER (WHERE e.kind = 'TOP_UP'), 0)
           FROM public.user_accounts a JOIN public.ledger_entries e ON e.account_id = a.id
           WHERE a.user_id = %s GROUP BY a.id""",
        [user],
    ).fetchone()
    assert row is not None
    charged, held, balance, topped = row
    return Decimal(charged + held + balance - topped)


def decision_rates(url: str, clients: int, per_client: int) -> dict[str, tuple[float, int]]:
    """The admission decision alone on one hot quota row: (decisions/s, admitted) per mode.

    Why separately: an admit + settle pair also estimates, posts ledger entries and
    runs Python between statements, which 16 threads in one interpreter serialise
    on; this isolates how long each mode holds the row lock.
    """
    limit = clients * per_client // 2  # half are refused, as in the full benchmark
    single = """UPDATE public.user_model_profiles SET daily_used = daily_used + 1
                WHERE id = %s AND daily_used < %s RETURNING daily_used"""
    results: dict[str, tuple[float, int]] = {}
    with psycopg.connect(url, autocommit=True) as conn:
        user = create_user(conn, f"decide-{uuid.uuid4().hex[:8]}@example.com")
        profile = ensure_profile(conn, Owner(user_id=user)).id

    def one(conn: Conn, mode: str) -> bool:
        if mode == "single-statement":
            return conn.execute(single, [profile, limit]).fetchone() is not None
        with conn.transaction():
            row = conn.execute(
                "SELECT daily_used FROM public.user_model_profiles WHERE id = %s FOR UPDATE", [profile]
            ).fetchone()
            if row is None or row[0] >= limit:
                return False
            conn.execute(
                "UPDATE public.user_model_profiles SET daily_used = %s WHERE id = %s", [row[0] + 1, profile]
            )
            return True

    for mode in ("single-statement", "FOR UPDATE"):
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE public.user_model_profiles SET daily_used = 0 WHERE id = %s", [profile])
        admitted = [0] * clients
        start = threading.Barrier(clients + 1)

        def client(index: int, mode: str, start: threading.Barrier, admitted: list[int]) -> None:
            with psycopg.connect(url, autocommit=True) as conn:
                start.wait()
                admitted[index] = sum(one(conn, mode) for _ in range(per_client))

        threads = [threading.Thread(target=client, args=(i, mode, start, admitted)) for i in range(clients)]
        for thread in threads:
            thread.start()
        start.wait()
        began = time.perf_counter()
        for thread in threads:
            thread.join()
        results[mode] = (clients * per_client / (time.perf_counter() - began), sum(admitted))
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--runs-per-client", type=int, default=40)
    parser.add_argument("--url")
    args = parser.parse_args()
    total = args.clients * args.runs_per_client
    with scratch_database(server_url(args.url)) as url:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("UPDATE public.platform_settings SET minimum_balance = 0")
            # The balance holds half as many reservations as there are clients: refusals all along.
            modes = {
                "single-statement": (*seed(conn, total, max(1, args.clients // 2)), ours_admit, ours_settle),
                "FOR UPDATE": (
                    *seed(conn, total, max(1, args.clients // 2)),
                    baseline_admit,
                    baseline_settle,
                ),
            }
        print(f"{args.clients} clients, {total} runs per mode, one hot PAID account per mode\n")
        print(
            f"{'mode':<18} {'admitted':>8} {'refused':>7} {'pairs/s':>8} {'p50 ms':>7} {'p99 ms':>7} "
            f"{'overspend':>10}"
        )
        rates: dict[str, float] = {}
        for name, (user, runs, admit_one, settle_one) in modes.items():
            seconds, latencies, refused = hammer(url, runs, args.clients, admit_one, settle_one)
            with psycopg.connect(url, autocommit=True) as conn:
                spent_beyond = overspend(conn, user)
            rates[name] = len(latencies) / seconds
            ordered = sorted(latencies)
            p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
            print(
                f"{name:<18} {len(latencies):>8} {refused:>7} {rates[name]:>8.0f} "
                f"{statistics.median(ordered) * 1000:>7.1f} {p99:>7.1f} {spent_beyond:>10}"
            )
        with psycopg.connect(url, autocommit=True) as conn:
            problems = verify(conn)
        print(f"\nsingle-statement / FOR UPDATE: {rates['single-statement'] / rates['FOR UPDATE']:.2f}x")
        print(f"verify(): {'OK' if not problems else f'{len(problems)} problem(s)'}")

        decisions = decision_rates(url, args.clients, args.runs_per_client * 5)
        print(
            f"\nthe quota decision alone, {args.clients} clients on one hot row (limit = half the attempts):"
        )
        for name, (rate, admitted) in decisions.items():
            print(f"  {name:<18} {rate:>8.0f} decisions/s   admitted {admitted} (must equal the limit)")
        ratio = decisions["single-statement"][0] / decisions["FOR UPDATE"][0]
        print(f"  single-statement / FOR UPDATE: {ratio:.2f}x (target >= 1.5x)")


if __name__ == "__main__":
    main()
