"""Runs of every owner, and one run's evidence trail for an operator.

The trail is read from what the pipeline recorded: the run's row, the CV and
job snapshots it started from, each agent's output, each LLM attempt with its
cost, the guard report, and the per-state history. The history comes from the
Step Functions execution (named by the run id) when a state machine is
configured and the execution exists, and from the run's recorded ``states``
otherwise. Nothing secret is in these tables: LLM bodies were stripped of keys
when written, and are scrubbed once more here because this is a display.
"""

from __future__ import annotations

import logging
from datetime import datetime
from decimal import Decimal
from functools import cache
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from cvpath.errors import RunNotFound
from cvpath.money import money_text

logger = logging.getLogger("cvpath.admin.runs")

_RUN_COLUMNS = """r.id, r.user_id, r.guest_id, u.email AS user_email, r.status::text AS status,
                  r.current_state, r.tier::text AS tier, r.engine, r.created_at, r.started_at,
                  r.finished_at, r.estimated_cost, r.actual_cost, r.fee_amount, r.error_code,
                  r.options ->> 'replay_of' AS replay_of"""


def list_runs(
    conn: psycopg.Connection[Any],
    *,
    status: str | None = None,
    owner: UUID | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """Runs newest first; ``owner`` is a user id or a guest id."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"""SELECT {_RUN_COLUMNS}
                FROM public.pipeline_runs r
                LEFT JOIN public.users u ON u.id = r.user_id
                WHERE (%(status)s::text IS NULL OR r.status::text = %(status)s)
                  AND (%(owner)s::uuid IS NULL OR r.user_id = %(owner)s OR r.guest_id = %(owner)s)
                  AND (%(since)s::timestamptz IS NULL OR r.created_at >= %(since)s)
                ORDER BY r.created_at DESC, r.id DESC
                LIMIT %(limit)s""",
            {"status": status, "owner": owner, "since": since, "limit": limit},
        )
        return [_money_fields(row) for row in cur.fetchall()]


def run_evidence(conn: psycopg.Connection[Any], run_id: UUID) -> dict[str, Any]:
    """Everything recorded about one run (``RunNotFound`` for an unknown id)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"""SELECT {_RUN_COLUMNS}, r.application_id, r.master_cv_id, r.import_data_id, r.job_data_id,
                       r.execution_arn, r.options, r.states, r.reserved_amount, r.admission, r.admitted_at,
                       r.settlement, r.settled_at, r.error_message, r.error_state, r.updated_at
                FROM public.pipeline_runs r
                LEFT JOIN public.users u ON u.id = r.user_id
                WHERE r.id = %s""",
            [run_id],
        )
        run = cur.fetchone()
        if run is None:
            raise RunNotFound(f"run {run_id} does not exist", details={"run_id": str(run_id)})
        cur.execute(
            """SELECT id, source_format, file_name, file_size_bytes, raw_text, content, content_hash,
                      master_cv_id, created_at
               FROM public.import_data WHERE id = %s""",
            [run["import_data_id"]],
        )
        cv = cur.fetchone()
        cur.execute(
            """SELECT id, application_id, source_url, raw_text, content_hash, created_at
               FROM public.job_data WHERE id = %s""",
            [run["job_data_id"]],
        )
        job = cur.fetchone()
        cur.execute(
            """SELECT id, kind, agent::text AS agent, content, content_hash, prompt_version, schema_version,
                      provider, model, created_at
               FROM public.tailor_data WHERE run_id = %s ORDER BY created_at, kind""",
            [run_id],
        )
        outputs = cur.fetchall()
    attempts = llm_attempts(conn, run_id)
    recorded_states = run.pop("states")
    guard = next((row["content"] for row in outputs if row["kind"] == "GUARD_REPORT"), None)
    return {
        "run": _money_fields(run),
        "snapshots": {"cv": cv, "job": job},
        "outputs": outputs,
        "llm_attempts": attempts,
        "llm_totals": _totals(attempts),
        "guard_report": guard,
        "execution": execution_history(run_id, run["execution_arn"], recorded_states),
    }


def llm_attempts(conn: psycopg.Connection[Any], run_id: UUID) -> list[dict[str, Any]]:
    """Every LLM attempt of the run, oldest first; bodies only where payload logging stored them."""
    from cvpath.llm.audit import scrub

    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, created_at, agent::text AS agent, turn, chain_position, attempt, provider,
                      model, status::text AS status, error_code, error_message, tier::text AS tier,
                      prompt_version, schema_version, input_tokens, output_tokens, cached_tokens,
                      cost_usd, estimated_cost_usd, fee_usd, latency_ms, started_at, completed_at,
                      parameters, request_sha256, request_bytes, response_sha256, response_bytes,
                      request, response
               FROM analytics_monitoring.llm_generation_logs WHERE run_id = %s ORDER BY id""",
            [run_id],
        )
        rows = cur.fetchall()
    for row in rows:
        for column in ("cost_usd", "estimated_cost_usd", "fee_usd"):
            row[column] = _exact(row[column])
        for column in ("parameters", "request", "response"):
            row[column] = None if row[column] is None else scrub(row[column])
    return rows


def _totals(attempts: list[dict[str, Any]]) -> dict[str, Any]:
    cost = sum((Decimal(row["cost_usd"]) for row in attempts), Decimal(0))
    fee = sum((Decimal(row["fee_usd"]) for row in attempts), Decimal(0))
    return {
        "attempts": len(attempts),
        "succeeded": sum(1 for row in attempts if row["status"] == "SUCCESS"),
        "input_tokens": sum(row["input_tokens"] for row in attempts),
        "output_tokens": sum(row["output_tokens"] for row in attempts),
        "cost_usd": _exact(cost),
        "fee_usd": _exact(fee),
        # The rows whose price genai-prices did not know: their cost is booked as 0.
        "unpriced_attempts": sum(1 for row in attempts if row["estimated_cost_usd"] is None),
    }


def execution_history(run_id: UUID, recorded_arn: str | None, recorded: list[Any]) -> dict[str, Any]:
    """Per-state results from the run's execution, or the states recorded on the run.

    ``source`` says which: "step_functions", or "recorded" (no state machine
    configured, no such execution, or Step Functions could not be read, with
    the reason in ``note``).
    """
    from cvpath.config import get_settings

    machine = get_settings().tailoring_state_machine_arn
    if not machine:
        return _recorded(recorded, None, "no tailoring state machine is configured")
    arn = recorded_arn or execution_arn(machine, run_id)
    from cvpath.execution_history import fetch_history, states_from_history

    client = stepfunctions_client()
    try:
        history = fetch_history(client, arn)
    except client.exceptions.ExecutionDoesNotExist:
        return _recorded(recorded, arn, "the execution does not exist")
    except Exception as exc:  # noqa: BLE001 - any AWS failure falls back to the record, named by class
        logger.warning("reading the execution history of run %s failed: %s", run_id, type(exc).__name__)
        return _recorded(recorded, arn, f"the execution history could not be read ({type(exc).__name__})")
    states = [
        {
            "name": state.name,
            "status": state.status,
            "duration_ms": state.duration_ms,
            "attempts": state.attempts,
            "error": state.error,
            "cause": state.cause,
        }
        for state in states_from_history(history)
    ]
    return {"source": "step_functions", "execution_arn": arn, "states": states, "note": None}


def execution_arn(state_machine_arn: str, run_id: UUID) -> str:
    """The ARN of the run's execution: executions are named by their run id."""
    return f"{state_machine_arn.replace(':stateMachine:', ':execution:', 1)}:{run_id}"


@cache
def stepfunctions_client() -> Any:
    """One client per process (a Lambda environment), with short timeouts: a request waits seconds at most."""
    import boto3
    from botocore.config import Config

    config = Config(connect_timeout=3, read_timeout=10, retries={"total_max_attempts": 2, "mode": "standard"})
    return boto3.client("stepfunctions", config=config)


def _recorded(states: list[Any], arn: str | None, note: str) -> dict[str, Any]:
    return {"source": "recorded", "execution_arn": arn, "states": states, "note": note}


def _money_fields(row: dict[str, Any]) -> dict[str, Any]:
    for column in ("estimated_cost", "actual_cost", "fee_amount", "reserved_amount"):
        if column in row:
            row[column] = None if row[column] is None else money_text(row[column])
    return row


def _exact(value: Decimal | None) -> str | None:
    """A 10-place cost column as a plain decimal string: 6 places would round a small call to 0."""
    return None if value is None else f"{value:f}"
