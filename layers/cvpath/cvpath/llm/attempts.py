"""The attempts of one chain call: each request and its outcome become one redacted ``Attempt``.

An attempt is built when it ends (answer, error, or a link skipped because no
key is configured), kept in order for the ``ChatResult``, and handed to the
recorder at once, so a crash later in the call cannot lose it. The error
message and the response body are redacted here; the request was already
redacted by the client (``OutgoingRequest.for_record``).

Every attempt carries the call's ``turn`` (``CallContext.turn``): structured
output sets it to 2 for its re-ask, so the re-ask's rows can be told from the
first ask's although the chain numbers attempts from 1 again on each call.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cvpath.errors import CVPathError, ProviderTimeout
from cvpath.llm.clients.base import OutgoingRequest
from cvpath.llm.redact import redact, redact_text, redacting_logger
from cvpath.llm.types import (
    Attempt,
    AttemptRecorder,
    CallContext,
    ChatRequest,
    ChatResponse,
    ProviderSpec,
)

# Why the chain's name: the attempt line was always logged by the chain, and log
# filters and dashboards select it by that logger name.
logger = redacting_logger("cvpath.llm.chain")


@dataclass
class AttemptLog:
    """Builds, keeps and forwards the attempts of one ``ProviderChain.complete`` call."""

    context: CallContext
    request: ChatRequest
    clock: Callable[[], float]
    recorder: AttemptRecorder | None = None
    attempts: list[Attempt] = field(default_factory=list)

    def record(
        self,
        position: int,
        spec: ProviderSpec,
        number: int,
        started: float,
        timeout_s: float,
        outgoing: OutgoingRequest | None,
        *,
        exc: CVPathError | None = None,
        response: ChatResponse | None = None,
        error_code: str | None = None,
    ) -> None:
        """Record attempt ``number`` of link ``position``, ending now.

        ``exc`` is its error (None: a success), ``response`` the answer if one came (also
        with a truncation error), ``error_code`` overrides ``exc.code`` (``missing_key``),
        and ``outgoing`` is None for a link that was skipped without a request."""
        completed = self.clock()
        status = "success" if exc is None else "timeout" if isinstance(exc, ProviderTimeout) else "error"
        attempt = Attempt(
            provider=spec.provider,
            model=spec.model,
            chain_position=position,
            attempt=number,
            turn=self.context.turn,
            status=status,
            error_code=None if exc is None else error_code or exc.code,
            error_message=None if exc is None else redact_text(exc.message),
            input_tokens=response.input_tokens if response is not None else 0,
            output_tokens=response.output_tokens if response is not None else 0,
            started_at=started,
            completed_at=completed,
            duration_ms=max(0, round((completed - started) * 1000)),
            parameters={
                "temperature": self.request.temperature,
                "max_tokens": self.request.max_tokens,
                "timeout_s": timeout_s,
            },
            request=outgoing.for_record()
            if outgoing is not None
            else {"provider": spec.provider, "model": spec.model, "skipped": error_code},
            response=recorded_response(response, exc),
        )
        self.attempts.append(attempt)
        logger.debug(
            "llm attempt %s %s #%d: %s %s in %d ms",
            spec.provider,
            spec.model,
            number,
            status,
            attempt.error_code or "",
            attempt.duration_ms,
        )
        if self.recorder is not None:
            self.recorder.record(self.context, attempt)

    def count(self, position: int) -> int:
        """How many attempts link ``position`` has made so far."""
        return sum(1 for attempt in self.attempts if attempt.chain_position == position)


def recorded_response(response: ChatResponse | None, exc: CVPathError | None) -> dict[str, Any] | None:
    """The raw body on success (or truncation); on an error, the status and the provider's message."""
    if response is not None:
        return redact(response.raw)
    if exc is None:
        return None
    body = exc.details.get("response")
    if isinstance(body, dict):
        return redact(body)
    if "status" in exc.details:
        return {"status": exc.details["status"], "error": exc.details.get("provider_message")}
    return None
