"""``cvpath serve`` end to end: template.yaml's routes over HTTP, moto in server mode, the SQS poller."""

from __future__ import annotations

import http.client
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import httpx
import pytest

from cvpath.errors import ConfigurationError
from cvpath_render import service
from local.serve import serve


@dataclass
class Served:
    base_url: str
    port: int
    aws_endpoint: str
    log: list[str]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """One ``serve()`` in a thread for the module; always stopped at the end."""
    port = _free_port()
    log: list[str] = []
    failures: list[Exception] = []
    ready, stop = threading.Event(), threading.Event()

    def run() -> None:
        try:
            serve(port=port, ready=ready, stop=stop, log=log.append)
        except Exception as exc:  # noqa: BLE001 - handed to the test, which fails with it
            failures.append(exc)
            ready.set()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        assert ready.wait(30), "serve() did not become ready"
        assert not failures, failures
        endpoint = re.search(r"AWS APIs at (http://[^)\s]+)", log[0])
        assert endpoint is not None, log
        yield Served(f"http://127.0.0.1:{port}", port, endpoint.group(1), log)
    finally:
        stop.set()
        thread.join(20)
    assert not thread.is_alive(), "serve() did not stop"


@pytest.fixture
def client(served: Served) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=served.base_url, trust_env=False, timeout=20) as http:
        yield http


def test_render_health_answers_through_the_template_route(client: httpx.Client, served: Served) -> None:
    response = client.get("/render/health")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "fonts": service.font_files()}
    assert any(re.fullmatch(r"GET /render/health 200 \d+ms", line) for line in served.log)


def test_extract_text_takes_a_plain_text_body(client: httpx.Client) -> None:
    text = "Jane Doe\nSenior Engineer\nPython, AWS, PostgreSQL\n"

    response = client.post(
        "/render/extract-text",
        params={"filename": "cv.txt"},
        content=text.encode(),
        headers={"content-type": "text/plain"},
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert "Senior Engineer" in body["text"]
    assert body["characters"] > 0


def test_unknown_route_is_404(client: httpx.Client) -> None:
    response = client.get("/no/such/route")

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"


def test_wrong_method_on_a_known_path_is_404(client: httpx.Client) -> None:
    response = client.delete("/render/health")

    assert response.status_code == 404


def test_stub_route_answers_501_with_the_error_body(client: httpx.Client) -> None:
    response = client.post("/track/page-view", json={"path": "/"})

    assert response.status_code == 501
    error = response.json()["error"]
    assert error["code"] == "not_implemented"
    assert error["details"]["issue"] == 8


def test_body_over_10_mb_is_413_unread(served: Served) -> None:
    connection = http.client.HTTPConnection("127.0.0.1", served.port, timeout=10)
    try:
        connection.putrequest("POST", "/render/extract-text")
        connection.putheader("Content-Type", "application/pdf")
        connection.putheader("Content-Length", str(10 * 1024 * 1024 + 1))
        connection.endheaders()  # no body sent: the gateway must answer without reading it
        response = connection.getresponse()
        assert response.status == 413
        assert b"payload_too_large" in response.read()
    finally:
        connection.close()


def test_the_poller_delivers_queued_telemetry_and_keeps_what_the_consumer_failed(served: Served) -> None:
    sqs = boto3.client("sqs", endpoint_url=served.aws_endpoint, region_name="us-east-1")
    queue_url = sqs.get_queue_url(QueueName="cvpath-local-TelemetryQueue")["QueueUrl"]

    sqs.send_message(QueueUrl=queue_url, MessageBody='{"type": "page_view"}')

    deadline = time.monotonic() + 10
    while not any(line.startswith("SQS TelemetryConsumerFunction") for line in served.log):
        assert time.monotonic() < deadline, "the consumer never got the message"
        time.sleep(0.1)
    assert "SQS TelemetryConsumerFunction: 1 messages, 1 kept" in served.log
    # The stub consumer fails every record (until issue 8): the message is in flight, not deleted.
    counts = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert counts["ApproximateNumberOfMessages"] == "0"


def test_serve_refuses_a_non_loopback_host() -> None:
    with pytest.raises(ConfigurationError) as caught:
        serve(host="0.0.0.0", port=_free_port())  # noqa: S104 - the refusal is what is tested

    assert caught.value.details == {"host": "0.0.0.0"}  # noqa: S104
