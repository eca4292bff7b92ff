"""Shared test inputs for the prompt and structured-output tests: sample blocks and a scripted completer."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cvpath.llm.types import (
    Attempt,
    AttemptRecorder,
    AttemptStatus,
    CallContext,
    ChatRequest,
    ChatResponse,
    FinishReason,
)
from cvpath.models import cv_from_json_resume

SAMPLE_RESUME = Path(__file__).parents[1] / "models" / "testdata" / "sample_resume.json"

SKILLS = [
    {"name": name, "level": level, "years": years}
    for name, level, years in [
        ("Python", "Expert", 9),
        ("PostgreSQL", "Advanced", 7),
        ("AWS Lambda", "Advanced", 5),
        ("Step Functions", "Intermediate", 3),
        ("TypeScript", "Intermediate", 4),
        ("Terraform", "Intermediate", 3),
        ("Kubernetes", "Beginner", 1),
        ("Rust", "Beginner", 1),
        ("Data modelling", "Advanced", 8),
        ("Technical writing", "Advanced", 6),
    ]
]


def prose_cv() -> dict[str, Any]:
    """The example CV as agents send it: parsed into the canonical model, dumped as JSON."""
    raw = json.loads(SAMPLE_RESUME.read_text(encoding="utf-8"))
    return cv_from_json_resume(raw).model_dump(mode="json", exclude_none=True)


def make_attempt(
    status: AttemptStatus = "success",
    *,
    provider: str = "openai",
    model: str = "gpt-4o-mini",
    input_tokens: int = 1200,
    output_tokens: int = 300,
    error_code: str | None = None,
    attempt: int = 1,
    chain_position: int = 0,
    request: dict[str, Any] | None = None,
    response: dict[str, Any] | None = None,
    started_at: float = 1_764_000_000.0,
) -> Attempt:
    return Attempt(
        provider=provider,
        model=model,
        chain_position=chain_position,
        attempt=attempt,
        status=status,
        error_code=error_code,
        error_message=None if error_code is None else f"{error_code} from {provider}",
        input_tokens=input_tokens if status != "error" else 0,
        output_tokens=output_tokens if status != "error" else 0,
        started_at=started_at,
        completed_at=started_at + 0.25,
        duration_ms=250,
        parameters={"temperature": 0.0, "max_tokens": 4096},
        request=request if request is not None else {"model": model, "messages": [{"role": "user"}]},
        response=response,
    )


@dataclass(frozen=True)
class Scripted:
    """One scripted chain call: the answer text, and failed attempts the chain made before it."""

    text: str
    finish_reason: FinishReason = "stop"
    failures_before: Sequence[Attempt] = ()


@dataclass(frozen=True)
class ScriptedCompletion:
    response: ChatResponse
    attempts: list[Attempt]


@dataclass
class ScriptedCompleter:
    """Plays the provider chain's part: answers from a script and records like the chain does
    (every attempt carries ``context.turn``)."""

    script: list[Scripted | Exception]
    recorder: AttemptRecorder | None = None
    provider: str = "openai"
    model: str = "gpt-4o-mini"
    calls: list[ChatRequest] = field(default_factory=list)

    def complete(self, request: ChatRequest, context: CallContext) -> ScriptedCompletion:
        self.calls.append(request)
        step = self.script.pop(0)
        if isinstance(step, Exception):
            raise step
        attempts = [
            attempt.model_copy(update={"turn": context.turn})
            for attempt in (*step.failures_before, make_attempt(provider=self.provider, model=self.model))
        ]
        attempts[-1] = attempts[-1].model_copy(
            update={"attempt": len(attempts), "response": {"text": step.text}}
        )
        if self.recorder is not None:
            for attempt in attempts:
                self.recorder.record(context, attempt)
        response = ChatResponse(
            text=step.text,
            input_tokens=attempts[-1].input_tokens,
            output_tokens=attempts[-1].output_tokens,
            finish_reason=step.finish_reason,
            raw={"text": step.text},
            provider=self.provider,
            model=self.model,
        )
        return ScriptedCompletion(response, attempts)
