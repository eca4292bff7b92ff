"""What a run will cost at most, before it starts: the amount Admit reserves.

For each agent: the input is the run's CV text plus its job text at 4 characters
per token, plus the agent's fixed prompt (system prompt, ground rules, output
schema); the output is the agent's ``max_output_tokens``. Each agent is priced
at the first keyed link of its chain (the first hosted provider: the one a run
with platform keys pays for); a chain of local links only costs 0. PAID runs add
the service fee. The estimate deliberately errs high (every agent answers at its
output limit) so that settlement releases money far more often than it must
collect more.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import ROUND_UP, Decimal
from typing import Any

from cvpath.llm.pricing import LOCAL_PROVIDERS, price_call
from cvpath.money import MONEY_QUANTUM

CHARS_PER_TOKEN = 4
# cl100k tokens of each agent's system prompt with its output schema, measured
# with PromptBuilder(...).system (see tests/unit/governance/test_govu_estimate.py,
# which fails when a prompt grows past its figure), plus 64 for the user
# message's framing (task line, <context> tags).
PROMPT_OVERHEAD_TOKENS: Mapping[str, int] = {
    "CV_PARSER": 4614 + 64,
    "CV_VALIDATOR": 4874 + 64,
    "JOB_PARSER": 1578 + 64,
    "JOB_ANALYZER": 685 + 64,
    "CV_TAILOR": 4816 + 64,
    "COMPARATIVE_SCORER": 270 + 64,
}


@dataclass(frozen=True)
class AgentChain:
    """What the estimate needs from an agent's chain: its links and the output limit."""

    agent: str
    links: Sequence[Mapping[str, Any]]
    max_output_tokens: int


@dataclass(frozen=True)
class AgentEstimate:
    agent: str
    provider: str | None
    model: str | None
    input_tokens: int
    output_tokens: int
    cost: Decimal
    priced: bool


@dataclass(frozen=True)
class Estimate:
    provider_cost: Decimal
    # What Admit reserves: provider cost, plus the fee when one applies; rounded up to 6 places.
    total: Decimal
    agents: tuple[AgentEstimate, ...]

    @property
    def unpriced(self) -> tuple[str, ...]:
        """Agents whose keyed model has no known price (counted as 0)."""
        return tuple(a.agent for a in self.agents if not a.priced)


@functools.lru_cache(maxsize=4096)
def _price(provider: str, model: str, tokens_in: int, tokens_out: int, day: date) -> Decimal | None:
    # Why a cache: genai-prices takes about a millisecond per call, six per
    # admission, and a run's inputs repeat (the same texts on a retried state).
    # Keyed by day because price tables change on dates, not within one.
    return price_call(
        provider, model, tokens_in, tokens_out, at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    )


def keyed_link(links: Sequence[Mapping[str, Any]]) -> Mapping[str, Any] | None:
    """The first link a platform key pays for; ``None`` when the chain is local only."""
    for link in links:
        if link.get("api_key_ref") or str(link.get("provider")) not in LOCAL_PROVIDERS:
            return link
    return None


def input_tokens(agent: str, cv_chars: int, job_chars: int) -> int:
    overhead = PROMPT_OVERHEAD_TOKENS.get(agent, max(PROMPT_OVERHEAD_TOKENS.values()))
    return math.ceil((cv_chars + job_chars) / CHARS_PER_TOKEN) + overhead


def estimate_cost(
    chains: Sequence[AgentChain],
    *,
    cv_chars: int,
    job_chars: int,
    fee_rate: Decimal = Decimal(0),
    at: datetime | None = None,
) -> Estimate:
    """The estimate over ``chains``; ``fee_rate`` is 0 unless the run is billed as PAID."""
    if cv_chars < 0 or job_chars < 0:
        raise ValueError("text lengths cannot be negative")
    if not fee_rate.is_finite() or fee_rate < 0:
        raise ValueError("the fee rate must be a finite, non-negative number")
    agents: list[AgentEstimate] = []
    for chain in chains:
        tokens_in = input_tokens(chain.agent, cv_chars, job_chars)
        link = keyed_link(chain.links)
        if link is None:
            agents.append(
                AgentEstimate(chain.agent, None, None, tokens_in, chain.max_output_tokens, Decimal(0), True)
            )
            continue
        provider, model = str(link["provider"]), str(link["model"])
        price = _price(provider, model, tokens_in, chain.max_output_tokens, (at or datetime.now(UTC)).date())
        agents.append(
            AgentEstimate(
                chain.agent,
                provider,
                model,
                tokens_in,
                chain.max_output_tokens,
                Decimal(0) if price is None else Decimal(price),
                price is not None,
            )
        )
    provider_cost = sum((a.cost for a in agents), Decimal(0))
    total = (provider_cost * (1 + fee_rate)).quantize(MONEY_QUANTUM, rounding=ROUND_UP)
    return Estimate(provider_cost=provider_cost, total=total, agents=tuple(agents))
