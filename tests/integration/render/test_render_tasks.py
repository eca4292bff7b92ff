"""The render function as state machine tasks, with S3 served by moto in-process."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cvpath.errors import EmptyDocument, ValidationFailed
from cvpath_render.handlers import extract_text_task, render_task

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
BUCKET = "cvpath-artifacts-test"


class FakeContext:
    function_name = "render"
    memory_limit_in_mb = 1024
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:render"
    aws_request_id = "req-1"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        client = boto3.client("s3", region_name="eu-west-1")
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
        yield client


def test_render_task_writes_artifacts_to_s3_and_returns_locations(s3: Any) -> None:
    # Given a render task with a cover letter to put in the same PDF
    event = {
        "render": {
            "cv": json.loads((EXAMPLES / "cv.json").read_text()),
            "engine": "v1",
            "outputMode": "combined_pdf",
            "coverLetter": json.loads((EXAMPLES / "cover_letter.json").read_text()),
        },
        "output": {"bucket": BUCKET, "key": "runs/r1/"},
    }
    # When the task runs
    result = render_task(event, FakeContext())  # type: ignore[arg-type]
    # Then the state output names the S3 objects, not their bytes
    (artifact,) = result["artifacts"]
    assert artifact["s3"] == {"bucket": BUCKET, "key": "runs/r1/cv_and_cover_letter.pdf"}
    assert "dataBase64" not in artifact
    assert len(json.dumps(result)) < 2048
    stored = s3.get_object(Bucket=BUCKET, Key="runs/r1/cv_and_cover_letter.pdf")
    assert stored["ContentType"] == "application/pdf"
    assert stored["Body"].read().startswith(b"%PDF-")


def test_extract_task_reads_from_s3_and_writes_the_text_back(s3: Any) -> None:
    s3.put_object(Bucket=BUCKET, Key="uploads/cv.md", Body=b"# Jane Roe\n\n- Built things\n")
    event = {
        "document": {"filename": "cv.md", "s3": {"bucket": BUCKET, "key": "uploads/cv.md"}},
        "output": {"bucket": BUCKET, "key": "runs/r1/cv.txt"},
    }
    result = extract_text_task(event, FakeContext())  # type: ignore[arg-type]
    assert result["kind"] == "markdown"
    assert result["text"] is None
    text = s3.get_object(Bucket=BUCKET, Key="runs/r1/cv.txt")["Body"].read().decode()
    assert "Jane Roe" in text
    assert "Built things" in text


def test_a_refused_document_fails_the_task_with_its_named_error(s3: Any) -> None:
    # The ASL's Catch matches on the error's class name.
    s3.put_object(Bucket=BUCKET, Key="uploads/empty.pdf", Body=b"")
    event = {"document": {"filename": "empty.pdf", "s3": {"bucket": BUCKET, "key": "uploads/empty.pdf"}}}
    with pytest.raises(EmptyDocument) as raised:
        extract_text_task(event, FakeContext())  # type: ignore[arg-type]
    assert raised.value.asl_name == "EmptyDocument"


@pytest.mark.parametrize(
    "event",
    [
        {},
        {"document": {"filename": "a.pdf"}},
        {"document": {"dataBase64": "AAAA", "s3": {"bucket": BUCKET, "key": "k"}}},
        {"document": {"dataBase64": "not base64!!"}},
    ],
)
def test_malformed_task_events_are_validation_failures(event: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed):
        extract_text_task(event, FakeContext())  # type: ignore[arg-type]


def test_the_render_path_imports_neither_boto3_nor_reportlab_at_import() -> None:
    code = (
        "import sys, cvpath_render.handlers; "
        "print(sorted(m for m in ('boto3', 'reportlab', 'pypdf', 'docx') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert out.stdout.strip() == "[]"
