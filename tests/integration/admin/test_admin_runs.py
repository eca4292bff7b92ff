"""Admin runs: every owner's runs, and one run's evidence trail with its execution history."""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import boto3
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
from moto import mock_aws
from psycopg.types.json import Jsonb

from cvpath.admin import runs as admin_runs
from cvpath.agents.base import AgentName
from cvpath.agents.steps import StepEvent, run_step
from cvpath.config import get_settings
from cvpath.db import run_status
from cvpath.db.runs import Owner, insert_run
from cvpath.governance.profiles import create_user

Conn = psycopg.Connection[Any]
Headers = dict[str, str]
SeedRun = Callable[..., UUID]
REGION = "eu-west-1"
RECORDED = [
    {"name": "Admit", "status": "SUCCEEDED", "duration_ms": 12, "attempts": 1},
    {"name": "Tailor", "status": "SUCCEEDED", "duration_ms": 340, "attempts": 2},
]
KEY = "sk-live0123456789abcdefghijklmnop"


def finished_run(db: Conn, seed_run: SeedRun) -> UUID:
    """A guest's run whose six agents ran offline (attempts in the audit log), recorded and SUCCEEDED."""
    run_id = seed_run()
    run_status.mark_running(db, run_id, None)
    for agent in AgentName:
        run_step(agent, StepEvent(run_id=run_id), conn=db)
    run_status.record_states(db, run_id, RECORDED)
    run_status.mark_succeeded(db, run_id, actual_cost=Decimal("0"))
    return run_id


def evidence(admin_api: TestClient, operator: Headers, run_id: UUID) -> dict[str, Any]:
    answer = admin_api.get(f"/api/admin/runs/{run_id}", headers=operator)
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def test_runs_of_every_owner_newest_first_with_filters(
    admin_api: TestClient, operator: Headers, db: Conn, seed_run: SeedRun
) -> None:
    guest_run = seed_run()
    user = create_user(db, "runner@example.com", tier="PAID")
    older = insert_run(db, Owner(user_id=user), import_data_id=None, job_data_id=None)
    db.execute(
        "UPDATE public.pipeline_runs SET created_at = now() - interval '3 days' WHERE id = %s", [older]
    )
    newest = insert_run(db, Owner(user_id=user), import_data_id=None, job_data_id=None)
    run_status.mark_failed(
        db,
        newest,
        status="FAILED",
        error_code="ProviderUnavailable",
        error_message="down",
        error_state="Tailor",
    )

    def ids(**params: Any) -> list[str]:
        answer = admin_api.get("/api/admin/runs", params=params, headers=operator)
        assert answer.status_code == 200, answer.text
        return [item["id"] for item in answer.json()["items"]]

    assert ids() == [str(newest), str(guest_run), str(older)]
    assert ids(status="FAILED") == [str(newest)]
    assert ids(user=str(user)) == [str(newest), str(older)]
    guest = db.execute("SELECT guest_id FROM public.pipeline_runs WHERE id = %s", [guest_run]).fetchone()
    assert guest is not None
    assert ids(user=str(guest[0])) == [str(guest_run)]
    assert ids(**{"from": (datetime.now(UTC) - timedelta(days=1)).isoformat()}) == [
        str(newest),
        str(guest_run),
    ]
    assert ids(limit=1) == [str(newest)]
    first = admin_api.get("/api/admin/runs", headers=operator).json()["items"][0]
    assert (first["user_email"], first["status"], first["error_code"]) == (
        "runner@example.com",
        "FAILED",
        "ProviderUnavailable",
    )


@pytest.mark.parametrize(
    "params",
    [
        {"status": "DONE"},
        {"status": "FAILED' OR 1=1 --"},
        {"user": "bob"},
        {"from": "last week"},
        {"limit": 0},
    ],
)
def test_bad_run_filters_are_422(admin_api: TestClient, operator: Headers, params: dict[str, Any]) -> None:
    assert error_of(admin_api.get("/api/admin/runs", params=params, headers=operator), 422)


def test_the_evidence_trail_has_snapshots_outputs_attempts_costs_guard_and_states(
    admin_api: TestClient, operator: Headers, db: Conn, seed_run: SeedRun
) -> None:
    run_id = finished_run(db, seed_run)
    body = evidence(admin_api, operator, run_id)
    assert (body["run"]["id"], body["run"]["status"], body["run"]["actual_cost"]) == (
        str(run_id),
        "SUCCEEDED",
        "0.000000",
    )
    import_text, job_text = db.execute(
        """SELECT i.raw_text, j.raw_text FROM public.pipeline_runs r
           JOIN public.import_data i ON i.id = r.import_data_id JOIN public.job_data j ON j.id = r.job_data_id
           WHERE r.id = %s""",
        [run_id],
    ).fetchone() or (None, None)
    assert body["snapshots"]["cv"]["raw_text"] == import_text
    assert body["snapshots"]["job"]["raw_text"] == job_text
    kinds = {output["kind"]: output for output in body["outputs"]}
    assert set(kinds) >= {"PARSED_CV", "VALIDATION", "PARSED_JOB", "ANALYSIS", "TAILORED_CV", "GUARD_REPORT"}
    assert kinds["TAILORED_CV"]["agent"] == "CV_TAILOR"
    assert body["guard_report"] == kinds["GUARD_REPORT"]["content"]
    logged = db.execute(
        """SELECT count(*), coalesce(sum(cost_usd), 0), count(*) FILTER (WHERE status = 'SUCCESS')
           FROM analytics_monitoring.llm_generation_logs WHERE run_id = %s""",
        [run_id],
    ).fetchone()
    assert logged is not None
    assert logged[0] > 0
    assert len(body["llm_attempts"]) == logged[0]
    assert Decimal(body["llm_totals"]["cost_usd"]) == logged[1]
    assert body["llm_totals"]["succeeded"] == logged[2]
    # Keyed links were skipped for want of a key, then the offline link answered each agent
    answered = [a for a in body["llm_attempts"] if a["status"] == "SUCCESS"]
    assert {a["provider"] for a in answered} == {"offline"}
    assert {a["error_code"] for a in body["llm_attempts"] if a["status"] != "SUCCESS"} <= {"missing_key"}
    attempt = answered[0]
    assert isinstance(attempt["cost_usd"], str)
    assert attempt["agent"] is not None
    # Payload logging is off: the hash and size of each body, not the body
    assert attempt["request"] is None
    assert len(attempt["request_sha256"]) == 64
    assert body["execution"] == {
        "source": "recorded",
        "execution_arn": None,
        "states": [{**state, "error": None, "cause": None} for state in RECORDED],
        "note": "no tailoring state machine is configured",
    }


def test_stored_llm_bodies_are_shown_with_credentials_masked(
    admin_api: TestClient, operator: Headers, db: Conn, seed_run: SeedRun
) -> None:
    run_id = seed_run()
    request = {
        "headers": {"Authorization": f"Bearer {KEY}"},
        "url": f"https://x.test/v1?key={KEY}",
        "body": "hi",
    }
    db.execute(
        """INSERT INTO analytics_monitoring.llm_generation_logs
               (run_id, agent, provider, model, latency_ms, status, request, response, cost_usd,
                estimated_cost_usd)
           VALUES (%s, 'CV_TAILOR', 'openai', 'gpt-4o-mini', 420, 'SUCCESS', %s, %s, 0.0000012345,
                   0.0000012345)""",
        [run_id, Jsonb(request), Jsonb({"text": "an answer"})],
    )
    answer = admin_api.get(f"/api/admin/runs/{run_id}", headers=operator)
    assert answer.status_code == 200, answer.text
    assert KEY not in answer.text
    [attempt] = answer.json()["llm_attempts"]
    assert attempt["request"]["body"] == "hi"
    assert attempt["response"] == {"text": "an answer"}
    assert attempt["cost_usd"] == "0.0000012345"  # ten places: not rounded to 0.000001
    assert answer.json()["llm_totals"]["cost_usd"] == "0.0000012345"


@pytest.fixture
def state_machine(monkeypatch: pytest.MonkeyPatch, pooled_db: str) -> Iterator[Any]:
    """A moto state machine (Pass states) configured as TAILORING_STATE_MACHINE_ARN; its client."""
    for name, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    admin_runs.stepfunctions_client.cache_clear()
    with mock_aws(config={"stepfunctions": {"execute_state_machine": True}}):
        sfn = boto3.client("stepfunctions", region_name=REGION)
        definition = {
            "StartAt": "Admit",
            "States": {"Admit": {"Type": "Pass", "Next": "Tailor"}, "Tailor": {"Type": "Pass", "End": True}},
        }
        machine = sfn.create_state_machine(
            name="tailoring", definition=json.dumps(definition), roleArn="arn:aws:iam::123456789012:role/sfn"
        )["stateMachineArn"]
        monkeypatch.setenv("TAILORING_STATE_MACHINE_ARN", machine)
        get_settings.cache_clear()
        yield sfn
    admin_runs.stepfunctions_client.cache_clear()
    get_settings.cache_clear()


def test_the_history_comes_from_the_execution_named_by_the_run_id(
    admin_api: TestClient, operator: Headers, db: Conn, seed_run: SeedRun, state_machine: Any
) -> None:
    run_id = seed_run()
    machine = state_machine.list_state_machines()["stateMachines"][0]["stateMachineArn"]
    started = state_machine.start_execution(stateMachineArn=machine, name=str(run_id), input="{}")
    deadline = time.monotonic() + 10
    while state_machine.describe_execution(executionArn=started["executionArn"])["status"] == "RUNNING":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    run_status.record_states(db, run_id, RECORDED)
    execution = evidence(admin_api, operator, run_id)["execution"]
    assert execution["source"] == "step_functions"
    assert execution["execution_arn"] == started["executionArn"]
    assert execution["execution_arn"] == machine.replace(":stateMachine:", ":execution:") + f":{run_id}"
    assert [(s["name"], s["status"], s["attempts"]) for s in execution["states"]] == [
        ("Admit", "SUCCEEDED", 1),
        ("Tailor", "SUCCEEDED", 1),
    ]
    # A run with no execution shows what was recorded on it, and says why
    other = seed_run()
    run_status.record_states(db, other, RECORDED)
    fallback = evidence(admin_api, operator, other)["execution"]
    assert (fallback["source"], fallback["note"]) == ("recorded", "the execution does not exist")
    assert [state["name"] for state in fallback["states"]] == ["Admit", "Tailor"]


def test_an_unknown_run_is_404_and_a_malformed_id_422(admin_api: TestClient, operator: Headers) -> None:
    assert (
        error_of(admin_api.get(f"/api/admin/runs/{uuid4()}", headers=operator), 404)["code"]
        == "run_not_found"
    )
    assert error_of(admin_api.get("/api/admin/runs/42", headers=operator), 422)


def test_non_admins_get_403_and_no_token_401(
    public: TestClient, admin_api: TestClient, db: Conn, seed_run: SeedRun
) -> None:
    person = make_user(public, "plain@example.com", db=db)
    run_id = seed_run()
    for path in ("/api/admin/runs", f"/api/admin/runs/{run_id}"):
        assert error_of(admin_api.get(path, headers=bearer(person.access_token)), 403)["code"] == "forbidden"
        assert error_of(admin_api.get(path), 401)
