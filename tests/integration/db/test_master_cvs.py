"""cvpath.db.master_cvs against PostgreSQL: owner scoping, dedup, immutability and the version lock.

The race is made deterministic: one connection holds the lineage lock inside an
open transaction while a second writer is started, which must queue behind it
and then take the next number, not collide with the first.
"""

from __future__ import annotations

import threading
import time
from typing import Any
from uuid import uuid4

import psycopg
import pytest

from cvpath.db.master_cvs import (
    NewVersion,
    Saved,
    add_version,
    create_cv,
    latest_version,
    list_cvs,
    list_versions,
    load_version,
)
from cvpath.db.runs import Owner, insert_guest
from cvpath.errors import NotFound

JOIN_TIMEOUT_S = 30


def cv(name: str, *skills: str) -> dict[str, Any]:
    return {"basics": {"name": name}, "skills": [{"name": skill, "keywords": [skill]} for skill in skills]}


def new_owner(url: str) -> Owner:
    with psycopg.connect(url, autocommit=True) as conn:
        return Owner(guest_id=insert_guest(conn))


def test_versions_are_scoped_to_their_owner(fresh_db_url: str) -> None:
    alice, bob = new_owner(fresh_db_url), new_owner(fresh_db_url)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        saved = create_cv(conn, alice, NewVersion(cv("Alice"), "BUILDER", label="Mine"))
        first = saved.version
        assert (saved.created, first.version, first.label, first.raw_text) == (True, 1, "Mine", None)
        assert load_version(conn, alice, first.id) == first
        assert latest_version(conn, alice, first.lineage_id) == first
        for read in (
            lambda: load_version(conn, bob, first.id),
            lambda: latest_version(conn, bob, first.lineage_id),
            lambda: latest_version(conn, alice, first.id),  # a version id is not a CV id
            lambda: list_versions(conn, bob, first.lineage_id, limit=10),
            lambda: add_version(conn, bob, first.lineage_id, NewVersion(cv("Bob"), "BUILDER")),
        ):
            with pytest.raises(NotFound):
                read()
        assert list_cvs(conn, bob, limit=10) == []
        assert [item.id for item in list_cvs(conn, alice, limit=10)] == [first.lineage_id]


def test_dedup_compares_latest_versions_only(fresh_db_url: str) -> None:
    owner = new_owner(fresh_db_url)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        first = create_cv(conn, owner, NewVersion(cv("Ann", "SQL"), "BUILDER")).version
        again = create_cv(conn, owner, NewVersion(cv("Ann", "SQL"), "JSON_RESUME"))
        assert (again.created, again.version) == (False, first)
        second = add_version(conn, owner, first.lineage_id, NewVersion(cv("Ann", "SQL", "Go"), "BUILDER"))
        assert (second.created, second.version.version, second.version.label) == (True, 2, None)
        assert second.version.change is not None
        assert second.version.change["added"]["skills"] == ["Go"]
        # Version 1's content is no longer the latest of any CV: it is a new CV now.
        revived = create_cv(conn, owner, NewVersion(cv("Ann", "SQL"), "BUILDER"))
        assert revived.created
        assert revived.version.lineage_id != first.lineage_id


def test_a_saved_version_cannot_be_changed(fresh_db_url: str) -> None:
    owner = new_owner(fresh_db_url)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        version = create_cv(conn, owner, NewVersion(cv("Eve"), "BUILDER")).version
        with pytest.raises(psycopg.DatabaseError, match="immutable"):
            conn.execute(
                "UPDATE public.master_cvs SET content = '{\"basics\": {}}' WHERE id = %s", [version.id]
            )
        # The label is not content: it may change without a new version.
        conn.execute("UPDATE public.master_cvs SET label = 'renamed' WHERE id = %s", [version.id])


def test_a_second_writer_waits_for_the_first_and_takes_the_next_number(fresh_db_url: str) -> None:
    owner = new_owner(fresh_db_url)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        lineage = create_cv(conn, owner, NewVersion(cv("Kim"), "BUILDER")).version.lineage_id
    outcome: list[Saved | Exception] = []

    def second_writer() -> None:
        try:
            with psycopg.connect(fresh_db_url, autocommit=True) as conn:
                outcome.append(add_version(conn, owner, lineage, NewVersion(cv("Kim", "B"), "BUILDER")))
        except Exception as exc:  # noqa: BLE001 - reported to the test below
            outcome.append(exc)

    with psycopg.connect(fresh_db_url) as holder:
        # An open transaction first: add_version's own block is then a savepoint in it, and the
        # lineage lock lasts until this test commits.
        holder.execute("SELECT 1")
        first = add_version(holder, owner, lineage, NewVersion(cv("Kim", "A"), "BUILDER"))
        writer = threading.Thread(target=second_writer)
        writer.start()
        _wait_for_a_lock_waiter(fresh_db_url)
        assert outcome == [], "the second writer must wait for the lineage lock"
        holder.commit()
    writer.join(JOIN_TIMEOUT_S)
    [second] = outcome
    assert isinstance(second, Saved), second
    assert (first.version.version, second.version.version) == (2, 3)
    assert [entry["version"] for entry in second.version.growth_history] == [1, 2, 3]
    assert second.version.change is not None
    assert second.version.change["removed"]["skills"] == ["A"]


def _wait_for_a_lock_waiter(url: str) -> None:
    deadline = time.monotonic() + 10
    with psycopg.connect(url, autocommit=True) as monitor:
        while time.monotonic() < deadline:
            row = monitor.execute(
                """SELECT count(*) FROM pg_stat_activity
                   WHERE datname = current_database() AND wait_event_type = 'Lock'"""
            ).fetchone()
            if row is not None and row[0] >= 1:
                return
            time.sleep(0.01)
    pytest.fail("the second writer never queued on the lineage lock")


def test_unknown_ids_are_not_found(fresh_db_url: str) -> None:
    owner = new_owner(fresh_db_url)
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        missing = uuid4()
        with pytest.raises(NotFound, match=f"no CV {missing}"):
            latest_version(conn, owner, missing)
        with pytest.raises(NotFound, match=f"no CV version {missing}"):
            load_version(conn, owner, missing)
