"""``serve()`` stops cleanly on its stop event and leaves the process as it found it."""

from __future__ import annotations

import os
import socket
import threading

import pytest

from cvpath.errors import ConfigurationError
from local.serve import serve


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_stop_closes_the_port_and_restores_the_environment() -> None:
    before = {name: os.environ.get(name) for name in ("AWS_ENDPOINT_URL", "MOTO_PORT", "AWS_ACCESS_KEY_ID")}
    port, ready, stop = _free_port(), threading.Event(), threading.Event()
    thread = threading.Thread(
        target=serve, kwargs={"port": port, "ready": ready, "stop": stop, "log": lambda _: None}
    )
    thread.start()
    try:
        assert ready.wait(30)
        assert os.environ["AWS_ENDPOINT_URL"].startswith("http://127.0.0.1:")
        socket.create_connection(("127.0.0.1", port), timeout=5).close()
    finally:
        stop.set()
        thread.join(20)

    assert not thread.is_alive()
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=1).close()
    assert {name: os.environ.get(name) for name in before} == before


def test_a_port_in_use_is_a_clear_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = int(taken.getsockname()[1])

        with pytest.raises(ConfigurationError) as caught:
            serve(port=port, log=lambda _: None)

    assert caught.value.details == {"host": "127.0.0.1", "port": port}
    assert "AWS_ENDPOINT_URL" not in os.environ
