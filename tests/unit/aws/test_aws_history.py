"""Histories recorded from real executions (see test_aws_seam.py): states, failures, trace lines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from cvpath.errors import ValidationFailed
from cvpath.execution_history import finished_states, innermost_failure, states_from_history
from local.aws.executions import ExecutionResult
from local.aws.history import format_trace, load_history, save_history

TESTDATA = Path(__file__).parent / "testdata"


def recorded(case: str) -> list[dict[str, Any]]:
    history: list[dict[str, Any]] = json.loads(
        (TESTDATA / f"history_{case}.json").read_text(encoding="utf-8")
    )
    return history


def by_name(history: list[dict[str, Any]]) -> dict[str, Any]:
    return {state.name: state for state in states_from_history(history)}


def test_a_failure_inside_a_parallel_branch_is_retried_then_caught_by_the_parallel() -> None:
    states = by_name(recorded("branch_caught"))
    # The branch task: two attempts, both rate limited; it never exited
    assert (states["BranchFlaky"].status, states["BranchFlaky"].attempts) == ("FAILED", 2)
    assert states["BranchFlaky"].error == "RateLimited"
    # The Parallel caught it, and carries the branch's error
    assert (states["Both"].status, states["Both"].error) == ("CAUGHT", "RateLimited")
    assert states["EchoA"].status == "SUCCEEDED"
    # The Fail state the Catch led to carries the execution's error
    assert (states["Caught"].status, states["Caught"].error) == ("FAILED", "RunFailed")
    assert "Flaky" not in states


def test_a_retried_then_caught_task_is_caught_with_its_attempts() -> None:
    states = by_name(recorded("retry_caught"))
    flaky = states["Flaky"]
    assert (flaky.status, flaky.attempts, flaky.error) == ("CAUGHT", 2, "RateLimited")
    assert json.loads(flaky.cause or "{}")["errorMessage"] == "the fake provider is rate limiting"
    assert flaky.duration_ms >= 900  # the 1 s retry interval is inside the state's time
    assert states["Both"].status == "SUCCEEDED"
    assert states["Both"].error is None


def test_an_uncaught_failure_fails_its_state() -> None:
    states = by_name(recorded("uncaught"))
    assert (states["Flaky"].status, states["Flaky"].attempts, states["Flaky"].error) == (
        "FAILED",
        1,
        "KeyError",
    )
    assert all(state.status == "SUCCEEDED" for name, state in states.items() if name != "Flaky")


def test_a_successful_history_has_only_succeeded_states_in_entry_order() -> None:
    states = states_from_history(recorded("success"))
    assert [s.status for s in states] == ["SUCCEEDED"] * 5
    assert states[0].name == "Both"
    assert states[-1].name == "Done"
    assert all(s.attempts == 1 and s.error is None for s in states)


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("branch_caught", ("BranchFlaky", "RateLimited")),
        ("retry_caught", ("Flaky", "RateLimited")),
        ("uncaught", ("Flaky", "KeyError")),
    ],
)
def test_innermost_failure_finds_the_failed_task(case: str, expected: tuple[str, str]) -> None:
    failure = innermost_failure(recorded(case))
    assert failure is not None
    assert failure[:2] == expected
    assert json.loads(failure[2])["errorType"] == expected[1]


def test_no_failure_in_a_successful_history() -> None:
    assert innermost_failure(recorded("success")) is None


def test_a_history_in_progress_has_running_states_and_reports_only_finished_ones() -> None:
    history = recorded("retry_caught")
    # Cut just after the first failed attempt of Flaky: its retry is still pending
    first_failure = next(i for i, e in enumerate(history) if e["type"] == "TaskFailed")
    partial = history[: first_failure + 1]
    states = by_name(partial)
    assert states["Flaky"].status == "RUNNING"
    assert states["Both"].status == "SUCCEEDED"
    finished = {run.name for _key, run in finished_states(partial)}
    assert "Flaky" not in finished
    assert "Both" in finished


def test_format_trace_shows_offsets_states_retries_and_errors() -> None:
    history = recorded("retry_caught")
    lines = format_trace(history)
    assert len(lines) == len(history)
    assert lines[0].startswith("+   0.000s")
    assert "ExecutionStarted" in lines[0]
    assert 'input={"run_id":"run-retry_caught"' in lines[0]
    assert any("TaskScheduled" in line and "Flaky" in line and "retry 1" in line for line in lines)
    assert sum("error=RateLimited" in line for line in lines) == 2
    exited = next(line for line in lines if "TaskStateExited" in line and "Flaky " in line)
    assert " ms" in exited
    assert all(len(line) < 400 for line in lines)  # inputs and outputs are compacted


def _result(run_id: str) -> ExecutionResult:
    history = recorded("success")
    return ExecutionResult(
        arn=f"arn:aws:states:us-east-1:123456789012:execution:m:{run_id}",
        status="SUCCEEDED",
        output={"run_id": run_id},
        error=None,
        cause=None,
        history=history,
        states=states_from_history(history),
        wall_ms=12.5,
    )


def test_save_and_load_history_round_trip(tmp_path: Path) -> None:
    path = save_history(tmp_path / "runs", _result("abc-123"))
    assert path == tmp_path / "runs" / "abc-123.json"
    record = load_history(tmp_path / "runs", "abc-123")
    assert record is not None
    assert record["run_id"] == "abc-123"
    assert record["status"] == "SUCCEEDED"
    assert record["states"][0]["name"] == "Both"
    assert states_from_history(record["history"]) == states_from_history(recorded("success"))


def test_load_history_of_an_unknown_run_is_none(tmp_path: Path) -> None:
    assert load_history(tmp_path, "no-such-run") is None


@pytest.mark.parametrize("run_id", ["../etc/passwd", "", "a/b", "x" * 81])
def test_unsafe_run_ids_are_refused(tmp_path: Path, run_id: str) -> None:
    with pytest.raises(ValidationFailed):
        load_history(tmp_path, run_id)


def test_a_corrupt_saved_history_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "broken.json").write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationFailed, match="not valid JSON"):
        load_history(tmp_path, "broken")
