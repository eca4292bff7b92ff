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
