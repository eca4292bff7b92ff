"""Google Gemini ``generateContent``.

Wire format: ``POST {base}/v1beta/models/{model}:generateContent``. The key
goes in the ``x-goog-api-key`` header rather than the ``?key=`` query string,
so it never appears in a URL, and so never in an access log or audit row.
The system prompt is ``systemInstruction``; the assistant role is ``model``;
usage is ``usageMetadata.promptTokenCount`` / ``candidatesTokenCount``;
``finishReason: MAX_TOKENS`` becomes ``finish_reason="length"``.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from pydantic import SecretStr

from cvpath.errors import MalformedResponse
from cvpath.llm.clients.base import JSON_HEADERS, HttpChatClient, OutgoingRequest, versioned_url
from cvpath.llm.types import ChatRequest, ChatResponse, FinishReason

_FINISH: dict[str, FinishReason] = {
    "STOP": "stop",
    "MAX_TOKENS": "length",
    "SAFETY": "content_filter",
    "RECITATION": "content_filter",
    "BLOCKLIST": "content_filter",
    "PROHIBITED_CONTENT": "content_filter",
    "SPII": "content_filter",
}
_ROLES = {"user": "user", "assistant": "model"}


class GeminiClient(HttpChatClient):
    wire_format = "Gemini generateContent"
    # Gemini answers a bad key with 400 INVALID_ARGUMENT, not 401.
    auth_markers = ("API_KEY_INVALID", "API key not valid")

    def build(self, request: ChatRequest, api_key: SecretStr | None) -> OutgoingRequest:
        headers = dict(JSON_HEADERS)
        if api_key is not None:
            headers["x-goog-api-key"] = api_key.get_secret_value()
        body: dict[str, Any] = {
            "contents": [{"role": _ROLES[m.role], "parts": [{"text": m.content}]} for m in request.messages],
            "generationConfig": {"temperature": request.temperature, "maxOutputTokens": request.max_tokens},
        }
        if request.system:
            body["systemInstruction"] = {"parts": [{"text": request.system}]}
        model = request.model.removeprefix("models/")
        return OutgoingRequest(
            provider=self.provider,
            model=request.model,
            url=versioned_url(self.base_url, "v1beta", f"models/{quote(model, safe='')}:generateContent"),
            body=body,
            headers=headers,
        )

    def parse(self, data: dict[str, Any], outgoing: OutgoingRequest) -> ChatResponse:
        candidates = data.get("candidates")
        if not candidates:
            blocked = (data.get("promptFeedback") or {}).get("blockReason")
            why = f" (prompt blocked: {blocked})" if blocked else ""
            raise MalformedResponse(
                f"{self.provider} {outgoing.model}: the answer has no candidates{why}",
                details={"response": data},
            )
        candidate = candidates[0]
        parts = (candidate.get("content") or {}).get("parts") or []
        usage = data.get("usageMetadata") or {}
        return ChatResponse(
            text="".join(p.get("text", "") for p in parts if isinstance(p, dict) and not p.get("thought")),
            input_tokens=int(usage.get("promptTokenCount") or 0),
            output_tokens=int(usage.get("candidatesTokenCount") or 0),
            finish_reason=_FINISH.get(candidate.get("finishReason") or "", "other"),
            raw=data,
            provider=self.provider,
            model=outgoing.model,
        )
