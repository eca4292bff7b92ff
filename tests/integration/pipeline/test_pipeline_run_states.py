"""Admit, Settle and MarkFailed handlers on a real PostgreSQL, called as Lambda calls them."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest

from cvpath.db import run_status
from cvpath.errors import Conflict, RunNotFound, ValidationFailed
from cvpath_pipeline.run_states import admit_handler, mark_failed_handler, settle_handler
from local.lambda_runtime import local_context

SeedRun = Callable[..., UUID]
Conn = psycopg.Connection[Any]
CANARY = "sk-canary-123456789"
EXECUTION = "arn:aws:states:local:000000000000:execution:tailoring:{}"


def failure(state: str, error: str, cause: str) -> dict[str, Any]:
    return {state: {"Error": error, "Cause": cause}}


def lambda_cause(message: str, error_type: str) -> str:
    return json.dumps({"errorMessage": message, "errorType": error_type, "stackTrace": ["  File x"]})


def test_admit_starts_the_run(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    result = admit_handler({"run_id": str(run_id), "cv": {"format": "TEXT"}}, local_context("admit"))
    # A guest's run: FREE, nothing reserved, one of the day's quota used.
    assert result == {
        "run_id": str(run_id),
        "admitted": True,
        "tier": "FREE",
        "free_mode": False,
        "reserved": "0.000000",
        "notices": [],
    }
    assert run_status.load_run_status(db, run_id).status == "RUNNING"
    again = admit_handler({"run_id": str(run_id)}, local_context("admit"))  # a retried Admit
    assert again == result
    used = db.execute(
        """SELECT p.daily_used FROM public.user_model_profiles p
           JOIN public.pipeline_runs r ON r.guest_id = p.guest_id WHERE r.id = %s""",
        [run_id],
    ).fetchone()
    assert used == (1,)


@pytest.mark.parametrize("event", [{}, {"run_id": "not-a-uuid"}, {"run_id": 42}, ["run_id"], None])
def test_admit_refuses_a_malformed_event_as_validation_failed(pooled_db: str, event: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        admit_handler(event, local_context("admit"))
    assert type(refused.value) is ValidationFailed  # the ASL error name
    assert "not-a-uuid" not in refused.value.message


def test_admit_of_an_unknown_or_finished_run_fails_with_a_named_error(db: Conn, seed_run: SeedRun) -> None:
    with pytest.raises(RunNotFound):
        admit_handler({"run_id": str(uuid4())}, local_context("admit"))
    run_id = seed_run()
    run_status.mark_succeeded(db, run_id, actual_cost=Decimal(0))
    with pytest.raises(Conflict):
        admit_handler({"run_id": str(run_id)}, local_context("admit"))


def test_settle_records_the_cost_and_succeeds_once(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    admit_handler({"run_id": str(run_id)}, local_context("admit"))
    event = {"run_id": str(run_id), "execution_id": EXECUTION.format(run_id)}
    result = settle_handler(event, local_context("settle"))
    assert result == {
        "run_id": str(run_id),
        "status": "SUCCEEDED",
        "actual_cost": "0.000000",
        "fee": "0.000000",
        "charged": "0.000000",
    }
    assert settle_handler(event, local_context("settle")) == result  # a retried Settle
    row = run_status.load_run_status(db, run_id)
    assert (row.status, row.actual_cost, row.execution_arn) == (
        "SUCCEEDED",
        Decimal("0.000000"),
        EXECUTION.format(run_id),
    )


def test_settle_of_a_failed_run_is_a_conflict(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    run_status.mark_failed(db, run_id, status="FAILED", error_code="X", error_message=None, error_state=None)
    with pytest.raises(Conflict, match="FAILED"):
        settle_handler({"run_id": str(run_id)}, local_context("settle"))
    assert run_status.load_run_status(db, run_id).status == "FAILED"


def test_mark_failed_reads_a_lambda_cause(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    cause = lambda_cause("the CV parse has no name, no entries and almost no text", "UnparseableCV")
    event = {
        "run_id": str(run_id),
        "failure": failure("ParseInputs", "UnparseableCV", cause),
        "execution_id": EXECUTION.format(run_id),
    }
    result = mark_failed_handler(event, local_context("mark-failed"))
    assert result == {
        "run_id": str(run_id),
        "outcome": "FAILED",
        "error_code": "UnparseableCV",
        "error_state": "ParseInputs",
    }
    row = run_status.load_run_status(db, run_id)
    assert (row.status, row.error_code, row.error_state) == ("FAILED", "UnparseableCV", "ParseInputs")
    assert row.error_message == "the CV parse has no name, no entries and almost no text"


def test_mark_failed_keeps_a_plain_cause_and_cuts_it_to_500_characters(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    cause = "Task timed out after 60 seconds " + "x" * 1000
    event = {"run_id": str(run_id), "failure": failure("ExtractText", "States.Timeout", cause)}
    result = mark_failed_handler(event, local_context("mark-failed"))
    assert (result["outcome"], result["error_code"]) == ("FAILED", "States.Timeout")
    message = run_status.load_run_status(db, run_id).error_message
    assert message is not None
    assert message.startswith("Task timed out after 60 seconds")
    assert len(message) == 500


def test_quota_exceeded_rejects_the_run(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    event = {"run_id": str(run_id), "failure": failure("Admit", "QuotaExceeded", lambda_cause("quota", "Q"))}
    assert mark_failed_handler(event, local_context("mark-failed"))["outcome"] == "REJECTED"
    assert run_status.load_run_status(db, run_id).status == "REJECTED"


@pytest.mark.parametrize("broken", [None, "boom", {}, {"Render": "not an object"}, {"Render": {"Cause": 7}}])
def test_an_unreadable_failure_still_fails_the_run_as_unknown(
    db: Conn, seed_run: SeedRun, broken: Any
) -> None:
    run_id = seed_run()
    result = mark_failed_handler({"run_id": str(run_id), "failure": broken}, local_context("mark-failed"))
    assert (result["outcome"], result["error_code"]) == ("FAILED", "Unknown")
    row = run_status.load_run_status(db, run_id)
    assert (row.status, row.error_code, row.error_message) == ("FAILED", "Unknown", None)


def test_mark_failed_without_a_valid_run_id_is_validation_failed(pooled_db: str) -> None:
    with pytest.raises(ValidationFailed):
        mark_failed_handler({"run_id": "nope", "failure": {}}, local_context("mark-failed"))


def test_a_secret_in_the_cause_reaches_neither_the_row_nor_the_logs(
    db: Conn, seed_run: SeedRun, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    # Given a provider error whose message quotes a key, a bearer token and an AWS key id
    run_id = seed_run()
    message = f"401 from provider: key {CANARY} refused; header Bearer abc.def-ghi; id AKIAABCDEFGHIJKLMNOP"
    event = {
        "run_id": str(run_id),
        "failure": failure("Analyze", "ProviderUnavailable", lambda_cause(message, "ProviderUnavailable")),
    }
    # When MarkFailed records it
    with caplog.at_level(logging.DEBUG):
        mark_failed_handler(event, local_context("mark-failed"))
    # Then the stored message keeps the words and masks the secrets
    stored = run_status.load_run_status(db, run_id).error_message
    assert stored is not None
    assert stored.startswith("401 from provider: key *** refused")
    for secret in (CANARY, "abc.def-ghi", "AKIAABCDEFGHIJKLMNOP"):
        assert secret not in stored
    row = db.execute(
        "SELECT to_jsonb(r)::text FROM public.pipeline_runs r WHERE id = %s", [run_id]
    ).fetchone()
    assert row is not None
    assert CANARY not in row[0]
    # And no log line carries it (nor the message at all)
    out, err = capfd.readouterr()
    logged = out + err + caplog.text
    assert "run marked failed" in logged
    assert CANARY not in logged
    assert "401 from provider" not in logged


def test_importing_the_handlers_imports_no_boto3() -> None:
    import subprocess
    import sys

    # Powertools itself imports the bare botocore package (its user agent); boto3 is what costs.
    script = "import sys, cvpath_pipeline.run_states; print('boto3' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "False"
