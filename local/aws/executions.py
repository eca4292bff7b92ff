"""One state machine execution, start to end: started by run id, followed state by state, collected.

Why poll the history: moto (like AWS) runs the execution in the background; the
history is the only place that says which state finished, how often it was
retried and why it failed, and the same record is what ``cvpath trace`` shows.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from cvpath.execution_history import StateRun, fetch_history, finished_states, states_from_history
from local.aws.cloud import LocalCloud

TIMED_OUT = "TIMED_OUT"


@dataclass(frozen=True)
class ExecutionResult:
    arn: str
    status: str  # SUCCEEDED | FAILED | ABORTED | TIMED_OUT
    output: dict[str, Any] | None
    error: str | None
    cause: str | None
    history: list[dict[str, Any]]
    states: list[StateRun]
    wall_ms: float


def run_execution(
    cloud: LocalCloud,
    run_id: str,
    payload: dict[str, Any],
    *,
    on_state: Callable[[StateRun], None] | None = None,
    poll_s: float = 0.05,
    timeout_s: float = 900,
) -> ExecutionResult:
    """Start the state machine (execution name = ``run_id``) and wait for it to end.

    ``on_state`` is called once per state as it finishes (a retried state once, with
    ``attempts`` > 1). A run past ``timeout_s`` is stopped and reported TIMED_OUT.
    """
    started = time.perf_counter()
    arn: str = cloud.sfn.start_execution(
        stateMachineArn=cloud.state_machine_arn, name=run_id, input=json.dumps(payload)
    )["executionArn"]
    reported: set[int] = set()
    while True:
        description = cloud.sfn.describe_execution(executionArn=arn)
        history = fetch_history(cloud.sfn, arn)
        for key, state in finished_states(history):
            if key not in reported:
                reported.add(key)
                if on_state is not None:
                    on_state(state)
        status = str(description["status"])
        if status != "RUNNING":
            break
        if time.perf_counter() - started > timeout_s:
            cloud.sfn.stop_execution(
                executionArn=arn,
                error="States.Timeout",
                cause=f"the local run took longer than {timeout_s:g} s",
            )
            description = {**description, "error": "States.Timeout", "cause": f"no end after {timeout_s:g} s"}
            status = TIMED_OUT
            history = fetch_history(cloud.sfn, arn)
            break
        time.sleep(poll_s)
    output = description.get("output")
    return ExecutionResult(
        arn=arn,
        status=status,
        output=json.loads(output) if output else None,
        error=description.get("error"),
        cause=description.get("cause"),
        history=history,
        states=states_from_history(history),
        wall_ms=(time.perf_counter() - started) * 1000,
    )
