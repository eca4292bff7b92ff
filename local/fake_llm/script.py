"""What a fake provider answers: a scripted reply or an injected fault.

Each request takes the next item from the server's queue; an empty queue
means the default reply. Items can also come as JSON (the ``/_fake/script``
control route), so a server in another process can be scripted too:
``{"reply": "text", "finish": "length"}`` or ``{"fault": "rate_limited", "retry_after": "2"}``.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any, Literal, get_args

Finish = Literal["stop", "length"]
FaultKind = Literal[
    "status",  # an error status with the provider's error body (500, 503, 529, 400, ...)
    "rate_limited",  # 429, with Retry-After when given
    "stall",  # wait ``seconds`` before answering (longer than the client's timeout)
    "drop",  # close the connection without any response
    "malformed_json",  # 200 with a JSON body cut in the middle
    "html",  # an HTML page instead of JSON (a proxy or login page)
    "empty",  # 200 with no choices / content / candidates
    "too_large",  # a valid but huge body (``size_bytes``), declared or chunked
    "context_too_long",  # the provider's own "prompt is too long" error
    "auth_failed",  # the provider's own "bad key" error
]
FAULT_KINDS: tuple[str, ...] = get_args(FaultKind)


@dataclass(frozen=True)
class Reply:
    """A successful answer. A reply longer than the request's max_tokens is cut and says so."""

    text: str
    finish: Finish = "stop"
    delay_s: float = 0.0


@dataclass(frozen=True)
class Fault:
    kind: FaultKind
    status: int = 500
    retry_after: str | None = None
    seconds: float = 0.0
    size_bytes: int = 6 * 1024 * 1024
    chunked: bool = False

    @classmethod
    def server_error(cls, status: int = 500) -> Fault:
        return cls("status", status=status)

    @classmethod
    def unavailable(cls) -> Fault:
        return cls("status", status=503)

    @classmethod
    def rate_limited(cls, retry_after: str | None = "1") -> Fault:
        return cls("rate_limited", status=429, retry_after=retry_after)

    @classmethod
    def stall(cls, seconds: float) -> Fault:
        return cls("stall", seconds=seconds)

    @classmethod
    def drop(cls) -> Fault:
        return cls("drop")

    @classmethod
    def malformed_json(cls) -> Fault:
        return cls("malformed_json", status=200)

    @classmethod
    def html(cls, status: int = 200) -> Fault:
        return cls("html", status=status)

    @classmethod
    def empty(cls) -> Fault:
        return cls("empty", status=200)

    @classmethod
    def too_large(cls, size_bytes: int = 6 * 1024 * 1024, *, chunked: bool = False) -> Fault:
        return cls("too_large", status=200, size_bytes=size_bytes, chunked=chunked)

    @classmethod
    def context_too_long(cls) -> Fault:
        return cls("context_too_long", status=400)

    @classmethod
    def auth_failed(cls) -> Fault:
        return cls("auth_failed", status=401)


ScriptItem = Reply | Fault


def item_from_json(data: dict[str, Any]) -> ScriptItem:
    """One script item from its JSON form; ``ValueError`` names what is wrong."""
    if "reply" in data:
        finish = data.get("finish", "stop")
        if finish not in ("stop", "length"):
            raise ValueError(f"finish must be 'stop' or 'length', not {finish!r}")
        return Reply(str(data["reply"]), finish=finish, delay_s=float(data.get("delay_s", 0.0)))
    kind = data.get("fault")
    if kind not in FAULT_KINDS:
        raise ValueError(f"a script item needs 'reply' or 'fault' (one of {', '.join(FAULT_KINDS)})")
    allowed = {f.name for f in fields(Fault)} - {"kind"}
    unknown = set(data) - allowed - {"fault"}
    if unknown:
        raise ValueError(f"unknown fault fields: {', '.join(sorted(unknown))}")
    defaults = {"rate_limited": 429, "context_too_long": 400, "auth_failed": 401, "status": 500}
    options = {name: data[name] for name in allowed if name in data}
    options.setdefault("status", defaults.get(kind, 200))
    return Fault(kind, **options)
