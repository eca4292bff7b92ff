"""An execution's history as per-state results, the innermost failure, console-like lines, and files.

``states_from_history`` is pure: it works on the history ``get_execution_history``
returns, or on the JSON-serialised copy ``save_history`` writes (timestamps as
ISO strings).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from cvpath.errors import ValidationFailed
from local.aws.history_events import StateEntry, compact, error_of, event_details, event_time, group_events

if TYPE_CHECKING:
    from local.aws.executions import ExecutionResult

StateStatus = Literal["SUCCEEDED", "FAILED", "CAUGHT", "RUNNING"]
# Step Functions execution names: up to 80 characters; here also a safe file name.
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


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


def format_trace(history: list[dict[str, Any]]) -> list[str]:
    """Lines like the Step Functions console's event view: offset, event, state, duration, retries, errors."""
    _entries, owner, _ended = group_events(history)
    events = sorted(history, key=lambda e: int(e["id"]))
    start = event_time(events[0]) if events else None
    lines = []
    attempts: dict[int, int] = {}
    for event in events:
        at = event_time(event)
        offset = f"+{(at - start).total_seconds():8.3f}s" if at and start else " " * 10
        kind, entry = str(event.get("type", "")), owner.get(int(event["id"]))
        state = entry.name if entry else ""
        notes = []
        details = event_details(event)
        if kind.endswith("StateExited") and entry and entry.entered_at and at:
            notes.append(f"{round((at - entry.entered_at).total_seconds() * 1000)} ms")
            if "output" in details:
                notes.append(f"output={compact(details['output'])}")
        if kind in ("TaskScheduled", "LambdaFunctionScheduled") and entry:
            attempts[entry.entered_id] = attempts.get(entry.entered_id, 0) + 1
            if attempts[entry.entered_id] > 1:
                notes.append(f"retry {attempts[entry.entered_id] - 1}")
        error, cause = error_of(event)
        if error:
            notes.append(f"error={error}" + (f" cause={compact(cause)}" if cause else ""))
        if kind == "ExecutionStarted" and "input" in details:
            notes.append(f"input={compact(details['input'])}")
        if kind == "ExecutionSucceeded" and "output" in details:
            notes.append(f"output={compact(details['output'])}")
        lines.append(f"{offset}  {int(event['id']):>4}  {kind:<28} {state:<20} {'  '.join(notes)}".rstrip())
    return lines


def _checked_run_id(run_id: str) -> str:
    if not _RUN_ID.match(run_id):
        raise ValidationFailed(
            "a run id is 1-80 letters, digits, '-' or '_'", details={"run_id_length": len(run_id)}
        )
    return run_id


def save_history(directory: Path, result: ExecutionResult) -> Path:
    """Write ``<directory>/<run_id>.json`` (run id = the execution name) and return its path."""
    run_id = _checked_run_id(result.arn.rsplit(":", 1)[-1])
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{run_id}.json"
    record = {**asdict(result), "run_id": run_id}
    path.write_text(json.dumps(record, indent=1, default=str), encoding="utf-8")
    return path


def load_history(directory: Path, run_id: str) -> dict[str, Any] | None:
    """The record ``save_history`` wrote for ``run_id``, or None when there is none."""
    path = directory / f"{_checked_run_id(run_id)}.json"
    if not path.is_file():
        return None
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ValidationFailed(
            f"the saved history of {run_id} is not valid JSON", details={"path": str(path)}
        ) from exc
    if not isinstance(record, dict):
        raise ValidationFailed(
            f"the saved history of {run_id} is not a JSON object", details={"path": str(path)}
        )
    return record
