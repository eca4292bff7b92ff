"""Lambda entry points of the render function: HTTP routes and state machine tasks.

Thin by design: parse the event into a model, call ``cvpath_render.service``,
return. Errors become ``{"error": {code, message, details}}`` on HTTP; a task
lets the named error propagate so the ASL's Retry/Catch can match its name.
"""

from __future__ import annotations

import json
from typing import Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from aws_lambda_powertools.utilities.typing import LambdaContext

from cvpath.errors import CVPathError
from cvpath.telemetry import report_error
from cvpath_render import service, tasks
from cvpath_render.requests import DocumentSource, RenderRequest, decode_base64

logger = Logger(service="render")
app = APIGatewayHttpResolver()


def _json(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body))


@app.exception_handler(CVPathError)  # type: ignore[untyped-decorator]
def _named_error(exc: CVPathError) -> Response[str]:
    logger.warning("request refused", extra={"code": exc.code, "path": app.current_event.path})
    report_error(f"render{app.current_event.path}", exc)
    return _json(exc.http_status, exc.to_body())


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def _unexpected(exc: Exception) -> Response[str]:
    # Why not the message: a library's error text can quote the document.
    logger.exception("render failed unexpectedly")
    report_error(f"render{app.current_event.path}", exc)
    return _json(500, CVPathError("the render service failed unexpectedly").to_body())


@app.get("/render/health")
def health() -> dict[str, Any]:
    return {"status": "ok", "fonts": service.font_files()}


@app.post("/render/pdf")
def render_pdf() -> Response[Any]:
    request = service.parse_model(RenderRequest, service.json_body(app.current_event))
    artifacts = service.render(request)
    wants_json = "application/json" in (app.current_event.headers.get("accept") or "")
    if len(artifacts) == 1 and not wants_json:
        only = artifacts[0]
        headers = {"Content-Disposition": f'attachment; filename="{only.filename}"'}
        return Response(status_code=200, content_type=only.content_type, body=only.data, headers=headers)
    return _json(200, {"artifacts": [service.describe(a, with_data=True) for a in artifacts]})


@app.post("/render/extract-text")
def extract_text() -> dict[str, Any]:
    event = app.current_event
    if (event.headers.get("content-type") or "").startswith("application/json"):
        source = service.parse_model(DocumentSource, service.json_body(event))
        data = source.inline_bytes(field="dataBase64 (the HTTP path takes documents inline)")
        filename, content_type = source.filename, source.content_type
    else:
        raw = event.body or ""
        data = decode_base64(raw, field="body") if event.is_base64_encoded else raw.encode()
        filename = (event.query_string_parameters or {}).get("filename")
        content_type = event.headers.get("content-type")
    result = service.extract(data, filename=filename, content_type=content_type)
    return service.extracted_body(result)


@logger.inject_lambda_context
def http_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)


@logger.inject_lambda_context
def extract_text_task(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return tasks.run_extract(event)


@logger.inject_lambda_context
def render_task(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return tasks.run_render(event)
