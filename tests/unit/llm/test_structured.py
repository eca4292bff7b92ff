"""Structured output: validate, re-ask once with the errors, then fail; each attempt's final status."""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal

import pytest
from pydantic import BaseModel, ConfigDict
from structured_samples import Scripted, ScriptedCompleter, make_attempt

from cvpath.errors import ConfigurationError, InvalidOutput, ProviderUnavailable, TruncatedOutput
from cvpath.llm.audit import HeldAttempts, Verdict, apply_verdict
from cvpath.llm.pricing import price_call
from cvpath.llm.prompt import BuiltPrompt, PromptBuilder
from cvpath.llm.structured import MAX_FEEDBACK_CHARS, generate_structured, reask_message
from cvpath.llm.types import CallContext, CollectingRecorder
from cvpath.models import Score


class Summary(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    headline: str
    years: int


VALID = '{"headline": "Backend engineer", "years": 7}'
WRONG_TYPE = '{"headline": "Backend engineer", "years": "seven"}'
CONTEXT = CallContext(agent="CV_TAILOR", run_id="8d7f3c1e-1a2b-4c3d-8e9f-0a1b2c3d4e5f")


@pytest.fixture
def prompt() -> BuiltPrompt:
    builder = PromptBuilder(
        system_prompt="Summarise the CV.", prompt_version="summary/1", output_model=Summary
    )
    return builder.build({"cv": "Jane Doe, backend engineer since 2018."})


def test_a_valid_first_answer_needs_one_call(prompt: BuiltPrompt) -> None:
    completer = ScriptedCompleter([Scripted(f"```json\n{VALID}\n```")])
    result = generate_structured(completer, prompt, Summary, CONTEXT)
    assert result.value == Summary(headline="Backend engineer", years=7)
    assert len(completer.calls) == 1
    assert not result.reasked
    assert [a.status for a in result.attempts] == ["success"]
    assert result.cost_usd == price_call("openai", "gpt-4o-mini", 1200, 300)
    # The request is the built prompt
    assert completer.calls[0].system == prompt.system
    assert list(completer.calls[0].messages) == list(prompt.messages)


def test_an_invalid_answer_is_re_asked_once_with_its_errors(prompt: BuiltPrompt) -> None:
    # Given a model that first answers with a wrong type, then correctly
    completer = ScriptedCompleter([Scripted(f"<think>hmm</think>{WRONG_TYPE}"), Scripted(VALID)])
    result = generate_structured(completer, prompt, Summary, CONTEXT)
    # Then exactly one re-ask was made and its answer is the result
    assert len(completer.calls) == 2
    assert result.reasked
    assert result.value.years == 7
    assert result.raw_outputs == (f"<think>hmm</think>{WRONG_TYPE}", VALID)
    # And the re-ask carries the conversation, the answer (without reasoning) and the errors by path
    first_user, assistant, feedback = completer.calls[1].messages
    assert first_user == prompt.messages[0]
    assert (assistant.role, assistant.content) == ("assistant", WRONG_TYPE)
    assert feedback.role == "user"
    assert "- years: Input should be a valid integer" in feedback.content
    assert "exactly one JSON object" in feedback.content
    # And the first answer's attempt is marked invalid_output
    assert [a.status for a in result.attempts] == ["invalid_output", "success"]
    assert result.attempts[0].error_code == "invalid_output"
    assert "years" in (result.attempts[0].error_message or "")


def test_a_second_invalid_answer_raises_invalid_output(prompt: BuiltPrompt) -> None:
    # Given a model that never answers validly
    audit = CollectingRecorder()
    held = HeldAttempts(audit)
    completer = ScriptedCompleter([Scripted(WRONG_TYPE), Scripted("Sorry, I can't.")], recorder=held)
    # When structured output runs, Then it fails after exactly two calls
    with pytest.raises(InvalidOutput, match="failed validation twice") as raised:
        generate_structured(completer, prompt, Summary, CONTEXT, held=held)
    assert len(completer.calls) == 2
    details = raised.value.details
    assert details["first_errors"][0]["loc"] == "years"
    assert details["errors"][0]["msg"] == "no JSON object found"
    assert details["raw_output_sha256"] == [
        hashlib.sha256(raw.encode()).hexdigest() for raw in (WRONG_TYPE, "Sorry, I can't.")
    ]
    assert details["attempts"] == 2
    assert Decimal(details["cost_usd"]) == 2 * (price_call("openai", "gpt-4o-mini", 1200, 300) or 0)
    # And both answers reached the audit recorder as invalid_output, with their raw bodies
    assert [(a.status, a.error_code) for _, a in audit.attempts] == [
        ("invalid_output", "invalid_output"),
        ("invalid_output", "invalid_output"),
    ]
    assert [a.response for _, a in audit.attempts] == [{"text": WRONG_TYPE}, {"text": "Sorry, I can't."}]
    assert all(ctx.schema_version == prompt.schema_version for ctx, _ in audit.attempts)


def test_failed_attempts_are_forwarded_at_once_and_the_answer_after_validation(prompt: BuiltPrompt) -> None:
    # Given a chain call that hit a 429 and a timeout before a successful answer
    audit = CollectingRecorder()
    held = HeldAttempts(audit)
    failures = (
        make_attempt("error", error_code="rate_limited", attempt=1),
        make_attempt("timeout", error_code="provider_timeout", attempt=2),
    )

    class Spy(ScriptedCompleter):
        def complete(self, request, context):  # type: ignore[no-untyped-def]
            result = super().complete(request, context)
            # The failures are written before the answer is validated; the success is held back
            assert [a.status for _, a in audit.attempts] == ["error", "timeout"]
            return result

    completer = Spy([Scripted(VALID, failures_before=failures)], recorder=held)
    result = generate_structured(completer, prompt, Summary, CONTEXT, held=held)
    # Then after validation all three are written, in order, the success last
    assert [a.status for _, a in audit.attempts] == ["error", "timeout", "success"]
    assert [a.status for a in result.attempts] == ["error", "timeout", "success"]


def test_a_completer_that_records_nothing_still_reaches_the_audit(prompt: BuiltPrompt) -> None:
    audit = CollectingRecorder()
    held = HeldAttempts(audit)
    completer = ScriptedCompleter([Scripted(WRONG_TYPE), Scripted(VALID)])  # no recorder
    generate_structured(completer, prompt, Summary, CONTEXT, held=held)
    assert [a.status for _, a in audit.attempts] == ["invalid_output", "success"]


def test_the_re_asks_attempts_carry_turn_2_and_the_first_asks_turn_1(prompt: BuiltPrompt) -> None:
    # Given a first ask that is rate limited, then answers off-schema, and a re-ask that times out once
    audit = CollectingRecorder()
    held = HeldAttempts(audit)
    first = Scripted(WRONG_TYPE, failures_before=(make_attempt("error", error_code="rate_limited"),))
    reask = Scripted(VALID, failures_before=(make_attempt("timeout", error_code="provider_timeout"),))
    completer = ScriptedCompleter([first, reask], recorder=held)
    # When structured output runs
    result = generate_structured(completer, prompt, Summary, CONTEXT, held=held)
    # Then both chain calls number their attempts from 1, and the turn tells them apart
    expected = [("error", 1, 1), ("invalid_output", 2, 1), ("timeout", 1, 2), ("success", 2, 2)]
    assert [(a.status, a.attempt, a.turn) for _, a in audit.attempts] == expected
    assert [(a.status, a.attempt, a.turn) for a in result.attempts] == expected
    # And the chain was asked with the turn in its context; the caller's context is unchanged
    assert [ctx.turn for ctx, _ in audit.attempts] == [1, 1, 2, 2]
    assert CONTEXT.turn == 1


def test_a_truncated_answer_is_not_re_asked(prompt: BuiltPrompt) -> None:
    audit = CollectingRecorder()
    held = HeldAttempts(audit)
    completer = ScriptedCompleter([Scripted('{"headline": "Back', finish_reason="length")], recorder=held)
    with pytest.raises(TruncatedOutput):
        generate_structured(completer, prompt, Summary, CONTEXT, held=held)
    assert len(completer.calls) == 1
    assert [(a.status, a.error_code) for _, a in audit.attempts] == [("error", "truncated_output")]


def test_chain_errors_pass_through_without_a_re_ask(prompt: BuiltPrompt) -> None:
    completer = ScriptedCompleter([TruncatedOutput("stopped at max_tokens"), Scripted(VALID)])
    with pytest.raises(TruncatedOutput):
        generate_structured(completer, prompt, Summary, CONTEXT)
    assert len(completer.calls) == 1
    # An outage during the re-ask surfaces as the outage, not as InvalidOutput
    completer = ScriptedCompleter([Scripted(WRONG_TYPE), ProviderUnavailable("all providers failed")])
    with pytest.raises(ProviderUnavailable):
        generate_structured(completer, prompt, Summary, CONTEXT)
    assert len(completer.calls) == 2


def test_the_prompt_and_the_output_model_must_agree(prompt: BuiltPrompt) -> None:
    with pytest.raises(ConfigurationError, match="another output schema"):
        generate_structured(ScriptedCompleter([Scripted(VALID)]), prompt, Score, CONTEXT)


def test_the_cost_sums_every_attempt_with_tokens(prompt: BuiltPrompt) -> None:
    failures = (make_attempt("error", error_code="provider_unavailable"),)
    completer = ScriptedCompleter(
        [Scripted(WRONG_TYPE, failures_before=failures), Scripted(VALID)], provider="anthropic"
    )
    completer.model = "claude-3-5-haiku-latest"
    result = generate_structured(completer, prompt, Summary, CONTEXT)
    one = price_call("anthropic", "claude-3-5-haiku-latest", 1200, 300)
    assert one is not None
    assert result.cost_usd == 2 * one


def test_an_unpriced_model_makes_the_cost_unknown(prompt: BuiltPrompt) -> None:
    completer = ScriptedCompleter([Scripted(VALID)], provider="openai", model="gpt-unreleased-9")
    assert generate_structured(completer, prompt, Summary, CONTEXT).cost_usd is None


def test_the_feedback_is_capped() -> None:
    errors = [{"loc": f"items.{i}.name", "msg": "Field required " + "x" * 150} for i in range(100)]
    message = reask_message(
        InvalidOutput("the JSON object does not match the schema", details={"errors": errors})
    )
    assert len(message) < MAX_FEEDBACK_CHARS + 200
    assert message.startswith("Your previous answer was rejected")


def test_the_verdict_marks_only_the_last_success() -> None:
    attempts = [make_attempt("error", error_code="rate_limited"), make_attempt(), make_attempt()]
    marked = apply_verdict(attempts, Verdict("invalid_output", "invalid_output", "bad"))
    assert [a.status for a in marked] == ["error", "success", "invalid_output"]
    assert apply_verdict(attempts, None) == attempts
    assert json.loads(marked[-1].model_dump_json())["error_message"] == "bad"
