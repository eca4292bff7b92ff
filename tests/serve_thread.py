"""``cvpath serve`` in a background thread for a test: started on a free loopback port, always stopped."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from cvpath_api import aws
from cvpath_telemetry import ingest
from local.serve import serve


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(log: list[str] | None = None) -> Iterator[str]:
    """Yields the gateway's base URL; ``log`` collects its lines (the first names the AWS endpoint)."""
    port = free_port()
    lines = log if log is not None else []
    failures: list[Exception] = []
    ready, stop = threading.Event(), threading.Event()

    def run() -> None:
        try:
            serve(port=port, ready=ready, stop=stop, log=lines.append)
        except Exception as exc:  # noqa: BLE001 - handed to the test, which fails with it
            failures.append(exc)
            ready.set()

    # The ingest handler keeps one SQS client per process (per Lambda container); one made for an
    # earlier serve() points at a moto server that has stopped.
    previous = ingest.use_sqs(None)
    aws.reset_clients()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        assert ready.wait(30), "serve() did not become ready"
        assert not failures, failures
        yield f"http://127.0.0.1:{port}"
    finally:
        stop.set()
        thread.join(20)
        ingest.use_sqs(previous)
        aws.reset_clients()
    assert not thread.is_alive(), "serve() did not stop"
