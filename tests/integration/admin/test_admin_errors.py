"""Admin error triage: groups by fingerprint with counts and last seen, and a group's status and note."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
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
from cvpath.admin.errors import triage
from cvpath.governance.profiles import create_user

Conn = psycopg.Connection[Any]
Headers = dict[str, str]
NOW = datetime.now(UTC)
API_ERROR = "a1" * 8
RENDER_ERROR = "b2" * 16
OLD_ERROR = "c3" * 8


def occurrence(
    db: Conn, fingerprint: str, *, ago: timedelta, source: str = "api", user: UUID | None = None
) -> None:
    db.execute(
        """INSERT INTO analytics_monitoring.error_events
               (event_id, fingerprint, source, error_type, message, file_path, function_name, user_id,
                occurred_at)
           VALUES (%s, %s, %s, 'KeyError', %s, 'cvpath/x.py', 'load', %s, %s)""",
        [uuid4(), fingerprint, source, f"missing key seen {ago} ago", user, NOW - ago],
    )


@pytest.fixture
def errors(db: Conn) -> None:
    """Three API occurrences by two people, one render error two days ago, one a month ago."""
    alice, bob = uuid4(), uuid4()
    occurrence(db, API_ERROR, ago=timedelta(hours=5), user=alice)
    occurrence(db, API_ERROR, ago=timedelta(hours=3), user=bob)
    occurrence(db, API_ERROR, ago=timedelta(hours=1), user=alice)
    occurrence(db, RENDER_ERROR, ago=timedelta(days=2), source="render")
    occurrence(db, OLD_ERROR, ago=timedelta(days=30))


def groups(admin_api: TestClient, operator: Headers, **params: Any) -> list[dict[str, Any]]:
    answer = admin_api.get("/api/admin/errors", params=params, headers=operator)
    assert answer.status_code == 200, answer.text
    items: list[dict[str, Any]] = answer.json()["items"]
    return items


def events_of(db: Conn, fingerprint: str) -> set[tuple[Any, ...]]:
    rows = db.execute(
        """SELECT resolution, resolved_at IS NOT NULL, assignee, resolution_note
           FROM analytics_monitoring.error_events WHERE fingerprint = %s""",
        [fingerprint],
    ).fetchall()
    return set(rows)


def triage_audit(db: Conn) -> list[tuple[Any, ...]]:
    return db.execute(
        """SELECT target_type, target_id, before, after FROM public.admin_audit_log
           WHERE action = 'error.triage' ORDER BY id"""
    ).fetchall()


def test_groups_have_counts_people_and_last_seen_newest_first(
    admin_api: TestClient, operator: Headers, errors: None
) -> None:
    found = groups(admin_api, operator)
    assert [group["fingerprint"] for group in found] == [API_ERROR, RENDER_ERROR, OLD_ERROR]
    api = found[0]
    assert (api["occurrences"], api["people_affected"], api["status"], api["source"]) == (3, 2, "new", "api")
    assert datetime.fromisoformat(api["last_seen_at"]) == NOW - timedelta(hours=1)
    assert datetime.fromisoformat(api["first_seen_at"]) == NOW - timedelta(hours=5)
    assert api["last_message"] == f"missing key seen {timedelta(hours=1)} ago"
    assert [g["fingerprint"] for g in groups(admin_api, operator, service="render")] == [RENDER_ERROR]
    since = (NOW - timedelta(days=3)).isoformat()
    assert [g["fingerprint"] for g in groups(admin_api, operator, **{"from": since})] == [
        API_ERROR,
        RENDER_ERROR,
    ]
    assert [g["fingerprint"] for g in groups(admin_api, operator, limit=1)] == [API_ERROR]
    assert groups(admin_api, operator, status="resolved") == []


@pytest.mark.parametrize(
    "params",
    [
        {"status": "closed"},
        {"status": "new' OR '1'='1"},
        {"service": "database"},
        {"from": "yesterday"},
        {"limit": 0},
        {"limit": 501},
    ],
)
def test_bad_filters_are_422(admin_api: TestClient, operator: Headers, params: dict[str, Any]) -> None:
    assert error_of(admin_api.get("/api/admin/errors", params=params, headers=operator), 422)


def test_resolving_a_group_updates_every_occurrence_with_one_audit_row(
    admin_api: TestClient, operator: Headers, db: Conn, errors: None
) -> None:
    change = {"status": "resolved", "assignee": "maya", "assignee_note": "fixed in 1.2"}
    answer = admin_api.patch(f"/api/admin/errors/{API_ERROR}", json=change, headers=operator)
    assert answer.status_code == 200, answer.text
    assert (answer.json()["status"], answer.json()["assignee_note"]) == ("resolved", "fixed in 1.2")
    assert events_of(db, API_ERROR) == {("resolved", True, "maya", "fixed in 1.2")}
    assert events_of(db, RENDER_ERROR) == {("new", False, None, None)}
    [(target_type, target_id, before, after)] = triage_audit(db)
    assert (target_type, target_id) == ("error_group", API_ERROR)
    assert before == {"status": "new", "assignee": None, "assignee_note": None}
    assert after == {"status": "resolved", "assignee": "maya", "assignee_note": "fixed in 1.2"}
    assert [g["fingerprint"] for g in groups(admin_api, operator, status="resolved")] == [API_ERROR]
    # The error comes back: its group reopens as new
    occurrence(db, API_ERROR, ago=timedelta(minutes=1))
    assert groups(admin_api, operator, status="new")[0]["fingerprint"] == API_ERROR


def test_a_note_alone_keeps_the_status_and_null_clears_it(
    admin_api: TestClient, operator: Headers, db: Conn, errors: None
) -> None:
    path = f"/api/admin/errors/{RENDER_ERROR}"
    assert admin_api.patch(path, json={"status": "investigating"}, headers=operator).status_code == 200
    noted = admin_api.patch(path, json={"assignee_note": "font cache?"}, headers=operator)
    assert (noted.json()["status"], noted.json()["assignee_note"]) == ("investigating", "font cache?")
    cleared = admin_api.patch(path, json={"assignee_note": None}, headers=operator)
    assert (cleared.json()["status"], cleared.json()["assignee_note"]) == ("investigating", None)
    assert events_of(db, RENDER_ERROR) == {("investigating", False, None, None)}
    assert len(triage_audit(db)) == 3


def test_an_ignored_group_stays_ignored_and_reopening_clears_the_resolution_time(
    admin_api: TestClient, operator: Headers, db: Conn, errors: None
) -> None:
    path = f"/api/admin/errors/{OLD_ERROR}"
    assert admin_api.patch(path, json={"status": "ignored"}, headers=operator).status_code == 200
    occurrence(db, OLD_ERROR, ago=timedelta(seconds=5))
    assert events_of(db, OLD_ERROR) == {("ignored", True, None, None)}
    assert admin_api.patch(path, json={"status": "new"}, headers=operator).json()["status"] == "new"
    assert events_of(db, OLD_ERROR) == {("new", False, None, None)}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"status": None},
        {"status": "done"},
        {"status": "resolved", "owner": "x"},
        {"assignee_note": "a\x00b"},
        {"assignee_note": "x" * 4001},
        {"assignee": ""},
    ],
)
def test_bad_triage_is_422_and_changes_nothing(
    admin_api: TestClient, operator: Headers, db: Conn, errors: None, body: dict[str, Any]
) -> None:
    assert error_of(admin_api.patch(f"/api/admin/errors/{API_ERROR}", json=body, headers=operator), 422)
    assert events_of(db, API_ERROR) == {("new", False, None, None)}
    assert triage_audit(db) == []


def test_an_unknown_fingerprint_is_404_and_a_malformed_one_422(
    admin_api: TestClient, operator: Headers, db: Conn, errors: None
) -> None:
    answer = admin_api.patch("/api/admin/errors/" + "d4" * 8, json={"status": "resolved"}, headers=operator)
    assert error_of(answer, 404)["code"] == "not_found"
    for malformed in ("XYZ", "A1" * 8, "a1" * 40):
        answer = admin_api.patch(
            f"/api/admin/errors/{malformed}", json={"status": "resolved"}, headers=operator
        )
        assert error_of(answer, 422)
    assert triage_audit(db) == []


def test_concurrent_triage_is_serialised_and_both_audited(pooled_db: str, db: Conn, errors: None) -> None:
    admin = create_user(db, "root@example.com")
    start = threading.Barrier(2)
    failures: list[BaseException] = []

    def set_status(status: str) -> None:
        try:
            with psycopg.connect(pooled_db, autocommit=True) as conn:
                start.wait()
                triage(conn, Actor(user_id=admin), API_ERROR, status=status)
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            failures.append(exc)

    threads = [
        threading.Thread(target=set_status, args=(status,)) for status in ("investigating", "resolved")
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    first, second = triage_audit(db)
    assert first[2]["status"] == "new"
    assert second[2] == first[3]  # the second saw what the first left
    assert {row[0] for row in events_of(db, API_ERROR)} == {second[3]["status"]}


def test_non_admins_get_403_and_no_token_401(
    public: TestClient, admin_api: TestClient, db: Conn, errors: None
) -> None:
    person = make_user(public, "plain@example.com", db=db)
    calls = [
        ("GET", "/api/admin/errors", None),
        ("PATCH", f"/api/admin/errors/{API_ERROR}", {"status": "ignored"}),
    ]
    for method, path, body in calls:
        assert error_of(admin_api.request(method, path, json=body, headers=bearer(person.access_token)), 403)
        assert error_of(admin_api.request(method, path, json=body), 401)
    assert events_of(db, API_ERROR) == {("new", False, None, None)}
