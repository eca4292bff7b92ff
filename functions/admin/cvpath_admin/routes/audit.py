"""GET /api/admin/audit: the audit trail of admin mutations, newest first."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Query
from pydantic import BaseModel

from cvpath.web.deps import Connection
from cvpath.web.errors import error_responses
from cvpath_admin.deps import CurrentAdmin

router = APIRouter(prefix="/api/admin", tags=["audit"], responses=error_responses(401, 403, 422, 503))


class AuditEntryOut(BaseModel):
    id: int
    actor_user_id: UUID
    session_id: UUID | None
    action: str
    target_type: str
    target_id: str | None
    before: Any
    after: Any
    created_at: datetime


class AuditList(BaseModel):
    items: list[AuditEntryOut]


@router.get("/audit", response_model=AuditList, summary="Admin mutations, newest first")
def list_audit(
    admin: CurrentAdmin,
    conn: Connection,
    since: Annotated[datetime | None, Query(alias="from")] = None,
    action: Annotated[str | None, Query(max_length=80, pattern=r"^[a-z][a-z0-9_.]*$")] = None,
    target_type: Annotated[str | None, Query(max_length=40, pattern=r"^[a-z][a-z0-9_]*$")] = None,
    target_id: Annotated[str | None, Query(max_length=200, pattern=r"^[^\x00]*$")] = None,
    actor: UUID | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> AuditList:
    from dataclasses import asdict

    from cvpath.admin.audit import list_entries

    entries = list_entries(
        conn,
        since=since,
        action=action,
        target_type=target_type,
        target_id=target_id,
        actor=actor,
        limit=limit,
    )
    return AuditList(items=[AuditEntryOut(**asdict(entry)) for entry in entries])
