"""The render function as state machine tasks: documents come from and go to S3.

Why S3 and not the state payload: Step Functions caps a state's input and
output at 256 KB, and a CV PDF or its text can exceed that. boto3 is imported
here only, so the HTTP render path never pays for it.
"""

from __future__ import annotations

from typing import Any

from cvpath.telemetry import report_error
from cvpath_render import service
from cvpath_render.requests import ExtractTextTask, RenderTask, S3Location

# The text is returned inline below this size; above it, an output location is required.
INLINE_TEXT_LIMIT = 64 * 1024


def _s3() -> Any:
    import boto3

    return boto3.client("s3")


def run_extract(event: dict[str, Any]) -> dict[str, Any]:
    task = service.parse_model(ExtractTextTask, event)
    try:
        source = task.document
        if source.s3 is not None:
            data = _s3().get_object(Bucket=source.s3.bucket, Key=source.s3.key)["Body"].read()
        else:
            data = source.inline_bytes()
        result = service.extract(data, filename=source.filename, content_type=source.content_type)
        body = service.extracted_body(result, with_text=task.output is None)
        if task.output is not None:
            _put(task.output, result.text.encode("utf-8"), "text/plain; charset=utf-8")
            body["text"] = None
            body["output"] = task.output.model_dump(by_alias=True)
        elif len(result.text.encode("utf-8")) > INLINE_TEXT_LIMIT:
            from cvpath.errors import ValidationFailed

            raise ValidationFailed(
                "the extracted text is too large to return inline; give an output location"
            )
        return body
    except Exception as exc:
        report_error("render.extract_text_task", exc)
        raise


def run_render(event: dict[str, Any]) -> dict[str, Any]:
    task = service.parse_model(RenderTask, event)
    try:
        artifacts = service.render(task.render)
        written = []
        for artifact in artifacts:
            location = S3Location(
                bucket=task.output.bucket, key=f"{task.output.key.rstrip('/')}/{artifact.filename}"
            )
            _put(location, artifact.data, artifact.content_type)
            written.append(
                {**service.describe(artifact, with_data=False), "s3": location.model_dump(by_alias=True)}
            )
        return {"artifacts": written}
    except Exception as exc:
        report_error("render.render_task", exc)
        raise


def _put(location: S3Location, data: bytes, content_type: str) -> None:
    _s3().put_object(Bucket=location.bucket, Key=location.key, Body=data, ContentType=content_type)
