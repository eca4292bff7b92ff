"""Anthropic Messages.

Wire format: ``POST {base}/v1/messages`` with ``x-api-key`` and
``anthropic-version``; the system prompt is a top-level ``system`` field, not a
message. The answer is the concatenated ``text`` blocks of ``content``; usage
in ``usage.input_tokens`` / ``output_tokens``; ``stop_reason: max_tokens``
becomes ``finish_reason="length"``.
"""

from __future__ import annotations

from typing import Any

from pydantic import SecretStr

from cvpath.errors import MalformedResponse
from cvpath.llm.clients.base import JSON_HEADERS, HttpChatClient, OutgoingRequest, versioned_url
from cvpath.llm.types import ChatRequest, ChatResponse, FinishReason

ANTHROPIC_VERSION = "2023-06-01"
_FINISH: dict[str, FinishReason] = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "refusal": "content_filter",
}


class AnthropicClient(HttpChatClient):
    wire_format = "Anthropic Messages"

    def build(self, request: ChatRequest, api_key: SecretStr | None) -> OutgoingRequest:
        headers = {**JSON_HEADERS, "anthropic-version": ANTHROPIC_VERSION}
        if api_key is not None:
            headers["x-api-key"] = api_key.get_secret_value()
        body: dict[str, Any] = {
            "model": request.model,
            "max_tokens": request.max_tokens,
            "messages": [{"role": m.role, "content": m.content} for m in request.messages],
            "temperature": request.temperature,
        }
        if request.system:
            body["system"] = request.system
        return OutgoingRequest(
            provider=self.provider,
            model=request.model,
            url=versioned_url(self.base_url, "v1", "messages"),
            body=body,
            headers=headers,
        )

    def parse(self, data: dict[str, Any], outgoing: OutgoingRequest) -> ChatResponse:
        blocks = data.get("content")
        texts = [b["text"] for b in blocks or [] if isinstance(b, dict) and b.get("type") == "text"]
        if not texts:
            raise MalformedResponse(
                f"{self.provider} {outgoing.model}: the answer has no text content",
                details={"response": data},
            )
        usage = data.get("usage") or {}
        return ChatResponse(
            text="".join(texts),
            input_tokens=int(usage.get("input_tokens") or 0),
            output_tokens=int(usage.get("output_tokens") or 0),
            finish_reason=_FINISH.get(data.get("stop_reason") or "", "other"),
            raw=data,
            provider=self.provider,
            model=outgoing.model,
        )
