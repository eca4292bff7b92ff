"""report.json: everything a run produced, gathered from Postgres into one JSON document.

The report is built from the evidence trail alone (the run's row, its outputs
in ``tailor_data`` and its LLM audit rows), so it can be rebuilt at any time
and reads the same each time: keys in a fixed order, amounts as decimal
strings (never floats), ids as strings.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any, get_args
from uuid import UUID

import psycopg

from cvpath.db.agent_outputs import OutputKind, OutputRow, read_all_outputs
from cvpath.db.run_status import RunStatus, load_run_status, run_costs_by_agent
from cvpath.errors import ValidationFailed
from cvpath.models import CV, cv_to_json_resume
from cvpath.money import money_text

REPORT_VERSION = 1
# Every run status that ends without the product: the report then carries the error.
UNSUCCESSFUL = frozenset({"FAILED", "REJECTED", "TIMED_OUT", "ABORTED"})
STATE_FIELDS = ("name", "status", "duration_ms", "attempts")
_OUTPUT_KINDS: tuple[OutputKind, ...] = get_args(OutputKind)


def build_report(
    conn: psycopg.Connection[Any],
    run_id: UUID,
    *,
    states: Sequence[Mapping[str, Any]] | None = None,
    artifacts: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The content of report.json for ``run_id`` (``RunNotFound`` for an unknown run).

    ``states`` are the execution's state timings ({name, status, duration_ms,
    attempts}); without them the timings recorded on the run are used.
    ``artifacts`` are the file names the run wrote. A section whose step has
    not run is ``null``.
    """
    run = load_run_status(conn, run_id)
    stored = read_all_outputs(conn, run_id)
    outputs = {kind: _content(stored.get(kind)) for kind in _OUTPUT_KINDS}
    before, after = outputs["SCORE_BEFORE"], outputs["SCORE_AFTER"]
    return {
        "report_version": REPORT_VERSION,
        "run_id": str(run.id),
        "status": run.status,
        "cv": _json_resume(outputs["PARSED_CV"]),
        "job": outputs["PARSED_JOB"],
        "validation": _without_cv(outputs["VALIDATION"]),
        "analysis": outputs["ANALYSIS"],
        "tailored_cv": outputs["TAILORED_CV"],
        "guard_report": outputs["GUARD_REPORT"],
        "score_before": before,
        "score_after": after,
        "score_delta": _delta(outputs["SCORE_COMPARISON"], before, after),
        "cover_letter": outputs["COVER_LETTER"],
        "costs": _costs(conn, run_id),
        "states": [_state(row) for row in (states if states is not None else run.states)],
        "error": _error(run),
        "artifacts": list(artifacts or []),
    }


def _content(row: OutputRow | None) -> dict[str, Any] | None:
    if row is None:
        return None
    content: dict[str, Any] = json.loads(row.content_json)
    return content


def _json_resume(parsed: dict[str, Any] | None) -> dict[str, Any] | None:
    """The parsed CV as a plain JSON Resume document, with the four sections always present."""
    if parsed is None:
        return None
    try:
        cv = CV.model_validate_json(json.dumps(parsed))
    except ValueError as exc:
        raise ValidationFailed("the run's stored PARSED_CV is not a valid CV", details={}) from exc
    document = cv_to_json_resume(cv)
    for section, empty in (("basics", {}), ("work", []), ("education", []), ("skills", [])):
        document.setdefault(section, empty)
    return document


def _without_cv(validation: dict[str, Any] | None) -> dict[str, Any] | None:
    # The checked CV is the parsed one plus safe repairs: the report lists the repairs, not a second CV.
    if validation is None:
        return None
    return {key: value for key, value in validation.items() if key != "cv"}


def _delta(comparison: Any, before: Any, after: Any) -> float | None:
    if isinstance(comparison, dict) and isinstance(comparison.get("delta"), int | float):
        return float(comparison["delta"])
    if isinstance(before, dict) and isinstance(after, dict):
        return round(float(after["overall"]) - float(before["overall"]), 1)
    return None


def _costs(conn: psycopg.Connection[Any], run_id: UUID) -> dict[str, Any]:
    rows = run_costs_by_agent(conn, run_id)
    total = sum((Decimal(row["cost"] or 0) for row in rows), Decimal(0))
    return {
        "total": money_text(total),
        "currency": "USD",
        "by_agent": [
            {
                "agent": row["agent"],
                "provider": row["provider"],
                "model": row["model"],
                "attempts": int(row["attempts"]),
                "answered": int(row["answered"]),
                "errors": list(row["errors"]),
                "input_tokens": int(row["input_tokens"]),
                "output_tokens": int(row["output_tokens"]),
                "cost": money_text(Decimal(row["cost"] or 0)),
            }
            for row in rows
        ],
    }


def _state(row: Mapping[str, Any]) -> dict[str, Any]:
    """Only the timing fields: a state's error cause can quote input, and the report is shared."""
    return {field: row.get(field) for field in STATE_FIELDS}


def _error(run: RunStatus) -> dict[str, Any] | None:
    if run.status not in UNSUCCESSFUL and run.error_code is None:
        return None
    return {"code": run.error_code, "message": run.error_message, "state": run.error_state}
