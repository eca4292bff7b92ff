"""Pricing against genai-prices: one model per provider, every attempt summed, unknown is None."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from decimal import Decimal

import pytest
from genai_prices import Usage, calc_price
from structured_samples import make_attempt

from cvpath.llm.pricing import price_attempts, price_call, reset_warnings

# (our provider name, model id, genai-prices provider id)
ONE_MODEL_PER_PROVIDER = [
    ("openai", "gpt-4o-mini", "openai"),
    ("anthropic", "claude-3-5-haiku-latest", "anthropic"),
    ("gemini", "gemini-2.0-flash", "google"),
    ("openrouter", "openai/gpt-4o-mini", "openrouter"),
]
# A call that was retried after a 429, failed over after a 503, then re-asked once.
TOKENS = [(0, 0), (2_100, 0), (2_100, 640), (2_900, 610)]


@pytest.fixture(autouse=True)
def _fresh_warnings() -> Iterator[None]:
    reset_warnings()
    yield
    reset_warnings()


@pytest.mark.parametrize(("provider", "model", "provider_id"), ONE_MODEL_PER_PROVIDER)
def test_the_cost_of_a_multi_attempt_call_is_the_sum_of_genai_prices(
    provider: str, model: str, provider_id: str
) -> None:
    # Given one call made of several attempts
    attempts = [
        make_attempt(
            "success" if out else "error",
            provider=provider,
            model=model,
            input_tokens=inp,
            output_tokens=out,
            error_code=None if out else "rate_limited",
        ).model_copy(update={"input_tokens": inp, "output_tokens": out})
        for inp, out in TOKENS
    ]
    # When it is priced
    total = price_attempts(attempts)
    # Then it equals genai-prices applied to each attempt that used tokens, summed
    expected = sum(
        (
            calc_price(Usage(input_tokens=inp, output_tokens=out), model, provider_id=provider_id).total_price
            for inp, out in TOKENS
            if inp or out
        ),
        Decimal(0),
    )
    assert total == expected
    assert total is not None
    assert total > 0
    assert isinstance(total, Decimal)


@pytest.mark.parametrize(("provider", "model", "provider_id"), ONE_MODEL_PER_PROVIDER)
def test_one_call_matches_genai_prices(provider: str, model: str, provider_id: str) -> None:
    expected = calc_price(Usage(input_tokens=1000, output_tokens=250), model, provider_id=provider_id)
    assert price_call(provider, model, 1000, 250) == expected.total_price


def test_an_unknown_model_costs_none_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cvpath.llm.pricing"):
        assert price_call("openai", "gpt-unreleased-9", 100, 10) is None
        assert price_call("openai", "gpt-unreleased-9", 200, 20) is None
    warnings = [r for r in caplog.records if "gpt-unreleased-9" in r.getMessage()]
    assert len(warnings) == 1
    assert "recorded as null" in warnings[0].getMessage()


def test_an_unknown_provider_costs_none() -> None:
    assert price_call("mistral", "mistral-large", 100, 10) is None


@pytest.mark.parametrize("provider", ["ollama", "openai_compatible", "offline"])
def test_local_models_cost_nothing(provider: str) -> None:
    assert price_call(provider, "llama3.1:8b", 10_000, 2_000) == Decimal(0)


def test_one_unpriced_attempt_makes_the_whole_call_unknown() -> None:
    attempts = [make_attempt(), make_attempt(model="gpt-unreleased-9")]
    assert price_attempts(attempts) is None


def test_attempts_without_tokens_cost_nothing_even_when_unpriced() -> None:
    attempts = [make_attempt("error", model="gpt-unreleased-9", error_code="provider_auth_failed")]
    assert price_attempts(attempts) == Decimal(0)
