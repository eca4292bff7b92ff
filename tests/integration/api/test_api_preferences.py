"""/api/preferences: defaults, a full replace, validation, each caller's own, the guest's move."""

from __future__ import annotations

from typing import Any

import psycopg
import pytest
from api_world import api_client, bearer, error_of, new_guest, register  # noqa: F401 - api_client registers the fixture
from fastapi.testclient import TestClient

DEFAULTS = {
    "locale": "en",
    "theme": "system",
    "default_engine": "v1",
    "cover_letter_format": "none",
    "analytics_opt_out": False,
    "extra": {},
    "updated_at": None,
}
CHOSEN = {
    "locale": "de-CH",
    "theme": "dark",
    "default_engine": "v2",
    "cover_letter_format": "docx",
    "analytics_opt_out": True,
    "extra": {"dismissed": ["intro"], "width": 320},
}


def put(api: TestClient, token: str, body: dict[str, Any]) -> Any:
    return api.put("/api/preferences", headers=bearer(token), json=body)


def saved(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    assert body.pop("updated_at") is not None
    return body


def test_a_new_caller_gets_the_defaults_then_what_it_saved(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    guest_id, token = new_guest(api)
    assert api.get("/api/preferences", headers=bearer(token)).json() == DEFAULTS
    assert saved(put(api, token, CHOSEN)) == CHOSEN
    assert saved(api.get("/api/preferences", headers=bearer(token))) == CHOSEN
    # A replace, not a merge: extra left out is extra emptied.
    light = {**CHOSEN, "theme": "light"}
    del light["extra"]
    assert saved(put(api, token, light)) == {**CHOSEN, "theme": "light", "extra": {}}
    rows = db.execute("SELECT guest_id, theme FROM public.user_preferences").fetchall()
    assert rows == [(guest_id, "light")]


@pytest.mark.parametrize(
    "change",
    [
        {"locale": "EN"},
        {"locale": "en-us"},
        {"locale": "english"},
        {"locale": "en\x00"},
        {"theme": "blue"},
        {"default_engine": "v3"},
        {"cover_letter_format": "txt"},
        {"analytics_opt_out": "maybe"},
        {"analytics_opt_out": 0},
        {"extra": []},
        {"extra": {"big": "x" * 9000}},
        {"extra": {"a\x00": 1}},
        {"extra": {"a": ["b\x00"]}},
        {"extra": {"a": {"b": {"c": {"d": {"e": {"f": {"g": {"h": {"i": 1}}}}}}}}}},
        {"unknown": 1},
    ],
)
def test_invalid_preferences_are_422_and_change_nothing(api: TestClient, change: dict[str, Any]) -> None:
    _, token = new_guest(api)
    error = error_of(put(api, token, {**CHOSEN, **change}), 422)
    assert error["code"] == "validation_failed"
    assert api.get("/api/preferences", headers=bearer(token)).json() == DEFAULTS


def test_missing_fields_and_lone_surrogates_are_422(api: TestClient) -> None:
    _, token = new_guest(api)
    partial = {key: value for key, value in CHOSEN.items() if key != "theme"}
    assert error_of(put(api, token, partial), 422)["details"]["errors"][0]["loc"] == ["body", "theme"]
    surrogate = (
        b'{"locale": "en", "theme": "dark", "default_engine": "v1", "cover_letter_format": "none", '
        b'"analytics_opt_out": false, "extra": {"k": "\\ud800"}}'
    )
    answer = api.put(
        "/api/preferences", headers={**bearer(token), "content-type": "application/json"}, content=surrogate
    )
    assert error_of(answer, 422)["code"] == "validation_failed"


def test_each_caller_sees_and_changes_only_its_own(api: TestClient) -> None:
    _, alice = new_guest(api)
    _, bob = new_guest(api)
    saved(put(api, alice, CHOSEN))
    assert api.get("/api/preferences", headers=bearer(bob)).json() == DEFAULTS
    saved(put(api, bob, {**CHOSEN, "locale": "fr"}))
    assert saved(api.get("/api/preferences", headers=bearer(alice)))["locale"] == "de-CH"


def test_no_caller_is_401(api: TestClient) -> None:
    assert error_of(api.get("/api/preferences"), 401)["code"] == "not_authenticated"
    assert error_of(api.put("/api/preferences", json=CHOSEN), 401)["code"] == "not_authenticated"


def test_the_guests_preferences_move_to_the_account_at_registration(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    _, token = new_guest(api)
    saved(put(api, token, CHOSEN))
    account = register(api, "prefs@example.com", token)
    assert account.status_code == 201, account.text
    access = account.json()["access_token"]
    assert saved(api.get("/api/preferences", headers=bearer(access))) == CHOSEN
    owners = db.execute("SELECT user_id IS NOT NULL, guest_id FROM public.user_preferences").fetchall()
    assert owners == [(True, None)]
    # The account's own later save updates that row.
    assert saved(put(api, access, {**CHOSEN, "theme": "light"}))["theme"] == "light"
    assert db.execute("SELECT count(*) FROM public.user_preferences").fetchone() == (1,)
