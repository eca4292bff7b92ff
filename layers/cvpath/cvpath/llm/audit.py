"""The audit log recorder: every attempt becomes one immutable row, written synchronously.

Why synchronous: the row is the evidence of what was sent and what it cost;
losing it to a dropped queue message would make a run neither replayable nor
billable. One insert per attempt costs about a millisecond next to a model call.

Payloads follow ``Settings.llm_log_payloads``: on (debug), full request and
response bodies are stored; off, only the sha256 and byte size of each body's
canonical JSON. Either way the bodies are scrubbed first. The chain already
strips keys, and this recorder does it again because the table is forever:
registered secrets are masked (``cvpath.llm.redact``), credential headers are
masked at any depth, and so are ``key=`` query parameters and strings shaped like
provider keys.

Status mapping to the SQL enum: ``success`` -> SUCCESS, ``timeout`` -> TIMEOUT,
``invalid_output`` -> INVALID_OUTPUT, and ``error`` -> RATE_LIMITED or AUTH_ERROR
when its error code says so, else ERROR.

Status marking (``HeldAttempts``). The chain records each HTTP attempt when it
ends, and to the chain a 200 with text is a ``success``; only validation, which
comes later, can tell that the answer was unusable. Rows are immutable, so a
row must not be written before that verdict. ``HeldAttempts`` wraps the audit
recorder: give it to the chain as its recorder and to ``generate_structured`` as
``held``. It forwards failed attempts (error, timeout) at once, since nothing can
change their status and writing them early keeps them even if the process dies.
It holds the successful attempt of the current call until the answer has been
validated, then writes it as ``success`` or as ``invalid_output`` (error code
``invalid_output``, the validation summary as its message). If the completer
recorded nothing (a scripted test double), the attempts it returned are written
instead. A chain used without validation (``cvpath llm ping``) takes the audit
recorder directly.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg

from cvpath.config import get_settings
from cvpath.db.llm_logs import LlmLogRow, LogStatus, insert_log
from cvpath.db.pool import get_pool
from cvpath.errors import AuthFailed, ProviderTimeout, RateLimited, ValidationFailed
from cvpath.llm.pricing import price_call
from cvpath.llm.redact import AUTH_HEADERS, MASK, redact, redact_text
from cvpath.llm.types import Attempt, AttemptRecorder, AttemptStatus, CallContext

MAX_ERROR_MESSAGE_CHARS = 2_000
MAX_AUDIT_MESSAGE_CHARS = 500
_ERROR_STATUS: dict[str, LogStatus] = {
    RateLimited.code: "RATE_LIMITED",
    AuthFailed.code: "AUTH_ERROR",
    # The chain's code for a link skipped because no key is configured.
    "missing_key": "AUTH_ERROR",
    ProviderTimeout.code: "TIMEOUT",
}
_STATUS: dict[str, LogStatus] = {
    "success": "SUCCESS",
    "timeout": "TIMEOUT",
    "invalid_output": "INVALID_OUTPUT",
}
_KEY_PARAMETER = re.compile(r"([?&](?:key|api_key|apikey|access_token)=)[^&#\s\"']+", re.IGNORECASE)
_KEY_SHAPED = re.compile(r"\b(?:sk-[A-Za-z0-9_\-]{16,}|AIza[0-9A-Za-z_\-]{30,})")


@dataclass(frozen=True)
class Verdict:
    """The final status of a call's successful HTTP attempt, when it is not ``success``."""

    status: AttemptStatus
    error_code: str
    error_message: str


def apply_verdict(attempts: Sequence[Attempt], verdict: Verdict | None) -> list[Attempt]:
    """``attempts`` with the last successful one re-labelled by ``verdict`` (None: unchanged)."""
    marked = list(attempts)
    if verdict is None:
        return marked
    for index in range(len(marked) - 1, -1, -1):
        if marked[index].status == "success":
            marked[index] = marked[index].model_copy(
                update={
                    "status": verdict.status,
                    "error_code": verdict.error_code,
                    "error_message": verdict.error_message[:MAX_AUDIT_MESSAGE_CHARS],
                }
            )
            break
    return marked


@dataclass
class _CallState:
    seen: bool = False
    held: list[tuple[CallContext, Attempt]] = field(default_factory=list)


class HeldAttempts(AttemptRecorder):
    """A recorder for the chain that holds successful attempts until validation (see the module doc).

    Per thread, so one chain may serve several threads, each running one call at a time.
    """

    def __init__(self, target: AttemptRecorder) -> None:
        self.target = target
        self._local = threading.local()

    def _state(self) -> _CallState:
        state: _CallState | None = getattr(self._local, "state", None)
        if state is None:
            state = self._local.state = _CallState()
        return state

    def begin(self) -> None:
        self._local.state = _CallState()

    def record(self, context: CallContext, attempt: Attempt) -> None:
        state = self._state()
        state.seen = True
        if attempt.status == "success":
            state.held.append((context, attempt))
        else:
            self.target.record(context, attempt)

    def release(self, verdict: Verdict | None, fallback: tuple[CallContext, Sequence[Attempt]]) -> None:
        """Write the held attempts with ``verdict``; ``fallback`` when the completer recorded nothing."""
        state = self._state()
        self.begin()
        if not state.seen:
            context, attempts = fallback
            for attempt in apply_verdict(attempts, verdict):
                self.target.record(context, attempt)
            return
        marked = apply_verdict([attempt for _, attempt in state.held], verdict)
        for (context, _), attempt in zip(state.held, marked, strict=True):
            self.target.record(context, attempt)


class AuditLogRecorder(AttemptRecorder):
    """Writes each attempt to ``analytics_monitoring.llm_generation_logs``.

    With ``conn``, rows join that connection's transaction (the caller commits);
    without it, each row is committed on a pooled connection at once.
    """

    def __init__(
        self, conn: psycopg.Connection[Any] | None = None, *, log_payloads: bool | None = None
    ) -> None:
        self._conn = conn
        self.log_payloads = get_settings().llm_log_payloads if log_payloads is None else log_payloads

    def record(self, context: CallContext, attempt: Attempt) -> None:
        row = audit_row(context, attempt, log_payloads=self.log_payloads)
        if self._conn is not None:
            insert_log(self._conn, row)
            return
        with get_pool().connection() as conn:
            insert_log(conn, row)


def audit_row(context: CallContext, attempt: Attempt, *, log_payloads: bool) -> LlmLogRow:
    """The row for one attempt: scrubbed, hashed, priced and mapped to the SQL vocabulary."""
    request = scrub(attempt.request)
    response = scrub(attempt.response) if attempt.response is not None else None
    request_sha256, request_bytes = body_digest(request)
    response_sha256, response_bytes = body_digest(response) if response is not None else (None, None)
    status = db_status(attempt)
    estimated = _estimate(attempt)
    error_message = attempt.error_message
    if error_message is not None:
        error_message = scrub_text(error_message)[:MAX_ERROR_MESSAGE_CHARS]
    return LlmLogRow(
        run_id=_uuid(context.run_id, "run_id"),
        user_id=_uuid(context.user_id, "user_id"),
        guest_id=_uuid(context.guest_id, "guest_id"),
        agent=context.agent.upper() if context.agent else None,
        tier=context.tier.upper() if context.tier else None,
        prompt_version=context.prompt_version,
        schema_version=context.schema_version,
        provider=attempt.provider,
        model=attempt.model,
        status=status,
        attempt=attempt.attempt,
        chain_position=attempt.chain_position,
        turn=attempt.turn,
        input_tokens=attempt.input_tokens,
        output_tokens=attempt.output_tokens,
        cost_usd=estimated if estimated is not None else Decimal(0),
        estimated_cost_usd=estimated,
        latency_ms=attempt.duration_ms,
        started_at=datetime.fromtimestamp(attempt.started_at, UTC),
        completed_at=datetime.fromtimestamp(max(attempt.completed_at, attempt.started_at), UTC),
        error_code=attempt.error_code or (None if status == "SUCCESS" else attempt.status),
        error_message=error_message,
        parameters=scrub(attempt.parameters),
        request=request if log_payloads else None,
        response=response if log_payloads else None,
        request_sha256=request_sha256,
        request_bytes=request_bytes,
        response_sha256=response_sha256,
        response_bytes=response_bytes,
    )


def db_status(attempt: Attempt) -> LogStatus:
    if attempt.status == "error":
        return _ERROR_STATUS.get(attempt.error_code or "", "ERROR")
    return _STATUS.get(attempt.status, "ERROR")


def body_digest(body: Any) -> tuple[str, int]:
    """sha256 (hex) and size of ``body`` as canonical JSON: sorted keys, compact, UTF-8."""
    encoded = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
    return hashlib.sha256(encoded).hexdigest(), len(encoded)


def scrub(value: Any) -> Any:
    """A copy of a JSON body with every credential we can recognise masked."""
    return _scrub(redact(value))


def scrub_text(text: str) -> str:
    text = redact_text(text)
    text = _KEY_PARAMETER.sub(lambda match: match.group(1) + MASK, text)
    return _KEY_SHAPED.sub(MASK, text)


def _scrub(value: Any) -> Any:
    if isinstance(value, str):
        return scrub_text(value)
    if isinstance(value, Mapping):
        return {
            key: MASK if isinstance(key, str) and key.lower() in AUTH_HEADERS else _scrub(item)
            for key, item in value.items()
        }
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _estimate(attempt: Attempt) -> Decimal | None:
    # An attempt that used no tokens (refused, timed out) cost nothing, known model or not.
    if attempt.input_tokens == 0 and attempt.output_tokens == 0:
        return Decimal(0)
    return price_call(attempt.provider, attempt.model, attempt.input_tokens, attempt.output_tokens)


def _uuid(value: str | None, name: str) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(value)
    except ValueError:
        raise ValidationFailed(f"{name} must be a UUID for the audit log", details={"field": name}) from None
