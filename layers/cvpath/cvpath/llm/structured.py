"""Structured output: call, extract, validate, re-ask once, and give each attempt its final status.

The flow of one ``generate_structured`` call:

1. Send the built prompt through the completer (the provider chain).
2. Extract and validate the answer (:mod:`cvpath.llm.output`).
3. If it fails, re-ask once: the same conversation plus the model's answer and a
   user message listing the validation errors (field paths and messages, capped).
4. If the second answer fails too, raise ``InvalidOutput``.

Each chain call gets the turn in its context (``CallContext.turn``: 1 for the
first ask, 2 for the re-ask), and the chain copies it onto every attempt it
makes. Why: the chain numbers attempts from 1 on each call, so without the turn
the re-ask's audit rows could be told from the first ask's only by their order.

A truncated answer (``finish_reason == "length"``) is not re-asked: the chain
raises ``TruncatedOutput`` for it, and asking again with the same ``max_tokens``
would be truncated again.

Audit rows are immutable, and only validation can tell that a 200 answer was
unusable, so each attempt's row is written after the verdict: pass a
``HeldAttempts`` (:mod:`cvpath.llm.audit`) to the chain as its recorder and to
``generate_structured`` as ``held``, and an answer that fails validation is
stored as ``invalid_output``.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Generic, Protocol, TypeVar

from pydantic import BaseModel

from cvpath.errors import ConfigurationError, InvalidOutput, TruncatedOutput
from cvpath.llm.audit import HeldAttempts, Verdict, apply_verdict
from cvpath.llm.output import parse_output, strip_reasoning
from cvpath.llm.pricing import price_attempts
from cvpath.llm.prompt import BuiltPrompt, output_schema, schema_version
from cvpath.llm.types import Attempt, CallContext, ChatMessage, ChatRequest, ChatResponse

T = TypeVar("T", bound=BaseModel)

# The chain replaces the model with each link's own; ChatRequest still wants a value.
CHAIN_MODEL = "chain"
MAX_FEEDBACK_CHARS = 2_000
# Why a cap on the echoed answer: 5 MB of garbage sent back would overflow the context.
MAX_ECHO_CHARS = 50_000


class Completion(Protocol):
    @property
    def response(self) -> ChatResponse: ...

    @property
    def attempts(self) -> Sequence[Attempt]: ...


class Completer(Protocol):
    """What structured output needs from a provider chain.

    The attempts it records and returns carry ``context.turn`` as their ``turn``."""

    def complete(self, request: ChatRequest, context: CallContext) -> Completion: ...


@dataclass(frozen=True)
class StructuredResult(Generic[T]):
    value: T
    # Every attempt of every turn, in order, with its final status.
    attempts: tuple[Attempt, ...]
    raw_outputs: tuple[str, ...]
    # Sum over attempts with tokens; None when a price is unknown.
    cost_usd: Decimal | None

    @property
    def reasked(self) -> bool:
        return len(self.raw_outputs) > 1


def generate_structured(
    completer: Completer,
    prompt: BuiltPrompt,
    output_model: type[T],
    context: CallContext,
    *,
    model: str = CHAIN_MODEL,
    temperature: float = 0.0,
    max_tokens: int = 4096,
    timeout_s: float = 60.0,
    held: HeldAttempts | None = None,
) -> StructuredResult[T]:
    """One validated answer of type ``output_model``, re-asking at most once.

    Raises ``InvalidOutput`` after two invalid answers (details: both error lists,
    the sha256 of both raw outputs, the attempt count and the cost so far), and
    lets the chain's errors (``ProviderUnavailable``, ``TruncatedOutput``, ...) through.
    """
    if schema_version(output_schema(output_model)) != prompt.schema_version:
        raise ConfigurationError(
            f"the prompt was built for another output schema than {output_model.__name__}'s",
            details={"prompt_schema_version": prompt.schema_version},
        )
    context = prompt.call_context(context)
    messages = list(prompt.messages)
    attempts: list[Attempt] = []
    raw_outputs: list[str] = []
    errors: list[InvalidOutput] = []
    for turn in (1, 2):  # the first ask, then at most one re-ask
        request = ChatRequest(
            model=model,
            system=prompt.system,
            messages=messages,
            temperature=temperature,
            max_tokens=max_tokens,
            timeout_s=timeout_s,
        )
        turn_context = context.model_copy(update={"turn": turn})
        text, call_attempts, value, error = _one_turn(completer, request, turn_context, output_model, held)
        attempts.extend(call_attempts)
        raw_outputs.append(text)
        if value is not None:
            return StructuredResult(value, tuple(attempts), tuple(raw_outputs), price_attempts(attempts))
        assert error is not None
        errors.append(error)
        messages = [
            *messages,
            ChatMessage(role="assistant", content=_echo(text)),
            ChatMessage(role="user", content=reask_message(error)),
        ]
    cost = price_attempts(attempts)
    raise InvalidOutput(
        f"the model's answer failed validation twice: {errors[-1].message}",
        details={
            "errors": errors[-1].details.get("errors", []),
            "first_errors": errors[0].details.get("errors", []),
            "raw_output_sha256": [hashlib.sha256(raw.encode()).hexdigest() for raw in raw_outputs],
            "attempts": len(attempts),
            "cost_usd": None if cost is None else str(cost),
        },
    )


def _one_turn(
    completer: Completer,
    request: ChatRequest,
    context: CallContext,
    output_model: type[T],
    held: HeldAttempts | None,
) -> tuple[str, list[Attempt], T | None, InvalidOutput | None]:
    """One chain call and its verdict; the held attempts are written whatever happens."""
    if held is not None:
        held.begin()
    verdict: Verdict | None = None
    returned: Sequence[Attempt] = ()
    try:
        completion = completer.complete(request, context)
        returned = completion.attempts
        response = completion.response
        if response.finish_reason == "length":
            verdict = Verdict("error", TruncatedOutput.code, "the answer stopped at max_tokens")
            raise TruncatedOutput(
                "the model stopped at max_tokens; raise max_tokens or shorten the input",
                details={"max_tokens": request.max_tokens},
            )
        try:
            value: T | None = parse_output(response.text, output_model)
            error = None
        except InvalidOutput as exc:
            value, error = None, exc
            verdict = Verdict("invalid_output", InvalidOutput.code, _summary(exc))
        return response.text, apply_verdict(returned, verdict), value, error
    finally:
        if held is not None:
            held.release(verdict, (context, returned))


def reask_message(error: InvalidOutput) -> str:
    """The user turn of a re-ask: what was wrong, by field path, and what to do."""
    lines = [f"Your previous answer was rejected: {error.message}."]
    problems = error.details.get("errors", [])
    if problems:
        lines.append("Problems (JSON path: message):")
        lines.extend(f"- {item['loc'] or '(whole answer)'}: {item['msg']}" for item in problems)
    text = "\n".join(lines)
    if len(text) > MAX_FEEDBACK_CHARS:
        text = text[: MAX_FEEDBACK_CHARS - 4] + "\n..."
    return (
        f"{text}\n\nAnswer again with exactly one JSON object that validates against the JSON Schema "
        "in the system prompt, and nothing else."
    )


def _summary(error: InvalidOutput) -> str:
    problems = error.details.get("errors", [])
    parts = [f"{item['loc'] or '(whole answer)'}: {item['msg']}" for item in problems]
    return "; ".join([error.message, *parts])


def _echo(text: str) -> str:
    """The assistant turn sent back: no reasoning (providers ask not to resend it), bounded in size."""
    answer = strip_reasoning(text).strip()
    if not answer:
        return "(empty answer)"
    if len(answer) > MAX_ECHO_CHARS:
        return answer[:MAX_ECHO_CHARS] + "\n[... answer cut here ...]"
    return answer
