"""GET /api/admin/runs (every owner's runs) and GET /api/admin/runs/{id} (one run's evidence trail)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from cvpath.web.deps import Connection
from cvpath.web.errors import error_responses
from cvpath_admin.deps import CurrentAdmin

router = APIRouter(prefix="/api/admin", tags=["runs"], responses=error_responses(401, 403, 422, 503))

RunStatus = Literal["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "ABORTED"]


class RunListItem(BaseModel):
    id: UUID
    user_id: UUID | None
    guest_id: UUID | None
    user_email: str | None
    status: RunStatus
    current_state: str | None
    tier: str | None
    engine: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    estimated_cost: str | None = Field(description="USD, decimal string")
    actual_cost: str | None = Field(description="USD, decimal string")
    fee_amount: str | None = Field(description="USD, decimal string")
    error_code: str | None
    replay_of: UUID | None


class RunList(BaseModel):
    items: list[RunListItem]


class RunRow(RunListItem):
    application_id: UUID | None
    master_cv_id: UUID | None
    import_data_id: UUID | None
    job_data_id: UUID | None
    execution_arn: str | None
    options: dict[str, Any]
    reserved_amount: str
    admission: dict[str, Any] | None
    admitted_at: datetime | None
    settlement: dict[str, Any] | None
    settled_at: datetime | None
    error_message: str | None
    error_state: str | None
    updated_at: datetime


class CvSnapshot(BaseModel):
    id: UUID
    source_format: str
    file_name: str | None
    file_size_bytes: int | None
    raw_text: str | None
    content: dict[str, Any] | None
    content_hash: str
    master_cv_id: UUID | None
    created_at: datetime


class JobSnapshot(BaseModel):
    id: UUID
    application_id: UUID | None
    source_url: str | None
    raw_text: str
    content_hash: str
    created_at: datetime


class Snapshots(BaseModel):
    cv: CvSnapshot | None
    job: JobSnapshot | None


class AgentOutput(BaseModel):
    id: UUID
    kind: str
    agent: str | None
    content: Any
    content_hash: str
    prompt_version: str | None
    schema_version: str | None
    provider: str | None
    model: str | None
    created_at: datetime


class LlmAttempt(BaseModel):
    id: int
    created_at: datetime
    agent: str | None
    turn: int
    chain_position: int
    attempt: int
    provider: str
    model: str
    status: str
    error_code: str | None
    error_message: str | None
    tier: str | None
    prompt_version: str | None
    schema_version: str | None
    input_tokens: int
    output_tokens: int
    cached_tokens: int
    cost_usd: str = Field(description="booked provider cost, USD (10 places)")
    estimated_cost_usd: str | None = Field(description="genai-prices estimate; null: price unknown")
    fee_usd: str
    latency_ms: int
    started_at: datetime | None
    completed_at: datetime | None
    parameters: dict[str, Any]
    request_sha256: str | None
    request_bytes: int | None
    response_sha256: str | None
    response_bytes: int | None
    request: Any = Field(description="the body sent, when payload logging stored it; else null")
    response: Any = Field(description="the body received, when payload logging stored it; else null")


class LlmTotals(BaseModel):
    attempts: int
    succeeded: int
    input_tokens: int
    output_tokens: int
    cost_usd: str
    fee_usd: str
    unpriced_attempts: int


class StateResult(BaseModel):
    name: str
    status: str
    duration_ms: int | None = None
    attempts: int | None = None
    error: str | None = None
    cause: str | None = None


class ExecutionHistory(BaseModel):
    source: Literal["step_functions", "recorded"]
    execution_arn: str | None
    states: list[StateResult]
    note: str | None = Field(description="why the recorded states are shown, when they are")


class RunEvidence(BaseModel):
    run: RunRow
    snapshots: Snapshots
    outputs: list[AgentOutput]
    llm_attempts: list[LlmAttempt]
    llm_totals: LlmTotals
    guard_report: dict[str, Any] | None
    execution: ExecutionHistory


@router.get("/runs", response_model=RunList, summary="Runs of every owner, newest first")
def list_runs(
    admin: CurrentAdmin,
    conn: Connection,
    status: RunStatus | None = None,
    user: Annotated[UUID | None, Query(description="a user id or a guest id")] = None,
    since: Annotated[datetime | None, Query(alias="from", description="created at or after")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> RunList:
    from cvpath.admin.runs import list_runs as runs_of

    rows = runs_of(conn, status=status, owner=user, since=since, limit=limit)
    return RunList(items=[RunListItem(**row) for row in rows])


@router.get(
    "/runs/{id}",
    response_model=RunEvidence,
    summary="A run's evidence trail: snapshots, outputs, LLM attempts and costs, guard report, history",
    responses=error_responses(404),
)
def get_run(id: UUID, admin: CurrentAdmin, conn: Connection) -> RunEvidence:
    from cvpath.admin.runs import run_evidence

    return RunEvidence.model_validate(run_evidence(conn, id))
