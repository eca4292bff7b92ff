"""The render function as state machine tasks: documents come from and go to S3.

Why S3 and not the state payload: Step Functions caps a state's input and
output at 256 KB, and a CV PDF or its text can exceed that. boto3 is imported
here only, so the HTTP render path never pays for it.

``extract_cv_handler`` and ``render_run_handler`` are the tailoring state
machine's ExtractText and Render states (ids in, ids and S3 locations out);
``run_extract`` and ``run_render`` serve the generic render tasks.
"""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.typing import LambdaContext

from cvpath.config import get_settings
from cvpath.errors import ConfigurationError
from cvpath.pipeline_errors import task_errors
from cvpath.telemetry import report_error
from cvpath_render import service
from cvpath_render.requests import ExtractTextTask, RenderTask, S3Location

logger = Logger(service="render")

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


@logger.inject_lambda_context(clear_state=True)
def extract_cv_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """ExtractText: the uploaded CV's text becomes the run's snapshot; returns its id, chars and pages."""
    from cvpath.db.pool import step_connection
    from cvpath_render.run_extract import extract_run_cv

    with task_errors(logger, "render.ExtractText", event):
        logger.append_keys(run_id=str(event.get("run_id")) if isinstance(event, dict) else None)
        with step_connection() as conn:
            result = extract_run_cv(event, conn, _s3())
    logger.info("CV text extracted", extra={"chars": result["chars"], "pages": result["pages"]})
    return result


@logger.inject_lambda_context(clear_state=True)
def render_run_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Render: the tailored CV (and cover letter) to S3 under runs/<run_id>/; returns the artifacts."""
    from cvpath.db.pool import step_connection
    from cvpath_render.run_render import render_run

    with task_errors(logger, "render.Render", event):
        logger.append_keys(run_id=str(event.get("run_id")) if isinstance(event, dict) else None)
        bucket = get_settings().artifacts_bucket
        if not bucket:
            raise ConfigurationError("ARTIFACTS_BUCKET is not set: the Render state has nowhere to put files")
        with step_connection() as conn:
            result = render_run(event, conn, _s3(), bucket)
    logger.info("run rendered", extra={"artifacts": [a["filename"] for a in result["artifacts"]]})
    return result
