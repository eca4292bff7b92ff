"""The ExtractText state: an uploaded PDF or DOCX in S3 -> its text as the run's CV snapshot.

The text goes to Postgres (``import_data``), never into the state's payload:
only its id and size travel on. A document the quality gate refuses (scanned,
empty, encrypted, corrupt, too large) fails the state as ``UnparseableCV``,
keeping the gate's own code in ``details``; nothing is written then.
"""

from __future__ import annotations

from typing import Any, Literal
from uuid import UUID

import psycopg
from pydantic import BaseModel, ConfigDict, Field

from cvpath.db import run_status
from cvpath.errors import DocumentRejected, UnparseableCV, ValidationFailed
from cvpath_render import service
from cvpath_render.requests import S3Location


class UploadedCV(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    format: Literal["PDF", "DOCX"]
    filename: str | None = Field(default=None, min_length=1, max_length=255)
    s3: S3Location


class ExtractCvEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    run_id: UUID
    cv: UploadedCV


def extract_run_cv(event: object, conn: psycopg.Connection[Any], s3: Any) -> dict[str, Any]:
    """Extract the run's uploaded CV and attach the text to the run (idempotent under retry)."""
    task = service.parse_model(ExtractCvEvent, event)
    data = read_upload(s3, task.cv.s3)
    try:
        result = service.extract(data, filename=task.cv.filename, content_type=None)
    except DocumentRejected as exc:
        raise UnparseableCV(
            f"the uploaded CV cannot be read: {exc.message}",
            details={**exc.details, "code": exc.code, "format": task.cv.format},
        ) from exc
    import_id = run_status.attach_import(
        conn,
        task.run_id,
        source_format=task.cv.format,
        file_name=task.cv.filename,
        file_size_bytes=len(data),
        raw_text=result.text,
    )
    return {
        "run_id": str(task.run_id),
        "import_data_id": str(import_id),
        "chars": result.characters,
        "pages": result.pages,
    }


def read_upload(s3: Any, location: S3Location) -> bytes:
    """The object's bytes; a missing object or bucket is bad input (``ValidationFailed``), not a crash."""
    from botocore.exceptions import ClientError

    try:
        body: bytes = s3.get_object(Bucket=location.bucket, Key=location.key)["Body"].read()
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "unknown"))
        if code in ("NoSuchKey", "NoSuchBucket", "404"):
            raise ValidationFailed(
                f"the uploaded CV is not readable in S3 ({code})",
                details={"bucket": location.bucket, "key": location.key, "s3_error": code},
            ) from None
        raise
    return body
