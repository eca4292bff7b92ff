"""What a call costs, from ``genai-prices`` (offline: the price data ships in the wheel).

Decisions:

- Our provider names map to genai-prices provider ids; ``gemini`` is ``google``.
- ``ollama``, ``openai_compatible`` (vLLM, LM Studio) and ``offline`` run on
  hardware the user already has: they cost 0, not "unknown".
- A hosted model that genai-prices does not know costs ``None`` (unknown) and
  logs one warning per provider and model, never an exception: an audit row or
  a finished run must not fail because a price table lags a model release.
- A call's cost is the sum over its attempts that used tokens, every retry,
  failover and re-ask included. Attempts are priced one by one because some
  prices are tiered by prompt size; pricing summed tokens could cross a tier.
  If any such attempt's price is unknown, the total is unknown too.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from cvpath.llm.types import Attempt

logger = logging.getLogger(__name__)

PROVIDER_IDS = {
    "openai": "openai",
    "anthropic": "anthropic",
    "gemini": "google",
    "google": "google",
    "openrouter": "openrouter",
}
LOCAL_PROVIDERS = frozenset({"ollama", "openai_compatible", "offline"})

_warned: set[tuple[str, str]] = set()
_warned_lock = threading.Lock()


def price_call(
    provider: str, model: str, input_tokens: int, output_tokens: int, *, at: datetime | None = None
) -> Decimal | None:
    """USD for one request, or ``None`` when the price is unknown. ``at`` defaults to now."""
    if provider in LOCAL_PROVIDERS:
        return Decimal(0)
    provider_id = PROVIDER_IDS.get(provider)
    if provider_id is None:
        _warn_once(provider, model, "no price source for this provider")
        return None
    # Why here: genai-prices builds its price tables on import (about 30 ms of a cold
    # start); calls that used no tokens, or local providers, never need them.
    from genai_prices import Usage, calc_price

    try:
        calculation = calc_price(
            Usage(input_tokens=input_tokens, output_tokens=output_tokens),
            model,
            provider_id=provider_id,
            genai_request_timestamp=at,
        )
    except LookupError:
        _warn_once(provider, model, "genai-prices does not know this model")
        return None
    return calculation.total_price


def price_attempts(attempts: Iterable[Attempt]) -> Decimal | None:
    """The cost of a whole call: every attempt that used tokens, or ``None`` if one of them is unpriced."""
    total = Decimal(0)
    for attempt in attempts:
        if attempt.input_tokens == 0 and attempt.output_tokens == 0:
            continue
        price = price_call(attempt.provider, attempt.model, attempt.input_tokens, attempt.output_tokens)
        if price is None:
            return None
        total += price
    return total


def _warn_once(provider: str, model: str, reason: str) -> None:
    with _warned_lock:
        if (provider, model) in _warned:
            return
        _warned.add((provider, model))
    logger.warning("cost unknown for %s:%s (%s); recorded as null", provider, model, reason)


def reset_warnings() -> None:
    """Forget which models were warned about (tests)."""
    with _warned_lock:
        _warned.clear()
