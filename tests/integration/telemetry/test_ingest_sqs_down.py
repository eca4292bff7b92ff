"""SQS unreachable (a closed port): ingest answers 503, the in-process client drops, counts, never raises."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator

import pytest

from cvpath.config import get_settings
from cvpath.errors import AtsCheckFailed
from cvpath.telemetry import SqsTelemetry, TelemetryEvent, flush_telemetry, report_error, set_telemetry
from cvpath_telemetry import ingest
from local.gateway.apigw_events import GatewayRequest, http_api_event


class FakeContext:
    function_name = "telemetry-ingest"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:telemetry-ingest"
    aws_request_id = "req-1"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # released on close: nothing listens there


@pytest.fixture
def sqs_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    port = _closed_port()
    monkeypatch.setenv("AWS_ENDPOINT_URL_SQS", f"http://127.0.0.1:{port}")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    url = f"http://127.0.0.1:{port}/123456789012/telemetry"
    monkeypatch.setenv("TELEMETRY_QUEUE_URL", url)
    get_settings.cache_clear()
    previous = ingest.use_sqs(None)
    yield url
    ingest.use_sqs(previous)
    get_settings.cache_clear()


def test_ingest_answers_503_with_a_clear_error(sqs_down: str) -> None:
    body = json.dumps({"path": "/pricing"}).encode()
    request = GatewayRequest(
        "POST", "/track/page-view", [("content-type", "application/json")], body, "127.0.0.1"
    )
    event = http_api_event(request, route_key="POST /track/page-view", path_parameters={}, request_id="r")

    started = time.monotonic()
    result = ingest.handler(event, FakeContext())  # type: ignore[arg-type]

    assert time.monotonic() - started < 5
    assert result["statusCode"] == 503
    error = json.loads(result["body"])["error"]
    assert error["code"] == "telemetry_unavailable"
    assert "retry later" in error["message"]
    assert error["details"]["reason"] == "EndpointConnectionError"


def test_the_client_drops_with_a_counter_and_the_caller_carries_on(sqs_down: str) -> None:
    client = SqsTelemetry(sqs_down)
    previous = set_telemetry(client)
    try:
        started = time.monotonic()
        for n in range(15):
            client.emit(TelemetryEvent(kind="action", payload={"action_type": "click", "metadata": {"n": n}}))
        report_error("render.render_task", AtsCheckFailed("x"))
        flush_telemetry()
        elapsed = time.monotonic() - started
    finally:
        set_telemetry(previous)

    assert client.dropped == 16
    assert client.sent == 0
    assert elapsed < 3  # one failed send (1 s timeouts, no retries), then the rest is dropped
