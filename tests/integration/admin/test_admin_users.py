"""Admin users: search, one user's limits and money, and changes audited in the same transaction."""

from __future__ import annotations

import threading
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from admin_world import (  # noqa: F401 - the *_client imports register fixtures
    admin_client,
    bearer,
    error_of,
    make_user,
    operator_headers,
    public_client,
)
from fastapi.testclient import TestClient

from cvpath.admin.audit import Actor
from cvpath.admin.users import BalanceAdjustment, LimitsChange, update_user
from cvpath.db.runs import Owner, insert_guest, insert_run
from cvpath.governance.ledger import top_up, verify
from cvpath.governance.profiles import create_user

Conn = psycopg.Connection[Any]
Headers = dict[str, str]


def audit_rows(db: Conn, action: str = "user.update") -> list[tuple[Any, ...]]:
    return db.execute(
        """SELECT actor_user_id, target_type, target_id, before, after FROM public.admin_audit_log
           WHERE action = %s ORDER BY id""",
        [action],
    ).fetchall()


def operator_id(db: Conn) -> UUID:
    row = db.execute("SELECT id FROM public.users WHERE email = 'operator@example.com'").fetchone()
    assert row is not None
    return UUID(str(row[0]))


def paid_user(db: Conn, email: str = "paid@example.com", balance: str = "10") -> UUID:
    user = create_user(db, email, tier="PAID")
    top_up(db, user, balance)
    return user


def test_search_matches_email_parts_in_any_case_prefix_first_or_an_exact_id(
    admin_api: TestClient, operator: Headers, db: Conn
) -> None:
    for email in ("jimbob@example.com", "Bob@Example.com", "a_b@example.com", "axb@example.com"):
        create_user(db, email)

    def emails(query: str) -> list[str]:
        answer = admin_api.get("/api/admin/users", params={"query": query}, headers=operator)
        assert answer.status_code == 200, answer.text
        return [item["email"] for item in answer.json()["items"]]

    assert emails("BOB") == ["Bob@Example.com", "jimbob@example.com"]
    # LIKE wildcards in the query are literal characters
    assert emails("a_b") == ["a_b@example.com"]
    assert emails("%") == []
    bob = db.execute("SELECT id FROM public.users WHERE email = 'Bob@Example.com'").fetchone()
    assert bob is not None
    assert emails(str(bob[0])) == ["Bob@Example.com"]
    # An injection attempt is a harmless string
    assert emails("' OR 1=1; DROP TABLE public.users; --") == []
    assert db.execute("SELECT count(*) FROM public.users").fetchone() == (5,)
    everyone = admin_api.get("/api/admin/users", params={"limit": 2}, headers=operator)
    assert len(everyone.json()["items"]) == 2


@pytest.mark.parametrize(
    "params",
    [{"query": "a\x00b"}, {"query": "x" * 321}, {"limit": 0}, {"limit": 201}, {"limit": "many"}],
)
def test_search_refuses_bad_parameters(
    admin_api: TestClient, operator: Headers, params: dict[str, Any]
) -> None:
    assert error_of(admin_api.get("/api/admin/users", params=params, headers=operator), 422)


def test_a_user_shows_limits_use_money_byok_provider_and_recent_runs(
    admin_api: TestClient, operator: Headers, db: Conn
) -> None:
    user = paid_user(db, balance="10.5")
    db.execute(
        """UPDATE public.user_model_profiles
           SET daily_quota = 40, daily_used = 3, hourly_used = 9,
               hour_start = date_trunc('hour', now()) - interval '2 hours',
               api_key_provider = 'openai', api_key_encrypted = '\\x00ff', api_key_version = 1
           WHERE user_id = %s""",
        [user],
    )
    for _ in range(2):
        insert_run(db, Owner(user_id=user), import_data_id=None, job_data_id=None)
    answer = admin_api.get(f"/api/admin/users/{user}", headers=operator)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["email"] == "paid@example.com"
    assert (body["tier"], body["billed_as"], body["subscription_status"]) == ("PAID", "PAID", "ACTIVE")
    assert (body["daily_quota"], body["daily_used"]) == (40, 3)
    assert body["hourly_used"] == 0  # counted in an hour that is over
    assert body["effective_limits"] == {"daily": 40, "hourly": None, "monthly_cap": "50.000000"}
    assert body["account"] == {"balance": "10.500000", "reserved": "0.000000", "currency": "USD"}
    assert body["byok_provider"] == "openai"
    assert body["recent_runs"] == 2
    assert body["notices"] == []
    db.execute("UPDATE public.platform_settings SET global_free_mode = true")
    notices = admin_api.get(f"/api/admin/users/{user}", headers=operator).json()["notices"]
    assert notices == ["global free mode: no quota is used and nothing is charged"]
    assert "api_key_encrypted" not in answer.text
    assert "00ff" not in answer.text


def test_unknown_ids_and_guests_are_404_and_a_malformed_id_422(
    admin_api: TestClient, operator: Headers, db: Conn
) -> None:
    guest = insert_guest(db)
    for target in (uuid4(), guest):
        assert (
            error_of(admin_api.get(f"/api/admin/users/{target}", headers=operator), 404)["code"]
            == "not_found"
        )
        patched = admin_api.patch(f"/api/admin/users/{target}", json={"daily_limit": 3}, headers=operator)
        assert error_of(patched, 404)
    assert error_of(admin_api.get("/api/admin/users/not-an-id", headers=operator), 422)
    assert audit_rows(db) == []


def test_raising_a_daily_limit_is_one_audit_row_with_before_and_after(
    admin_api: TestClient, operator: Headers, db: Conn
) -> None:
    # A user row without a governance profile (made outside registration): the PATCH creates the profile
    row = db.execute(
        "INSERT INTO public.users (email) VALUES ('someone@example.com') RETURNING id"
    ).fetchone()
    assert row is not None
    user = row[0]
    answer = admin_api.patch(
        f"/api/admin/users/{user}", json={"daily_limit": 50, "hourly_limit": 7}, headers=operator
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["effective_limits"]["daily"] == 50
    assert answer.json()["hourly_limit"] == 7
    [(actor, target_type, target_id, before, after)] = audit_rows(db)
    assert (actor, target_type, target_id) == (operator_id(db), "user", str(user))
    assert (before["daily_quota"], before["hourly_limit"], before["tier"]) == (None, None, "FREE")
    assert (after["daily_quota"], after["hourly_limit"], after["tier"]) == (50, 7, "FREE")
    reset = admin_api.patch(f"/api/admin/users/{user}", json={"reset_limits": True}, headers=operator)
    assert (reset.json()["daily_quota"], reset.json()["hourly_limit"]) == (None, None)
    assert len(audit_rows(db)) == 2


def test_a_balance_adjustment_is_a_ledger_entry_with_its_reason(
    admin_api: TestClient, operator: Headers, db: Conn
) -> None:
    user = paid_user(db)
    answer = admin_api.patch(
        f"/api/admin/users/{user}",
        json={"balance_adjustment": {"amount": "-2.5", "reason": "duplicate charge"}, "monthly_cap": "80"},
        headers=operator,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["account"]["balance"] == "7.500000"
    assert answer.json()["monthly_cap"] == "80.000000"
    entries = db.execute(
        """SELECT e.kind::text, e.amount, e.description, e.created_by FROM public.ledger_entries e
           JOIN public.user_accounts a ON a.id = e.account_id WHERE a.user_id = %s ORDER BY e.seq""",
        [user],
    ).fetchall()
    assert entries[-1] == ("ADJUSTMENT", Decimal("-2.5"), "duplicate charge", operator_id(db))
    assert verify(db) == []
    [(_, _, _, before, after)] = audit_rows(db)
    assert before["account"]["balance"] == "10.000000"
    assert before["monthly_cap"] is None
    assert after["account"]["balance"] == "7.500000"
    assert after["monthly_cap"] == "80.000000"
    assert after["adjustment"]["amount"] == "-2.500000"
    assert after["adjustment"]["reason"] == "duplicate charge"


@pytest.mark.parametrize(
    "body",
    [
        {"balance_adjustment": {"amount": "5"}},
        {"balance_adjustment": {"amount": "5", "reason": ""}},
        {"balance_adjustment": {"amount": "5", "reason": "   "}},
        {"balance_adjustment": {"amount": "5", "reason": "a\x00b"}},
        {"balance_adjustment": {"amount": "5", "reason": "x" * 501}},
        {"balance_adjustment": {"amount": "0.000", "reason": "nothing"}},
        {"balance_adjustment": {"amount": 5.0, "reason": "a float"}},
        {"balance_adjustment": {"amount": "1e3", "reason": "exponent"}},
        {"balance_adjustment": {"amount": "1.0000001", "reason": "too precise"}},
        {"balance_adjustment": {"amount": "5", "reason": "ok", "extra": 1}},
        {},
        {"tier": None},
        {"tier": "GOLD"},
        {"daily_limit": -1},
        {"monthly_cap": "-3"},
        {"subscription_status": "active"},
        {"balance": "1000"},
    ],
)
def test_bad_changes_are_422_and_change_nothing(
    admin_api: TestClient, operator: Headers, db: Conn, body: dict[str, Any]
) -> None:
    user = paid_user(db)
    assert error_of(admin_api.patch(f"/api/admin/users/{user}", json=body, headers=operator), 422)
    assert audit_rows(db) == []
    assert db.execute("SELECT balance FROM public.user_accounts WHERE user_id = %s", [user]).fetchone() == (
        Decimal("10"),
    )


@pytest.mark.parametrize("amount", ["-100", "99999999"])
def test_a_failing_adjustment_undoes_the_whole_change(
    admin_api: TestClient, operator: Headers, db: Conn, amount: str
) -> None:
    # An overdraft, or a credit carrying the balance past what numeric(14, 6) holds
    user = paid_user(db)
    overdraw = {"daily_limit": 9, "balance_adjustment": {"amount": amount, "reason": "too much"}}
    assert error_of(admin_api.patch(f"/api/admin/users/{user}", json=overdraw, headers=operator), 422)
    assert db.execute(
        "SELECT daily_quota FROM public.user_model_profiles WHERE user_id = %s", [user]
    ).fetchone() == (None,)
    assert audit_rows(db) == []


def test_money_needs_an_account_which_a_move_to_paid_in_the_same_request_opens(
    admin_api: TestClient, operator: Headers, db: Conn
) -> None:
    user = create_user(db, "free@example.com")
    credit = {"balance_adjustment": {"amount": "5", "reason": "welcome credit"}}
    assert error_of(admin_api.patch(f"/api/admin/users/{user}", json=credit, headers=operator), 409)
    assert audit_rows(db) == []
    answer = admin_api.patch(f"/api/admin/users/{user}", json={"tier": "PAID", **credit}, headers=operator)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["tier"], answer.json()["account"]["balance"]) == ("PAID", "5.000000")
    [(_, _, _, before, after)] = audit_rows(db)
    assert (before["tier"], before["account"]) == ("FREE", None)
    assert (after["tier"], after["account"]["balance"]) == ("PAID", "5.000000")
    byok = admin_api.patch(
        f"/api/admin/users/{user}", json={"tier": "BYOK", "subscription_status": "PAST_DUE"}, headers=operator
    )
    assert (byok.json()["tier"], byok.json()["billed_as"], byok.json()["subscription_status"]) == (
        "BYOK",
        "FREE",
        "PAST_DUE",
    )


def test_concurrent_adjustments_both_apply_and_each_audit_row_is_exact(pooled_db: str, db: Conn) -> None:
    user = paid_user(db)
    admin = create_user(db, "root@example.com")
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def adjust(amount: str) -> None:
        try:
            with psycopg.connect(pooled_db, autocommit=True) as conn:
                start.wait()
                update_user(
                    conn,
                    Actor(user_id=admin),
                    user,
                    LimitsChange(),
                    BalanceAdjustment(Decimal(amount), "race"),
                )
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=adjust, args=(amount,)) for amount in ("1", "2")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    balance = db.execute("SELECT balance FROM public.user_accounts WHERE user_id = %s", [user]).fetchone()
    assert balance == (Decimal("13"),)
    first, second = (row[3:] for row in audit_rows(db))
    # Serialised by the row locks: the second change starts from what the first left
    assert first[0]["account"]["balance"] == "10.000000"
    assert second[0]["account"] == first[1]["account"]
    assert second[1]["account"]["balance"] == "13.000000"
    assert verify(db) == []


def test_non_admins_get_403_and_no_token_401(public: TestClient, admin_api: TestClient, db: Conn) -> None:
    person = make_user(public, "plain@example.com", db=db)
    user = person.user_id
    calls = [
        ("GET", "/api/admin/users", None),
        ("GET", f"/api/admin/users/{user}", None),
        ("PATCH", f"/api/admin/users/{user}", {"daily_limit": 1000}),
    ]
    for method, path, body in calls:
        assert error_of(admin_api.request(method, path, json=body, headers=bearer(person.access_token)), 403)
        assert error_of(admin_api.request(method, path, json=body), 401)
    changed = db.execute(
        "SELECT count(*) FROM public.user_model_profiles WHERE daily_quota = 1000"
    ).fetchone()
    assert changed == (0,)
    assert audit_rows(db) == []
