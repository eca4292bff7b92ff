"""The agents' Lambda handlers called like Lambda calls them: an event dict and a context.

What matters to the state machine is the error's class name (Lambda's
``errorType``, which Retry/Catch match) and a JSON-safe result.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest

from cvpath.errors import (
    AgentInputMissing,
    CVPathError,
    ProviderTimeout,
    ProviderUnavailable,
    QuotaExceeded,
    RunNotFound,
    UnknownAgent,
    UnparseableCV,
    ValidationFailed,
)
from cvpath.pipeline_errors import as_pipeline_error
from cvpath.telemetry import CollectingTelemetry, set_telemetry
from cvpath_agents.handlers import (
    HANDLERS,
    cv_parser_handler,
    cv_tailor_handler,
    cv_validator_handler,
    job_parser_handler,
)
from local.lambda_runtime import local_context

# The conftest fixture: creates a run and returns its id.
SeedRun = Callable[..., UUID]
CONTEXT = local_context("cvpath-agents-test")
CANARY = "QXCANARY9902"


@pytest.fixture
def telemetry() -> Iterator[CollectingTelemetry]:
    sink = CollectingTelemetry()
    previous = set_telemetry(sink)
    yield sink
    set_telemetry(previous)


def test_a_step_returns_a_json_safe_result(seed_run: SeedRun) -> None:
    run_id = seed_run()
    result = job_parser_handler({"run_id": str(run_id), "earlier": {"ignored": True}}, CONTEXT)
    # Survives the trip through Step Functions (JSON) unchanged
    assert json.loads(json.dumps(result)) == result
    assert result["run_id"] == str(run_id)
    assert result["agent"] == "job_parser"
    assert result["status"] == "succeeded"
    assert result["outputs"] == {"PARSED_JOB": result["output_id"]}
    assert result["usage"]["provider"] == "offline"


def test_the_pooled_connection_goes_back_as_it_came(seed_run: SeedRun) -> None:
    from cvpath.db.pool import get_pool

    job_parser_handler({"run_id": str(seed_run())}, CONTEXT)
    with get_pool().connection() as conn:
        assert conn.autocommit is False
        assert conn.info.transaction_status == psycopg.pq.TransactionStatus.IDLE


def test_not_a_job_description_leaves_as_validation_failed(
    seed_run: SeedRun, telemetry: CollectingTelemetry
) -> None:
    run_id = seed_run(
        job_text=f"Preheat the oven to 180 degrees. Whisk eggs and sugar {CANARY}. Bake 25 minutes."
    )
    with pytest.raises(CVPathError) as caught:
        job_parser_handler({"run_id": str(run_id)}, CONTEXT)
    # Lambda reports the class name: the one the ASL's Catch names
    assert type(caught.value).__name__ == "ValidationFailed"
    assert caught.value.details["code"] == "not_a_job_description"
    assert CANARY not in str(caught.value)
    # And it was reported, under its own code, without the text
    (event,) = telemetry.events
    assert event.payload["code"] == "not_a_job_description"
    assert event.payload["source"] == "agents.job_parser"
    assert CANARY not in json.dumps(event.payload, default=str)


def test_an_empty_cv_leaves_as_unparseable_cv(seed_run: SeedRun) -> None:
    run_id = seed_run(cv_text="")
    with pytest.raises(CVPathError) as caught:
        cv_parser_handler({"run_id": str(run_id)}, CONTEXT)
    assert type(caught.value).__name__ == "UnparseableCV"
    assert caught.value.details["code"] == "unparseable_cv"


@pytest.mark.usefixtures("pooled_db")
def test_an_unknown_run_keeps_its_own_name() -> None:
    with pytest.raises(RunNotFound):
        cv_validator_handler({"run_id": str(uuid4())}, CONTEXT)


def test_a_step_out_of_order_keeps_its_own_name(seed_run: SeedRun) -> None:
    with pytest.raises(AgentInputMissing, match="run cv_validator first"):
        cv_tailor_handler({"run_id": str(seed_run())}, CONTEXT)


@pytest.mark.usefixtures("pooled_db")
@pytest.mark.parametrize("event", [{}, {"run_id": "not-a-uuid"}, {"run_id": 42}, ["run_id"]])
def test_a_malformed_event_is_validation_failed(event: Any) -> None:
    with pytest.raises(ValidationFailed, match=r"run_id|JSON object") as caught:
        cv_parser_handler(event, CONTEXT)
    assert type(caught.value).__name__ == "ValidationFailed"


def test_there_is_one_handler_per_agent() -> None:
    assert [agent.value for agent in HANDLERS] == [
        "cv_parser",
        "cv_validator",
        "job_parser",
        "job_analyzer",
        "cv_tailor",
        "comparative_scorer",
    ]


@pytest.mark.parametrize(
    ("error", "name"),
    [
        (UnparseableCV("x"), "UnparseableCV"),
        (ValidationFailed("x"), "ValidationFailed"),
        (ProviderTimeout("x"), "ProviderUnavailable"),
        (QuotaExceeded("x"), "QuotaExceeded"),
        (ProviderUnavailable("x"), "ProviderUnavailable"),
    ],
)
def test_pipeline_errors_take_their_asl_name_and_keep_their_code(error: CVPathError, name: str) -> None:
    named = as_pipeline_error(error)
    assert type(named).__name__ == name
    assert named.details["code"] == error.code
    assert named.message == error.message


def test_other_errors_are_left_as_they_are() -> None:
    error = UnknownAgent("x")
    assert as_pipeline_error(error) is error
