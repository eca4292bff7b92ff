"""One HTTP exchange of the fake provider: route, record, then answer from the script."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from local.fake_llm.script import Fault, Reply, item_from_json
from local.fake_llm.wire import (
    Call,
    Wire,
    auth_error,
    context_error,
    count_tokens,
    empty_body,
    error_body,
    huge_body,
    parse_call,
    route,
    status_error,
    success_body,
)

if TYPE_CHECKING:
    from local.fake_llm.server import FakeLLMServer

_CHUNK = 64 * 1024
_HTML = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><p>The upstream server is not responding.</p></body></html>"
)


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]  # lower-cased names; this is the wire, so keys are here by design
    body: Any
    client_port: int  # one port per connection: tells keep-alive reuse apart from reconnects

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


class FakeProviderHandler(BaseHTTPRequestHandler):
    # Keep-alive, as real providers do (the benchmark measures pooled connections),
    # and no Nagle delay between the header and body writes.
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True

    @property
    def fake(self) -> FakeLLMServer:
        return self.server.fake  # type: ignore[attr-defined, no-any-return]

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: tests and benchmarks read the records, not a log."""

    def do_GET(self) -> None:
        if self.path == "/_fake/health":
            self._send_json(200, {"ok": True, "pending": self.fake.pending})
        elif self.path == "/_fake/requests":
            self._send_json(200, [r.to_json() for r in self.fake.requests])
        else:
            self._send_json(404, {"error": {"message": f"no route GET {self.path}"}})

    def do_POST(self) -> None:
        raw = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path.startswith("/_fake/"):
            self._control(raw)
            return
        routed = route(self.path)
        if routed is None:
            self._send_json(404, {"error": {"message": f"no route POST {self.path}"}})
            return
        wire, path_model = routed
        headers = {name.lower(): value for name, value in self.headers.items()}
        try:
            body: Any = json.loads(raw)
        except ValueError:
            body = raw.decode("utf-8", errors="replace")
        self.fake.record(RecordedRequest("POST", self.path, headers, body, int(self.client_address[1])))
        try:
            call = parse_call(wire, path_model, headers, body)
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            message = f"the request is not in the {wire} format ({type(exc).__name__}: {exc})"
            self._send_json(400, error_body(wire, 400, message, "invalid_request_error"))
            return
        self._answer(wire, call)

    def _answer(self, wire: Wire, call: Call) -> None:
        if self.fake.require_key is not None and call.api_key != self.fake.require_key:
            self._send_json(*auth_error(wire, call.api_key))
            return
        if call.prompt_tokens > self.fake.context_window:
            self._send_json(*context_error(call, self.fake.context_window))
            return
        item = self.fake.next_item()
        if isinstance(item, Fault):
            self._fault(call, item)
        else:
            self._reply(call, item or Reply(self.fake.default_reply(call)))

    def _reply(self, call: Call, reply: Reply) -> None:
        if reply.delay_s and self.fake.stopping.wait(reply.delay_s):
            return
        text, finish = reply.text, reply.finish
        words = text.split()
        if call.max_tokens is not None and len(words) > call.max_tokens:
            text, finish = " ".join(words[: call.max_tokens]), "length"
        self._send_json(200, success_body(call, text, finish, count_tokens(text)))

    def _fault(self, call: Call, fault: Fault) -> None:
        kind = fault.kind
        if kind == "status":
            self._send_json(fault.status, status_error(call.wire, fault.status))
        elif kind == "rate_limited":
            extra = {"retry-after": fault.retry_after} if fault.retry_after is not None else {}
            self._send_json(429, status_error(call.wire, 429), extra)
        elif kind == "stall":
            if not self.fake.stopping.wait(fault.seconds):
                self._reply(call, Reply(self.fake.default_reply(call)))
        elif kind == "drop":
            self.close_connection = True  # the socket closes with no byte written
        elif kind == "malformed_json":
            self._send_raw(200, b'{"choices": [{"message": {"content": "cut off', "application/json")
        elif kind == "html":
            self._send_raw(fault.status, _HTML, "text/html; charset=utf-8")
        elif kind == "empty":
            self._send_json(200, empty_body(call))
        elif kind == "too_large":
            self._send_large(huge_body(call, fault.size_bytes), chunked=fault.chunked)
        elif kind == "context_too_long":
            self._send_json(*context_error(call, self.fake.context_window))
        elif kind == "auth_failed":
            self._send_json(*auth_error(call.wire, call.api_key))

    def _control(self, raw: bytes) -> None:
        if self.path == "/_fake/reset":
            self.fake.reset()
            self._send_json(200, {"ok": True})
            return
        if self.path != "/_fake/script":
            self._send_json(404, {"error": {"message": f"no route POST {self.path}"}})
            return
        try:
            items = [item_from_json(item) for item in json.loads(raw)["items"]]
        except (ValueError, KeyError, TypeError) as exc:
            self._send_json(400, {"error": {"message": f"bad script: {exc}"}})
            return
        self.fake.script(*items)
        self._send_json(200, {"queued": len(items), "pending": self.fake.pending})

    def _send_json(self, status: int, body: Any, headers: dict[str, str] | None = None) -> None:
        self._send_raw(status, json.dumps(body).encode(), "application/json", headers)

    def _send_raw(
        self, status: int, body: bytes, content_type: str, headers: dict[str, str] | None = None
    ) -> None:
        try:
            self.send_response(status)
            self.send_header("content-type", content_type)
            self.send_header("content-length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)
        except OSError:
            # The client gave up (a timeout on its side): nothing left to answer.
            self.close_connection = True

    def _send_large(self, body: bytes, *, chunked: bool) -> None:
        try:
            self.send_response(200)
            self.send_header("content-type", "application/json")
            if chunked:
                self.send_header("transfer-encoding", "chunked")
            else:
                self.send_header("content-length", str(len(body)))
            self.end_headers()
            for start in range(0, len(body), _CHUNK):
                chunk = body[start : start + _CHUNK]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk) if chunked else chunk)
            if chunked:
                self.wfile.write(b"0\r\n\r\n")
        except OSError:
            # Expected: the client stops reading at its size cap and hangs up.
            self.close_connection = True
