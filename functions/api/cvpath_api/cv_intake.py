"""A master CV as sent to the API: read (JSON, or a file through extraction and CV_PARSER), checked, stored.

Order for a file: extract and parse, then look for a duplicate, then store the
file in S3, then write the row. Why not S3 first: a refused or duplicate upload
then writes nothing anywhere, with no cleanup that could itself fail; only a
failed database write has to delete the object it just stored. A local or test
run without a bucket saves the version without its file (deployed, that is a 500).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from cvpath.errors import CVPathError, DocumentTooLarge, ValidationFailed
from cvpath_api import aws
from cvpath_api.cv_models import CvJsonBody
from cvpath_api.models import holds_nul
from cvpath_api.uploads import DOCX, JSON, MARKDOWN, PDF, TEXT

if TYPE_CHECKING:
    from cvpath.db.master_cvs import CvVersion, NewVersion, Saved
    from cvpath.db.runs import Owner
    from cvpath.models import CV

ModelT = TypeVar("ModelT", bound=BaseModel)
logger = logging.getLogger("cvpath.api")

MEDIA_TYPES = (JSON, PDF, DOCX, TEXT, MARKDOWN)
_FILE_FORMATS = {PDF: "PDF", DOCX: "DOCX", TEXT: "TEXT", MARKDOWN: "TEXT"}
_DEFAULT_NAMES = {PDF: "cv.pdf", DOCX: "cv.docx", TEXT: "cv.txt", MARKDOWN: "cv.md"}
# The canonical JSON of a real CV is a few tens of KB; this bounds a pasted or generated one.
MAX_CV_JSON_BYTES = 1024 * 1024


class StorageUnavailable(CVPathError):
    """The uploaded file could not be stored (S3 refused or is unreachable); nothing was saved."""

    http_status = 503
    code = "storage_unavailable"


@dataclass(frozen=True)
class CvPayload:
    data: bytes
    media_type: str
    filename: str | None
    label: str | None

    @property
    def is_file(self) -> bool:
        return self.media_type != JSON


def save(
    owner: Owner,
    payload: CvPayload,
    new: NewVersion,
    *,
    duplicate: Callable[[], CvVersion | None],
    write: Callable[[NewVersion], Saved],
) -> Saved:
    """Write ``new``, storing the uploaded file first when there is one and the content is new."""
    from cvpath.db.master_cvs import Saved

    if not payload.is_file:
        return write(new)
    existing = duplicate()
    if existing is not None:
        return Saved(existing, created=False)
    new = replace(new, source_file=_store_upload(owner, new.id, payload))
    try:
        saved = write(new)
    except BaseException:
        _delete_upload(new.source_file)
        raise
    if not saved.created:  # a concurrent request saved the same content first
        _delete_upload(new.source_file)
    return saved


def new_version(payload: CvPayload) -> NewVersion:
    from cvpath.db.master_cvs import NewVersion

    if payload.is_file:
        cv, raw_text = _read_file(payload)
        source_format, label = _FILE_FORMATS[payload.media_type], payload.label
    else:
        body = _validated(CvJsonBody, payload.data, ("body",))
        cv, raw_text = _read_json(body), None
        source_format = "BUILDER" if body.cv is not None else "JSON_RESUME"
        label = body.label or payload.label
    _refuse_empty(cv, from_file=payload.is_file)
    content = cv.model_dump(mode="json")
    _check_storable(content, raw_text)
    return NewVersion(content=content, source_format=source_format, label=label, raw_text=raw_text)


def _read_json(body: CvJsonBody) -> CV:
    from cvpath.models import CV, cv_from_json_resume

    if body.cv is not None:
        # JSON mode: the model is strict, and dates and the like arrive as JSON strings.
        return _validated(CV, json.dumps(body.cv).encode(), ("body", "cv"))
    try:
        return cv_from_json_resume(body.json_resume)
    except ValidationError as exc:
        raise _request_error(exc, ("body", "json_resume")) from None


def _read_file(payload: CvPayload) -> tuple[CV, str]:
    from cvpath.agents.base import AgentDeps
    from cvpath.agents.cv_parser import AGENT
    from cvpath.agents.inputs import MAX_CV_CHARS, CVParserInput
    from cvpath.documents.extract import extract_text
    from cvpath.documents.models import ExtractionLimits

    # The parser takes at most MAX_CV_CHARS: tighter than the gate's default, and refused as the gate refuses.
    extracted = extract_text(
        payload.data,
        filename=payload.filename,
        content_type=payload.media_type,
        limits=ExtractionLimits(max_characters=MAX_CV_CHARS),
    )
    outcome = AGENT.run(CVParserInput(text=extracted.text), AgentDeps.offline())
    return outcome.output, extracted.text


def _refuse_empty(cv: CV, *, from_file: bool) -> None:
    """A CV with no name, no entry and almost no text of its own is not saved (the CV_VALIDATOR's gate)."""
    from cvpath.agents.offline.cv_validator import MIN_CV_TEXT_CHARS, cv_own_text
    from cvpath.errors import UnparseableCV

    has_name = cv.basics is not None and bool((cv.basics.name or "").strip())
    own_chars = sum(1 for char in cv_own_text(cv) if not char.isspace())
    if has_name or any(True for _ in cv.entries()) or own_chars >= MIN_CV_TEXT_CHARS:
        return
    if from_file:
        raise UnparseableCV(
            "The CV could not be read: no name, no entries and almost no text were found. "
            "Upload a text-based PDF, a DOCX or plain text.",
            details={"reason": "nothing_parsed"},
        )
    raise ValidationFailed("the CV is empty: give at least a name or one entry", details={"reason": "empty"})


def _check_storable(content: dict[str, Any], raw_text: str | None) -> None:
    text = json.dumps(content, ensure_ascii=False)
    try:
        size = len(text.encode("utf-8"))
        if raw_text is not None:
            raw_text.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationFailed("the CV holds text that is not valid Unicode (a lone surrogate)") from None
    if size > MAX_CV_JSON_BYTES:
        raise DocumentTooLarge(
            f"the CV is larger than {MAX_CV_JSON_BYTES // 1024} KB as JSON",
            details={"limit_bytes": MAX_CV_JSON_BYTES},
        )
    # PostgreSQL's jsonb cannot hold the NUL character; extracted text has it removed already.
    if holds_nul(content):
        raise ValidationFailed("the CV holds a NUL character")


def _validated(model: type[ModelT], data: bytes, loc: tuple[str, ...]) -> ModelT:
    try:
        return model.model_validate_json(data)
    except ValidationError as exc:
        raise _request_error(exc, loc) from None


def _request_error(exc: ValidationError, loc: tuple[str, ...]) -> RequestValidationError:
    """The same 422 as a body FastAPI validated itself: locations and rules, never the values."""
    errors = exc.errors(include_input=False, include_url=False)
    return RequestValidationError([{**error, "loc": (*loc, *error["loc"])} for error in errors])


# --- the uploaded file in S3 ------------------------------------------------------


def _store_upload(owner: Owner, version_id: UUID, payload: CvPayload) -> dict[str, Any]:
    from botocore.exceptions import BotoCoreError, ClientError

    from cvpath.config import get_settings
    from cvpath.errors import ConfigurationError

    facts: dict[str, Any] = {
        "file_name": payload.filename,
        "size_bytes": len(payload.data),
        "content_type": payload.media_type,
    }
    settings = get_settings()
    bucket = settings.artifacts_bucket
    if not bucket:
        # Why only locally: a bare local app or the test suite has no bucket, and the version keeps
        # its text and content anyway; a deployed stack without one is broken and must say so.
        if settings.environment in ("local", "test"):
            logger.warning("no artifacts bucket: a CV upload is saved without its file")
            return facts
        raise ConfigurationError("no artifacts bucket is configured (ARTIFACTS_BUCKET) to keep CV files in")
    kind, owner_id = ("user", owner.user_id) if owner.user_id is not None else ("guest", owner.guest_id)
    key = f"cvs/{kind}/{owner_id}/{version_id}/{_safe_name(payload)}"
    try:
        aws.client("s3").put_object(Bucket=bucket, Key=key, Body=payload.data, ContentType=payload.media_type)
    except (BotoCoreError, ClientError) as exc:
        logger.error("storing a CV upload failed: %s", type(exc).__name__)
        raise StorageUnavailable("the CV file could not be stored right now; try again shortly") from None
    return {"s3": {"bucket": bucket, "key": key}, **facts}


def _delete_upload(source_file: dict[str, Any] | None) -> None:
    from botocore.exceptions import BotoCoreError, ClientError

    location = (source_file or {}).get("s3")
    if location is None:
        return
    try:
        aws.client("s3").delete_object(Bucket=location["bucket"], Key=location["key"])
    except (BotoCoreError, ClientError) as exc:
        # The row was not written, so the object is an orphan under the version id; the answer stands.
        logger.warning("deleting an unsaved CV upload failed: %s", type(exc).__name__)


def _safe_name(payload: CvPayload) -> str:
    """The file name as an S3 key segment: letters, digits, dot, dash, underscore; never '.' or '..'."""
    name = re.sub(r"[^A-Za-z0-9._-]+", "_", payload.filename or "").strip("._")[:100]
    return name or _DEFAULT_NAMES[payload.media_type]
