"""What MarkFailed receives from a Catch, read into what the run row records.

A Catch with ``ResultPath: $.failure.<StateName>`` hands MarkFailed
``{"<StateName>": {"Error": "<errorType>", "Cause": "<json or text>"}}``. For a
Lambda failure the Cause is a JSON string ``{"errorMessage", "errorType", ...}``;
for a States.* error it is plain text. Either way the message can quote what
a library saw, so it is scrubbed of anything credential-shaped and cut short
before it is stored.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Literal

from cvpath.errors import REJECTION_ERROR_NAMES
from cvpath.llm.redact import MASK, redact_text

Outcome = Literal["FAILED", "REJECTED"]

# Errors that end a run as REJECTED (refused before any work), not FAILED.
# Governance (issue 7) adds its names here: insufficient balance, BYOK inactive...
REJECTING_ERRORS: tuple[str, ...] = REJECTION_ERROR_NAMES
UNKNOWN_ERROR = "Unknown"
MAX_MESSAGE_CHARS = 500
MAX_NAME_CHARS = 100

# Credential shapes a message may quote even when no key was registered in this
# process: provider keys (sk-..., Google AIza...), bearer tokens, AWS access key
# ids, JWTs and key-like query parameters.
_SECRET_SHAPES = (
    re.compile(r"\bsk-[A-Za-z0-9_\-]{8,}"),
    re.compile(r"\bAIza[0-9A-Za-z_\-]{30,}"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\bBearer\s+[A-Za-z0-9._~+/=\-]+", re.IGNORECASE),
    re.compile(r"\beyJ[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+\.[A-Za-z0-9_\-]+"),
)
_KEY_PARAMETER = re.compile(
    r"((?:[?&]key|api[_-]?key|access[_-]?token|client[_-]?secret|password)\s*[=:]\s*)[^&#\s\"',;]+",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class FailureRecord:
    outcome: Outcome
    error_code: str
    error_message: str | None
    error_state: str | None


def scrub_secrets(text: str) -> str:
    """``text`` with registered secrets and credential-shaped strings replaced by ``***``."""
    text = redact_text(text)
    for shape in _SECRET_SHAPES:
        text = shape.sub(MASK, text)
    return _KEY_PARAMETER.sub(lambda match: match.group(1) + MASK, text)


def read_failure(failure: object) -> FailureRecord:
    """The first caught failure in ``failure``; an unreadable one is ``Unknown`` (never an exception)."""
    if not isinstance(failure, dict) or not failure:
        return FailureRecord("FAILED", UNKNOWN_ERROR, None, None)
    state, caught = next(iter(failure.items()))
    state_name = _clean_name(state) if isinstance(state, str) else None
    if not isinstance(caught, dict):
        return FailureRecord("FAILED", UNKNOWN_ERROR, None, state_name)
    error = caught.get("Error")
    code = _clean_name(error) if isinstance(error, str) and error.strip() else UNKNOWN_ERROR
    outcome: Outcome = "REJECTED" if code in REJECTING_ERRORS else "FAILED"
    return FailureRecord(outcome, code, _message(caught.get("Cause")), state_name)


def _message(cause: Any) -> str | None:
    if not isinstance(cause, str) or not cause.strip():
        return None
    text = cause
    try:
        parsed = json.loads(cause)
    except ValueError:
        parsed = None
    if isinstance(parsed, dict) and isinstance(parsed.get("errorMessage"), str):
        text = parsed["errorMessage"]
    # Scrub before cutting: a cut could split a key into a shape no pattern knows.
    cleaned = " ".join(scrub_secrets(text).split())
    return cleaned[:MAX_MESSAGE_CHARS] or None


def _clean_name(name: str) -> str:
    return scrub_secrets(" ".join(name.split()))[:MAX_NAME_CHARS] or UNKNOWN_ERROR
