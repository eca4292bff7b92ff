"""Settle and MarkFailed: every attempt charged, the fee, the release, the failed-run policy, retries."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg
import pytest
from gov_world import ledger_rows, log_attempt, new_run, new_user, profile_counters, set_platform

from cvpath.governance import account, admit, billing_report, settle, top_up, verify

Conn = psycopg.Connection[Any]


def paid_run(conn: Conn, balance: str = "50") -> tuple[Any, Any, Decimal]:
    user = new_user(conn, "PAID")
    top_up(conn, user, balance)
    run_id = new_run(conn, user_id=user)
    return user, run_id, admit(conn, run_id).reserved


def test_settle_charges_every_attempt_plus_the_fee_and_releases_the_rest(conn: Conn) -> None:
    user, run_id, reserved = paid_run(conn)
    log_attempt(conn, run_id, "0.010000", status="ERROR", attempt=1)  # a paid retry
    log_attempt(conn, run_id, "0.020000", attempt=2)
    result = settle(conn, run_id, succeeded=True)
    assert (result.actual_cost, result.fee, result.charged) == (
        Decimal("0.03"),
        Decimal("0.006"),
        Decimal("0.036"),
    )
    assert result.released == reserved - Decimal("0.036")
    assert result.balance_after == Decimal("50") - Decimal("0.036")
    assert ledger_rows(conn, user)[1:] == [
        ("RESERVE", -reserved, reserved),
        ("SETTLE", Decimal(0), Decimal("-0.03")),
        ("FEE", Decimal(0), Decimal("-0.006")),
        ("RELEASE", reserved - Decimal("0.036"), -(reserved - Decimal("0.036"))),
    ]
    acct = account(conn, user)
    assert acct is not None
    assert (acct.balance, acct.reserved) == (Decimal("50") - Decimal("0.036"), Decimal(0))
    assert profile_counters(conn, user)[2:] == (Decimal("0.036"), Decimal(0))
    row = conn.execute(
        "SELECT actual_cost, fee_amount FROM public.pipeline_runs WHERE id = %s", [run_id]
    ).fetchone()
    assert row == (Decimal("0.03"), Decimal("0.006"))
    assert verify(conn) == []


def test_a_retried_settle_returns_the_same_settlement_and_adds_no_rows(conn: Conn) -> None:
    user, run_id, _ = paid_run(conn)
    log_attempt(conn, run_id, "0.5")
    first = settle(conn, run_id, succeeded=True)
    count = len(ledger_rows(conn, user))
    assert settle(conn, run_id, succeeded=True) == first
    assert settle(conn, run_id, succeeded=False) == first
    assert len(ledger_rows(conn, user)) == count


@pytest.mark.parametrize(("policy", "charged"), [("charge_incurred", Decimal("0.07")), ("waive", Decimal(0))])
def test_a_run_failing_after_two_paid_attempts_follows_the_policy(
    conn: Conn, policy: str, charged: Decimal
) -> None:
    set_platform(conn, failed_run_policy=policy)
    user, run_id, reserved = paid_run(conn)
    log_attempt(conn, run_id, "0.03", status="ERROR", attempt=1)
    log_attempt(conn, run_id, "0.04", status="ERROR", attempt=2)
    result = settle(conn, run_id, succeeded=False)
    assert (result.actual_cost, result.fee, result.charged) == (Decimal("0.07"), Decimal(0), charged)
    assert result.released == reserved - charged
    acct = account(conn, user)
    assert acct is not None
    assert acct.reserved == 0
    assert acct.balance == Decimal(50) - charged
    assert verify(conn) == []


def test_a_charge_above_the_reservation_is_taken_from_the_balance_but_never_below_zero(conn: Conn) -> None:
    _user, run_id, reserved = paid_run(conn, balance="1.00")
    set_platform(conn, service_fee_rate=Decimal(0))
    log_attempt(conn, run_id, str(Decimal("5") + reserved))
    result = settle(conn, run_id, succeeded=True)
    assert result.charged == Decimal("1.00")
    assert result.balance_after == 0
    stored = conn.execute("SELECT settlement FROM public.pipeline_runs WHERE id = %s", [run_id]).fetchone()
    assert stored is not None
    assert Decimal(stored[0]["uncollected"]) == Decimal("5") + reserved - Decimal("1")
    assert verify(conn) == []


def test_free_runs_settle_without_touching_money_and_reconcile(conn: Conn) -> None:
    user = new_user(conn, "FREE")
    run_id = new_run(conn, user_id=user)
    admit(conn, run_id)
    log_attempt(conn, run_id, "0.02")
    result = settle(conn, run_id, succeeded=True)
    assert (result.tier, result.actual_cost, result.charged, result.balance_after) == (
        "FREE",
        Decimal("0.02"),
        Decimal(0),
        None,
    )
    assert conn.execute("SELECT count(*) FROM public.ledger_entries").fetchone() == (0,)
    [line] = billing_report(conn, user)
    assert line["reconciled"]
    assert line["charged"] == 0
    assert line["provider_cost"] == Decimal("0.02")


def test_the_billing_report_reconciles_paid_runs_from_the_ledger_and_the_logs(conn: Conn) -> None:
    user, settled_run, _ = paid_run(conn)
    log_attempt(conn, settled_run, "0.10")
    settle(conn, settled_run, succeeded=True)
    open_run = new_run(conn, user_id=user)
    admit(conn, open_run)
    lines = {line["run_id"]: line for line in billing_report(conn, user)}
    done = lines[settled_run]
    assert (done["provider_cost"], done["fee"], done["charged"], done["reconciled"]) == (
        Decimal("0.1"),
        Decimal("0.02"),
        Decimal("0.12"),
        True,
    )
    assert done["tier"] == "PAID"
    assert done["estimate"] > 0
    assert done["balance_after"] is not None
    assert lines[open_run]["reconciled"] is False
    assert lines[open_run]["charged"] == 0
