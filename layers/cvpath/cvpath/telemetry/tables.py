"""Which table each telemetry kind lands in, and the row an envelope becomes.

Why envelope times: ``occurred_at`` is the producer's clock (checked at ingest)
and ``received_at`` the ingest's, so a redelivered or redriven message writes
the same row, whenever the consumer gets it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from psycopg.types.json import Jsonb

from cvpath.telemetry.events import Action, Envelope, ErrorReport, EventKind, LlmRequest, PageView


@dataclass(frozen=True)
class EventTable:
    name: str
    columns: tuple[str, ...]
    row: Callable[[Envelope], tuple[Any, ...]]


def _page_view(envelope: Envelope) -> tuple[Any, ...]:
    data = envelope.data
    assert isinstance(data, PageView)
    return (
        envelope.event_id,
        data.session_id,
        data.user_id,
        data.guest_id,
        data.path,
        data.title,
        data.referrer,
        data.duration_ms,
        data.device_type,
        data.browser,
        envelope.occurred_at,
        envelope.received_at,
    )


def _action(envelope: Envelope) -> tuple[Any, ...]:
    data = envelope.data
    assert isinstance(data, Action)
    return (
        envelope.event_id,
        data.session_id,
        data.user_id,
        data.guest_id,
        data.action_type,
        data.category,
        data.element_id,
        Jsonb(data.metadata),
        envelope.occurred_at,
        envelope.received_at,
    )


def _llm_request(envelope: Envelope) -> tuple[Any, ...]:
    data = envelope.data
    assert isinstance(data, LlmRequest)
    return (
        envelope.event_id,
        data.session_id,
        data.user_id,
        data.guest_id,
        data.run_id,
        data.provider,
        data.model,
        data.agent_type,
        data.input_tokens,
        data.output_tokens,
        data.cached_tokens,
        data.cost_usd,
        data.latency_ms,
        data.status,
        data.error_code,
        envelope.occurred_at,
        envelope.received_at,
    )


def _error(envelope: Envelope) -> tuple[Any, ...]:
    data = envelope.data
    assert isinstance(data, ErrorReport)
    return (
        envelope.event_id,
        data.group_fingerprint,
        data.microservice,
        data.severity,
        data.error_type,
        data.message,
        data.stack_trace,
        Jsonb(data.request_context),
        data.run_id,
        data.session_id,
        data.user_id,
        data.guest_id,
        data.file_path,
        data.line_number,
        data.function_name,
        envelope.occurred_at,
        envelope.received_at,
    )


_OWNER = ("event_id", "visitor_session_id", "user_id", "guest_id")
_TIMES = ("occurred_at", "received_at")

EVENT_TABLES: dict[EventKind, EventTable] = {
    "page_view": EventTable(
        "page_views",
        (*_OWNER, "path", "title", "referrer", "duration_ms", "device_type", "browser", *_TIMES),
        _page_view,
    ),
    "action": EventTable(
        "user_actions",
        (*_OWNER, "action", "category", "target", "properties", *_TIMES),
        _action,
    ),
    "llm_request": EventTable(
        "llm_request_events",
        (
            *_OWNER,
            "run_id",
            "provider",
            "model",
            "agent_type",
            "input_tokens",
            "output_tokens",
            "cached_tokens",
            "cost_usd",
            "latency_ms",
            "status",
            "error_code",
            *_TIMES,
        ),
        _llm_request,
    ),
    "error": EventTable(
        "error_events",
        (
            "event_id",
            "fingerprint",
            "source",
            "severity",
            "error_type",
            "message",
            "stack",
            "context",
            "run_id",
            "visitor_session_id",
            "user_id",
            "guest_id",
            "file_path",
            "line_number",
            "function_name",
            *_TIMES,
        ),
        _error,
    ),
}
