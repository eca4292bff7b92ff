"""POST /api/admin/auth/token: an administrator's access token exchanged for a short-lived admin token.

Signing in is the public API's (``POST /api/auth/login``, throttled); this route
only turns a live admin session into an admin token (audience ``cvpath-admin``,
10 minutes by default), which is what every other admin route takes.
"""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field

from cvpath.web.deps import Connection, CurrentPrincipal
from cvpath.web.errors import error_responses

router = APIRouter(prefix="/api/admin", tags=["auth"])


class AdminToken(BaseModel):
    admin_token: str = Field(description="send as `Authorization: Bearer` to /api/admin/*")
    expires_in: int = Field(description="seconds")


@router.post(
    "/auth/token",
    response_model=AdminToken,
    summary="Exchange an administrator's access token for an admin token",
    responses=error_responses(401, 403, 503),
)
def admin_token(principal: CurrentPrincipal, conn: Connection) -> AdminToken:
    from cvpath.auth import issue_admin_session_token

    token, ttl = issue_admin_session_token(principal)
    return AdminToken(admin_token=token, expires_in=ttl)
