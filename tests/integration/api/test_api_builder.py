"""/api/builder-state: the caller's own state, optimistic concurrency, bad input, the guest's move."""

from __future__ import annotations

from typing import Any

import psycopg
from api_world import api_client, bearer, new_guest, register  # noqa: F401 - api_client registers the fixture
from fastapi.testclient import TestClient

DRAFT = {
    "section_order": ["summary", "work", "skills"],
    "hidden_sections": ["languages"],
    "custom_entries": [],
}


def test_a_first_save_then_a_stale_save_is_409_and_keeps_the_first(api: TestClient) -> None:
    _, token = new_guest(api)
    empty = api.get("/api/builder-state", headers=bearer(token))
    assert empty.status_code == 200
    assert empty.json()["revision"] == 0
    first = api.put(
        "/api/builder-state", headers=bearer(token), json={"step": "work", "draft": DRAFT, "revision": 0}
    )
    assert first.status_code == 200, first.text
    assert first.json()["revision"] == 1
    stale = api.put("/api/builder-state", headers=bearer(token), json={"draft": {}, "revision": 0})
    assert stale.status_code == 409
    assert stale.json()["error"]["details"] == {"revision": 0, "current_revision": 1}
    again = api.get("/api/builder-state", headers=bearer(token)).json()
    assert again == {"step": "work", "draft": DRAFT, "revision": 1}


def test_each_caller_sees_only_its_own_state(api: TestClient) -> None:
    _, alice = new_guest(api)
    _, bob = new_guest(api)
    api.put("/api/builder-state", headers=bearer(alice), json={"draft": DRAFT, "revision": 0})
    assert api.get("/api/builder-state", headers=bearer(bob)).json()["revision"] == 0
    # Bob's first save does not touch Alice's row.
    assert (
        api.put("/api/builder-state", headers=bearer(bob), json={"draft": {}, "revision": 0}).status_code
        == 200
    )
    assert api.get("/api/builder-state", headers=bearer(alice)).json()["draft"] == DRAFT


def test_bad_drafts_are_422_and_no_caller_is_401(api: TestClient) -> None:
    _, token = new_guest(api)
    bad = [
        {"draft": {"section_order": ["work", "work"]}, "revision": 0},
        {"draft": {"section_order": ["<script>"]}, "revision": 0},
        {"draft": {"unknown": 1}, "revision": 0},
        {"draft": {"custom_entries": [{"text": "x" * 70_000}]}, "revision": 0},
        {"draft": {}, "revision": -1},
        {"draft": {"custom_entries": [{"a\u0000": "b"}]}, "revision": 0},
    ]
    for body in bad:
        answer = api.put("/api/builder-state", headers=bearer(token), json=body)
        assert answer.status_code == 422, body
        assert answer.json()["error"]["code"] == "validation_failed"
    # A lone surrogate, as JSON escapes can carry it (a client library cannot even encode it).
    surrogate = b'{"draft": {"custom_entries": [{"a": "b\\ud800"}]}, "revision": 0}'
    answer = api.put(
        "/api/builder-state",
        headers={**bearer(token), "content-type": "application/json"},
        content=surrogate,
    )
    assert answer.status_code == 422, answer.text
    assert api.get("/api/builder-state").status_code == 401


def test_the_guests_state_moves_to_the_account_at_registration(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    _, token = new_guest(api)
    api.put("/api/builder-state", headers=bearer(token), json={"draft": DRAFT, "revision": 0})
    account = register(api, "builder@example.com", token)
    assert account.status_code == 201, account.text
    access = account.json()["access_token"]
    assert api.get("/api/builder-state", headers=bearer(access)).json()["draft"] == DRAFT
    owners = db.execute("SELECT user_id IS NOT NULL, guest_id FROM public.builder_states").fetchall()
    assert owners == [(True, None)]
