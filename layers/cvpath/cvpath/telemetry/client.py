"""The telemetry interface every producer uses.

Why an interface first: the render function must report its failures now, while
the SQS client and its consumer come with the telemetry issue. Producers call
``report_error`` / ``get_telemetry().emit``; swapping the no-op for the SQS
client changes no producer.

Contract for every client: ``emit`` never raises and never blocks on I/O.
"""

from __future__ import annotations

import contextlib
import hashlib
import uuid
from datetime import UTC, datetime
from typing import Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field

from cvpath.errors import CVPathError

EventKind = Literal["page_view", "action", "llm_request", "error"]


class TelemetryEvent(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: uuid.UUID = Field(default_factory=uuid.uuid4)
    kind: EventKind
    occurred_at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    payload: dict[str, Any]


class TelemetryClient(Protocol):
    def emit(self, event: TelemetryEvent) -> None: ...


class NoOpTelemetry:
    """Drops events. The default until a real client is configured."""

    def emit(self, event: TelemetryEvent) -> None:
        return None


class CollectingTelemetry:
    """Keeps events in memory (tests, local tools), like ``CollectingRecorder`` for LLM attempts."""

    def __init__(self) -> None:
        self.events: list[TelemetryEvent] = []

    def emit(self, event: TelemetryEvent) -> None:
        self.events.append(event)


_client: TelemetryClient = NoOpTelemetry()


def get_telemetry() -> TelemetryClient:
    return _client


def set_telemetry(client: TelemetryClient) -> TelemetryClient:
    """Install ``client`` process-wide; returns the previous one (tests restore it)."""
    global _client
    previous, _client = _client, client
    return previous


def fingerprint(source: str, error: BaseException) -> str:
    """Groups occurrences of one failure: same source, error class and code."""
    code = error.code if isinstance(error, CVPathError) else "unhandled"
    return hashlib.sha256(f"{source}|{type(error).__name__}|{code}".encode()).hexdigest()[:32]


def report_error(source: str, error: BaseException, **context: Any) -> None:
    """Report a failure without blocking. Only our own messages travel, never input text.

    Why not ``str(error)`` for foreign exceptions: a library's message can quote
    the document or request that failed, which is personal data.
    """
    ours = error if isinstance(error, CVPathError) else None
    payload = {
        "source": source,
        "error_type": type(error).__name__,
        "code": ours.code if ours else "unhandled",
        "message": ours.message if ours else type(error).__name__,
        "fingerprint": fingerprint(source, error),
        "context": context,
    }
    # Telemetry must never break the caller, whatever the client does.
    with contextlib.suppress(Exception):
        _client.emit(TelemetryEvent(kind="error", payload=payload))


def configure_from_settings() -> TelemetryClient:
    """Install the client the settings call for: ``SqsTelemetry`` when a queue URL is set, else the no-op.

    Returns the installed client. Idempotent for the same queue URL, so every
    entry point may call it at import time.
    """
    from cvpath.config import get_settings
    from cvpath.telemetry.sqs_client import SqsTelemetry

    queue_url = get_settings().telemetry_queue_url
    if not queue_url:
        if isinstance(_client, SqsTelemetry):
            set_telemetry(NoOpTelemetry())
        return _client
    if not (isinstance(_client, SqsTelemetry) and _client.queue_url == queue_url):
        set_telemetry(SqsTelemetry(queue_url))
    return _client


def flush_telemetry() -> None:
    """Send what the installed client buffers (end of a Lambda invocation, end of a CLI command)."""
    flush = getattr(_client, "flush", None)
    if callable(flush):
        with contextlib.suppress(Exception):
            flush()
