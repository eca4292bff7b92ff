"""The public routes whose features land later in issue 9: declared now, answering 501.

Why declare them already: their security is final (no principal, 401), the
OpenAPI schema lists every route the template maps, and a client sees a clear
``not_implemented`` instead of a 404.
"""

from __future__ import annotations

from typing import Literal, NoReturn
from uuid import UUID

from fastapi import APIRouter

from cvpath_api.deps import CurrentPrincipal
from cvpath_api.errors import NotImplementedYet, error_responses

router = APIRouter(prefix="/api", responses=error_responses(401, 422, 501, 503))
ISSUE = 9
ArtifactKind = Literal["pdf", "docx", "cover_letter", "report"]


def _pending(feature: str) -> NoReturn:
    raise NotImplementedYet(
        f"{feature} is not implemented yet (issue {ISSUE})", details={"feature": feature, "issue": ISSUE}
    )


@router.post("/cvs", tags=["cvs"], summary="Upload or send a master CV (not implemented yet)")
def create_cv(principal: CurrentPrincipal) -> None:
    _pending("master CVs")


@router.get("/cvs", tags=["cvs"], summary="List the caller's master CVs (not implemented yet)")
def list_cvs(principal: CurrentPrincipal) -> None:
    _pending("master CVs")


@router.get("/cvs/{id}", tags=["cvs"], summary="One master CV (not implemented yet)")
def get_cv(id: UUID, principal: CurrentPrincipal) -> None:
    _pending("master CVs")


@router.get("/cvs/{id}/versions", tags=["cvs"], summary="A master CV's versions (not implemented yet)")
def list_cv_versions(id: UUID, principal: CurrentPrincipal) -> None:
    _pending("master CV versions")


@router.post("/applications", tags=["applications"], summary="Create a job application (not implemented yet)")
def create_application(principal: CurrentPrincipal) -> None:
    _pending("job applications")


@router.patch(
    "/applications/{id}", tags=["applications"], summary="Record a funnel step (not implemented yet)"
)
def update_application(id: UUID, principal: CurrentPrincipal) -> None:
    _pending("job applications")


@router.post("/applications/{id}/runs", tags=["runs"], summary="Start a tailoring run (not implemented yet)")
def start_run(id: UUID, principal: CurrentPrincipal) -> None:
    _pending("runs")


@router.get("/runs/{id}", tags=["runs"], summary="A run's status and results (not implemented yet)")
def get_run(id: UUID, principal: CurrentPrincipal) -> None:
    _pending("runs")


@router.get(
    "/runs/{id}/events", tags=["runs"], summary="A run's progress as server-sent events (not implemented yet)"
)
def run_events(id: UUID, principal: CurrentPrincipal) -> None:
    _pending("run events")


@router.get("/runs/{id}/artifacts/{kind}", tags=["runs"], summary="A run's artifact (not implemented yet)")
def get_run_artifact(id: UUID, kind: ArtifactKind, principal: CurrentPrincipal) -> None:
    _pending("run artifacts")
