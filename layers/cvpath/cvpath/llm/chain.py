"""A provider chain: try each link in order, retry what is transient, stop at a deadline.

Which errors are retried on the same link, which move on to the next link and
which are raised at once, and how long a retry waits, is the policy of
:mod:`cvpath.llm.retry_policy` (a table there). Attempts are built, redacted and
handed to the recorder by :mod:`cvpath.llm.attempts`.

When every link has failed, the chain raises an error of the class of the last
link's last error (so ``ContextTooLong`` stays ``ContextTooLong``), its message
summarising every link. Past the total deadline it raises ``ProviderUnavailable``
("deadline exceeded"). Every attempt, including a link skipped for a missing
key, is handed to the recorder as it ends.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from pydantic import SecretStr

from cvpath.errors import AuthFailed, CVPathError, InvalidProviderChain, ProviderUnavailable, TruncatedOutput
from cvpath.llm.attempts import AttemptLog
from cvpath.llm.clients.base import ChatClient, shared_http_client
from cvpath.llm.keys import KeySource
from cvpath.llm.redact import redact_text, redacting_logger
from cvpath.llm.registry import create_client, parse_chain, provider_info, validate_specs
from cvpath.llm.retry_policy import MIN_ATTEMPT_S, Backoff, fails_over, is_retryable
from cvpath.llm.types import Attempt, AttemptRecorder, CallContext, ChatRequest, ChatResponse, ProviderSpec

logger = redacting_logger(__name__)

Clock = Callable[[], float]


@dataclass(frozen=True)
class ChatResult:
    response: ChatResponse
    attempts: list[Attempt]
    provider: str
    model: str


@dataclass
class _Run:
    """The state of one ``complete`` call."""

    log: AttemptLog
    deadline: float
    failures: list[tuple[int, ProviderSpec, CVPathError]] = field(default_factory=list)


class ProviderChain:
    def __init__(
        self,
        specs: Sequence[ProviderSpec],
        *,
        keys: KeySource,
        recorder: AttemptRecorder | None = None,
        deadline_s: float = 300.0,
        clock: Clock | None = None,
        sleep: Callable[[float], None] | None = None,
        rng: random.Random | None = None,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 8.0,
        http: httpx.Client | None = None,
    ) -> None:
        """``clock`` returns seconds since the epoch (default ``time.time``); tests pass a
        fake clock and ``sleep`` so that no test really waits. Without ``http`` the
        process-wide pooled client is used."""
        validate_specs(specs)
        if deadline_s <= 0 or backoff_base_s < 0 or backoff_cap_s < 0:
            raise InvalidProviderChain(
                "deadline_s must be positive and the backoff times must not be negative",
                details={"deadline_s": deadline_s, "backoff_base_s": backoff_base_s},
            )
        self.specs: tuple[ProviderSpec, ...] = tuple(specs)
        self._keys = keys
        self._recorder = recorder
        self._deadline_s = deadline_s
        self._clock: Clock = clock or time.time
        self._sleep = sleep or time.sleep
        # Jitter only spreads retries out; it needs no cryptographic randomness.
        self._backoff = Backoff(backoff_base_s, backoff_cap_s, rng or random.Random())  # noqa: S311
        self._http = http
        self._clients: dict[int, ChatClient] = {}
        self._lock = threading.Lock()

    @classmethod
    def from_json(cls, raw: object, **kwargs: Any) -> ProviderChain:
        """A chain from its JSONB form (a list, or JSON text of one): see ``registry.parse_chain``."""
        return cls(parse_chain(raw), **kwargs)

    def complete(self, request: ChatRequest, context: CallContext) -> ChatResult:
        """The first successful answer down the chain.

        Each link sends its own ``model`` and waits at most its own ``timeout_s``, cut to
        what is left of the deadline; ``request.model`` and ``request.timeout_s`` are not
        used (the chain's configuration decides). Every attempt carries ``context.turn``."""
        log = AttemptLog(context, request, self._clock, self._recorder)
        run = _Run(log=log, deadline=self._clock() + self._deadline_s)
        for position, spec in enumerate(self.specs):
            key: SecretStr | None = None
            if self._keys.needs_key(spec):
                key = self._keys.key_for(spec, context)
                if key is None:
                    self._skip_without_key(run, position, spec)
                    continue
            outcome = self._try_link(run, position, spec, key)
            if isinstance(outcome, ChatResponse):
                return ChatResult(outcome, log.attempts, spec.provider, spec.model)
            run.failures.append((position, spec, outcome))
            if position + 1 < len(self.specs):
                logger.warning(
                    "%s %s failed (%s); trying the next provider", spec.provider, spec.model, outcome.code
                )
        raise self._exhausted(run)

    def _try_link(
        self, run: _Run, position: int, spec: ProviderSpec, key: SecretStr | None
    ) -> ChatResponse | CVPathError:
        client = self._client(position, spec)
        request = run.log.request.model_copy(update={"model": spec.model})
        failure: CVPathError | None = None
        for number in range(1, spec.max_retries + 2):
            remaining = run.deadline - self._clock()
            if remaining < MIN_ATTEMPT_S:
                raise self._deadline_exceeded(run, (position, spec, failure) if failure else None)
            timeout_s = min(spec.timeout_s, remaining)
            outgoing = client.build(request, key)
            started = self._clock()
            try:
                response = client.send(outgoing, timeout_s=timeout_s)
            except CVPathError as exc:
                run.log.record(position, spec, number, started, timeout_s, outgoing, exc=exc)
                if not fails_over(exc):
                    raise
                failure = exc
            else:
                if response.finish_reason != "length":
                    run.log.record(position, spec, number, started, timeout_s, outgoing, response=response)
                    return response
                truncated = TruncatedOutput(
                    f"{spec.provider} {spec.model}: the answer stopped at max_tokens={request.max_tokens}",
                    details={"output_tokens": response.output_tokens},
                )
                run.log.record(
                    position, spec, number, started, timeout_s, outgoing, exc=truncated, response=response
                )
                return truncated
            if not is_retryable(failure) or number > spec.max_retries:
                return failure
            delay = self._backoff.delay(number - 1, failure, run.deadline - self._clock())
            if delay is None:
                return failure
            if delay > 0:
                self._sleep(delay)
        raise AssertionError("unreachable: the last attempt returns")

    def _client(self, position: int, spec: ProviderSpec) -> ChatClient:
        client = self._clients.get(position)
        if client is None:
            with self._lock:
                client = self._clients.get(position)
                if client is None:
                    client = create_client(spec, self._http or shared_http_client())
                    self._clients[position] = client
        return client

    def _skip_without_key(self, run: _Run, position: int, spec: ProviderSpec) -> None:
        if spec.api_key_ref:
            hint = f"api_key_ref {spec.api_key_ref!r} resolved to nothing"
        else:
            setting = provider_info(spec.provider).key_setting
            hint = (
                f"set {setting.upper()} or the link's api_key_ref"
                if setting
                else "set the link's api_key_ref"
            )
        exc = AuthFailed(
            f"{spec.provider} {spec.model}: no API key is configured ({hint})",
            details={"reason": "missing_key"},
        )
        run.log.record(position, spec, 1, self._clock(), 0.0, None, exc=exc, error_code="missing_key")
        run.failures.append((position, spec, exc))

    def _deadline_exceeded(
        self, run: _Run, pending: tuple[int, ProviderSpec, CVPathError] | None
    ) -> CVPathError:
        failures = [*run.failures, pending] if pending else run.failures
        summary = f": {_summary(run, failures)}" if failures else ""
        count = len(run.log.attempts)
        return ProviderUnavailable(
            f"deadline of {self._deadline_s:g}s exceeded after {count} attempts{summary}",
            details={"reason": "deadline_exceeded", "attempts": count},
        )

    def _exhausted(self, run: _Run) -> CVPathError:
        last = run.failures[-1][2]
        count = len(run.log.attempts)
        if len(self.specs) == 1:
            message = f"{last.message} ({count} attempt{'s' if count > 1 else ''})"
        else:
            message = (
                f"all {len(self.specs)} providers failed after {count} attempts "
                f"({_summary(run, run.failures)}); last error: {last.message}"
            )
        return type(last)(redact_text(message), details={"attempts": count, "last_error": last.code})


def _summary(run: _Run, failures: Sequence[tuple[int, ProviderSpec, CVPathError]]) -> str:
    return ", ".join(
        f"{spec.provider}/{spec.model} {exc.code} x{run.log.count(position)}"
        for position, spec, exc in failures
    )
