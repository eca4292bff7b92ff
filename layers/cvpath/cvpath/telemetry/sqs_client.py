"""The in-process telemetry client: buffers events and sends them to the telemetry queue in batches.

Contract (``TelemetryClient``): ``emit`` never raises into business code. A send
waits at most about a second (connect and read timeouts of 1 s, no retries);
whatever cannot be sent is dropped, counted in ``dropped`` and logged once.

Why drop rather than retry: telemetry must not slow a CV run down, and the
events of one process are not worth a second of a user's wait.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import uuid
from collections import deque
from datetime import UTC, datetime
from typing import Any

from cvpath.telemetry.client import TelemetryEvent
from cvpath.telemetry.events import EVENT_MODELS, Envelope, ErrorReport, EventModel

logger = logging.getLogger(__name__)

SEND_BATCH = 10  # SendMessageBatch's maximum
_SOURCES = {"frontend", "api", "admin", "agent", "render", "telemetry", "pipeline", "cli"}


def send_batch(sqs: Any, queue_url: str, envelopes: list[Envelope]) -> dict[int, str]:
    """One ``SendMessageBatch`` (at most 10 envelopes); returns ``{index: reason}`` of refused entries.

    Transport errors (no endpoint, missing queue, throttling) propagate: the caller decides.
    """
    entries = [
        {
            "Id": str(index),
            "MessageBody": envelope.to_body(),
            "MessageAttributes": {"kind": {"DataType": "String", "StringValue": envelope.kind}},
        }
        for index, envelope in enumerate(envelopes)
    ]
    answer = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
    return {
        int(failed["Id"]): str(failed.get("Code") or "send_failed") for failed in answer.get("Failed", [])
    }


def sqs_client(*, connect_timeout: float = 1, read_timeout: float = 1, attempts: int = 1) -> Any:
    """A boto3 SQS client with short timeouts; boto3 is imported here so importers stay light."""
    import boto3
    from botocore.config import Config

    config = Config(
        connect_timeout=connect_timeout,
        read_timeout=read_timeout,
        retries={"total_max_attempts": attempts, "mode": "standard"},
    )
    return boto3.client("sqs", config=config)


def _error_source(source: str) -> str:
    head = re.split(r"[./:]", source, maxsplit=1)[0].lower()
    if head in _SOURCES:
        return head
    return head[:-1] if head.endswith("s") and head[:-1] in _SOURCES else "api"


def _json_safe(value: Any) -> Any:
    return json.loads(json.dumps(value, default=str))


def envelope_of(event: TelemetryEvent) -> Envelope:
    """The queue envelope of an in-process event; raises ``ValueError``/``ValidationError`` when invalid.

    ``report_error`` payloads (source, error_type, code, message, fingerprint,
    context) become an ``ErrorReport``; other kinds carry their model's fields.
    """
    payload = dict(event.payload)
    if event.kind == "error" and "source" in payload:
        source = str(payload["source"])
        context = _json_safe(payload.get("context") or {})
        run_id = context.get("run_id") if isinstance(context, dict) else None
        data: EventModel = ErrorReport(
            microservice=_error_source(source),
            function_name=source[:200],
            error_type=str(payload.get("error_type") or "Error")[:200],
            message=str(payload.get("message") or "")[:2000],
            fingerprint=payload.get("fingerprint"),
            request_context={"source": source, "code": payload.get("code"), **(context or {})},
            run_id=_uuid_or_none(run_id),
        )
    else:
        data = EVENT_MODELS[event.kind].model_validate(_json_safe(payload))
    data = data.model_copy(update={"event_id": event.event_id, "occurred_at": event.occurred_at})
    return Envelope.wrap(event.kind, data, datetime.now(UTC))


def _uuid_or_none(value: Any) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value)) if value else None
    except ValueError:
        return None


class SqsTelemetry:
    """Buffers up to ``capacity`` envelopes (dropping the oldest when full) and sends them 10 at a time."""

    def __init__(self, queue_url: str, *, capacity: int = 1000, sqs: Any | None = None) -> None:
        self.queue_url = queue_url
        self.capacity = capacity
        self.sent = 0
        self.dropped = 0
        self._sqs = sqs
        self._buffer: deque[Envelope] = deque()
        self._lock = threading.Lock()
        self._send_lock = threading.Lock()
        self._warned = False

    def emit(self, event: TelemetryEvent) -> None:
        try:
            envelope = envelope_of(event)
            with self._lock:
                if len(self._buffer) >= self.capacity:
                    self._buffer.popleft()
                    self.dropped += 1
                self._buffer.append(envelope)
                full = len(self._buffer) >= SEND_BATCH
            if full:
                self.flush()
        except Exception as exc:  # noqa: BLE001 - the contract: never raise into business code
            self._lost(1, exc)

    def flush(self) -> None:
        """Send everything buffered, 10 per request. Never raises; failures are dropped and counted."""
        with self._send_lock:
            while True:
                with self._lock:
                    batch = [self._buffer.popleft() for _ in range(min(SEND_BATCH, len(self._buffer)))]
                if not batch:
                    return
                try:
                    if self._sqs is None:
                        self._sqs = sqs_client()
                    refused = send_batch(self._sqs, self.queue_url, batch)
                except Exception as exc:  # noqa: BLE001 - SQS down: drop, count, carry on
                    # Why drop the rest too: each further try would cost the caller another timeout.
                    with self._lock:
                        lost = len(batch) + len(self._buffer)
                        self._buffer.clear()
                    self._lost(lost, exc)
                    return
                self.sent += len(batch) - len(refused)
                if refused:
                    self._lost(len(refused), RuntimeError(",".join(sorted(set(refused.values())))))

    def _lost(self, count: int, exc: BaseException) -> None:
        with self._lock:
            self.dropped += count
            first = not self._warned
            self._warned = True
        if first:
            # Only the class name: a message could quote the event. Later losses are only counted.
            logger.warning(
                "telemetry events dropped (%s); further drops are only counted", type(exc).__name__
            )
