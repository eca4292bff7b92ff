"""The ledger: refused top-ups, idempotent credits, adjustments, and verify() catching drift."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import psycopg
import pytest
from gov_world import ledger_rows, new_user

from cvpath.errors import NotFound, ValidationFailed
from cvpath.governance import account, adjust, top_up, verify

Conn = psycopg.Connection[Any]


@pytest.mark.parametrize(
    "amount", ["-5", "0", "NaN", "Infinity", "-Infinity", "100000000", "1e9", "0.0000001", "ten", 1.5, True]
)
def test_bad_top_ups_are_refused_and_move_nothing(conn: Conn, amount: object) -> None:
    user = new_user(conn, "PAID")
    with pytest.raises(ValidationFailed):
        top_up(conn, user, amount)
    assert ledger_rows(conn, user) == []
    acct = account(conn, user)
    assert acct is not None
    assert (acct.balance, acct.reserved) == (Decimal(0), Decimal(0))


def test_a_top_up_credits_and_a_repeated_key_credits_once(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    first = top_up(conn, user, Decimal("12.345678"), idempotency_key="stripe:evt_0001", description="card")
    again = top_up(conn, user, "12.345678", idempotency_key="stripe:evt_0001")
    assert again.id == first.id
    assert first.balance_after == Decimal("12.345678")
    acct = account(conn, user)
    assert acct is not None
    assert acct.balance == Decimal("12.345678")
    assert verify(conn) == []


def test_free_users_hold_no_money(conn: Conn) -> None:
    with pytest.raises(NotFound):
        top_up(conn, new_user(conn, "FREE"), "5")


def test_adjustments_are_signed_need_a_reason_and_never_overdraw(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    top_up(conn, user, "10")
    entry = adjust(conn, user, "-3.5", reason="refund of a duplicate charge")
    assert entry.balance_after == Decimal("6.5")
    with pytest.raises(ValidationFailed, match="below 0"):
        adjust(conn, user, "-6.500001", reason="too much")
    with pytest.raises(ValidationFailed, match="reason"):
        adjust(conn, user, "1", reason="  ")
    assert [kind for kind, _, _ in ledger_rows(conn, user)] == ["TOP_UP", "ADJUSTMENT"]
    assert verify(conn) == []


def test_verify_reports_an_account_that_drifted_from_its_ledger(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    top_up(conn, user, "10")
    conn.execute("UPDATE public.user_accounts SET balance = balance + 1 WHERE user_id = %s", [user])
    problems = verify(conn)
    assert any(f"user {user}: balance 11.000000 but the ledger sums to 10.000000" == p for p in problems)
    assert any(p.startswith(f"user {user}: last entry says") for p in problems)


def test_the_ledger_refuses_edits(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    entry = top_up(conn, user, "10")
    with pytest.raises(psycopg.DatabaseError, match="append-only") as refused, conn.transaction():
        conn.execute("UPDATE public.ledger_entries SET amount = 99 WHERE id = %s", [entry.id])
    assert refused.value.sqlstate == "CV001"
