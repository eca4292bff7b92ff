"""The Render state: the run's tailored CV (and, if asked, a cover letter) to ATS-checked files in S3.

Inputs come from the run's outputs in Postgres (``tailor_data``); files go to
``s3://<artifacts bucket>/runs/<run_id>/<filename>``. Every file is read back
and matched against its input before it is stored (a failure raises
``AtsCheckFailed``), so each artifact listed has passed that check. A retry
renders again and overwrites the same keys; the cover letter is stored once
(first write wins) and reused.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Literal, TypeVar
from uuid import UUID

import psycopg
from pydantic import BaseModel, ConfigDict, ValidationError

from cvpath.db.agent_outputs import OutputKind, Provenance, read_output, write_outputs
from cvpath.db.runs import RunRecord, load_run
from cvpath.errors import AgentInputMissing
from cvpath.models import Analysis, Job, TailoredCV
from cvpath_render import service
from cvpath_render.cover_letter import CoverLetter
from cvpath_render.inputs import validation_failed
from cvpath_render.output import DOCX, PDF
from cvpath_render.requests import RenderRequest, S3Location

M = TypeVar("M", bound=BaseModel)
# The step that writes each input of Render: named when one is missing.
PRODUCERS: dict[str, str] = {
    "TAILORED_CV": "CV_TAILOR",
    "PARSED_JOB": "JOB_PARSER",
    "ANALYSIS": "JOB_ANALYZER",
}


class RenderOptions(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    engine: Literal["v1", "v2"] = "v1"
    cover_letter: Literal["none", "pdf", "docx"] = "none"
    # The tailored CV as an editable DOCX too, beside the PDF.
    cv_docx: bool = False


class RenderRunEvent(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    run_id: UUID
    render: RenderOptions = RenderOptions()


@dataclass(frozen=True)
class RunFile:
    kind: Literal["cv_pdf", "cv_docx", "cover_letter_pdf", "cover_letter_docx"]
    filename: str
    content_type: str
    data: bytes
    pages: int | None


def render_run(event: object, conn: psycopg.Connection[Any], s3: Any, bucket: str) -> dict[str, Any]:
    """Render the run's files, store them in ``bucket`` and return where they are."""
    task = service.parse_model(RenderRunEvent, event)
    run = load_run(conn, task.run_id)
    tailored_json = stored_json(conn, run, "TAILORED_CV")
    files = [render_tailored_cv(tailored_json, task.render.engine)]
    if task.render.cv_docx:
        files.append(render_tailored_cv_docx(tailored_json))
    if task.render.cover_letter != "none":
        tailored = stored(conn, run, "TAILORED_CV", TailoredCV)
        letter = run_cover_letter(conn, run, tailored)
        files.append(render_letter(letter, tailored, task.render.cover_letter))
    artifacts = []
    for file in files:
        location = S3Location(bucket=bucket, key=f"runs/{run.id}/{file.filename}")
        s3.put_object(Bucket=location.bucket, Key=location.key, Body=file.data, ContentType=file.content_type)
        artifacts.append(
            {
                "kind": file.kind,
                "filename": file.filename,
                "bytes": len(file.data),
                "pages": file.pages,
                "s3": {"bucket": location.bucket, "key": location.key},
                # A file that failed the ATS self-check raised before it got here.
                "ats_passed": True,
            }
        )
    return {"run_id": str(run.id), "artifacts": artifacts}


def render_tailored_cv(tailored: dict[str, Any], engine: str) -> RunFile:
    """The tailored CV as PDF, through the same request ``cvpath render`` builds."""
    request = service.parse_model(
        RenderRequest, {"cv": tailored, "engine": engine, "format": "pdf", "outputMode": "pdf_only"}
    )
    (artifact,) = service.render(request)
    return RunFile("cv_pdf", "tailored_cv.pdf", PDF, artifact.data, artifact.pages)


def render_tailored_cv_docx(tailored: dict[str, Any]) -> RunFile:
    """The tailored CV as DOCX, ATS-checked like the PDF."""
    request = service.parse_model(RenderRequest, {"cv": tailored, "format": "docx"})
    (artifact,) = service.render(request)
    return RunFile("cv_docx", "tailored_cv.docx", DOCX, artifact.data, None)


def render_letter(letter: CoverLetter, sender: TailoredCV, letter_format: str) -> RunFile:
    from cvpath_render.api import render_cover_letter_docx, render_cover_letter_pdf

    if letter_format == "docx":
        docx = render_cover_letter_docx(letter, sender=sender)
        return RunFile("cover_letter_docx", "cover_letter.docx", DOCX, docx.docx, None)
    pdf = render_cover_letter_pdf(letter, sender=sender)
    return RunFile("cover_letter_pdf", "cover_letter.pdf", PDF, pdf.pdf, pdf.pages)


def run_cover_letter(conn: psycopg.Connection[Any], run: RunRecord, tailored: TailoredCV) -> CoverLetter:
    """The run's stored cover letter, composed and stored (as COVER_LETTER) the first time."""
    from cvpath_render.letter_composer import COMPOSER_VERSION, compose_cover_letter

    existing = read_output(conn, run.id, "COVER_LETTER")
    if existing is None:
        job = stored(conn, run, "PARSED_JOB", Job)
        analysis = stored(conn, run, "ANALYSIS", Analysis)
        letter = compose_cover_letter(tailored, job, analysis)
        (row,) = write_outputs(
            conn, run, [("COVER_LETTER", letter)], Provenance(prompt_version=COMPOSER_VERSION)
        )
        if row.created:
            return letter
    # Stored before (a retry, or a concurrent attempt won): the first letter is the letter.
    return stored(conn, run, "COVER_LETTER", CoverLetter)


def stored_json(conn: psycopg.Connection[Any], run: RunRecord, kind: OutputKind) -> dict[str, Any]:
    row = read_output(conn, run.id, kind)
    if row is None:
        raise AgentInputMissing(
            f"Render needs the {kind} output of run {run.id}: run {PRODUCERS.get(kind, 'its step')} first",
            details={
                "run_id": str(run.id),
                "state": "Render",
                "missing": kind,
                "run_first": PRODUCERS.get(kind),
            },
        )
    content: dict[str, Any] = json.loads(row.content_json)
    return content


def stored(conn: psycopg.Connection[Any], run: RunRecord, kind: OutputKind, model: type[M]) -> M:
    try:
        return model.model_validate_json(json.dumps(stored_json(conn, run, kind)))
    except ValidationError as exc:
        raise validation_failed(f"stored {kind} of run {run.id}", exc) from None
