"""Step Functions history events grouped into state runs: which state each event belongs to.

Why previousEventId: Parallel branches interleave their events, and task events
(TaskScheduled, TaskFailed ...) carry no state name. Each event points at the
previous event of its own thread, so following that chain finds the state entry
it belongs to. ``<Kind>State*`` events of a Parallel or Map are the exception:
they point into a branch, so they go to the innermost open state of that kind.
"""

from __future__ import annotations

import contextlib
import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SCHEDULED = frozenset({"TaskScheduled", "LambdaFunctionScheduled"})
TASK_SUCCEEDED = frozenset({"TaskSucceeded", "LambdaFunctionSucceeded"})
TASK_FAILED = frozenset(
    {
        "TaskFailed",
        "TaskTimedOut",
        "TaskSubmitFailed",
        "TaskStartFailed",
        "LambdaFunctionFailed",
        "LambdaFunctionTimedOut",
        "LambdaFunctionStartFailed",
        "LambdaFunctionScheduleFailed",
    }
)
EXECUTION_ENDED = frozenset(
    {"ExecutionSucceeded", "ExecutionFailed", "ExecutionAborted", "ExecutionTimedOut"}
)


@dataclass
class StateEntry:
    """One entry into one state, built up from the events that belong to it."""

    name: str
    kind: str  # "Task", "Parallel", "Map", "Choice", "Pass", "Fail", "Succeed", "Wait"
    entered_id: int
    entered_at: datetime | None
    last_at: datetime | None
    exited: bool = False
    attempts: int = 0
    failed_last: bool = False  # the latest task/branch outcome was a failure
    error: str | None = None
    cause: str | None = None
    failure_event_id: int | None = None
    task_failure: bool = False  # the error came from the task itself (not from a Fail state or branch)
    event_ids: list[int] = field(default_factory=list)


def event_time(event: dict[str, Any]) -> datetime | None:
    stamp = event.get("timestamp")
    if isinstance(stamp, datetime):
        return stamp
    if isinstance(stamp, str):
        try:
            return datetime.fromisoformat(stamp)
        except ValueError:
            return None
    return None


def event_details(event: dict[str, Any]) -> dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventDetails") and isinstance(value, dict):
            return value
    return {}


def error_of(event: dict[str, Any]) -> tuple[str | None, str | None]:
    details = event_details(event)
    return details.get("error"), details.get("cause")


def compact(text: Any, limit: int = 120) -> str:
    """Event input/output as one short line (they are ids, but may be long)."""
    if isinstance(text, str):
        with contextlib.suppress(ValueError):
            text = json.loads(text)
    line = text if isinstance(text, str) else json.dumps(text, separators=(",", ":"), default=str)
    return line if len(line) <= limit else line[: limit - 1] + "…"


def group_events(history: list[dict[str, Any]]) -> tuple[list[StateEntry], dict[int, StateEntry], bool]:
    """State entries in entry order, the entry owning each event id, and whether the execution ended."""
    entries: list[StateEntry] = []
    owner: dict[int, StateEntry] = {}
    by_id = {int(event["id"]): event for event in history}
    ended = False
    for event in sorted(history, key=lambda e: int(e["id"])):
        kind_of_event, event_id = str(event.get("type", "")), int(event["id"])
        at = event_time(event)
        entry = _owner_of(event, entries, owner)
        if kind_of_event.endswith("StateEntered"):
            name = str(event_details(event).get("name", "?"))
            entry = StateEntry(name, kind_of_event[: -len("StateEntered")], event_id, at, at)
            entries.append(entry)
        elif kind_of_event.endswith("StateExited"):
            name = str(event_details(event).get("name", "?"))
            entry = next((e for e in reversed(entries) if e.name == name and not e.exited), entry)
            if entry is not None:
                entry.exited = True
        if kind_of_event in EXECUTION_ENDED:
            ended = True
        if entry is None:
            continue
        owner[event_id] = entry
        entry.event_ids.append(event_id)
        entry.last_at = at or entry.last_at
        _apply(entry, event, kind_of_event, by_id)
    return entries, owner, ended


def _owner_of(
    event: dict[str, Any], entries: list[StateEntry], owner: dict[int, StateEntry]
) -> StateEntry | None:
    kind_of_event = str(event.get("type", ""))
    for container in ("Parallel", "Map"):
        if kind_of_event.startswith(f"{container}State") and not kind_of_event.endswith(
            ("Entered", "Exited")
        ):
            return next((e for e in reversed(entries) if e.kind == container and not e.exited), None)
    return owner.get(int(event.get("previousEventId") or 0))


def _apply(
    entry: StateEntry, event: dict[str, Any], kind_of_event: str, by_id: dict[int, dict[str, Any]]
) -> None:
    if kind_of_event in SCHEDULED:
        entry.attempts += 1
    elif kind_of_event in TASK_SUCCEEDED:
        entry.failed_last, entry.error, entry.cause = False, None, None
    elif kind_of_event in TASK_FAILED:
        entry.failed_last, entry.task_failure = True, True
        entry.error, entry.cause = error_of(event)
        entry.failure_event_id = int(event["id"])
    elif kind_of_event in ("ParallelStateFailed", "MapStateFailed"):
        # No details of its own: the branch failure it reports is its previous event.
        entry.failed_last = True
        entry.error, entry.cause = error_of(by_id.get(int(event.get("previousEventId") or 0), {}))
        entry.failure_event_id = int(event["id"])
    elif kind_of_event == "ExecutionFailed" and entry.error is None:
        # A Fail state, or a state failing before any task (say, a bad path): the execution's error.
        entry.failed_last = True
        entry.error, entry.cause = error_of(event)
        entry.failure_event_id = int(event["id"])
