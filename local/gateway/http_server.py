"""The local HTTP gateway: template.yaml's HttpApi routes served by the handlers they name, in-process.

``GatewayApp`` does what API Gateway does for one request (route, build the
payload 2.0 event, call the function, convert its result) and knows nothing of
sockets; ``GatewayServer`` is the stdlib threading server around it.
"""

from __future__ import annotations

import ipaddress
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from cvpath.errors import ConfigurationError
from local.aws.routes import DEFAULT_ROUTE, best_route
from local.aws.template import Template
from local.gateway.apigw_events import (
    MAX_PAYLOAD_BYTES,
    GatewayRequest,
    GatewayResponse,
    error_response,
    http_api_event,
    response_from_result,
)

Invoke = Callable[[str, dict[str, Any]], Any]
"""(function logical id, event) -> the handler's result; raises what the handler raised."""


@dataclass(frozen=True)
class RouteMatch:
    function: str
    route_key: str
    path_parameters: dict[str, str]


def require_loopback(host: str, *, allow_remote: bool) -> None:
    """Refuse to listen beyond this machine unless asked: the local stack has no auth in front of it."""
    if allow_remote or host == "localhost":
        return
    try:
        loopback = ipaddress.ip_address(host).is_loopback
    except ValueError:
        loopback = False
    if not loopback:
        raise ConfigurationError(
            "the local gateway listens on loopback only; pass allow_remote=True to expose it",
            details={"host": host},
        )


class GatewayApp:
    """API Gateway's request path for one template: route, event, invoke, response."""

    def __init__(self, template: Template, invoke: Invoke) -> None:
        self.template = template
        self.invoke = invoke

    def match(self, method: str, path: str) -> RouteMatch | None:
        """The function, declared route key and path parameters for ``method path``."""
        found = self.template.route(method, path)
        if found is None:
            return None
        function, params = found
        # Why match again on the function's own routes: the event names the declared route, not the path.
        declared = best_route(list(function.routes), method, path)
        if declared is None or declared[0].path == DEFAULT_ROUTE:
            key = DEFAULT_ROUTE if declared else f"{method} {path}"
        else:
            key = f"{declared[0].method} {declared[0].path}"
        return RouteMatch(function.logical_id, key, dict(params))

    def handle(self, request: GatewayRequest) -> GatewayResponse:
        match = self.match(request.method, request.raw_path)
        if match is None:
            return error_response(404, "not_found", "no route matches this method and path")
        event = http_api_event(
            request,
            route_key=match.route_key,
            path_parameters=match.path_parameters,
            request_id=str(uuid.uuid4()),
        )
        try:
            return response_from_result(self.invoke(match.function, event))
        # Why so broad: whatever the handler raised, API Gateway answers the same
        # opaque error, and its text can quote the request, so it stays out of the body.
        except Exception:  # noqa: BLE001
            return error_response(502, "internal_error", "the function failed; see the server log")


class _GatewayRequestHandler(BaseHTTPRequestHandler):
    server: GatewayServer
    protocol_version = "HTTP/1.1"
    # Headers and body go out in separate writes: with Nagle's algorithm on, every keep-alive
    # answer waited about 40 ms for the client's delayed acknowledgement.
    disable_nagle_algorithm = True

    def _serve(self) -> None:
        started = time.perf_counter()
        response = self._response()
        self.send_response(response.status)
        for name, value in response.headers:
            if name.lower() not in ("content-length", "connection", "transfer-encoding"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(response.body)))
        elapsed_ms = (time.perf_counter() - started) * 1000
        # Path only: a query string can carry personal data. Logged before the body
        # goes out, so a client that has the answer also finds its log line.
        path = self.path.split("?", 1)[0]
        self.server.log(f"{self.command} {path} {response.status} {elapsed_ms:.0f}ms")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    def _response(self) -> GatewayResponse:
        if "chunked" in (self.headers.get("transfer-encoding") or "").lower():
            self.close_connection = True
            return error_response(411, "length_required", "send the body with a Content-Length")
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            self.close_connection = True
            return error_response(400, "bad_request", "Content-Length is not a number")
        if length > MAX_PAYLOAD_BYTES:
            # The body is left unread, so this connection cannot carry another request.
            self.close_connection = True
            return error_response(413, "payload_too_large", "request bodies are limited to 10 MB")
        request = GatewayRequest(
            method=self.command,
            target=self.path,
            headers=list(self.headers.items()),
            body=self.rfile.read(length) if length > 0 else b"",
            source_ip=self.client_address[0],
            protocol=self.request_version,
        )
        return self.server.app.handle(request)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_OPTIONS = do_HEAD = _serve

    def log_message(self, format: str, *args: Any) -> None:
        """Silenced: ``_serve`` logs one line per request through the server's ``log``."""


class GatewayServer(ThreadingHTTPServer):
    """A threading HTTP server that answers every request through a ``GatewayApp``."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], app: GatewayApp, log: Callable[[str], None]) -> None:
        self.app = app
        self.log = log
        super().__init__(address, _GatewayRequestHandler)
