"""An execution's history as console-like lines, and its saved copy on disk (``cvpath trace``).

Per-state results and the innermost failure are read by ``cvpath.execution_history``.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cvpath.errors import ValidationFailed
from cvpath.execution_history.events import compact, error_of, event_details, event_time, group_events

if TYPE_CHECKING:
    from local.aws.executions import ExecutionResult

# Step Functions execution names: up to 80 characters; here also a safe file name.
_RUN_ID = re.compile(r"^[A-Za-z0-9_-]{1,80}$")


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
