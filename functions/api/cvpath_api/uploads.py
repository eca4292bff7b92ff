"""Raw request bodies as uploads: a size cap enforced while reading, and the media type they claim.

Files are sent as the request body itself, not as multipart form data: the
route reads the body's ``Content-Type`` (``application/pdf``, the DOCX type,
``text/plain``, ``text/markdown``) and an optional ``filename`` query parameter,
e.g. ``curl --data-binary @cv.pdf -H 'Content-Type: application/pdf'``. That
needs no multipart parser in the Lambda, and maps one-to-one onto a presigned
S3 PUT when uploads later bypass the API.

Why 5 MB: a synchronous Lambda invocation carries at most 6 MB, and API
Gateway encodes a binary body as base64 (4/3 larger) before it gets there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request

from cvpath.errors import CVPathError, DocumentTooLarge

MAX_UPLOAD_BYTES = 5 * 1024 * 1024

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TEXT = "text/plain"
MARKDOWN = "text/markdown"
JSON = "application/json"
# The file types a CV or a job description may be uploaded as.
DOCUMENT_TYPES = (PDF, DOCX, TEXT, MARKDOWN)


class UnsupportedMediaType(CVPathError):
    """The body's Content-Type is not one the route takes."""

    http_status = 415
    code = "unsupported_media_type"


@dataclass(frozen=True)
class Upload:
    data: bytes
    media_type: str
    filename: str | None


def media_type(request: Request) -> str:
    """The body's media type, lower-cased, without its parameters (``; charset=utf-8``)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def require_media_type(request: Request, accepted: tuple[str, ...]) -> str:
    """The body's media type when it is one of ``accepted``; 415 naming them otherwise."""
    kind = media_type(request)
    if kind not in accepted:
        raise UnsupportedMediaType(
            f"this route takes {', '.join(accepted)}, not {kind or 'a body without a Content-Type'}",
            details={"accepted": list(accepted), "received": kind[:100]},
        )
    return kind


async def read_body(request: Request, limit: int = MAX_UPLOAD_BYTES) -> bytes:
    """The whole body, refused with 413 as soon as it passes ``limit`` bytes (never buffered past it).

    A declared ``Content-Length`` over the limit is refused before anything is read.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _too_large(limit)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(limit: int) -> DocumentTooLarge:
    return DocumentTooLarge(
        f"the upload is larger than {limit // (1024 * 1024)} MB", details={"limit_bytes": limit}
    )


FileName = Annotated[
    str | None,
    Query(
        min_length=1,
        max_length=255,
        pattern=r"^[^/\\\x00-\x1f]+$",
        description="the uploaded file's name (no path); used for messages and as the stored object's name",
    ),
]


async def document_upload(request: Request, filename: FileName = None) -> Upload:
    """A CV or job file sent as the raw body: PDF, DOCX, plain text or Markdown, at most 5 MB."""
    kind = require_media_type(request, DOCUMENT_TYPES)
    data = await read_body(request)
    return Upload(data=data, media_type=kind, filename=filename)


DocumentUpload = Annotated[Upload, Depends(document_upload)]
