"""The estimate's arithmetic, the keyed link, and the measured prompt overheads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cvpath.governance.estimate import (
    PROMPT_OVERHEAD_TOKENS,
    AgentChain,
    estimate_cost,
    input_tokens,
    keyed_link,
)
from cvpath.llm.pricing import price_call

OPENAI = {"provider": "openai", "model": "gpt-4.1-mini"}
OFFLINE = {"provider": "offline", "model": "offline"}
OLLAMA = {"provider": "ollama", "model": "llama3"}


def test_the_keyed_link_skips_local_providers_and_a_local_chain_has_none() -> None:
    assert keyed_link([OLLAMA, OPENAI, OFFLINE]) == OPENAI
    assert keyed_link([OLLAMA, OFFLINE]) is None
    byok_local = {"provider": "openai_compatible", "model": "x", "api_key_ref": "byok"}
    assert keyed_link([byok_local, OPENAI]) == byok_local


def test_input_tokens_are_text_length_over_four_plus_the_agent_overhead() -> None:
    assert input_tokens("JOB_PARSER", 401, 0) == 101 + PROMPT_OVERHEAD_TOKENS["JOB_PARSER"]


def test_the_estimate_prices_each_agent_at_its_keyed_link_and_adds_the_fee() -> None:
    chains = [AgentChain("CV_PARSER", [OPENAI, OFFLINE], 8192), AgentChain("JOB_PARSER", [OFFLINE], 4096)]
    plain = estimate_cost(chains, cv_chars=4000, job_chars=2000)
    expected = price_call("openai", "gpt-4.1-mini", 1500 + PROMPT_OVERHEAD_TOKENS["CV_PARSER"], 8192)
    assert expected is not None
    assert plain.provider_cost == expected
    assert plain.agents[1].cost == 0
    assert plain.agents[1].provider is None
    with_fee = estimate_cost(chains, cv_chars=4000, job_chars=2000, fee_rate=Decimal("0.2"))
    assert with_fee.total == (expected * Decimal("1.2")).quantize(Decimal("0.000001"), rounding="ROUND_UP")
    assert with_fee.total >= plain.total


def test_an_unknown_model_counts_as_zero_and_is_named() -> None:
    chains = [AgentChain("CV_TAILOR", [{"provider": "openai", "model": "no-such-model-xyz"}], 100)]
    estimate = estimate_cost(chains, cv_chars=10, job_chars=10)
    assert estimate.total == 0
    assert estimate.unpriced == ("CV_TAILOR",)


@pytest.mark.parametrize(
    ("cv", "job", "fee"), [(-1, 0, Decimal(0)), (0, 0, Decimal(-1)), (0, 0, Decimal("NaN"))]
)
def test_bad_inputs_are_refused(cv: int, job: int, fee: Decimal) -> None:
    with pytest.raises(ValueError, match="negative"):
        estimate_cost([], cv_chars=cv, job_chars=job, fee_rate=fee)


def test_the_measured_overheads_cover_each_agents_real_system_prompt() -> None:
    from cvpath.agents.comparative_scorer import ComparativeScorer
    from cvpath.agents.cv_parser import CVParser
    from cvpath.agents.cv_tailor import CVTailor
    from cvpath.agents.cv_validator import CVValidator
    from cvpath.agents.job_analyzer import JobAnalyzer
    from cvpath.agents.job_parser import JobParser
    from cvpath.llm.tokens import count_tokens

    for agent in (CVParser, CVValidator, JobParser, JobAnalyzer, CVTailor, ComparativeScorer):
        measured = count_tokens(agent().prompts.system)
        figure = PROMPT_OVERHEAD_TOKENS[agent.name.chain_key]
        # Fails when a prompt grows past its figure, or shrinks so far that runs are over-reserved.
        assert measured <= figure <= measured * 1.2 + 64, agent.name
