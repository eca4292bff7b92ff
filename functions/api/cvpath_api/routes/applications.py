"""Job applications: POST (a CV and a job description, as JSON or a file), GET one or all, PATCH the funnel.

The job description must pass the pipeline's own job gate before anything is
written, so a text that is not a posting fails here with the message a run
would give, instead of costing a run. The funnel rules (flags that never go
back, timings, abandonment) live in ``cvpath.db.applications``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, Literal
from urllib.parse import urlsplit
from uuid import UUID

from fastapi import APIRouter, Depends, Query, Request
from fastapi.exceptions import RequestValidationError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    model_validator,
)

from cvpath.web.deps import Connection, CurrentPrincipal
from cvpath.web.errors import error_responses
from cvpath_api.uploads import DOCUMENT_TYPES, JSON, FileName, Upload, read_body, require_media_type

if TYPE_CHECKING:
    from cvpath.db.applications import Application

router = APIRouter(prefix="/api", tags=["applications"], responses=error_responses(401, 422, 503))

Step = Literal["CV_IMPORT", "JOB_INPUT", "ANALYSIS", "TAILORING", "REVIEW", "EXPORT", "COMPLETED"]
MAX_JOB_CHARS = 100_000


def _storable(text: str) -> str:
    """PostgreSQL text cannot hold NUL, nor UTF-8 a lone surrogate (a JSON escape can carry one)."""
    if "\x00" in text:
        raise ValueError("the text holds a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("the text is not valid Unicode (a lone surrogate)") from None
    return text


def _web_url(url: str) -> str:
    parts = urlsplit(url)  # a malformed host (``http://[``) raises ValueError: a validation error
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("an http or https URL with a host")
    return url


Text = AfterValidator(_storable)
JobDescription = Annotated[str, Field(min_length=1, max_length=MAX_JOB_CHARS), Text]
Label = Annotated[str, Field(min_length=1, max_length=300), Text]
JobUrl = Annotated[str, Field(max_length=2048, pattern=r"^https?://\S+$"), Text, AfterValidator(_web_url)]
Reason = Annotated[str, Field(min_length=1, max_length=500), Text]


class ApplicationCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    cv_id: UUID = Field(
        description="the CV (its id, not a version's); the application takes its latest version"
    )
    job_description: JobDescription
    job_title: Label | None = Field(default=None, description="read from the posting when not given")
    company: Label | None = Field(default=None, description="read from the posting when not given")
    job_url: JobUrl | None = None


class ApplicationPatch(BaseModel):
    """Omitted fields stay as they are; ``null`` clears job_title, company or job_url."""

    model_config = ConfigDict(extra="forbid")

    workflow_step: Step | None = Field(default=None, description="moving back keeps the steps reached")
    abandoned: StrictBool | None = Field(default=None, description="false reopens an abandoned application")
    abandonment_reason: Reason | None = Field(default=None, description="implies abandoned: true")
    job_title: Label | None = None
    company: Label | None = None
    job_url: JobUrl | None = None

    @model_validator(mode="after")
    def _consistent(self) -> ApplicationPatch:
        if self.abandoned is False and self.abandonment_reason is not None:
            raise ValueError("an abandonment_reason with abandoned: false")
        return self


class Funnel(BaseModel):
    import_: bool = Field(alias="import")  # ``import`` is a Python keyword
    job_input: bool
    analysis: bool
    tailoring: bool
    review: bool
    export: bool
    completed: bool


class FunnelTimings(BaseModel):
    import_to_job: int | None = Field(description="ms from CV import to job input; null until both")
    job_to_tailor: int | None
    tailor_to_complete: int | None


class ApplicationOut(BaseModel):
    id: UUID
    cv_id: UUID | None = Field(description="null once the CV version was deleted")
    cv_version_id: UUID | None
    job_title: str | None
    company: str | None
    job_url: str | None
    workflow_step: Step
    funnel: Funnel = Field(description="every step ever reached; moving back does not clear one")
    timings_ms: FunnelTimings
    step_reached_at: dict[Step, datetime] = Field(description="when each step was first reached")
    started_at: datetime
    completed_at: datetime | None
    abandoned_at: datetime | None
    abandonment_reason: str | None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, application: Application) -> ApplicationOut:
        fields = vars(application) | {
            "cv_version_id": application.master_cv_id,
            "funnel": application.flags,
            "timings_ms": application.timings,
        }
        return cls.model_validate({name: fields[name] for name in cls.model_fields})


@dataclass(frozen=True)
class JobFile:
    """A job description sent as a file, and the query's fields (validated with the text, once extracted)."""

    upload: Upload
    fields: dict[str, Any]


_BINARY = {"schema": {"type": "string", "format": "binary"}}
_CREATE_BODY: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "description": "JSON, or the job description as a file (PDF, DOCX, text, Markdown; at most 5 MB) "
        "with cv_id and the other fields in the query",
        "content": {
            JSON: {"schema": ApplicationCreate.model_json_schema()},
            **dict.fromkeys(DOCUMENT_TYPES, _BINARY),
        },
    }
}
FILE_ONLY = "file uploads only (with JSON, send it in the body)"


def _invalid(error: ValidationError, where: str | None = None) -> RequestValidationError:
    """A model's errors as the request's 422, located like FastAPI's own (the values are never echoed).

    Without ``where``, a file upload's: the job description is the body, the other fields the query.
    """
    return RequestValidationError(
        [
            {**e, "loc": (where or ("body" if e["loc"][:1] == ("job_description",) else "query"), *e["loc"])}
            for e in error.errors(include_url=False)
        ]
    )


async def sent_application(
    request: Request,
    cv_id: Annotated[UUID | None, Query(description=FILE_ONLY)] = None,
    job_title: Annotated[str | None, Query(min_length=1, max_length=300, description=FILE_ONLY)] = None,
    company: Annotated[str | None, Query(min_length=1, max_length=300, description=FILE_ONLY)] = None,
    job_url: Annotated[
        str | None, Query(max_length=2048, pattern=r"^https?://\S+$", description=FILE_ONLY)
    ] = None,
    filename: FileName = None,
) -> ApplicationCreate | JobFile:
    """The JSON body validated, or the uploaded file with the query's fields (not validated yet)."""
    kind = require_media_type(request, (JSON, *DOCUMENT_TYPES))
    data = await read_body(request)
    query = {"cv_id": cv_id, "job_title": job_title, "company": company, "job_url": job_url}
    if kind != JSON:
        return JobFile(Upload(data=data, media_type=kind, filename=filename), query)
    if any(value is not None for value in (*query.values(), filename)):
        raise RequestValidationError([{"loc": ("query",), "type": "extra_forbidden", "msg": FILE_ONLY}])
    try:
        return ApplicationCreate.model_validate_json(data)
    except ValidationError as error:
        raise _invalid(error, "body") from None


def _from_file(sent: JobFile) -> ApplicationCreate:
    from cvpath.documents.extract import extract_text

    upload = sent.upload
    if sent.fields["cv_id"] is None:
        raise RequestValidationError(
            [{"loc": ("query", "cv_id"), "type": "missing", "msg": "Field required"}]
        )
    text = extract_text(upload.data, filename=upload.filename, content_type=upload.media_type).text
    try:
        return ApplicationCreate.model_validate({**sent.fields, "job_description": text})
    except ValidationError as error:
        raise _invalid(error) from None


@router.post(
    "/applications",
    status_code=201,
    response_model=ApplicationOut,
    responses=error_responses(404, 413, 415),
    openapi_extra=_CREATE_BODY,
    summary="Create a job application from a CV and a job description (422 when the text is not a job)",
)
def create_application(
    principal: CurrentPrincipal,
    conn: Connection,
    sent: Annotated[ApplicationCreate | JobFile, Depends(sent_application)],
) -> ApplicationOut:
    from cvpath.agents.offline.job_gate import check_job_text
    from cvpath.db.applications import create_application as create

    body = sent if isinstance(sent, ApplicationCreate) else _from_file(sent)
    check_job_text(body.job_description)
    title, company = body.job_title, body.company
    if title is None or company is None:
        from cvpath.agents.offline.job_parser import parse_job_text

        # The offline parser is regexes over the text: cheap, and the user can still correct it (PATCH).
        parsed = parse_job_text(body.job_description)
        title = title or parsed.title.strip()[:300] or None
        company = company or (parsed.company or "").strip()[:300] or None
    application = create(
        conn,
        principal.owner,
        cv_id=body.cv_id,
        job_text=body.job_description,
        job_title=title,
        company=company,
        job_url=body.job_url,
        source_url=body.job_url,
    )
    return ApplicationOut.of(application)


@router.get(
    "/applications", response_model=list[ApplicationOut], summary="The caller's applications, newest first"
)
def list_applications(
    principal: CurrentPrincipal, conn: Connection, limit: Annotated[int, Query(ge=1, le=100)] = 50
) -> list[ApplicationOut]:
    from cvpath.db.applications import list_applications as load_all

    return [ApplicationOut.of(application) for application in load_all(conn, principal.owner, limit=limit)]


@router.get(
    "/applications/{id}",
    response_model=ApplicationOut,
    responses=error_responses(404),
    summary="One application",
)
def get_application(id: UUID, principal: CurrentPrincipal, conn: Connection) -> ApplicationOut:
    from cvpath.db.applications import load_application

    return ApplicationOut.of(load_application(conn, principal.owner, id))


@router.patch(
    "/applications/{id}",
    response_model=ApplicationOut,
    responses=error_responses(404, 409),
    summary="Record a funnel step or an abandonment, or correct the job's title, company or URL",
)
def update_application(
    id: UUID, body: ApplicationPatch, principal: CurrentPrincipal, conn: Connection
) -> ApplicationOut:
    from cvpath.db.applications import DETAIL_COLUMNS
    from cvpath.db.applications import update_application as update

    details = {name: getattr(body, name) for name in DETAIL_COLUMNS if name in body.model_fields_set}
    application = update(
        conn,
        principal.owner,
        id,
        details=details,
        step=body.workflow_step,
        abandoned=body.abandoned,
        abandonment_reason=body.abandonment_reason,
    )
    return ApplicationOut.of(application)
