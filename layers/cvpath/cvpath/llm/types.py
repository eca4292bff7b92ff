"""The gateway's vocabulary: what a client is asked and what it answers.

Wire formats differ per provider; these models do not. Every client maps a
``ChatRequest`` to its wire format and its response back to a ``ChatResponse``.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

Role = Literal["user", "assistant"]
FinishReason = Literal["stop", "length", "content_filter", "error", "other"]
ProviderName = Literal[
    "openai", "anthropic", "gemini", "openrouter", "ollama", "openai_compatible", "offline"
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ChatMessage(_Strict):
    role: Role
    content: str


class ChatRequest(_Strict):
    """One model call. The system prompt is separate because Anthropic and Gemini want it so."""

    model: str = Field(min_length=1)
    system: str = ""
    messages: list[ChatMessage] = Field(min_length=1)
    temperature: float = Field(default=0.0, ge=0.0, le=2.0)
    max_tokens: int = Field(default=4096, ge=1, le=200_000)
    timeout_s: float = Field(default=60.0, gt=0.0, le=900.0)


class ChatResponse(_Strict):
    text: str
    input_tokens: int = Field(ge=0)
    output_tokens: int = Field(ge=0)
    finish_reason: FinishReason
    raw: dict[str, Any]
    provider: str
    model: str


class ProviderSpec(_Strict):
    """One link of a provider chain, as stored in JSONB."""

    provider: ProviderName
    model: str = Field(min_length=1)
    base_url: HttpUrl | None = None
    # A reference to a key (settings name, SSM path or "byok"), never the key itself.
    api_key_ref: str | None = None
    timeout_s: float = Field(default=60.0, gt=0.0, le=900.0)
    max_retries: int = Field(default=2, ge=0, le=10)

    @field_validator("api_key_ref")
    @classmethod
    def _looks_like_a_reference(cls, value: str | None) -> str | None:
        # Why: a pasted key in a chain would be stored in clear JSONB.
        if value is not None and (value.startswith(("sk-", "sk_", "AIza")) or len(value) > 200):
            raise ValueError("api_key_ref must name a key, not contain one")
        return value


AttemptStatus = Literal["success", "error", "timeout", "invalid_output"]


class CallContext(_Strict):
    """Who and what a call is for; copied onto every audit row."""

    run_id: str | None = None
    agent: str | None = None
    user_id: str | None = None
    guest_id: str | None = None
    tier: str | None = None
    prompt_version: str | None = None
    schema_version: str | None = None
    # Which ask of a structured-output call this chain call is: 1 the first ask, 2 the
    # re-ask after a validation failure. The chain copies it onto each ``Attempt``.
    turn: int = Field(default=1, ge=1)


class Attempt(_Strict):
    """One HTTP request to one provider: each retry, failover and re-ask is its own attempt."""

    provider: str
    model: str
    chain_position: int = Field(ge=0)
    attempt: int = Field(ge=1)
    # 1 for the first ask, 2 for the re-ask (``CallContext.turn``): ``attempt`` starts at 1
    # again on each chain call, so without it a re-ask's rows look like the first ask's.
    turn: int = Field(default=1, ge=1)
    status: AttemptStatus
    error_code: str | None = None
    error_message: str | None = None
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    started_at: float
    completed_at: float
    duration_ms: int = Field(ge=0)
    parameters: dict[str, Any] = Field(default_factory=dict)
    # Already redacted: no key, token or header value that carries one.
    request: dict[str, Any]
    response: dict[str, Any] | None = None


class AttemptRecorder:
    """Receives every attempt as it ends. The audit log implements it; tests collect."""

    def record(self, context: CallContext, attempt: Attempt) -> None:
        raise NotImplementedError


class CollectingRecorder(AttemptRecorder):
    """Keeps attempts in memory (tests, `cvpath llm ping`)."""

    def __init__(self) -> None:
        self.attempts: list[tuple[CallContext, Attempt]] = []

    def record(self, context: CallContext, attempt: Attempt) -> None:
        self.attempts.append((context, attempt))
