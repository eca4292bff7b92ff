"""The Lambda seam and the local cloud: a fixture state machine really runs fixture handlers in process.

Run with --update-testdata to re-record testdata/history_*.json (the recorded
histories test_aws_history.py reads).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from cvpath.config import get_settings
from cvpath.execution_history import StateRun
from local.aws.cloud import LocalCloud, local_cloud
from local.aws.executions import ExecutionResult, run_execution
from local.aws.lambda_seam import assert_seam_intact
from local.aws.template import load_template

TESTDATA = Path(__file__).parent / "testdata"
CASES = {
    "success": {"fail": "no", "branch_fail": "no"},
    "branch_caught": {"fail": "no", "branch_fail": "rate"},
    "retry_caught": {"fail": "rate", "branch_fail": "no"},
    "uncaught": {"fail": "crash", "branch_fail": "no"},
}


@pytest.fixture(scope="module")
def cloud() -> Iterator[LocalCloud]:
    saved = os.environ.get("CVPATH_ENV")
    os.environ["CVPATH_ENV"] = "test"  # the caller's value, which must win over the template's "dev"
    try:
        with local_cloud(load_template(TESTDATA / "small_template.yaml")) as local:
            yield local
    finally:
        if saved is None:
            os.environ.pop("CVPATH_ENV", None)
        else:
            os.environ["CVPATH_ENV"] = saved


@pytest.fixture(scope="module")
def results(cloud: LocalCloud) -> dict[str, tuple[ExecutionResult, list[StateRun]]]:
    runs = {}
    for case, flags in CASES.items():
        seen: list[StateRun] = []
        result = run_execution(cloud, f"run-{case}", {"run_id": f"run-{case}", **flags}, on_state=seen.append)
        runs[case] = (result, seen)
    return runs


def test_the_seam_is_intact_on_the_pinned_moto() -> None:
    assert_seam_intact()


def test_a_moved_seam_fails_loudly(monkeypatch: pytest.MonkeyPatch) -> None:
    from moto.awslambda_simple.models import LambdaSimpleBackend

    def invoke(self: Any, function_name: str, body: Any) -> bytes:
        return b""

    monkeypatch.setattr(LambdaSimpleBackend, "invoke", invoke)
    with pytest.raises(RuntimeError, match="no longer matches"):
        assert_seam_intact()


def test_a_successful_run_returns_the_handlers_results(
    results: dict[str, tuple[ExecutionResult, list[StateRun]]],
) -> None:
    result, seen = results["success"]
    assert result.status == "SUCCEEDED"
    assert result.output is not None
    # Each branch's result went through the real handler, with its template environment
    assert result.output["both"][0] == {"echoed": "run-success", "service": "echo"}
    assert result.output["flaky"] == {"value": 42}
    assert result.arn.endswith(":run-success")  # the execution name is the run id
    # Parallel branches start in either order
    assert sorted((s.name, s.status) for s in result.states) == [
        ("Both", "SUCCEEDED"),
        ("BranchFlaky", "SUCCEEDED"),
        ("Done", "SUCCEEDED"),
        ("EchoA", "SUCCEEDED"),
        ("Flaky", "SUCCEEDED"),
    ]
    assert result.states[0].name == "Both"
    assert result.states[-1].name == "Done"
    assert sorted(s.name for s in seen) == sorted(s.name for s in result.states)  # once per state
    json.dumps(result.history)  # JSON-serialisable (timestamps as strings)


def test_a_raising_handler_is_retried_then_caught_on_its_error_type(
    results: dict[str, tuple[ExecutionResult, list[StateRun]]],
) -> None:
    result, seen = results["retry_caught"]
    assert (result.status, result.error) == ("FAILED", "RunFailed")
    flaky = next(s for s in result.states if s.name == "Flaky")
    assert (flaky.status, flaky.attempts, flaky.error) == ("CAUGHT", 2, "RateLimited")
    assert flaky.cause is not None
    assert json.loads(flaky.cause)["errorType"] == "RateLimited"
    types = [event["type"] for event in result.history]
    assert types.count("TaskFailed") == 2  # the first try and its one retry
    assert next(s for s in seen if s.name == "Flaky").attempts == 2


def test_an_uncaught_error_fails_the_execution_with_the_handlers_class_name(
    results: dict[str, tuple[ExecutionResult, list[StateRun]]], cloud: LocalCloud
) -> None:
    result, _seen = results["uncaught"]
    assert (result.status, result.error) == ("FAILED", "KeyError")
    flaky = next(s for s in result.states if s.name == "Flaky")
    assert (flaky.status, flaky.attempts) == ("FAILED", 1)  # KeyError is not in the Retry list
    assert any(call.function == "FlakyFunction" and call.error_type == "KeyError" for call in cloud.calls)


def test_record_histories(
    results: dict[str, tuple[ExecutionResult, list[StateRun]]], update_testdata: bool
) -> None:
    for case, (result, _seen) in results.items():
        path = TESTDATA / f"history_{case}.json"
        if update_testdata:
            path.write_text(json.dumps(result.history, indent=1) + "\n", encoding="utf-8")
        recorded = json.loads(path.read_text(encoding="utf-8"))
        # Same event types in a history recorded earlier: moto's interpreter did not change its story
        assert sorted(e["type"] for e in recorded) == sorted(e["type"] for e in result.history)


def test_invoke_applies_the_template_environment_and_keeps_the_callers(cloud: LocalCloud) -> None:
    answer = cloud.invoke("EchoFunction", {"run_id": "r"})
    assert answer["function_name"] == "cvpath-local-EchoFunction"
    assert answer["service"] == "echo"
    assert answer["log_level"] == "DEBUG"
    assert answer["bucket"] == cloud.bucket == "cvpath-local-artifactsbucket"
    assert 0 < answer["remaining_ms"] <= 30_000
    # The caller's CVPATH_ENV won over the template's; per-function variables are gone after the call
    assert os.environ["CVPATH_ENV"] == "test"
    assert "LOG_LEVEL" not in os.environ
    assert get_settings().artifacts_bucket == "cvpath-local-artifactsbucket"


def test_the_stack_exists_in_moto(cloud: LocalCloud) -> None:
    attributes = cloud.sqs.get_queue_attributes(
        QueueUrl=cloud.queue_urls["TelemetryQueue"], AttributeNames=["All"]
    )
    policy = json.loads(attributes["Attributes"]["RedrivePolicy"])
    assert policy["deadLetterTargetArn"].endswith(":cvpath-local-TelemetryDeadLetterQueue")
    assert int(policy["maxReceiveCount"]) == 5
    cloud.s3.put_object(Bucket=cloud.bucket, Key="runs/x/a.txt", Body=b"x")
    assert cloud.sfn.describe_state_machine(stateMachineArn=cloud.state_machine_arn)["type"] == "STANDARD"


def test_dispatch_reports_unknown_functions_and_bad_payloads_as_lambda_errors(cloud: LocalCloud) -> None:
    body, error = cloud.dispatch("cvpath-local-Nope", b"{}")
    assert error == "ResourceNotFoundException"
    assert json.loads(body)["errorType"] == error
    body, error = cloud.dispatch("cvpath-local-EchoFunction", b"not json")
    assert error == "InvalidRequestContentException"
