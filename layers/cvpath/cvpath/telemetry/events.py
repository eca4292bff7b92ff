"""The telemetry wire format: what clients POST, and the envelope that travels on the queue.

One SQS message carries one ``Envelope``: ``{"v": 1, "event_id", "kind",
"occurred_at", "received_at", "data"}``, where ``data`` is the route's model
dumped with ``mode="json"``. The envelope is the source of truth for
``event_id`` and ``occurred_at``; ``data`` repeats them so a consumer can use
the typed model alone.

Why the limits: they mirror the CHECK constraints of ``analytics_monitoring``
so that a message that passes ingest cannot poison the consumer, and they keep
one event small (SQS allows 256 KB per message).
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
import time
import uuid
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    JsonValue,
    ValidationError,
    model_validator,
)

from cvpath.errors import ValidationFailed

EventKind = Literal["page_view", "action", "llm_request", "error"]

MAX_EVENTS_PER_REQUEST = 100
MAX_BODY_BYTES = 256 * 1024
MAX_JSON_OBJECT_BYTES = 8 * 1024
# A client clock may run a little fast; beyond this, occurred_at is refused rather than trusted.
MAX_CLOCK_SKEW = timedelta(minutes=5)


def _no_nul(value: str) -> str:
    # Why: PostgreSQL text cannot hold NUL; such an event would fail in the consumer on every retry.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _small_json_object(value: dict[str, JsonValue]) -> dict[str, JsonValue]:
    encoded = json.dumps(value, separators=(",", ":"))
    if len(encoded.encode()) > MAX_JSON_OBJECT_BYTES:
        raise ValueError(f"must be at most {MAX_JSON_OBJECT_BYTES} bytes as JSON")
    if "\\u0000" in encoded:
        raise ValueError("must not contain NUL characters")
    return value


def _upper(value: Any) -> Any:
    return value.upper() if isinstance(value, str) else value


_NoNul = AfterValidator(_no_nul)

JsonObject = Annotated[dict[str, JsonValue], AfterValidator(_small_json_object)]
AgentType = Annotated[
    Literal["CV_PARSER", "CV_VALIDATOR", "JOB_PARSER", "JOB_ANALYZER", "CV_TAILOR", "COMPARATIVE_SCORER"],
    BeforeValidator(_upper),
]
LlmStatus = Literal["SUCCESS", "ERROR", "TIMEOUT", "RATE_LIMITED", "AUTH_ERROR", "INVALID_OUTPUT"]
ErrorSource = Literal["frontend", "api", "admin", "agent", "render", "telemetry", "pipeline", "cli"]


class TrackedEvent(BaseModel):
    """Fields every event shares: the client's idempotency id, its clock, and who it concerns."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    event_id: uuid.UUID | None = None
    occurred_at: AwareDatetime | None = None
    session_id: uuid.UUID | None = None
    user_id: uuid.UUID | None = None
    guest_id: uuid.UUID | None = None

    @model_validator(mode="after")
    def _at_most_one_owner(self) -> Self:
        if self.user_id is not None and self.guest_id is not None:
            raise ValueError("give user_id or guest_id, not both")
        return self


class PageView(TrackedEvent):
    path: Annotated[str, Field(min_length=1, max_length=2048), _NoNul]
    title: Annotated[str, Field(max_length=500), _NoNul] | None = None
    referrer: Annotated[str, Field(max_length=2048), _NoNul] | None = None
    duration_ms: int | None = Field(default=None, ge=0, le=24 * 3600 * 1000)
    device_type: Literal["desktop", "mobile", "tablet", "bot", "other"] | None = None
    browser: Annotated[str, Field(max_length=100), _NoNul] | None = None
    user_agent: Annotated[str, Field(max_length=1024), _NoNul] | None = None
    utm_source: Annotated[str, Field(max_length=200), _NoNul] | None = None
    utm_medium: Annotated[str, Field(max_length=200), _NoNul] | None = None
    utm_campaign: Annotated[str, Field(max_length=200), _NoNul] | None = None


class Action(TrackedEvent):
    action_type: str = Field(pattern=r"^[a-z0-9][a-z0-9_.:-]{0,99}$")
    element_id: Annotated[str, Field(max_length=500), _NoNul] | None = None
    category: Annotated[str, Field(max_length=100), _NoNul] | None = None
    metadata: JsonObject = Field(default_factory=dict)


class LlmRequest(TrackedEvent):
    run_id: uuid.UUID | None = None
    provider: Annotated[str, Field(min_length=1, max_length=100), _NoNul]
    model: Annotated[str, Field(min_length=1, max_length=200), _NoNul]
    agent_type: AgentType | None = None
    input_tokens: int = Field(default=0, ge=0, le=10_000_000)
    output_tokens: int = Field(default=0, ge=0, le=10_000_000)
    cached_tokens: int = Field(default=0, ge=0, le=10_000_000)
    cost_usd: Decimal = Field(default=Decimal(0), ge=0, le=10_000, max_digits=18, decimal_places=10)
    latency_ms: int = Field(ge=0, le=3_600_000)
    status: LlmStatus
    error_code: Annotated[str, Field(max_length=100), _NoNul] | None = None

    @model_validator(mode="after")
    def _failure_has_code(self) -> Self:
        if self.status != "SUCCESS" and not self.error_code:
            raise ValueError("error_code is required when status is not SUCCESS")
        return self


class ErrorReport(TrackedEvent):
    run_id: uuid.UUID | None = None
    microservice: ErrorSource
    file_path: Annotated[str, Field(max_length=500), _NoNul] | None = None
    line_number: int | None = Field(default=None, ge=0, le=10_000_000)
    function_name: Annotated[str, Field(max_length=200), _NoNul] | None = None
    error_type: Annotated[str, Field(min_length=1, max_length=200), _NoNul]
    severity: Literal["debug", "info", "warning", "error", "critical"] = "error"
    message: Annotated[str, Field(max_length=2000), _NoNul] = ""
    stack_trace: Annotated[str, Field(max_length=32 * 1024), _NoNul] | None = None
    request_context: JsonObject = Field(default_factory=dict)
    # Producers that already group their errors (``report_error``) send their own.
    fingerprint: str | None = Field(default=None, pattern=r"^[0-9a-f]{16,64}$")

    @property
    def group_fingerprint(self) -> str:
        """The given fingerprint, else a hash of error_type + file + function (so repeats group)."""
        if self.fingerprint is not None:
            return self.fingerprint
        key = f"{self.error_type}|{self.file_path or ''}|{self.function_name or ''}"
        return hashlib.sha256(key.encode()).hexdigest()[:32]


EventModel = PageView | Action | LlmRequest | ErrorReport
EVENT_MODELS: dict[str, type[EventModel]] = {
    "page_view": PageView,
    "action": Action,
    "llm_request": LlmRequest,
    "error": ErrorReport,
}


class Envelope(BaseModel):
    """One queued event. Build with ``Envelope.wrap``; read a message body with ``Envelope.parse``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1
    event_id: uuid.UUID
    kind: EventKind
    occurred_at: AwareDatetime
    received_at: AwareDatetime
    data: EventModel

    @model_validator(mode="before")
    @classmethod
    def _typed_data(cls, values: Any) -> Any:
        # Why by kind, not a union guess: an action could otherwise validate as another model.
        if isinstance(values, dict) and isinstance(values.get("data"), dict):
            model = EVENT_MODELS.get(values.get("kind"))  # type: ignore[arg-type]
            if model is not None:
                data = dict(values["data"])
                data["event_id"] = values.get("event_id")
                data["occurred_at"] = values.get("occurred_at")
                values = {**values, "data": model.model_validate(data)}
        return values

    @model_validator(mode="after")
    def _data_matches(self) -> Self:
        if not isinstance(self.data, EVENT_MODELS[self.kind]):
            raise ValueError(f"data is not a {self.kind} event")
        return self

    @classmethod
    def wrap(cls, kind: EventKind, event: EventModel, received_at: datetime) -> Envelope:
        """The envelope of a validated event: its own id or a new UUIDv7, its time or ``received_at``.

        Raises ``ValueError`` when the event claims to have happened in the future.
        """
        occurred_at = event.occurred_at or received_at
        if occurred_at > received_at + MAX_CLOCK_SKEW:
            raise ValueError("occurred_at is in the future")
        event_id = event.event_id or new_event_id()
        data = event.model_copy(update={"event_id": event_id, "occurred_at": occurred_at})
        return cls.model_construct(
            v=1, event_id=event_id, kind=kind, occurred_at=occurred_at, received_at=received_at, data=data
        )

    @classmethod
    def parse(cls, body: str) -> Envelope:
        """A message body back into an envelope; ``ValidationFailed`` (no input values) on garbage."""
        try:
            return cls.model_validate_json(body)
        except ValidationError as exc:
            raise ValidationFailed("not a telemetry envelope", details={"errors": error_list(exc)}) from None

    def to_body(self) -> str:
        return self.model_dump_json()


def error_list(exc: ValidationError) -> list[dict[str, Any]]:
    """Pydantic errors without the offending input (it may be personal data)."""
    return [
        {"loc": [str(part) for part in error["loc"]], "msg": error["msg"], "type": error["type"]}
        for error in exc.errors(include_url=False, include_input=False, include_context=False)
    ]


_clock_lock = threading.Lock()
_last_ms = 0
_counter = 0


def new_event_id() -> uuid.UUID:
    """A UUIDv7 (RFC 9562): 48-bit Unix ms, then a 12-bit counter, then 62 random bits.

    Why the counter: ids minted in the same millisecond by this process still sort
    in creation order. It starts at a random value below 2048 each millisecond and,
    if it ever overflows, borrows the next millisecond.
    """
    global _last_ms, _counter
    with _clock_lock:
        now_ms = time.time_ns() // 1_000_000
        if now_ms > _last_ms:
            _last_ms, _counter = now_ms, int.from_bytes(os.urandom(2)) & 0x7FF
        else:
            _counter += 1
            if _counter > 0xFFF:
                _last_ms, _counter = _last_ms + 1, 0
        ms, counter = _last_ms, _counter
    rand_b = int.from_bytes(os.urandom(8)) & ((1 << 62) - 1)
    value = (ms & ((1 << 48) - 1)) << 80 | 0x7 << 76 | counter << 64 | 0b10 << 62 | rand_b
    return uuid.UUID(int=value)
