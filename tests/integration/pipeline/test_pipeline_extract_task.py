"""ExtractText: an uploaded CV in (moto) S3 becomes the run's snapshot, or fails as UnparseableCV."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any
from uuid import UUID

import psycopg
import pytest

from cvpath.db import run_status
from cvpath.errors import UnparseableCV, ValidationFailed
from cvpath_render.tasks import extract_cv_handler
from local.lambda_runtime import local_context
from tests.integration.pipeline.pipeline_s3 import BUCKET, s3
from tests.unit.documents import pdf_factory

__all__ = ["s3"]  # the fixture, imported for pytest

SeedRun = Callable[..., UUID]
Conn = psycopg.Connection[Any]


def upload(s3: Any, run_id: UUID, data: bytes, filename: str = "cv.pdf") -> dict[str, Any]:
    key = f"uploads/{run_id}/{filename}"
    s3.put_object(Bucket=BUCKET, Key=key, Body=data)
    return {
        "run_id": str(run_id),
        "cv": {"format": "PDF", "filename": filename, "s3": {"bucket": BUCKET, "key": key}},
    }


def import_count(db: Conn) -> int:
    row = db.execute("SELECT count(*) FROM public.import_data").fetchone()
    assert row is not None
    return int(row[0])


def test_a_corpus_pdf_becomes_the_runs_snapshot(
    s3: Any, db: Conn, seed_run: SeedRun, corpus_dir: Path
) -> None:
    # Given a run created for an upload (no snapshot yet) and its PDF in S3
    run_id = seed_run(cv_text=None)
    data = (corpus_dir / "cvs" / "jakes_resume.pdf").read_bytes()
    event = upload(s3, run_id, data)
    # When ExtractText runs, and runs again (a retry)
    result = extract_cv_handler(event, local_context("extract"))
    retried = extract_cv_handler(event, local_context("extract"))
    # Then the run has one snapshot holding the text, and the state output is small
    assert retried == result
    assert set(result) == {"run_id", "import_data_id", "chars", "pages"}
    assert result["pages"] == 1
    assert result["chars"] > 1000
    row = db.execute(
        "SELECT r.import_data_id::text, i.source_format, i.file_name, i.file_size_bytes, length(i.raw_text) "
        "FROM public.pipeline_runs r JOIN public.import_data i ON i.id = r.import_data_id WHERE r.id = %s",
        [run_id],
    ).fetchone()
    assert row == (result["import_data_id"], "PDF", "cv.pdf", len(data), result["chars"])
    assert "Jake" in str(db.execute("SELECT raw_text FROM public.import_data").fetchone())


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (pdf_factory.image_only_pdf(), "scanned_document"),
        (b"", "empty_document"),
        (b"%PDF-1.7\n garbage that is no PDF", "corrupt_document"),
    ],
)
def test_an_unreadable_pdf_fails_as_unparseable_cv_and_writes_nothing(
    s3: Any, db: Conn, seed_run: SeedRun, data: bytes, code: str
) -> None:
    run_id = seed_run(cv_text=None)
    before = run_status.load_run_status(db, run_id)
    with pytest.raises(UnparseableCV) as refused:
        extract_cv_handler(upload(s3, run_id, data), local_context("extract"))
    assert type(refused.value) is UnparseableCV  # the ASL error name
    assert refused.value.details["code"] == code
    assert import_count(db) == 0
    assert run_status.load_run_status(db, run_id) == before


@pytest.mark.parametrize(
    "event",
    [
        {"run_id": "x", "cv": {"format": "PDF", "s3": {"bucket": BUCKET, "key": "k"}}},
        {"run_id": "00000000-0000-0000-0000-000000000001", "cv": {"format": "TEXT", "s3": None}},
        {"run_id": "00000000-0000-0000-0000-000000000001"},
    ],
)
def test_a_malformed_event_is_validation_failed(s3: Any, event: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as refused:
        extract_cv_handler(event, local_context("extract"))
    assert type(refused.value) is ValidationFailed


def test_a_missing_upload_is_validation_failed(s3: Any, db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run(cv_text=None)
    event = {
        "run_id": str(run_id),
        "cv": {"format": "PDF", "filename": "cv.pdf", "s3": {"bucket": BUCKET, "key": "uploads/none.pdf"}},
    }
    with pytest.raises(ValidationFailed, match="NoSuchKey"):
        extract_cv_handler(event, local_context("extract"))
    assert import_count(db) == 0
