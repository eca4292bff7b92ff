"""A fake LLM provider: a real HTTP server on loopback that speaks all three wire formats.

Tests and the CLI start it; our clients talk real HTTP to it, so nothing of
ours is ever monkeypatched. It answers from a script (see ``script.py``), else
with a default JSON echo, and remembers every request it received.

Control routes, for a server in another process (the CLI, the benchmark):
``POST /_fake/script`` ``{"items": [...]}``, ``POST /_fake/reset``,
``GET /_fake/requests``, ``GET /_fake/health``.
"""

from __future__ import annotations

import json
import socket
import sys
import threading
from collections import deque
from collections.abc import Callable
from http.server import ThreadingHTTPServer
from types import TracebackType

from local.fake_llm.handler import FakeProviderHandler, RecordedRequest
from local.fake_llm.script import ScriptItem
from local.fake_llm.wire import Call

DefaultReply = Callable[[Call], str]


def echo_reply(call: Call) -> str:
    """The default answer: one JSON object echoing the last user message."""
    return json.dumps({"echo": call.last_user_text[:500]})


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # A burst of 16+ connections must not overflow the accept backlog.
    request_queue_size = 256
    fake: FakeLLMServer

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hangs up (it timed out, or stopped at its size cap) is a
        # scripted outcome here, not a server error worth a traceback.
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)  # type: ignore[arg-type]


class FakeLLMServer:
    """Start with ``start()`` (a background thread) or ``serve_forever()`` (the CLI)."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        context_window: int = 32_000,
        require_key: str | None = None,
        default_reply: DefaultReply = echo_reply,
        keep_requests: int = 10_000,
    ) -> None:
        """``context_window``: prompts with more words get the provider's context error.
        ``require_key``: requests with another key get the provider's auth error."""
        self.context_window = context_window
        self.require_key = require_key
        self.default_reply = default_reply
        self.stopping = threading.Event()
        self._lock = threading.Lock()
        self._script: deque[ScriptItem] = deque()
        self._requests: deque[RecordedRequest] = deque(maxlen=keep_requests)
        self._httpd = _Server((host, port), FakeProviderHandler)
        self._httpd.fake = self
        self._thread: threading.Thread | None = None

    @property
    def host(self) -> str:
        return str(self._httpd.server_address[0])

    @property
    def port(self) -> int:
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> FakeLLMServer:
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-llm", daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until ``KeyboardInterrupt`` (or ``stop`` from another thread)."""
        try:
            self._httpd.serve_forever(poll_interval=0.2)
        finally:
            self.stopping.set()
            self._httpd.server_close()

    def stop(self) -> None:
        self.stopping.set()  # ends stalls at once
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeLLMServer:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    # --- script and records (thread-safe: handler threads call these) ---------

    def script(self, *items: ScriptItem) -> None:
        """Queue answers for the next requests, in order, whatever their wire format."""
        with self._lock:
            self._script.extend(items)

    def next_item(self) -> ScriptItem | None:
        with self._lock:
            return self._script.popleft() if self._script else None

    @property
    def pending(self) -> int:
        with self._lock:
            return len(self._script)

    def record(self, request: RecordedRequest) -> None:
        with self._lock:
            self._requests.append(request)

    @property
    def requests(self) -> list[RecordedRequest]:
        with self._lock:
            return list(self._requests)

    def reset(self) -> None:
        with self._lock:
            self._script.clear()
            self._requests.clear()


def unused_port(host: str = "127.0.0.1") -> int:
    """A port where nothing listens (for "connection refused"): bound, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((host, 0))
        return int(probe.getsockname()[1])


__all__ = ["FakeLLMServer", "RecordedRequest", "echo_reply", "unused_port"]
