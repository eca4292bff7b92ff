"""The LLM audit log: ``analytics_monitoring.llm_generation_logs``.

Rows are insert-only (a trigger refuses UPDATE, DELETE and TRUNCATE). What goes
into a row, including redaction and the payload mode, is decided by
``cvpath.llm.audit``; this module only writes and reads.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, Literal
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

LogStatus = Literal["SUCCESS", "ERROR", "TIMEOUT", "RATE_LIMITED", "AUTH_ERROR", "INVALID_OUTPUT"]


@dataclass(frozen=True)
class LlmLogRow:
    """One attempt, ready to store. Enum values are the SQL labels."""

    provider: str
    model: str
    status: LogStatus
    attempt: int
    chain_position: int
    latency_ms: int
    started_at: datetime
    completed_at: datetime
    request_sha256: str
    request_bytes: int
    # 1 for a structured call's first ask, 2 for its re-ask (sql/0008).
    turn: int = 1
    run_id: UUID | None = None
    user_id: UUID | None = None
    guest_id: UUID | None = None
    agent: str | None = None
    tier: str | None = None
    prompt_version: str | None = None
    schema_version: str | None = None
    input_tokens: int = 0
    output_tokens: int = 0
    cost_usd: Decimal = Decimal(0)
    estimated_cost_usd: Decimal | None = None
    error_code: str | None = None
    error_message: str | None = None
    parameters: dict[str, Any] = field(default_factory=dict)
    request: dict[str, Any] | None = None
    response: dict[str, Any] | None = None
    response_sha256: str | None = None
    response_bytes: int | None = None


_COLUMNS = tuple(LlmLogRow.__dataclass_fields__)
_JSON_COLUMNS = frozenset({"parameters", "request", "response"})
_INSERT = (
    f"INSERT INTO analytics_monitoring.llm_generation_logs ({', '.join(_COLUMNS)}) "
    f"VALUES ({', '.join(f'%({name})s' for name in _COLUMNS)}) RETURNING id"
)


def insert_log(conn: psycopg.Connection[Any], row: LlmLogRow) -> int:
    """Write one row in the caller's transaction; returns its id."""
    params = {
        name: Jsonb(value) if name in _JSON_COLUMNS and value is not None else value
        for name, value in asdict(row).items()
    }
    with conn.cursor() as cur:
        cur.execute(_INSERT, params)
        inserted = cur.fetchone()
    assert inserted is not None  # RETURNING always yields the row
    return int(inserted[0])


def logs_for_run(conn: psycopg.Connection[Any], run_id: UUID) -> list[dict[str, Any]]:
    """The rows of one run, oldest first (trace, replay, cost reports)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT * FROM analytics_monitoring.llm_generation_logs WHERE run_id = %s ORDER BY id", [run_id]
        )
        return cur.fetchall()
