"""What the provider chain does with each error, and how long it waits before a retry.

Decided here, in one place (:mod:`cvpath.llm.chain` applies it):

=====================================  =======================  ===========================
error                                  same provider again?     next provider?
=====================================  =======================  ===========================
RateLimited (429)                      yes, after Retry-After   yes, when retries run out or
                                       (or backoff)             Retry-After > cap/deadline
ProviderUnavailable (5xx, connection)  yes, with backoff        yes, when retries run out
ProviderTimeout                        yes, with backoff        yes, when retries run out
MalformedResponse (HTML, bad JSON,     yes, with backoff:       yes, when retries run out
empty choices)                         usually a proxy glitch
ResponseTooLarge                       no (it would repeat)     yes
AuthFailed, or no key configured       no                       yes
BadRequest, ContextTooLong             no (it would repeat)     yes: limits differ between
                                                                providers (context window,
                                                                temperature range, model names)
finish_reason "length"                 no                       yes, as TruncatedOutput
ConfigurationError (RealCallForbidden, no                       no: raised at once, loudly
UnknownProvider, ...)
=====================================  =======================  ===========================
"""

from __future__ import annotations

import random
from dataclasses import dataclass

from cvpath.errors import (
    AuthFailed,
    BadRequest,
    CVPathError,
    ProviderUnavailable,
    ResponseTooLarge,
    TruncatedOutput,
)

# Below this an attempt could not even connect: the deadline counts as reached.
MIN_ATTEMPT_S = 0.01


def fails_over(exc: CVPathError) -> bool:
    """Whether the chain moves on after ``exc`` (otherwise it raises it at once)."""
    return isinstance(exc, ProviderUnavailable | AuthFailed | BadRequest | TruncatedOutput)


def is_retryable(exc: CVPathError) -> bool:
    """Whether the same link may be asked again after ``exc``."""
    return isinstance(exc, ProviderUnavailable) and not isinstance(exc, ResponseTooLarge)


@dataclass(frozen=True)
class Backoff:
    """Exponential backoff with full jitter, capped, and at least the provider's Retry-After."""

    base_s: float
    cap_s: float
    rng: random.Random

    def delay(self, retry: int, exc: CVPathError, remaining: float) -> float | None:
        """Seconds to wait before retry number ``retry`` (0-based); ``None`` when waiting is
        not worth it (move on): Retry-After above the cap, or no time left after the wait."""
        delay = self.rng.uniform(0.0, min(self.cap_s, self.base_s * 2**retry))
        retry_after = exc.details.get("retry_after_s")
        if isinstance(retry_after, int | float):
            if retry_after > self.cap_s:
                return None
            delay = max(delay, float(retry_after))
        if delay + MIN_ATTEMPT_S >= remaining:
            return None
        return delay
