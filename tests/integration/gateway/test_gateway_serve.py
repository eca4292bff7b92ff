"""``cvpath serve`` end to end: template.yaml's routes over HTTP, moto in server mode, the SQS poller."""

from __future__ import annotations

import http.client
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import boto3
import httpx
import pytest
from serve_thread import free_port, serving

from cvpath.errors import ConfigurationError
from cvpath_render import service
from local.serve import serve


@dataclass
class Served:
    base_url: str
    port: int
    aws_endpoint: str
    log: list[str]


@pytest.fixture(scope="module")
def served() -> Iterator[Served]:
    """One ``serve()`` in a thread for the module; always stopped at the end."""
    log: list[str] = []
    with serving(log) as base_url:
        endpoint = re.search(r"AWS APIs at (http://[^)\s]+)", log[0])
        assert endpoint is not None, log
        yield Served(base_url, int(base_url.rsplit(":", 1)[1]), endpoint.group(1), log)


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


def test_an_admin_route_without_a_token_answers_401_with_the_error_body(client: httpx.Client) -> None:
    response = client.get("/api/admin/settings")

    assert response.status_code == 401
    error = response.json()["error"]
    assert error["code"] == "not_authenticated"


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
    # Not an event envelope: reported failed, so it stays in flight (then goes to the DLQ), not deleted.
    counts = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["All"])["Attributes"]
    assert counts["ApproximateNumberOfMessagesNotVisible"] == "1"
    assert counts["ApproximateNumberOfMessages"] == "0"


def test_serve_refuses_a_non_loopback_host() -> None:
    with pytest.raises(ConfigurationError) as caught:
        serve(host="0.0.0.0", port=free_port())  # noqa: S104 - the refusal is what is tested

    assert caught.value.details == {"host": "0.0.0.0"}  # noqa: S104
