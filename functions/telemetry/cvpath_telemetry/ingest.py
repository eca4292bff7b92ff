"""POST /track/* (validate, enqueue on SQS, 202) and the operators' GET /stats/*.

The hot path stays light: Powertools' resolver, pydantic and the standard
library. boto3 is imported at the first send; the stats routes import their
module (and psycopg) only when called.

A request carries one event object or ``{"events": [...]}`` (at most 100).
Valid events of a mixed batch are queued; the answer lists which were refused
and why. The answer is 202 only once SQS has accepted the messages: a crash
after it loses nothing.
"""

from __future__ import annotations

import base64
import binascii
import importlib
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.event_handler import APIGatewayHttpResolver, Response
from pydantic import ValidationError

from cvpath.config import get_settings
from cvpath.errors import CVPathError, ProviderUnavailable, ValidationFailed
from cvpath.telemetry.events import (
    EVENT_MODELS,
    MAX_BODY_BYTES,
    MAX_EVENTS_PER_REQUEST,
    Envelope,
    EventKind,
    error_list,
)
from cvpath.telemetry.sqs_client import SEND_BATCH, send_batch, sqs_client

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="telemetry")
app = APIGatewayHttpResolver()
_sqs: Any = None
STATS_MODULE = "cvpath_telemetry.stats_routes"


class InvalidEvents(ValidationFailed):
    """The request, or every event in it, is invalid (400, not 422: nothing in it can be processed)."""

    http_status = 400
    code = "invalid_events"


class PayloadTooLarge(ValidationFailed):
    http_status = 413
    code = "payload_too_large"


class TelemetryUnavailable(ProviderUnavailable):
    code = "telemetry_unavailable"


def use_sqs(client: Any) -> Any:
    """Replace the SQS client (tests, the benchmark); ``None`` makes the next send build a real one."""
    global _sqs
    previous, _sqs = _sqs, client
    return previous


def _json(status: int, body: dict[str, Any]) -> Response[str]:
    return Response(status_code=status, content_type="application/json", body=json.dumps(body))


@app.exception_handler(CVPathError)  # type: ignore[untyped-decorator]
def _named_error(exc: CVPathError) -> Response[str]:
    if exc.http_status >= 500:
        logger.warning("telemetry request refused", extra={"code": exc.code, "path": app.current_event.path})
    return _json(exc.http_status, exc.to_body())


@app.exception_handler(Exception)  # type: ignore[untyped-decorator]
def _unexpected(exc: Exception) -> Response[str]:
    logger.exception("telemetry ingest failed unexpectedly")
    return _json(500, CVPathError("the telemetry service failed unexpectedly").to_body())


def _raw_body() -> str:
    event = app.current_event
    raw = event.body or ""
    if event.is_base64_encoded:
        # Base64 is 4/3 of the bytes: refuse by length before decoding anything large.
        if len(raw) * 3 // 4 > MAX_BODY_BYTES:
            raise _too_large()
        try:
            raw = base64.b64decode(raw, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            raise InvalidEvents("the body is not valid base64 UTF-8", details={}) from None
    if len(raw) > MAX_BODY_BYTES or len(raw.encode()) > MAX_BODY_BYTES:
        raise _too_large()
    return raw


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(f"the body exceeds {MAX_BODY_BYTES} bytes", details={"max_bytes": MAX_BODY_BYTES})


def _items(raw: str) -> list[Any]:
    try:
        body = json.loads(raw)
    except ValueError:
        raise InvalidEvents("the body is not JSON", details={}) from None
    if isinstance(body, dict) and "events" in body:
        events = body["events"]
        if len(body) != 1 or not isinstance(events, list):
            raise InvalidEvents('a batch is {"events": [...]} and nothing else', details={})
        if not 1 <= len(events) <= MAX_EVENTS_PER_REQUEST:
            raise InvalidEvents(
                f"a batch holds 1 to {MAX_EVENTS_PER_REQUEST} events",
                details={"count": len(events), "max_events": MAX_EVENTS_PER_REQUEST},
            )
        return events
    if isinstance(body, dict):
        return [body]
    raise InvalidEvents('the body is an event object or {"events": [...]}', details={})


def _envelopes(kind: EventKind, items: list[Any]) -> tuple[list[tuple[int, Envelope]], list[dict[str, Any]]]:
    model = EVENT_MODELS[kind]
    received_at = datetime.now(UTC)
    valid: list[tuple[int, Envelope]] = []
    rejected: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        try:
            valid.append((index, Envelope.wrap(kind, model.model_validate(item), received_at)))
        except ValidationError as exc:
            rejected.append({"index": index, "errors": error_list(exc)})
        except ValueError as exc:
            rejected.append({"index": index, "errors": [{"loc": [], "msg": str(exc), "type": "value_error"}]})
    return valid, rejected


def _send(valid: list[tuple[int, Envelope]]) -> list[dict[str, Any]]:
    """Queue the envelopes 10 per request; returns the entries SQS refused, as rejections.

    Raises ``TelemetryUnavailable`` when nothing could be queued at all.
    """
    from botocore.exceptions import BotoCoreError, ClientError

    global _sqs
    queue_url = get_settings().telemetry_queue_url
    if not queue_url:
        raise TelemetryUnavailable(
            "no telemetry queue is configured", details={"setting": "telemetry_queue_url"}
        )
    rejected: list[dict[str, Any]] = []
    for start in range(0, len(valid), SEND_BATCH):
        chunk = valid[start : start + SEND_BATCH]
        try:
            if _sqs is None:
                _sqs = sqs_client(connect_timeout=1, read_timeout=2, attempts=2)
            refused = send_batch(_sqs, queue_url, [envelope for _, envelope in chunk])
        except (BotoCoreError, ClientError) as exc:
            if start == 0:
                raise TelemetryUnavailable(
                    "the telemetry queue is unavailable; retry later with the same event ids",
                    details={"reason": type(exc).__name__},
                ) from None
            logger.warning("telemetry queue failed mid-request", extra={"reason": type(exc).__name__})
            refused = {position: "telemetry_unavailable" for position in range(len(chunk))}
        for position, reason in refused.items():
            index, envelope = chunk[position]
            error = {"loc": [], "msg": f"the queue refused the event ({reason})", "type": "send_failed"}
            rejected.append({"index": index, "event_id": str(envelope.event_id), "errors": [error]})
    return rejected


def _track(kind: EventKind) -> Response[str]:
    items = _items(_raw_body())
    valid, rejected = _envelopes(kind, items)
    if not valid:
        raise InvalidEvents("no event in the request is valid", details={"rejected": rejected})
    refused = _send(valid)
    refused_indexes = {entry["index"] for entry in refused}
    accepted = [str(env.event_id) for index, env in valid if index not in refused_indexes]
    rejected = sorted(rejected + refused, key=lambda entry: int(entry["index"]))
    return _json(202, {"accepted": accepted, "rejected": rejected})


@app.post("/track/page-view")
def track_page_view() -> Response[str]:
    return _track("page_view")


@app.post("/track/action")
def track_action() -> Response[str]:
    return _track("action")


@app.post("/track/llm-request")
def track_llm_request() -> Response[str]:
    return _track("llm_request")


@app.post("/track/error")
def track_error() -> Response[str]:
    return _track("error")


def _stats() -> Response[str]:
    event = app.current_event
    try:
        # Imported per call, not at module load: the stats need psycopg, the ingest path must not.
        handle_stats = importlib.import_module(STATS_MODULE).handle_stats
    except ModuleNotFoundError as exc:
        if exc.name != STATS_MODULE:
            raise
        body = {"error": {"code": "not_implemented", "message": "stats are not available yet", "details": {}}}
        return _json(501, body)
    status, body = handle_stats(event.path, dict(event.query_string_parameters or {}))
    return _json(status, body)


@app.get("/stats/overview")
def stats_overview() -> Response[str]:
    return _stats()


@app.get("/stats/llm-usage")
def stats_llm_usage() -> Response[str]:
    return _stats()


@app.get("/stats/user-activity")
def stats_user_activity() -> Response[str]:
    return _stats()


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return app.resolve(event, context)
