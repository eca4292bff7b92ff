"""Model configuration: reading and replacing an agent's default chain, its validation, audit and effect."""

from __future__ import annotations

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
from psycopg import errors

from cvpath.db.runs import Owner, default_chain, insert_guest, insert_import, insert_job_text, insert_run
from cvpath.governance import admit

Conn = psycopg.Connection[Any]
URL = "/api/admin/model-config/CV_TAILOR"
OFFLINE = {"provider": "offline", "model": "offline", "timeout_s": 10, "max_retries": 0}
GPT = {"provider": "openai", "model": "gpt-4.1-mini", "timeout_s": 30, "max_retries": 1}


@pytest.fixture(name="boss")
def boss_admin(public: TestClient, admin_api: TestClient, db: Conn) -> tuple[Person, dict[str, str]]:
    person = make_user(public, "boss@example.com", db=db, admin=True)
    return person, bearer(admin_token(admin_api, person))


def body(*links: dict[str, Any], **fields: Any) -> dict[str, Any]:
    return {"provider_chain": list(links), "temperature": 0.25, "max_output_tokens": 4000, **fields}


def audit_rows(db: Conn) -> list[tuple[UUID, str, str, str, Any, Any]]:
    return db.execute(
        """SELECT actor_user_id, action, target_type, target_id, before, after
           FROM public.admin_audit_log ORDER BY id"""
    ).fetchall()


def stored_chain(db: Conn) -> Any:
    row = db.execute(
        "SELECT provider_chain FROM public.default_model_config WHERE agent = 'CV_TAILOR'"
    ).fetchone()
    assert row is not None
    return row[0]


def test_an_admin_reads_the_seeded_chain(admin_api: TestClient, boss: tuple[Person, dict[str, str]]) -> None:
    _, headers = boss
    answer = admin_api.get(URL, headers=headers)
    assert answer.status_code == 200, answer.text
    config = answer.json()
    assert (config["agent"], config["temperature"], config["max_output_tokens"]) == ("CV_TAILOR", 0.3, 8192)
    assert config["allow_no_fallback"] is False
    links = config["provider_chain"]
    assert [(link["provider"], link["model"], link["allow_unpriced"]) for link in links] == [
        ("anthropic", "claude-3-7-sonnet-latest", False),
        ("openai", "gpt-4.1", False),
        ("offline", "offline", False),
    ]
    for agent in ("cv_tailor", "NOPE", "CV_TAILOR' OR '1'='1", "CV_TAILOR%00"):
        assert error_of(admin_api.get(f"/api/admin/model-config/{agent}", headers=headers), 422)


def test_a_new_chain_is_stored_audited_and_read_by_the_next_run(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    person, headers = boss
    before = stored_chain(db)
    answer = admin_api.put(URL, headers=headers, json=body(GPT, OFFLINE))
    assert answer.status_code == 200, answer.text
    assert answer.json()["updated_by"] == str(person.user_id)
    assert stored_chain(db) == [GPT, OFFLINE]

    # What the agents read at their next call: the new chain, temperature and output limit.
    chain = default_chain(db, "CV_TAILOR")
    assert [(s.provider, s.model, s.timeout_s, s.max_retries) for s in chain.specs] == [
        ("openai", "gpt-4.1-mini", 30.0, 1),
        ("offline", "offline", 10.0, 0),
    ]
    assert (chain.temperature, chain.max_output_tokens) == (0.25, 4000)

    [row] = audit_rows(db)
    assert row[:4] == (person.user_id, "model_config.update", "model_config", "CV_TAILOR")
    assert row[4] == {
        "provider_chain": before,
        "temperature": "0.30",
        "max_output_tokens": 8192,
        "allow_no_fallback": False,
    }
    assert row[5] == {
        "provider_chain": [GPT, OFFLINE],
        "temperature": "0.25",
        "max_output_tokens": 4000,
        "allow_no_fallback": False,
    }


def test_an_unknown_provider_or_model_is_422_naming_the_link(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    seeded = stored_chain(db)
    acme = {**GPT, "provider": "acme"}
    error = error_of(admin_api.put(URL, headers=headers, json=body(GPT, acme, OFFLINE)), 422)
    assert error["message"].startswith("link 1: unknown provider 'acme'")
    assert (error["details"]["link"], error["details"]["field"]) == (1, "provider")
    assert "openai" in error["details"]["known"]

    unknown_model = {**GPT, "model": "gpt-9-imaginary"}
    error = error_of(admin_api.put(URL, headers=headers, json=body(unknown_model, OFFLINE)), 422)
    assert "link 0" in error["message"]
    assert "genai-prices does not know model 'gpt-9-imaginary'" in error["message"]
    assert "allow_unpriced" in error["message"]
    assert stored_chain(db) == seeded
    assert audit_rows(db) == []


def test_an_unpriced_model_is_accepted_when_allowed_and_estimated_at_zero(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    unknown_model = {**GPT, "model": "gpt-9-imaginary", "allow_unpriced": True}
    answer = admin_api.put(URL, headers=headers, json=body(unknown_model, OFFLINE))
    assert answer.status_code == 200, answer.text
    # Stored as the agents' link model has it (no allow_unpriced), reported back so it can be resent.
    assert stored_chain(db)[0] == GPT | {"model": "gpt-9-imaginary"}
    read = admin_api.get(URL, headers=headers).json()
    assert [link["allow_unpriced"] for link in read["provider_chain"]] == [True, False]
    resent = {k: read[k] for k in ("provider_chain", "temperature", "max_output_tokens", "allow_no_fallback")}
    assert admin_api.put(URL, headers=headers, json=resent).status_code == 200

    owner = Owner(guest_id=insert_guest(db))
    run_id = insert_run(
        db,
        owner,
        import_data_id=insert_import(db, owner, raw_text="Jane Doe\nEngineer\n" + "Python. " * 50),
        job_data_id=insert_job_text(db, owner, "We hire an engineer: Python, SQL, AWS. " * 10),
    )
    admission = admit(db, run_id)
    assert any("CV_TAILOR" in notice and "counted as 0" in notice for notice in admission.notices)


def test_self_hosted_links_need_allow_unpriced_and_a_base_url_where_the_registry_needs_one(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    ollama = {"provider": "ollama", "model": "llama3:8b", "base_url": "http://127.0.0.1:11434/v1"}
    error = error_of(admin_api.put(URL, headers=headers, json=body(ollama, OFFLINE)), 422)
    assert error["message"].startswith("link 0: a self-hosted model has no price")
    answer = admin_api.put(URL, headers=headers, json=body({**ollama, "allow_unpriced": True}, OFFLINE))
    assert answer.status_code == 200, answer.text
    assert default_chain(db, "CV_TAILOR").specs[0].model == "llama3:8b"

    compatible = {"provider": "openai_compatible", "model": "qwen", "allow_unpriced": True}
    error = error_of(admin_api.put(URL, headers=headers, json=body(compatible, OFFLINE)), 422)
    assert "link 0" in error["message"]
    assert "base_url" in error["message"]
    with_url = {**compatible, "base_url": "http://10.0.0.5:8000/v1"}
    assert admin_api.put(URL, headers=headers, json=body(with_url, OFFLINE)).status_code == 200
    assert len(audit_rows(db)) == 2


def test_a_chain_must_end_in_offline_unless_the_operator_allows_no_fallback(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    error = error_of(admin_api.put(URL, headers=headers, json=body(GPT)), 422)
    assert "must end with the offline provider" in error["message"]
    assert "allow_no_fallback" in error["message"]
    assert error["details"] == {"link": 0, "field": "provider"}
    error = error_of(admin_api.put(URL, headers=headers, json=body(OFFLINE, GPT)), 422)
    assert error["message"].startswith("link 0: offline always answers")
    assert audit_rows(db) == []

    answer = admin_api.put(URL, headers=headers, json=body(GPT, allow_no_fallback=True))
    assert answer.status_code == 200, answer.text
    assert answer.json()["allow_no_fallback"] is True
    assert [spec.provider for spec in default_chain(db, "CV_TAILOR").specs] == ["openai"]
    assert audit_rows(db)[0][5]["allow_no_fallback"] is True


def test_the_database_refuses_a_chain_without_offline_unless_flagged(db: Conn) -> None:
    chain = '[{"provider": "openai", "model": "gpt-4.1", "timeout_s": 30, "max_retries": 1}]'
    with pytest.raises(errors.CheckViolation, match="default_model_config_offline_last"), db.transaction():
        db.execute(
            "UPDATE public.default_model_config SET provider_chain = %s WHERE agent = 'JOB_PARSER'", [chain]
        )
    db.execute(
        """UPDATE public.default_model_config SET provider_chain = %s, allow_no_fallback = true
           WHERE agent = 'JOB_PARSER'""",
        [chain],
    )
    with pytest.raises(errors.CheckViolation, match="default_model_config_chain_shape"), db.transaction():
        db.execute("UPDATE public.default_model_config SET provider_chain = '[]' WHERE agent = 'JOB_PARSER'")


BAD_BODIES: list[dict[str, Any]] = [
    body(),
    body(*[GPT] * 8, OFFLINE),
    body({**GPT, "timeout_s": 0}, OFFLINE),
    body({**GPT, "timeout_s": 121}, OFFLINE),
    body({**GPT, "max_retries": 6}, OFFLINE),
    body({**GPT, "model": ""}, OFFLINE),
    body({**GPT, "model": "gpt\x00"}, OFFLINE),
    body({**GPT, "provider": "Open AI"}, OFFLINE),
    body({**GPT, "api_key_ref": "sk-live-0123456789abcdef"}, OFFLINE),
    body({**GPT, "base_url": "file:///etc/passwd"}, OFFLINE),
    body({**GPT, "secret": "x"}, OFFLINE),
    body({**OFFLINE, "model": "gpt-4.1"}),
    body(GPT, OFFLINE, temperature=2.5),
    body(GPT, OFFLINE, temperature=-0.1),
    body(GPT, OFFLINE, max_output_tokens=0),
    body(GPT, OFFLINE, max_output_tokens=32769),
    body(GPT, OFFLINE, allow_no_fallback="yes"),
    body(GPT, OFFLINE, agent="CV_PARSER"),
    {"provider_chain": [GPT, OFFLINE]},
]


def test_bad_bodies_are_422_and_change_nothing(
    admin_api: TestClient, db: Conn, boss: tuple[Person, dict[str, str]]
) -> None:
    _, headers = boss
    seeded = stored_chain(db)
    for bad in BAD_BODIES:
        answer = admin_api.put(URL, headers=headers, json=bad)
        assert answer.status_code == 422, (bad, answer.text)
        assert error_of(answer, 422)["code"] == "validation_failed"
        assert "sk-live" not in answer.text  # a pasted key is never echoed
    assert stored_chain(db) == seeded
    assert audit_rows(db) == []


def test_model_config_needs_an_admin_token(public: TestClient, admin_api: TestClient, db: Conn) -> None:
    user = make_user(public, "user@example.com", db=db)
    for method in ("GET", "PUT"):
        payload = body(GPT, OFFLINE) if method == "PUT" else None
        assert error_of(admin_api.request(method, URL, json=payload), 401)["code"] == "not_authenticated"
        answer = admin_api.request(method, URL, headers=bearer(user.access_token), json=payload)
        assert error_of(answer, 403)["code"] == "forbidden"
    row = db.execute("SELECT temperature FROM public.default_model_config WHERE agent = 'CV_TAILOR'")
    assert row.fetchone() == (Decimal("0.30"),)
    assert audit_rows(db) == []
