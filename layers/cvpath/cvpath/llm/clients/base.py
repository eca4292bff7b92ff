"""What a provider client is, and the one way every HTTP client sends a request.

A client has two halves, kept apart as in pydantic-ai: ``build`` maps our
``ChatRequest`` to the provider's wire format (pure, no I/O), ``send`` does the
HTTP exchange and maps the answer back. The chain records what ``build``
produced (redacted) before anything is sent, so even an attempt that never got
an answer leaves its request in the audit trail.

``send`` is shared: kill switch, one pooled ``httpx.Client``, a streamed body
cut off at 5 MB, and errors classified into the error tree.
"""

from __future__ import annotations

import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import httpx
from pydantic import SecretStr

from cvpath.errors import (
    CVPathError,
    MalformedResponse,
    ProviderTimeout,
    ProviderUnavailable,
    ResponseTooLarge,
)
from cvpath.llm.clients.classify import decode_json_object, error_for_status
from cvpath.llm.clients.network_guard import ensure_network_allowed
from cvpath.llm.redact import redact, redact_text, strip_auth_headers
from cvpath.llm.types import ChatRequest, ChatResponse

MAX_RESPONSE_BYTES = 5 * 1024 * 1024
# Why shorter than the read timeout: an unreachable host should fail over fast,
# while a model may legitimately think for a minute before the first byte.
CONNECT_TIMEOUT_S = 10.0
JSON_HEADERS = {"content-type": "application/json", "accept": "application/json"}


@dataclass(frozen=True)
class OutgoingRequest:
    """One request as it goes on the wire. ``headers`` may hold a key: never printed."""

    provider: str
    model: str
    url: str
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict, repr=False)

    def for_record(self) -> dict[str, Any]:
        """The request as stored: auth headers dropped, secrets masked everywhere else."""
        record = {
            "method": "POST",
            "url": self.url,
            "headers": strip_auth_headers(self.headers),
            "body": self.body,
        }
        return redact(record)


class ChatClient(Protocol):
    """A provider client. The offline provider implements it without HTTP."""

    provider: str

    def build(self, request: ChatRequest, api_key: SecretStr | None) -> OutgoingRequest: ...

    def send(self, outgoing: OutgoingRequest, *, timeout_s: float) -> ChatResponse: ...


class HttpChatClient(ABC):
    """Shared transport for the wire-format clients; subclasses only map formats."""

    wire_format: ClassVar[str] = "http"
    # Body phrases that mean "bad key" even when the status is 400 (Gemini does this).
    auth_markers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, *, provider: str, base_url: str, http: httpx.Client) -> None:
        self.provider = provider
        self.base_url = base_url.rstrip("/")
        self._http = http

    @abstractmethod
    def build(self, request: ChatRequest, api_key: SecretStr | None) -> OutgoingRequest:
        """The wire request for ``request``: URL, headers (with the key) and JSON body."""

    @abstractmethod
    def parse(self, data: dict[str, Any], outgoing: OutgoingRequest) -> ChatResponse:
        """A 2xx JSON body as a ``ChatResponse``; may raise ``KeyError``/``TypeError`` on a bad shape."""

    def send(self, outgoing: OutgoingRequest, *, timeout_s: float) -> ChatResponse:
        where = f"{self.provider} {outgoing.model}"
        ensure_network_allowed(outgoing.url)
        status, headers, body = self._exchange(outgoing, timeout_s, where)
        if not 200 <= status < 300:
            raise error_for_status(status, headers, body, where=where, auth_markers=self.auth_markers)
        data = decode_json_object(body, headers.get("content-type", ""), where=where)
        try:
            return self.parse(data, outgoing)
        except MalformedResponse:
            raise
        except (KeyError, IndexError, TypeError, ValueError) as exc:
            problem = redact_text(f"{type(exc).__name__}: {exc}")[:200]
            raise MalformedResponse(
                f"{where}: the answer is not in the {self.wire_format} format ({problem})",
                details={"response": redact(data)},
            ) from None

    def _exchange(
        self, outgoing: OutgoingRequest, timeout_s: float, where: str
    ) -> tuple[int, httpx.Headers, bytes]:
        timeout = httpx.Timeout(timeout_s, connect=min(timeout_s, CONNECT_TIMEOUT_S))
        failure: CVPathError | None = None
        try:
            with self._http.stream(
                "POST", outgoing.url, json=outgoing.body, headers=outgoing.headers, timeout=timeout
            ) as response:
                body = _read_capped(response, where, deadline=time.monotonic() + timeout_s)
                return response.status_code, response.headers, body
        except httpx.TimeoutException:
            failure = ProviderTimeout(
                f"{where}: no answer within {timeout_s:g}s", details={"timeout_s": timeout_s}
            )
        except httpx.DecodingError:
            failure = MalformedResponse(f"{where}: the answer's content encoding is corrupt", details={})
        except httpx.TransportError as exc:
            reason = redact_text(str(exc) or type(exc).__name__)
            failure = ProviderUnavailable(
                f"{where}: connection failed ({type(exc).__name__}: {reason})",
                details={"transport_error": type(exc).__name__},
            )
        # Raised outside the except block on purpose: the httpx exception holds the
        # request, headers and key included, and must not ride along as __context__.
        assert failure is not None
        raise failure


def _read_capped(response: httpx.Response, where: str, *, deadline: float) -> bytes:
    """The body, read in chunks and abandoned past the size cap or the attempt's time budget."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
        raise ResponseTooLarge(
            f"{where}: the answer is {int(declared):,} bytes, over the {MAX_RESPONSE_BYTES:,}-byte cap",
            details={"declared_bytes": int(declared), "limit_bytes": MAX_RESPONSE_BYTES},
        )
    chunks: list[bytes] = []
    total = 0
    # iter_bytes decodes gzip, so the cap also stops a compression bomb.
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > MAX_RESPONSE_BYTES:
            raise ResponseTooLarge(
                f"{where}: the answer passed the {MAX_RESPONSE_BYTES:,}-byte cap; stopped reading",
                details={"limit_bytes": MAX_RESPONSE_BYTES},
            )
        if time.monotonic() > deadline:
            # A server that drips bytes never trips httpx's per-read timeout.
            raise ProviderTimeout(f"{where}: the answer was still arriving at the time limit", details={})
        chunks.append(chunk)
    return b"".join(chunks)


def new_http_client() -> httpx.Client:
    """A pooled client. ``trust_env=False``: the socket goes exactly where the URL says,
    which is what the kill switch checks; no proxy variable can redirect it."""
    return httpx.Client(
        limits=httpx.Limits(max_connections=64, max_keepalive_connections=32, keepalive_expiry=30.0),
        follow_redirects=False,
        trust_env=False,
        headers={"user-agent": "cvpath-llm-gateway"},
    )


_shared: httpx.Client | None = None
_shared_lock = threading.Lock()


def shared_http_client() -> httpx.Client:
    """One client per process (per Lambda environment), so connections are reused across calls."""
    global _shared
    if _shared is None or _shared.is_closed:
        with _shared_lock:
            if _shared is None or _shared.is_closed:
                _shared = new_http_client()
    return _shared


def join_url(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + "/" + path.lstrip("/")


def versioned_url(base_url: str, version: str, path: str) -> str:
    """``{base}/{version}/{path}``, unless the base already ends with the version segment.

    Why: people paste both ``https://api.anthropic.com`` and ``.../v1``, and both should work.
    """
    base = base_url.rstrip("/")
    if httpx.URL(base).path.rstrip("/").endswith("/" + version):
        return join_url(base, path)
    return join_url(base, f"{version}/{path}")
