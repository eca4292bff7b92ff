"""Platform settings: read, partial update, bad input, the audit trail, no caching, concurrent updates."""

from __future__ import annotations

import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest
from admin_world import (  # noqa: F401 - the *_client imports register fixtures
    Person,
    admin_client,
    admin_token,
    bearer,
    error_of,
    make_user,
    public_client,
)
from fastapi.testclient import TestClient

from cvpath.auth.tokens import issue_admin_token
from cvpath.db.runs import Owner, insert_guest, insert_import, insert_job_text, insert_run
from cvpath.errors import InsufficientBalance, QuotaExceeded
from cvpath.governance import admit
from cvpath.governance.admission import FREE_MODE_NOTICE
from cvpath.governance.profiles import create_user

Conn = psycopg.Connection[Any]
SEEDED = {
    "global_free_mode": False,
    "service_fee_rate": "0.2000",
    "minimum_balance": "1.000000",
    "free_daily_quota": 5,
    "guest_daily_quota": None,
    "default_monthly_cap": "50.000000",
    "failed_run_policy": "charge_incurred",
    "default_hourly_limit": None,
}


@pytest.fixture(name="boss")
def boss_admin(public: TestClient, admin_api: TestClient, db: Conn) -> tuple[Person, dict[str, str]]:
    person = make_user(public, "boss@example.com", db=db, admin=True)
    return person, bearer(admin_token(admin_api, person))


def audit_rows(db: Conn) -> list[tuple[UUID, str, str, Any, Any]]:
    return db.execute(
        """SELECT actor_user_id, action, target_type, before, after
           FROM public.admin_audit_log ORDER BY id"""
    ).fetchall()


def settings_values(answer: Any) -> dict[str, Any]:
    body: dict[str, Any] = answer.json()
    return {name: body[name] for name in SEEDED}


def new_run(db: Conn, owner: Owner) -> UUID:
    import_id = insert_import(db, owner, raw_text="Jane Doe\nData engineer\n" + "Python and SQL. " * 40)
    job_id = insert_job_text(db, owner, "We hire a data engineer: Python, PostgreSQL, AWS. " * 20)
    return insert_run(db, owner, import_data_id=import_id, job_data_id=job_id)


def test_an_admin_reads_the_settings_and_changes_only_those_named(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    person, headers = boss
    answer = admin_api.get("/api/admin/settings", headers=headers)
    assert answer.status_code == 200, answer.text
    assert settings_values(answer) == SEEDED
    assert answer.json()["currency"] == "USD"

    answer = admin_api.put(
        "/api/admin/settings",
        headers=headers,
        json={"service_fee_rate": 0.15, "free_daily_quota": 7, "minimum_balance": "2.5"},
    )
    assert answer.status_code == 200, answer.text
    expected = SEEDED | {"service_fee_rate": "0.1500", "free_daily_quota": 7, "minimum_balance": "2.500000"}
    assert settings_values(answer) == expected
    assert answer.json()["updated_by"] == str(person.user_id)
    row = db.execute(
        """SELECT service_fee_rate, free_daily_quota, minimum_balance, global_free_mode, updated_by
           FROM public.platform_settings"""
    ).fetchone()
    assert row == (Decimal("0.1500"), 7, Decimal("2.500000"), False, person.user_id)
    assert settings_values(admin_api.get("/api/admin/settings", headers=headers)) == expected
    # Exactly one audit row, naming the admin and the whole change.
    assert audit_rows(db) == [(person.user_id, "settings.update", "settings", SEEDED, expected)]


BAD_BODIES: list[dict[str, Any]] = [
    {"service_fee_rate": -0.01},
    {"service_fee_rate": "1.01"},  # over 100 %
    {"service_fee_rate": 2},
    {"service_fee_rate": "0.12345"},  # finer than the column keeps
    {"service_fee_rate": "NaN"},
    {"service_fee_rate": "0.1; DROP TABLE public.platform_settings"},
    {"fee": 0.1},
    {"global_free_mode": True, "currency": "EUR"},  # one unknown key spoils the lot
    {},
    {"global_free_mode": None},
    {"global_free_mode": "yes"},
    {"free_daily_quota": -1},
    {"free_daily_quota": 2.5},
    {"free_daily_quota": "5"},
    {"guest_daily_quota": -1},
    {"minimum_balance": "-1"},
    {"minimum_balance": "1.0000001"},
    {"default_monthly_cap": "1e300"},
    {"failed_run_policy": "forgive"},
    {"default_hourly_limit": 10_000_000},
]


def test_bad_settings_are_422_and_change_nothing(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    for body in BAD_BODIES:
        answer = admin_api.put("/api/admin/settings", headers=headers, json=body)
        assert answer.status_code == 422, body
        assert error_of(answer, 422)["code"] == "validation_failed"
    assert error_of(admin_api.put("/api/admin/settings", headers=headers, content=b"not json"), 422)
    assert settings_values(admin_api.get("/api/admin/settings", headers=headers)) == SEEDED
    assert audit_rows(db) == []


def test_nullable_settings_take_null_and_the_others_refuse_it(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    answer = admin_api.put(
        "/api/admin/settings", headers=headers, json={"guest_daily_quota": 2, "default_hourly_limit": 9}
    )
    assert answer.status_code == 200, answer.text
    answer = admin_api.put(
        "/api/admin/settings", headers=headers, json={"guest_daily_quota": None, "default_hourly_limit": None}
    )
    assert answer.status_code == 200, answer.text
    assert settings_values(answer) == SEEDED
    answer = admin_api.put("/api/admin/settings", headers=headers, json={"service_fee_rate": None})
    error = error_of(answer, 422)
    assert error["details"]["errors"][0]["loc"] == ["body"]
    rows = audit_rows(db)
    assert [(r[3]["guest_daily_quota"], r[4]["guest_daily_quota"]) for r in rows] == [(None, 2), (2, None)]


def test_settings_need_an_admin_token(public: TestClient, admin_api: TestClient, db: Conn) -> None:
    user = make_user(public, "user@example.com", db=db)
    for method in ("GET", "PUT"):
        # A bad body does not get past authentication: the answer is about the caller first.
        body = {"fee": "bad"} if method == "PUT" else None
        url = "/api/admin/settings"
        assert error_of(admin_api.request(method, url, json=body), 401)["code"] == "not_authenticated"
        answer = admin_api.request(method, url, headers=bearer(user.access_token), json=body)
        assert error_of(answer, 403)["code"] == "forbidden"
    person = make_user(public, "root@example.com", db=db, admin=True)
    session = db.execute(
        "SELECT id FROM public.sessions WHERE user_id = %s ORDER BY created_at DESC LIMIT 1", [person.user_id]
    ).fetchone()
    assert session is not None
    stale = issue_admin_token(person.user_id, session[0], now=datetime.now(UTC) - timedelta(hours=1))
    answer = admin_api.put("/api/admin/settings", headers=bearer(stale), json={"global_free_mode": True})
    assert error_of(answer, 401)["code"] == "token_expired"
    assert db.execute("SELECT global_free_mode FROM public.platform_settings").fetchone() == (False,)
    assert audit_rows(db) == []


def test_global_free_mode_applies_to_the_very_next_admission_and_ends_as_promptly(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    # A PAID user with an empty account: refused unless free mode is on.
    paid = Owner(user_id=create_user(db, f"paid-{uuid.uuid4().hex[:8]}@example.com", tier="PAID"))
    with pytest.raises(InsufficientBalance):
        admit(db, new_run(db, paid))

    assert admin_api.put("/api/admin/settings", headers=headers, json={"global_free_mode": True}).is_success
    admission = admit(db, new_run(db, paid))
    assert (admission.free_mode, admission.effective_tier, admission.reserved) == (True, "PAID", Decimal(0))
    assert admission.notices[0] == FREE_MODE_NOTICE

    assert admin_api.put("/api/admin/settings", headers=headers, json={"global_free_mode": False}).is_success
    with pytest.raises(InsufficientBalance):
        admit(db, new_run(db, paid))
    assert [row[4]["global_free_mode"] for row in audit_rows(db)] == [True, False]


def test_a_guest_has_the_guest_quota_when_one_is_set_and_the_free_quota_otherwise(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    assert admin_api.put("/api/admin/settings", headers=headers, json={"guest_daily_quota": 1}).is_success
    guest = Owner(guest_id=insert_guest(db))
    admit(db, new_run(db, guest))
    with pytest.raises(QuotaExceeded) as refused:
        admit(db, new_run(db, guest))
    assert (refused.value.details["limit"], refused.value.details["used"]) == (1, 1)
    # A FREE user keeps the free quota (5).
    user = Owner(user_id=create_user(db, "free@example.com"))
    for _ in range(2):
        assert admit(db, new_run(db, user)).effective_tier == "FREE"

    # Null: the guest shares the free quota again, and gets its second run of the day.
    assert admin_api.put("/api/admin/settings", headers=headers, json={"guest_daily_quota": None}).is_success
    assert admit(db, new_run(db, guest)).effective_tier == "FREE"
    assert admin_api.put("/api/admin/settings", headers=headers, json={"guest_daily_quota": 0}).is_success
    with pytest.raises(QuotaExceeded):
        admit(db, new_run(db, Owner(guest_id=insert_guest(db))))


def test_concurrent_updates_both_succeed_the_last_wins_and_the_audit_rows_chain(
    pooled_db: str, admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    bodies = [{"service_fee_rate": "0.1000", "free_daily_quota": 7}, {"service_fee_rate": "0.3000"}]
    answers: list[Any] = [None, None]

    def put(index: int) -> None:
        answers[index] = admin_api.put("/api/admin/settings", headers=headers, json=bodies[index])

    threads = [threading.Thread(target=put, args=(i,)) for i in range(2)]
    # Hold the row so that both updates are in flight at once, then let them race for it.
    with psycopg.connect(pooled_db) as blocker:
        blocker.execute("SELECT 1 FROM public.platform_settings FOR UPDATE")
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            waiting = db.execute(
                """SELECT count(*) FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event_type = 'Lock'"""
            ).fetchone()
            if waiting == (2,):
                break
            time.sleep(0.02)
        else:
            pytest.fail("the two updates never both waited for the settings row")
        blocker.commit()
    for thread in threads:
        thread.join(timeout=10)
    assert [answer.status_code for answer in answers] == [200, 200]

    rows = audit_rows(db)
    assert len(rows) == 2
    first, second = rows[0], rows[1]
    assert first[3] == SEEDED
    assert second[3] == first[4]  # the second saw the first's result: nothing was lost in between
    final = settings_values(admin_api.get("/api/admin/settings", headers=headers))
    assert final == second[4]
    assert final["free_daily_quota"] == 7  # the fee-only update kept the other's quota
    # Last write wins: the fee is the one of whichever update committed second.
    fees = {"0.1000", "0.3000"}
    assert first[4]["service_fee_rate"] in fees
    assert final["service_fee_rate"] == (fees - {first[4]["service_fee_rate"]}).pop()
