"""Admit: tiers, limits, the reservation, global free mode, BYOK fallback, idempotent retries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
import pytest
from gov_world import ledger_rows, new_run, new_user, profile_counters, set_platform

from cvpath.errors import InsufficientBalance, QuotaExceeded, SpendCapReached, ValidationFailed
from cvpath.governance import account, admit, top_up
from cvpath.governance.profiles import create_user, set_limits

Conn = psycopg.Connection[Any]
# In the future: a profile created now starts its windows today, and windows never move back.
NOON = datetime(2030, 3, 10, 12, 30, tzinfo=UTC)


def test_a_guest_is_free_and_the_sixth_run_of_the_day_is_refused(conn: Conn) -> None:
    guest_run = new_run(conn)
    guest_id = conn.execute("SELECT guest_id FROM public.pipeline_runs WHERE id = %s", [guest_run]).fetchone()
    assert guest_id is not None
    runs = [guest_run] + [new_run(conn, guest_id=guest_id[0]) for _ in range(5)]
    for run_id in runs[:5]:
        admission = admit(conn, run_id, now=NOON)
        assert (admission.tier, admission.effective_tier, admission.reserved) == ("FREE", "FREE", Decimal(0))
    with pytest.raises(QuotaExceeded) as refused:
        admit(conn, runs[5], now=NOON)
    assert type(refused.value) is QuotaExceeded
    assert refused.value.details == {
        "limit": 5,
        "used": 5,
        "resets_at": "2030-03-11T00:00:00+00:00",
        "tier": "FREE",
        "window": "daily",
    }
    # The refused run was rolled back whole: not admitted, nothing recorded.
    row = conn.execute("SELECT admission, tier FROM public.pipeline_runs WHERE id = %s", [runs[5]]).fetchone()
    assert row == (None, None)
    # The next UTC day has a fresh quota, with no reset job needed.
    assert admit(conn, runs[5], now=NOON + timedelta(days=1)).effective_tier == "FREE"


def test_the_hourly_limit_refuses_with_the_next_hour(conn: Conn) -> None:
    user = new_user(conn, "FREE", hourly_limit=2, daily_limit=10)
    runs = [new_run(conn, user_id=user) for _ in range(3)]
    admit(conn, runs[0], now=NOON)
    admit(conn, runs[1], now=NOON)
    with pytest.raises(QuotaExceeded) as refused:
        admit(conn, runs[2], now=NOON)
    assert refused.value.details["window"] == "hourly"
    assert refused.value.details["resets_at"] == "2030-03-10T13:00:00+00:00"
    assert (refused.value.details["limit"], refused.value.details["used"]) == (2, 2)
    assert admit(conn, runs[2], now=NOON + timedelta(hours=1)).tier == "FREE"
    assert profile_counters(conn, user)[:2] == (3, 1)


def test_a_paid_run_reserves_its_estimate_with_one_reserve_entry(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    top_up(conn, user, "25.00")
    run_id = new_run(conn, user_id=user)
    admission = admit(conn, run_id, now=NOON)
    assert admission.effective_tier == "PAID"
    assert admission.estimate > 0
    assert admission.reserved == admission.estimate
    acct = account(conn, user)
    assert acct is not None
    assert (acct.balance, acct.reserved) == (Decimal("25") - admission.estimate, admission.estimate)
    assert ledger_rows(conn, user)[-1] == ("RESERVE", -admission.estimate, admission.estimate)
    row = conn.execute(
        "SELECT tier::text, reserved_amount, estimated_cost FROM public.pipeline_runs WHERE id = %s", [run_id]
    ).fetchone()
    assert row == ("PAID", admission.estimate, admission.estimate)
    key = conn.execute(
        "SELECT idempotency_key FROM public.ledger_entries WHERE run_id = %s", [run_id]
    ).fetchone()
    assert key == (f"reserve:{run_id}",)
    assert profile_counters(conn, user)[3] == admission.estimate  # held against the monthly cap


def test_a_retried_admit_returns_the_same_admission_and_counts_nothing_twice(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    top_up(conn, user, "25.00")
    run_id = new_run(conn, user_id=user)
    first = admit(conn, run_id, now=NOON)
    again = admit(conn, run_id, now=NOON)
    assert again == first
    assert len(ledger_rows(conn, user)) == 2  # TOP_UP and one RESERVE
    assert profile_counters(conn, user)[:2] == (1, 1)


def test_a_balance_below_the_estimate_is_refused_with_details(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    set_platform(conn, minimum_balance=Decimal(0))
    top_up(conn, user, "0.01")
    run_id = new_run(conn, user_id=user)
    with pytest.raises(InsufficientBalance) as refused:
        admit(conn, run_id, now=NOON)
    details = refused.value.details
    assert (details["limit"], details["used"], details["resets_at"], details["tier"]) == (
        "0.010000",
        "0.000000",
        None,
        "PAID",
    )
    assert Decimal(details["required"]) > Decimal("0.01")
    # Nothing moved: no reserve entry, no quota counted.
    assert [kind for kind, _, _ in ledger_rows(conn, user)] == ["TOP_UP"]
    assert profile_counters(conn, user)[:2] == (0, 0)


def test_the_minimum_balance_gate_refuses_a_run_the_balance_could_pay(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    set_platform(conn, minimum_balance=Decimal("20.00"))
    top_up(conn, user, "19.99")
    with pytest.raises(InsufficientBalance) as refused:
        admit(conn, new_run(conn, user_id=user), now=NOON)
    assert Decimal(refused.value.details["required"]) == Decimal("20")


def test_the_monthly_cap_counts_held_estimates_and_names_its_reset_date(conn: Conn) -> None:
    user = new_user(conn, "PAID")
    top_up(conn, user, "100")
    first = admit(conn, new_run(conn, user_id=user), now=NOON)
    set_limits(conn, user, monthly_cap=first.estimate * 2 - Decimal("0.000001"))
    with pytest.raises(SpendCapReached) as refused:
        admit(conn, new_run(conn, user_id=user), now=NOON)
    details = refused.value.details
    assert details["resets_at"] == "2030-04-01T00:00:00+00:00"
    assert Decimal(details["used"]) == first.estimate
    assert details["tier"] == "PAID"


@pytest.mark.parametrize("status", ["CANCELED", "EXPIRED", "NONE", "PAST_DUE"])
def test_an_inactive_byok_subscription_falls_back_to_free_with_a_notice(conn: Conn, status: str) -> None:
    user = create_user(conn, f"byok-{status.lower()}@example.com", tier="BYOK", status=status)
    admission = admit(conn, new_run(conn, user_id=user), now=NOON)
    assert (admission.tier, admission.effective_tier, admission.byok_provider) == ("BYOK", "FREE", None)
    word = {"CANCELED": "cancelled", "EXPIRED": "expired"}.get(status, "inactive")
    assert admission.notices == (f"BYOK subscription is {word}: this run uses the FREE tier",)
    assert conn.execute("SELECT 1 FROM public.user_accounts WHERE user_id = %s", [user]).fetchone() is None


def test_an_active_byok_with_a_key_is_billed_as_byok_and_never_reserves(conn: Conn) -> None:
    user = new_user(conn, "BYOK")
    conn.execute(
        """UPDATE public.user_model_profiles
           SET api_key_encrypted = '\\x00', api_key_provider = 'anthropic', api_key_version = 1
           WHERE user_id = %s""",
        [user],
    )
    admission = admit(conn, new_run(conn, user_id=user), now=NOON)
    assert (admission.effective_tier, admission.byok_provider, admission.reserved) == (
        "BYOK",
        "anthropic",
        Decimal(0),
    )
    assert profile_counters(conn, user)[:2] == (1, 1)  # limits still apply


def test_global_free_mode_admits_without_quota_or_charge_and_still_records(conn: Conn) -> None:
    set_platform(conn, global_free_mode=True, free_daily_quota=0)
    user = new_user(conn, "PAID")
    run_id = new_run(conn, user_id=user)
    admission = admit(conn, run_id, now=NOON)
    assert admission.free_mode
    assert admission.reserved == 0
    assert admission.notices[0] == "global free mode: no quota is used and nothing is charged"
    assert ledger_rows(conn, user) == []
    assert profile_counters(conn, user) == (0, 0, Decimal(0), Decimal(0))
    recorded = conn.execute("SELECT admission FROM public.pipeline_runs WHERE id = %s", [run_id]).fetchone()
    assert recorded is not None
    assert recorded[0]["free_mode"] is True
    assert recorded[0]["tier"] == "PAID"


def test_unknown_tiers_and_statuses_are_refused(conn: Conn) -> None:
    with pytest.raises(ValidationFailed, match="unknown tier"):
        create_user(conn, "gold@example.com", tier="GOLD")
    with pytest.raises(ValidationFailed, match="unknown subscription status"):
        create_user(conn, "weird@example.com", tier="BYOK", status="paused")
    user = new_user(conn)
    with pytest.raises(ValidationFailed):
        set_limits(conn, user, tier="PLATINUM")
    # The database refuses them too, whatever writes the row.
    with pytest.raises(psycopg.errors.InvalidTextRepresentation), conn.transaction():
        conn.execute("UPDATE public.user_model_profiles SET tier = 'GOLD' WHERE user_id = %s", [user])
    with pytest.raises(psycopg.errors.InvalidTextRepresentation), conn.transaction():
        conn.execute(
            "UPDATE public.user_model_profiles SET subscription_status = 'paused' WHERE user_id = %s", [user]
        )
