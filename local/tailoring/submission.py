"""What ``cvpath tailor`` hands the state machine: the run's rows, the uploaded CV, the execution input.

Everything a run needs is recorded before the execution starts, the way the
public API will do it: the job text snapshot, the CV (as a text or JSON Resume
snapshot, or as a PDF/DOCX upload in S3 that the ExtractText state reads), and a
QUEUED run row. The execution input carries ids and locations only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from uuid import UUID, uuid4

import psycopg

from cvpath.db.runs import Owner, insert_guest, insert_import, insert_job_text, insert_run
from cvpath.errors import DocumentTooLarge, EmptyDocument, ValidationFailed

CvFormat = Literal["PDF", "DOCX", "TEXT", "JSON_RESUME"]
Engine = Literal["v1", "v2"]
CoverLetter = Literal["none", "pdf", "docx"]

# The largest CV upload taken at all (the extraction gate then applies its own, lower limit).
MAX_CV_BYTES = 50 * 1024 * 1024
MAX_JOB_BYTES = 1024 * 1024


@dataclass(frozen=True)
class CvFile:
    path: Path
    format: CvFormat
    data: bytes

    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass(frozen=True)
class RunOptions:
    engine: Engine = "v2"
    cover_letter: CoverLetter = "none"
    provider: str | None = None
    user_id: UUID | None = None


@dataclass(frozen=True)
class Submission:
    run_id: UUID
    owner: Owner
    execution_input: dict[str, Any]


def _read(path: Path, what: str, limit: int) -> bytes:
    try:
        if path.is_dir():
            raise ValidationFailed(
                f"the {what} {path} is a directory, not a file", details={"path": str(path)}
            )
        with path.open("rb") as handle:
            data = handle.read(limit + 1)
    except FileNotFoundError:
        raise ValidationFailed(f"the {what} {path} does not exist", details={"path": str(path)}) from None
    except OSError as exc:
        raise ValidationFailed(
            f"the {what} {path} cannot be read: {exc.strerror}", details={"path": str(path)}
        ) from None
    if len(data) > limit:
        raise DocumentTooLarge(
            f"the {what} {path.name} is larger than {limit // (1024 * 1024)} MB",
            details={"path": str(path), "limit_bytes": limit},
        )
    return data


def read_cv(path: Path) -> CvFile:
    """The CV file and its format, decided by its bytes (a renamed file is still what it is)."""
    data = _read(path, "CV file", MAX_CV_BYTES)
    if not data.strip():
        raise EmptyDocument(f"the CV file {path.name} is empty", details={"path": str(path)})
    if data.startswith(b"%PDF"):
        return CvFile(path, "PDF", data)
    if data.startswith(b"PK\x03\x04"):
        return CvFile(path, "DOCX", data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed(
            f"the CV file {path.name} is neither a PDF, a DOCX, JSON nor UTF-8 text",
            details={"path": str(path)},
        ) from None
    if path.suffix.lower() == ".json" or text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValidationFailed(
                f"the CV file {path.name} is not valid JSON: {exc.msg} (line {exc.lineno})",
                details={"path": str(path)},
            ) from None
        if not isinstance(document, dict):
            raise ValidationFailed(f"the CV file {path.name} must hold a JSON Resume object")
        return CvFile(path, "JSON_RESUME", data)
    return CvFile(path, "TEXT", data)


def read_job(path: Path) -> str:
    """The job description's text; ``ValidationFailed`` when it is missing, empty or not text."""
    data = _read(path, "job file", MAX_JOB_BYTES)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationFailed(f"the job file {path.name} is not UTF-8 text") from None
    if not text.strip():
        raise ValidationFailed(f"the job description in {path.name} is empty", details={"path": str(path)})
    return text


def submit(
    conn: psycopg.Connection[Any], s3: Any, bucket: str, cv: CvFile, job_text: str, options: RunOptions
) -> Submission:
    """Record the run (one transaction) and upload the CV; the execution input to start it with.

    The upload comes first: a failed upload leaves no run row behind, and an
    object without a run is harmless (the bucket's lifecycle rule expires uploads).
    """
    run_id = uuid4()
    s3_location: dict[str, str] | None = None
    if cv.format in ("PDF", "DOCX"):
        s3_location = {"bucket": bucket, "key": f"uploads/{run_id}/{cv.path.name}"}
        content_type = "application/pdf" if cv.format == "PDF" else _DOCX
        s3.put_object(Bucket=bucket, Key=s3_location["key"], Body=cv.data, ContentType=content_type)
    with conn.transaction():
        owner = _owner(conn, options.user_id)
        import_id = None
        if cv.format == "TEXT":
            import_id = insert_import(conn, owner, raw_text=cv.text(), file_name=cv.path.name)
        elif cv.format == "JSON_RESUME":
            import_id = insert_import(
                conn,
                owner,
                content=json.loads(cv.text()),
                source_format="JSON_RESUME",
                file_name=cv.path.name,
            )
        job_id = insert_job_text(conn, owner, job_text)
        run_options: dict[str, Any] = {"cover_letter": options.cover_letter, "cv_file": cv.path.name}
        if options.provider:
            run_options["provider"] = options.provider
        insert_run(
            conn,
            owner,
            import_data_id=import_id,
            job_data_id=job_id,
            run_id=run_id,
            engine=options.engine,
            options=run_options,
        )
    execution_input = {
        "run_id": str(run_id),
        "cv": {"format": cv.format, "filename": cv.path.name, "s3": s3_location},
        "render": {"engine": options.engine, "cover_letter": options.cover_letter},
    }
    return Submission(run_id, owner, execution_input)


_DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _owner(conn: psycopg.Connection[Any], user_id: UUID | None) -> Owner:
    if user_id is None:
        return Owner(guest_id=insert_guest(conn))
    row = conn.execute("SELECT 1 FROM public.users WHERE id = %s", [user_id]).fetchone()
    if row is None:
        raise ValidationFailed(f"there is no user {user_id}", details={"user_id": str(user_id)})
    return Owner(user_id=user_id)
