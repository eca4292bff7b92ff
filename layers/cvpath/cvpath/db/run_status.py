"""A run's lifecycle in ``public.pipeline_runs``: started, finished, what it cost, its CV snapshot.

Every write is idempotent and safe under a retried state: each is one guarded
statement (``WHERE status IN ('QUEUED', 'RUNNING')``), so a finished run keeps
its first outcome, and a second attempt of the same transition changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Literal
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from cvpath.db.runs import text_hash
from cvpath.errors import Conflict, RunNotFound
from cvpath.money import MONEY_QUANTUM

FailedStatus = Literal["FAILED", "REJECTED"]
OPEN_STATUSES = ("QUEUED", "RUNNING")
# pipeline_runs.actual_cost is numeric(14, 6); PostgreSQL rounds half away from zero.


@dataclass(frozen=True)
class RunStatus:
    """What a run's row says about its progress and outcome."""

    id: UUID
    status: str
    execution_arn: str | None
    error_code: str | None
    error_message: str | None
    error_state: str | None
    actual_cost: Decimal | None
    states: list[dict[str, Any]]
    started_at: datetime | None
    finished_at: datetime | None


def load_run_status(conn: psycopg.Connection[Any], run_id: UUID) -> RunStatus:
    """The run's status row; ``RunNotFound`` when there is none."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, status::text AS status, execution_arn, error_code, error_message, error_state,
                      actual_cost, states, started_at, finished_at
               FROM public.pipeline_runs WHERE id = %s""",
            [run_id],
        )
        row = cur.fetchone()
    if row is None:
        raise RunNotFound(f"run {run_id} does not exist", details={"run_id": str(run_id)})
    return RunStatus(**row)


def mark_running(conn: psycopg.Connection[Any], run_id: UUID, execution_arn: str | None) -> None:
    """QUEUED -> RUNNING (``started_at`` now); a RUNNING run stays so; a finished one is ``Conflict``."""
    row = conn.execute(
        """UPDATE public.pipeline_runs
           SET status = 'RUNNING', started_at = coalesce(started_at, now()),
               execution_arn = coalesce(execution_arn, %s)
           WHERE id = %s AND status IN ('QUEUED', 'RUNNING')
           RETURNING id""",
        [execution_arn, run_id],
    ).fetchone()
    if row is None:
        current = load_run_status(conn, run_id)
        raise Conflict(
            f"run {run_id} has already finished ({current.status}); it cannot start again",
            details={"run_id": str(run_id), "status": current.status},
        )


def mark_succeeded(
    conn: psycopg.Connection[Any], run_id: UUID, *, actual_cost: Decimal, execution_arn: str | None = None
) -> str:
    """Finish an open run as SUCCEEDED; returns the run's status afterwards.

    A run that had already finished keeps its first outcome: the returned status
    then says which (SUCCEEDED again on a retried Settle).
    """
    return _finish(
        conn,
        run_id,
        """UPDATE public.pipeline_runs
           SET status = 'SUCCEEDED', actual_cost = %(cost)s, execution_arn = coalesce(execution_arn, %(arn)s),
               started_at = coalesce(started_at, now()), finished_at = now()
           WHERE id = %(run_id)s AND status IN ('QUEUED', 'RUNNING')
           RETURNING status::text""",
        {"cost": actual_cost, "arn": execution_arn, "run_id": run_id},
    )


def mark_failed(
    conn: psycopg.Connection[Any],
    run_id: UUID,
    *,
    status: FailedStatus,
    error_code: str,
    error_message: str | None,
    error_state: str | None,
    execution_arn: str | None = None,
) -> str:
    """Finish an open run as FAILED or REJECTED with its error; returns the run's status afterwards.

    The caller scrubs ``error_message``: it is stored as given.
    """
    if status not in ("FAILED", "REJECTED"):
        raise ValueError(f"a failed run is FAILED or REJECTED, not {status!r}")
    return _finish(
        conn,
        run_id,
        """UPDATE public.pipeline_runs
           SET status = %(status)s::public.run_status, error_code = %(code)s, error_message = %(message)s,
               error_state = %(state)s, execution_arn = coalesce(execution_arn, %(arn)s),
               started_at = coalesce(started_at, now()), finished_at = now()
           WHERE id = %(run_id)s AND status IN ('QUEUED', 'RUNNING')
           RETURNING status::text""",
        {
            "status": status,
            "code": error_code,
            "message": error_message,
            "state": error_state,
            "arn": execution_arn,
            "run_id": run_id,
        },
    )


def _finish(conn: psycopg.Connection[Any], run_id: UUID, query: str, params: dict[str, Any]) -> str:
    row = conn.execute(query, params).fetchone()
    if row is not None:
        return str(row[0])
    return load_run_status(conn, run_id).status  # RunNotFound for an unknown run


def run_cost(conn: psycopg.Connection[Any], run_id: UUID) -> Decimal:
    """The run's LLM cost in USD: every audited attempt (retries and failovers included), to 6 places."""
    row = conn.execute(
        "SELECT coalesce(sum(cost_usd), 0) FROM analytics_monitoring.llm_generation_logs WHERE run_id = %s",
        [run_id],
    ).fetchone()
    assert row is not None  # an aggregate always yields a row
    return Decimal(row[0]).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


def run_costs_by_agent(conn: psycopg.Connection[Any], run_id: UUID) -> list[dict[str, Any]]:
    """Attempts, tokens and cost per (agent, provider, model), in the order the run first used each.

    ``answered`` counts the attempts that succeeded; ``errors`` lists the error
    codes of the others (``missing_key`` for a link skipped for want of a key).
    """
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT agent::text AS agent, provider, model, count(*) AS attempts,
                      count(*) FILTER (WHERE status = 'SUCCESS') AS answered,
                      coalesce(array_agg(DISTINCT error_code ORDER BY error_code)
                               FILTER (WHERE error_code IS NOT NULL), '{}') AS errors,
                      sum(input_tokens) AS input_tokens, sum(output_tokens) AS output_tokens,
                      sum(cost_usd) AS cost
               FROM analytics_monitoring.llm_generation_logs WHERE run_id = %s
               GROUP BY agent, provider, model ORDER BY min(id)""",
            [run_id],
        )
        return cur.fetchall()


def record_states(conn: psycopg.Connection[Any], run_id: UUID, states: list[dict[str, Any]]) -> None:
    """Replace the run's state timings ([{name, status, duration_ms, attempts}, ...])."""
    updated = conn.execute(
        "UPDATE public.pipeline_runs SET states = %s WHERE id = %s RETURNING id", [Jsonb(states), run_id]
    ).fetchone()
    if updated is None:
        raise RunNotFound(f"run {run_id} does not exist", details={"run_id": str(run_id)})


def attach_import(
    conn: psycopg.Connection[Any],
    run_id: UUID,
    *,
    source_format: str,
    file_name: str | None,
    file_size_bytes: int,
    raw_text: str,
) -> UUID:
    """Create the run's CV snapshot from extracted text and attach it; returns its id.

    A run that already has a snapshot (a retried ExtractText) keeps it, and
    nothing is inserted. Why lock the run row first: two concurrent attempts
    then queue on it, and the second sees the first one's snapshot instead of
    inserting an orphan (snapshots are immutable: an orphan could not be deleted).
    """
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(
            "SELECT import_data_id, user_id, guest_id FROM public.pipeline_runs WHERE id = %s FOR UPDATE",
            [run_id],
        )
        row = cur.fetchone()
        if row is None:
            raise RunNotFound(f"run {run_id} does not exist", details={"run_id": str(run_id)})
        existing, user_id, guest_id = row
        if existing is not None:
            return UUID(str(existing))
        cur.execute(
            """INSERT INTO public.import_data
                   (user_id, guest_id, source_format, file_name, file_size_bytes, raw_text, content_hash)
               VALUES (%s, %s, %s, %s, %s, %s, %s) RETURNING id""",
            [user_id, guest_id, source_format, file_name, file_size_bytes, raw_text, text_hash(raw_text)],
        )
        inserted = cur.fetchone()
        assert inserted is not None  # RETURNING always yields the row
        import_id = UUID(str(inserted[0]))
        cur.execute(
            "UPDATE public.pipeline_runs SET import_data_id = %s WHERE id = %s AND import_data_id IS NULL",
            [import_id, run_id],
        )
    return import_id
