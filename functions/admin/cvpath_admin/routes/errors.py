"""GET /api/admin/errors and PATCH /api/admin/errors/{fingerprint}: error groups and their triage."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal, Self

from fastapi import APIRouter, Path, Query
from pydantic import BaseModel, ConfigDict, Field, model_validator

from cvpath.web.deps import Connection
from cvpath.web.errors import error_responses
from cvpath_admin.deps import AdminActor, CurrentAdmin

router = APIRouter(prefix="/api/admin", tags=["errors"], responses=error_responses(401, 403, 422, 503))

# The values the CHECKs of analytics_monitoring.error_events accept (sql/0004, sql/0011).
Resolution = Literal["new", "investigating", "resolved", "ignored"]
Source = Literal["frontend", "api", "admin", "agent", "render", "telemetry", "pipeline", "cli"]
Fingerprint = Annotated[str, Path(pattern=r"^[0-9a-f]{16,64}$", description="error_type + file + function")]
NO_NUL = r"^[^\x00]*$"


class ErrorGroupOut(BaseModel):
    fingerprint: str
    occurrences: int
    people_affected: int
    first_seen_at: datetime
    last_seen_at: datetime
    error_type: str
    source: str
    severity: str
    file_path: str | None
    function_name: str | None
    last_message: str
    status: Resolution
    assignee: str | None
    assignee_note: str | None


class ErrorGroupList(BaseModel):
    items: list[ErrorGroupOut]


class TriageIn(BaseModel):
    """Fields left out keep their value; ``null`` clears the assignee or the note."""

    model_config = ConfigDict(extra="forbid")

    status: Resolution | None = None
    assignee: str | None = Field(default=None, min_length=1, max_length=200, pattern=NO_NUL)
    assignee_note: str | None = Field(default=None, max_length=4000, pattern=NO_NUL)

    @model_validator(mode="after")
    def _changes_something(self) -> Self:
        if not self.model_fields_set:
            raise ValueError("nothing to change: give status, assignee or assignee_note")
        if "status" in self.model_fields_set and self.status is None:
            raise ValueError("status cannot be null")
        return self


@router.get(
    "/errors", response_model=ErrorGroupList, summary="Errors grouped by fingerprint, last seen first"
)
def list_errors(
    admin: CurrentAdmin,
    conn: Connection,
    status: Resolution | None = None,
    service: Source | None = None,
    since: Annotated[datetime | None, Query(alias="from", description="last seen at or after")] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ErrorGroupList:
    from dataclasses import asdict

    from cvpath.admin.errors import list_groups

    groups = list_groups(conn, status=status, source=service, since=since, limit=limit)
    return ErrorGroupList(items=[ErrorGroupOut(**asdict(found)) for found in groups])


@router.patch(
    "/errors/{fingerprint}",
    response_model=ErrorGroupOut,
    summary="Set an error group's triage status, assignee and note",
    responses=error_responses(404),
)
def triage_error(
    fingerprint: Fingerprint, change: TriageIn, actor: AdminActor, conn: Connection
) -> ErrorGroupOut:
    from dataclasses import asdict

    from cvpath.admin.errors import UNSET, triage

    given = change.model_fields_set
    found = triage(
        conn,
        actor,
        fingerprint,
        status=change.status,
        assignee=change.assignee if "assignee" in given else UNSET,
        note=change.assignee_note if "assignee_note" in given else UNSET,
    )
    return ErrorGroupOut(**asdict(found))
