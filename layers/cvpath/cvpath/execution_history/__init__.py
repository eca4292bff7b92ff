"""A Step Functions execution's history read as per-state results and the innermost failure.

Pure functions over what ``get_execution_history`` returns (or a JSON copy of it,
timestamps as ISO strings): the public API's run view, ``cvpath tailor`` and
``cvpath trace`` all read an execution's progress through them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from cvpath.execution_history.events import StateEntry, group_events

StateStatus = Literal["SUCCEEDED", "FAILED", "CAUGHT", "RUNNING"]


@dataclass(frozen=True)
class StateRun:
    name: str
    status: StateStatus
    duration_ms: int
    attempts: int
    error: str | None
    cause: str | None


def _status(entry: StateEntry, ended: bool) -> StateStatus:
    if entry.exited:
        return "CAUGHT" if entry.failed_last else "SUCCEEDED"
    # Not exited: still going, or it failed (or was cancelled when a sibling branch failed).
    return "FAILED" if ended else "RUNNING"


def _state_run(entry: StateEntry, ended: bool) -> StateRun:
    duration = 0
    if entry.entered_at is not None and entry.last_at is not None:
        duration = max(0, round((entry.last_at - entry.entered_at).total_seconds() * 1000))
    return StateRun(
        name=entry.name,
        status=_status(entry, ended),
        duration_ms=duration,
        attempts=max(1, entry.attempts),
        error=entry.error,
        cause=entry.cause,
    )


def states_from_history(history: list[dict[str, Any]]) -> list[StateRun]:
    """One StateRun per state entry, in entry order. Parallel branches, retries and catches included."""
    entries, _owner, ended = group_events(history)
    return [_state_run(entry, ended) for entry in entries]


def finished_states(history: list[dict[str, Any]]) -> list[tuple[int, StateRun]]:
    """(entry event id, run) of every state that has finished; the id tells entries of one name apart."""
    entries, _owner, ended = group_events(history)
    runs = [(entry.entered_id, _state_run(entry, ended)) for entry in entries]
    return [(key, run) for key, run in runs if run.status != "RUNNING"]


def innermost_failure(history: list[dict[str, Any]]) -> tuple[str, str, str] | None:
    """(state, error, cause) of the deepest failed task, even inside a Parallel; None if no task failed.

    A retry that then succeeded is no failure. When no task failed, the failing
    state (a Fail state, a runtime error) is reported instead.
    """
    entries, _owner, _ended = group_events(history)
    failed = [e for e in entries if e.failed_last and e.error is not None and e.failure_event_id is not None]
    tasks = [e for e in failed if e.task_failure]
    pool = tasks or failed
    if not pool:
        return None
    entry = max(pool, key=lambda e: e.failure_event_id or 0)
    return entry.name, entry.error or "", entry.cause or ""


def _serialisable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _serialisable(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_serialisable(item) for item in value]
    return value


def fetch_history(sfn: Any, execution_arn: str) -> list[dict[str, Any]]:
    """Every event of the execution, oldest first, JSON-serialisable (timestamps as ISO strings)."""
    events: list[dict[str, Any]] = []
    token: str | None = None
    while True:
        page = sfn.get_execution_history(
            executionArn=execution_arn, maxResults=1000, **({"nextToken": token} if token else {})
        )
        events.extend(_serialisable(event) for event in page["events"])
        token = page.get("nextToken")
        if not token:
            return events
