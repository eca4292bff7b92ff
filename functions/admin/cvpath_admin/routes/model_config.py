"""Admin routes for model_config (filled in by issue 10's work on it)."""

from __future__ import annotations

from fastapi import APIRouter

from cvpath.web.errors import error_responses

router = APIRouter(prefix="/api/admin", tags=["model_config"], responses=error_responses(401, 403, 422, 503))
