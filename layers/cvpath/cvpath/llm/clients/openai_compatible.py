"""OpenAI chat completions: OpenAI, OpenRouter, Ollama, vLLM, LM Studio.

Wire format: ``POST {base}/chat/completions`` with a Bearer key, the system
prompt as the first message, ``max_tokens``; the answer is in
``choices[0].message.content``, usage in ``usage.prompt_tokens`` /
``completion_tokens``. A ``length`` finish comes back as
``finish_reason="length"``: deciding what truncation means is the chain's job.
"""

from __future__ import annotations

from typing import Any

import httpx
from pydantic import SecretStr

from cvpath.errors import MalformedResponse
from cvpath.llm.clients.base import JSON_HEADERS, HttpChatClient, OutgoingRequest, join_url
from cvpath.llm.types import ChatRequest, ChatResponse, FinishReason

_FINISH: dict[str, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "content_filter": "content_filter",
}


class OpenAICompatibleClient(HttpChatClient):
    wire_format = "OpenAI chat completions"

    def __init__(self, *, provider: str, base_url: str, http: httpx.Client) -> None:
        # A bare host (``http://127.0.0.1:1234``) means the server's /v1 API, as
        # every OpenAI-compatible server serves it; any explicit path is kept.
        if httpx.URL(base_url).path.strip("/") == "":
            base_url = join_url(base_url, "v1")
        super().__init__(provider=provider, base_url=base_url, http=http)

    def build(self, request: ChatRequest, api_key: SecretStr | None) -> OutgoingRequest:
        messages: list[dict[str, str]] = []
        if request.system:
            messages.append({"role": "system", "content": request.system})
        messages.extend({"role": m.role, "content": m.content} for m in request.messages)
        headers = dict(JSON_HEADERS)
        if api_key is not None:
            headers["authorization"] = f"Bearer {api_key.get_secret_value()}"
        body: dict[str, Any] = {
            "model": request.model,
            "messages": messages,
            "temperature": request.temperature,
            "max_tokens": request.max_tokens,
        }
        return OutgoingRequest(
            provider=self.provider,
            model=request.model,
            url=join_url(self.base_url, "chat/completions"),
            body=body,
            headers=headers,
        )

    def parse(self, data: dict[str, Any], outgoing: OutgoingRequest) -> ChatResponse:
        choices = data.get("choices")
        if not choices:
            raise MalformedResponse(
                f"{self.provider} {outgoing.model}: the answer has no choices", details={"response": data}
            )
        choice = choices[0]
        usage = data.get("usage") or {}
        return ChatResponse(
            text=_message_text(choice.get("message") or {}),
            input_tokens=int(usage.get("prompt_tokens") or 0),
            output_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason=_FINISH.get(choice.get("finish_reason") or "", "other"),
            raw=data,
            provider=self.provider,
            model=outgoing.model,
        )


def _message_text(message: dict[str, Any]) -> str:
    content = message.get("content")
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    # Some compatible servers answer with a list of typed parts.
    return "".join(part.get("text", "") for part in content if isinstance(part, dict))
