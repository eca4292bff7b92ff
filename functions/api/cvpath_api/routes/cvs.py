"""Master CVs: create one from a file or JSON, add versions, read them back.

The body's Content-Type decides its form: ``application/json`` carries a CV
(``{"cv"}`` or ``{"json_resume"}``); PDF, DOCX, plain text and Markdown are the
file itself (see ``cvpath_api.uploads``), read with the pipeline's extraction
and parsed offline by CV_PARSER (a master CV is not a billed run). How a body
becomes a stored version is ``cvpath_api.cv_intake``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request, Response

from cvpath.web.deps import Connection, CurrentPrincipal
from cvpath.web.errors import error_responses
from cvpath_api.cv_intake import MEDIA_TYPES, CvPayload, new_version, save
from cvpath_api.cv_models import (
    LABEL_PATTERN,
    MAX_LABEL_CHARS,
    CvJsonBody,
    CvList,
    CvOut,
    CvSummary,
    CvVersionList,
    CvVersionSummary,
)
from cvpath_api.uploads import DOCX, JSON, MARKDOWN, PDF, TEXT, FileName, read_body, require_media_type

if TYPE_CHECKING:
    from cvpath.db.master_cvs import CvVersion, Saved

router = APIRouter(prefix="/api", tags=["cvs"], responses=error_responses(401, 422, 503))


_binary = {"schema": {"type": "string", "format": "binary"}}
_REQUEST_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "a CV as JSON, or the CV file itself (at most 5 MB) with its Content-Type",
        "content": {
            JSON: {"schema": CvJsonBody.model_json_schema()},
            PDF: _binary,
            DOCX: _binary,
            TEXT: {"schema": {"type": "string"}},
            MARKDOWN: {"schema": {"type": "string"}},
        },
    }
}

LabelQuery = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=MAX_LABEL_CHARS,
        pattern=LABEL_PATTERN,
        description="the CV's label, for a file upload (a JSON body has its own)",
    ),
]


async def cv_payload(request: Request, filename: FileName = None, label: LabelQuery = None) -> CvPayload:
    """The body as sent: JSON or one of the document types, at most 5 MB (415 and 413 otherwise)."""
    kind = require_media_type(request, MEDIA_TYPES)
    return CvPayload(await read_body(request), kind, filename, label)


Payload = Annotated[CvPayload, Depends(cv_payload)]


@router.post(
    "/cvs",
    status_code=201,
    summary="Create a CV from a file or JSON (200 with the existing CV when its content is already saved)",
    responses={
        200: {"model": CvOut, "description": "deduplicated: an existing CV"},
        **error_responses(413, 415),
    },
    openapi_extra=_REQUEST_BODY,
)
def create_cv(principal: CurrentPrincipal, conn: Connection, payload: Payload, response: Response) -> CvOut:
    from cvpath.db import master_cvs

    owner = principal.owner
    new = new_version(payload)
    saved = save(
        owner,
        payload,
        new,
        duplicate=lambda: master_cvs.find_duplicate(conn, owner, new.content_hash),
        write=lambda ready: master_cvs.create_cv(conn, owner, ready),
    )
    return _answer(saved, response)


@router.post(
    "/cvs/{id}/versions",
    status_code=201,
    summary="Add a version to a CV (200 with the latest version when the content is unchanged)",
    responses={
        200: {"model": CvOut, "description": "deduplicated: the latest version, unchanged"},
        **error_responses(404, 413, 415),
    },
    openapi_extra=_REQUEST_BODY,
)
def create_cv_version(
    id: UUID, principal: CurrentPrincipal, conn: Connection, payload: Payload, response: Response
) -> CvOut:
    from cvpath.db import master_cvs

    owner = principal.owner
    new = new_version(payload)

    def unchanged() -> CvVersion | None:
        latest = master_cvs.latest_version(conn, owner, id)  # 404 before anything is stored
        return latest if latest.content_hash == new.content_hash else None

    saved = save(
        owner,
        payload,
        new,
        duplicate=unchanged,
        write=lambda ready: master_cvs.add_version(conn, owner, id, ready),
    )
    return _answer(saved, response)


@router.get("/cvs", summary="The caller's CVs (their latest versions), most recently changed first")
def list_cvs(
    principal: CurrentPrincipal, conn: Connection, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> CvList:
    from cvpath.db.master_cvs import list_cvs as listed

    return CvList(items=[CvSummary.of(item) for item in listed(conn, principal.owner, limit=limit)])


@router.get("/cvs/{id}", summary="A CV: its latest version in full", responses=error_responses(404))
def get_cv(id: UUID, principal: CurrentPrincipal, conn: Connection) -> CvOut:
    from cvpath.db.master_cvs import latest_version

    return CvOut.of(latest_version(conn, principal.owner, id))


@router.get("/cvs/{id}/versions", summary="A CV's versions, oldest first", responses=error_responses(404))
def list_cv_versions(
    id: UUID,
    principal: CurrentPrincipal,
    conn: Connection,
    after: Annotated[int, Query(ge=0, le=2**31 - 1, description="only versions after this number")] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> CvVersionList:
    from cvpath.db.master_cvs import list_versions

    items = list_versions(conn, principal.owner, id, after=after, limit=limit)
    return CvVersionList(items=[CvVersionSummary.of(item) for item in items])


def _answer(saved: Saved, response: Response) -> CvOut:
    if not saved.created:
        response.status_code = 200
    return CvOut.of(saved.version, deduplicated=not saved.created)
