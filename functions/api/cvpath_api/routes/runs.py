"""Tailoring runs: start one for an application, follow it (JSON or server-sent events), fetch its files.

A run belongs to whoever owns its application; someone else's run id answers
404 exactly like an unknown one. The work itself lives in ``run_service``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import APIRouter, Header, Query, Response
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field

from cvpath.web.deps import Connection, CurrentPrincipal
from cvpath.web.errors import error_responses

router = APIRouter(prefix="/api", tags=["runs"])

ArtifactKind = Literal["pdf", "docx", "cover_letter", "report"]
# How long one events response stays open: an HTTP API integration gives up after 30 s.
EVENTS_WINDOW_S = 25.0
EVENTS_POLL_S = 0.5


class StartRunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    engine: Literal["v1", "v2"] = Field(default="v2", description="the PDF layout engine")
    cover_letter: Literal["none", "pdf", "docx"] = "none"
    cv_docx: bool = Field(default=False, description="also render the tailored CV as DOCX")


class RunStarted(BaseModel):
    run_id: UUID
    status: Literal["QUEUED"] = "QUEUED"
    links: dict[str, str]


class StateTiming(BaseModel):
    name: str
    status: str | None = None
    duration_ms: int | None = None
    attempts: int | None = None


class Progress(BaseModel):
    finished_states: int
    total_states: int
    percent: int = Field(ge=0, le=100)
    running: list[str]


class GapEvidence(BaseModel):
    source_id: str | None = Field(description="the CV bullet or entry that shows it")
    quote: str | None = Field(description="quoted verbatim from that bullet or entry")


class Gap(BaseModel):
    requirement_id: str | None
    requirement: str | None = Field(description="the requirement as the job states it")
    must_have: bool
    status: Literal["partial", "missing"] | str | None
    evidence: list[GapEvidence]
    note: str | None


class RunError(BaseModel):
    code: str | None
    message: str | None
    state: str | None


class RunView(BaseModel):
    """A run's status and results; the sections of steps that have not run yet are null."""

    id: UUID
    application_id: UUID | None
    cv_version_id: UUID | None = Field(description="the master CV version the run's snapshot copies")
    status: Literal["QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "ABORTED"]
    engine: str
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    states: list[StateTiming]
    progress: Progress
    score_before: dict[str, Any] | None
    score_after: dict[str, Any] | None
    score_delta: float | None
    gaps: list[Gap] = Field(
        description="requirements not fully met, with the CV evidence that partly meets them"
    )
    analysis: dict[str, Any] | None
    guard_report: dict[str, Any] | None
    costs: dict[str, Any] = Field(description="total and per agent, amounts as decimal strings in USD")
    error: RunError | None
    artifacts: list[ArtifactKind]


class ArtifactLink(BaseModel):
    url: str = Field(description="a presigned S3 URL; GET it without credentials before it expires")
    expires_in: int = Field(description="seconds")
    filename: str
    content_type: str


@router.post(
    "/applications/{id}/runs",
    status_code=202,
    response_model=RunStarted,
    summary="Start a tailoring run for the application",
    responses=error_responses(401, 404, 422, 503),
)
def start_run(
    id: UUID, principal: CurrentPrincipal, conn: Connection, body: StartRunBody | None = None
) -> RunStarted:
    """Snapshots the application's master CV version and starts the state machine; answers at once (202).

    Follow the run with `GET /api/runs/{run_id}` or its `/events` stream.
    """
    from cvpath_api import run_service

    options = body or StartRunBody()
    run_id = run_service.start_run(
        conn,
        principal.owner,
        id,
        engine=options.engine,
        cover_letter=options.cover_letter,
        cv_docx=options.cv_docx,
    )
    base = f"/api/runs/{run_id}"
    return RunStarted(run_id=run_id, links={"self": base, "events": f"{base}/events"})


@router.get(
    "/runs/{id}",
    response_model=RunView,
    summary="A run's status, per-state timings, scores, gaps, guard report and costs",
    responses=error_responses(401, 404, 503),
)
def get_run(id: UUID, principal: CurrentPrincipal, conn: Connection) -> dict[str, Any]:
    from cvpath_api import run_service

    return run_service.run_view(conn, principal.owner, id)


@router.get(
    "/runs/{id}/events",
    summary="A run's progress as server-sent events",
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {"schema": {"type": "string"}}},
            "description": "`progress` events while the run goes, then one `done` event; or `timeout` "
            "after 25 s, after which the client reconnects (EventSource does so by itself)",
        },
        **error_responses(401, 404, 503),
    },
)
def run_events(
    id: UUID,
    principal: CurrentPrincipal,
    conn: Connection,
    last_event_id: Annotated[str | None, Header(max_length=100)] = None,
) -> StreamingResponse:
    """Each event's data is JSON: `{status, progress, states}`; its id is the number of finished states.

    Behind API Gateway's HTTP API a Lambda answer is buffered, so there the events
    arrive together when the run ends or the window closes; clients that need a
    live bar there poll `GET /api/runs/{id}` instead.
    """
    from cvpath.db.owned_runs import load_owned_run

    owner = principal.owner
    load_owned_run(conn, owner, id)  # 404 before the stream opens
    seen = int(last_event_id) if last_event_id and last_event_id.isdigit() else -1
    return StreamingResponse(
        _event_stream(owner, id, seen),
        media_type="text/event-stream",
        headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
    )


def _event_stream(owner: Any, run_id: UUID, seen: int) -> Iterator[str]:
    """Poll the run until it ends or the window closes; one event per change of what a progress bar shows.

    Its own pooled connection per poll: the request's connection is given back
    when the route returns, before the stream is read.
    """
    from cvpath.db.owned_runs import load_owned_run
    from cvpath.db.pool import get_pool
    from cvpath_api import run_service

    deadline = time.monotonic() + EVENTS_WINDOW_S
    last: tuple[Any, ...] | None = None
    yield "retry: 2000\n\n"
    while True:
        with get_pool().connection() as conn:
            conn.autocommit = True
            run = load_owned_run(conn, owner, run_id)
            states = run_service.current_states(conn, owner, run)
        progress = run_service.progress_of(run.status, states)
        shown = (run.status, *((s.get("name"), s.get("status")) for s in states))
        # A reconnecting client (Last-Event-ID) has seen this much already.
        if shown != last and (progress["finished_states"] > seen or run.finished):
            last = shown
            data = {"status": run.status, "progress": progress, "states": states}
            yield _event("progress", progress["finished_states"], data)
        if run.finished:
            yield _event("done", progress["finished_states"], {"status": run.status})
            return
        if time.monotonic() >= deadline:
            yield _event("timeout", progress["finished_states"], {"status": run.status})
            return
        time.sleep(EVENTS_POLL_S)


def _event(name: str, event_id: int, data: dict[str, Any]) -> str:
    return f"event: {name}\nid: {event_id}\ndata: {json.dumps(data, default=str)}\n\n"


@router.get(
    "/runs/{id}/artifacts/{kind}",
    summary="A run's file: the tailored CV (pdf, docx), the cover letter, or report.json",
    response_model=ArtifactLink,
    responses={
        200: {
            "description": "with delivery=url: a presigned URL; with delivery=bytes: the file itself",
            "content": {
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document": {
                    "schema": {"type": "string", "format": "binary"}
                },
            },
        },
        **error_responses(401, 404, 409, 503),
    },
)
def get_run_artifact(
    id: UUID,
    kind: ArtifactKind,
    principal: CurrentPrincipal,
    conn: Connection,
    delivery: Annotated[
        Literal["url", "bytes"] | None,
        Query(description="url: a short-lived presigned S3 URL; bytes: the file; default: the deployment's"),
    ] = None,
) -> Any:
    from cvpath_api import run_service

    found = run_service.artifact(conn, principal.owner, id, kind, delivery)
    if found.data is not None:
        return Response(
            content=found.data,
            media_type=found.content_type,
            headers={"content-disposition": f'attachment; filename="{found.filename}"'},
        )
    assert found.url is not None
    assert found.expires_in is not None
    return ArtifactLink(
        url=found.url, expires_in=found.expires_in, filename=found.filename, content_type=found.content_type
    )
