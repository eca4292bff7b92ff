"""From an HTTP answer to a named error of the error tree.

Status codes decide the class; the body only refines it (a 400 that says the
prompt is too long is ``ContextTooLong``, Gemini's 400 for a bad key is
``AuthFailed``). Messages carry a short, redacted extract of the provider's
own error text: enough to act on, never the key and never the whole prompt.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from email.utils import parsedate_to_datetime
from typing import Any

from cvpath.errors import (
    AuthFailed,
    BadRequest,
    ContextTooLong,
    CVPathError,
    MalformedResponse,
    ProviderTimeout,
    ProviderUnavailable,
    RateLimited,
)
from cvpath.llm.redact import redact_text

# Why a limit: providers sometimes quote the offending input back.
SNIPPET_CHARS = 300
# Each vendor words "your prompt does not fit" differently; OpenAI-compatible
# servers (vLLM, Ollama, LM Studio) borrow OpenAI's words or invent their own.
CONTEXT_MARKERS = (
    "context_length_exceeded",
    "maximum context length",
    "context length",
    "prompt is too long",
    "exceeds the maximum number of tokens",
    "too many tokens",
)


def retry_after_seconds(headers: Mapping[str, str], *, now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date)."""
    millis = headers.get("retry-after-ms")
    if millis:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return None
    return max(0.0, moment.timestamp() - (time.time() if now is None else now))


def error_snippet(body: bytes) -> str:
    """The provider's own error message when the body is JSON, else the start of the text; redacted."""
    text = body[: SNIPPET_CHARS * 8].decode("utf-8", errors="replace")
    try:
        data = json.loads(body)
    except ValueError:
        data = None
    if isinstance(data, dict):
        error = data.get("error", data)
        if isinstance(error, dict) and isinstance(error.get("message"), str):
            text = error["message"]
        elif isinstance(error, str):
            text = error
    text = " ".join(text.split())
    if len(text) > SNIPPET_CHARS:
        text = text[:SNIPPET_CHARS] + "..."
    return redact_text(text)


def error_for_status(
    status: int,
    headers: Mapping[str, str],
    body: bytes,
    *,
    where: str,
    auth_markers: tuple[str, ...] = (),
) -> CVPathError:
    """The error for a non-2xx answer. ``where`` names the provider and model for the message."""
    snippet = error_snippet(body)
    lowered = body[:65536].decode("utf-8", errors="replace").lower()
    details: dict[str, Any] = {"status": status, "provider_message": snippet}
    suffix = f": {snippet}" if snippet else ""
    if status == 429:
        retry_after = retry_after_seconds(headers)
        details["retry_after_s"] = retry_after
        hint = f" (retry after {retry_after:g}s)" if retry_after is not None else ""
        return RateLimited(f"{where}: rate limited, HTTP 429{hint}{suffix}", details=details)
    if status in (401, 403) or (
        400 <= status < 500 and any(marker.lower() in lowered for marker in auth_markers)
    ):
        return AuthFailed(f"{where}: the provider refused the key, HTTP {status}{suffix}", details=details)
    if status == 408:
        return ProviderTimeout(f"{where}: the provider timed out, HTTP 408{suffix}", details=details)
    if status >= 500:
        return ProviderUnavailable(f"{where}: provider error, HTTP {status}{suffix}", details=details)
    if 400 <= status < 500:
        if status == 413 or any(marker in lowered for marker in CONTEXT_MARKERS):
            return ContextTooLong(
                f"{where}: the prompt is over the model's context window, HTTP {status}{suffix}",
                details=details,
            )
        return BadRequest(
            f"{where}: the provider refused the request, HTTP {status}{suffix}", details=details
        )
    if 300 <= status < 400:
        details["location"] = headers.get("location")
        return BadRequest(
            f"{where}: redirected (HTTP {status}); set base_url to the final address", details=details
        )
    return MalformedResponse(f"{where}: unexpected HTTP status {status}{suffix}", details=details)


def decode_json_object(body: bytes, content_type: str, *, where: str) -> dict[str, Any]:
    """A 2xx body as a JSON object, or ``MalformedResponse`` saying what came instead."""
    head = body[:512].lstrip().lower()
    if "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html", b"<")):
        raise MalformedResponse(
            f"{where}: answered with HTML, not JSON (a proxy or login page? check base_url)",
            details={"content_type": content_type, "provider_message": error_snippet(body)},
        )
    try:
        data = json.loads(body)
    except ValueError as exc:
        position = getattr(exc, "pos", "?")
        raise MalformedResponse(
            f"{where}: answered with invalid JSON ({type(exc).__name__} at byte {position})",
            details={"content_type": content_type, "provider_message": error_snippet(body)},
        ) from None
    if not isinstance(data, dict):
        raise MalformedResponse(f"{where}: answered with JSON that is not an object", details={})
    return data
