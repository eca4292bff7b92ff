"""The three wire formats as a provider speaks them: routes, request parsing, bodies.

Token counts are words: one token per whitespace-separated word of the system
prompt and the messages (input) or of the answer (output). Real tokenizers
count more, but what tests need is that the numbers are consistent and land
in the right usage fields.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

Wire = Literal["openai", "anthropic", "gemini"]
_GEMINI_PATH = re.compile(r"^/v1beta/models/(?P<model>[^/:]+):generateContent$")
PATHS: dict[Wire, str] = {
    "openai": "POST /v1/chat/completions",
    "anthropic": "POST /v1/messages",
    "gemini": "POST /v1beta/models/{model}:generateContent",
}


@dataclass(frozen=True)
class Call:
    """A provider request as the fake server understood it."""

    wire: Wire
    model: str
    system: str
    messages: tuple[tuple[str, str], ...]  # (role, text)
    max_tokens: int | None
    api_key: str | None

    @property
    def prompt_tokens(self) -> int:
        return count_tokens(self.system) + sum(count_tokens(text) for _, text in self.messages)

    @property
    def last_user_text(self) -> str:
        return next((text for role, text in reversed(self.messages) if role == "user"), "")


def count_tokens(text: str) -> int:
    return len(text.split())


def route(path: str) -> tuple[Wire, str] | None:
    """The wire format a path belongs to, and the model named in the path (Gemini)."""
    path = path.split("?", 1)[0]
    if path == "/v1/chat/completions":
        return "openai", ""
    if path == "/v1/messages":
        return "anthropic", ""
    match = _GEMINI_PATH.match(path)
    return ("gemini", match["model"]) if match else None


def parse_call(wire: Wire, path_model: str, headers: dict[str, str], body: dict[str, Any]) -> Call:
    """``KeyError``/``TypeError`` when the body is not that format: the server answers 400."""
    if wire == "openai":
        messages = [(m["role"], _text(m["content"])) for m in body["messages"]]
        system = " ".join(text for role, text in messages if role == "system")
        auth = headers.get("authorization", "")
        return Call(
            wire,
            str(body["model"]),
            system,
            tuple(m for m in messages if m[0] != "system"),
            body.get("max_tokens") or body.get("max_completion_tokens"),
            auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None,
        )
    if wire == "anthropic":
        return Call(
            wire,
            str(body["model"]),
            _text(body.get("system", "")),
            tuple((m["role"], _text(m["content"])) for m in body["messages"]),
            int(body["max_tokens"]),
            headers.get("x-api-key"),
        )
    system_parts = (body.get("systemInstruction") or {}).get("parts", [])
    roles = {"user": "user", "model": "assistant"}
    return Call(
        wire,
        path_model,
        " ".join(p.get("text", "") for p in system_parts),
        tuple(
            (roles[c.get("role", "user")], " ".join(p.get("text", "") for p in c["parts"]))
            for c in body["contents"]
        ),
        (body.get("generationConfig") or {}).get("maxOutputTokens"),
        headers.get("x-goog-api-key"),
    )


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    return " ".join(part.get("text", "") for part in content if isinstance(part, dict))


def success_body(
    call: Call, text: str, finish: Literal["stop", "length"], output_tokens: int
) -> dict[str, Any]:
    usage_in = call.prompt_tokens
    if call.wire == "openai":
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "model": call.model,
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": finish}
            ],
            "usage": {
                "prompt_tokens": usage_in,
                "completion_tokens": output_tokens,
                "total_tokens": usage_in + output_tokens,
            },
        }
    if call.wire == "anthropic":
        return {
            "id": "msg_fake",
            "type": "message",
            "role": "assistant",
            "model": call.model,
            "content": [{"type": "text", "text": text}],
            "stop_reason": "end_turn" if finish == "stop" else "max_tokens",
            "usage": {"input_tokens": usage_in, "output_tokens": output_tokens},
        }
    return {
        "candidates": [
            {
                "content": {"role": "model", "parts": [{"text": text}]},
                "finishReason": "STOP" if finish == "stop" else "MAX_TOKENS",
            }
        ],
        "usageMetadata": {
            "promptTokenCount": usage_in,
            "candidatesTokenCount": output_tokens,
            "totalTokenCount": usage_in + output_tokens,
        },
        "modelVersion": call.model,
    }


def empty_body(call: Call) -> dict[str, Any]:
    body = success_body(call, "", "stop", 0)
    if call.wire == "openai":
        body["choices"] = []
    elif call.wire == "anthropic":
        body["content"] = []
    else:
        body["candidates"] = []
    return body


def huge_body(call: Call, size_bytes: int) -> bytes:
    """A well-formed answer of about ``size_bytes``: only its size is wrong."""
    marker = "@@TEXT@@"
    template = json.dumps(success_body(call, marker, "stop", 1)).encode()
    head, tail = template.split(marker.encode())
    return head + b"a" * max(0, size_bytes - len(head) - len(tail)) + tail


def error_body(wire: Wire, status: int, message: str, kind: str) -> dict[str, Any]:
    """The provider's error envelope. ``kind`` is OpenAI's code / Anthropic's type / Gemini's status."""
    if wire == "openai":
        return {"error": {"message": message, "type": "invalid_request_error", "param": None, "code": kind}}
    if wire == "anthropic":
        return {"type": "error", "error": {"type": kind, "message": message}}
    return {"error": {"code": status, "message": message, "status": kind}}


def context_error(call: Call, window: int) -> tuple[int, dict[str, Any]]:
    """Each provider's real wording for a prompt over the context window."""
    used = call.prompt_tokens
    if call.wire == "openai":
        message = (
            f"This model's maximum context length is {window} tokens. However, your messages "
            f"resulted in {used} tokens. Please reduce the length of the messages."
        )
        return 400, error_body("openai", 400, message, "context_length_exceeded")
    if call.wire == "anthropic":
        return 400, error_body(
            "anthropic", 400, f"prompt is too long: {used} tokens > {window} maximum", "invalid_request_error"
        )
    message = f"The input token count ({used}) exceeds the maximum number of tokens allowed ({window})."
    return 400, error_body("gemini", 400, message, "INVALID_ARGUMENT")


def auth_error(wire: Wire, key: str | None) -> tuple[int, dict[str, Any]]:
    """Like some real providers, the OpenAI flavour quotes the key it refused: redaction must cope."""
    if wire == "openai":
        return 401, error_body("openai", 401, f"Incorrect API key provided: {key}.", "invalid_api_key")
    if wire == "anthropic":
        return 401, error_body("anthropic", 401, "invalid x-api-key", "authentication_error")
    body = error_body("gemini", 400, "API key not valid. Please pass a valid API key.", "INVALID_ARGUMENT")
    body["error"]["details"] = [{"reason": "API_KEY_INVALID"}]
    return 400, body


def status_error(wire: Wire, status: int) -> dict[str, Any]:
    kinds: dict[Wire, dict[int, str]] = {
        "openai": {429: "rate_limit_exceeded", 500: "server_error", 503: "server_error"},
        "anthropic": {429: "rate_limit_error", 529: "overloaded_error", 500: "api_error"},
        "gemini": {429: "RESOURCE_EXHAUSTED", 500: "INTERNAL", 503: "UNAVAILABLE"},
    }
    kind = kinds[wire].get(status, "invalid_request_error" if status < 500 else "api_error")
    return error_body(wire, status, f"fake provider: scripted HTTP {status}", kind)
