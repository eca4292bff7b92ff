"""POST /track/*: validation, batches, limits and the answers, with moto's SQS (no sockets)."""

from __future__ import annotations

import base64
import json
import sys
import types
import uuid
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cvpath.config import get_settings
from cvpath.telemetry.events import Envelope, PageView
from cvpath_telemetry import ingest
from local.gateway.apigw_events import GatewayRequest, http_api_event

SCRIPT = "<script>alert(document.cookie)</script>"


class FakeContext:
    function_name = "telemetry-ingest"
    memory_limit_in_mb = 256
    invoked_function_arn = "arn:aws:lambda:eu-west-1:123456789012:function:telemetry-ingest"
    aws_request_id = "req-1"


def call(method: str, path: str, body: Any = None, *, raw: bytes | None = None) -> tuple[int, Any]:
    data = raw if raw is not None else json.dumps(body).encode()
    request = GatewayRequest(method, path, [("content-type", "application/json")], data, "127.0.0.1")
    event = http_api_event(request, route_key=f"{method} {path}", path_parameters={}, request_id="r1")
    result = ingest.handler(event, FakeContext())  # type: ignore[arg-type]
    return result["statusCode"], json.loads(result["body"])


def page(path: str = "/jobs", **extra: Any) -> dict[str, Any]:
    return {"path": path, "session_id": str(uuid.uuid4()), **extra}


class Queue:
    def __init__(self, sqs: Any, url: str) -> None:
        self.sqs, self.url = sqs, url

    def drain(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        while messages := self.sqs.receive_message(
            QueueUrl=self.url, MaxNumberOfMessages=10, MessageAttributeNames=["All"]
        ).get("Messages"):
            out += messages
            entries = [{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)]
            self.sqs.delete_message_batch(QueueUrl=self.url, Entries=entries)
        return out


@pytest.fixture
def queue(monkeypatch: pytest.MonkeyPatch) -> Iterator[Queue]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        sqs = boto3.client("sqs", region_name="eu-west-1")
        url = sqs.create_queue(QueueName="telemetry")["QueueUrl"]
        monkeypatch.setenv("TELEMETRY_QUEUE_URL", url)
        get_settings.cache_clear()
        previous = ingest.use_sqs(None)  # built inside the mock
        yield Queue(sqs, url)
        ingest.use_sqs(previous)
    get_settings.cache_clear()


def test_one_page_view_is_queued_and_answered_202(queue: Queue) -> None:
    status, body = call("POST", "/track/page-view", page(title=SCRIPT))

    assert status == 202
    assert body["rejected"] == []
    (message,) = queue.drain()
    envelope = Envelope.parse(message["Body"])
    assert [str(envelope.event_id)] == body["accepted"]
    assert envelope.event_id.version == 7
    assert envelope.kind == "page_view"
    assert message["MessageAttributes"]["kind"]["StringValue"] == "page_view"
    # Stored as text, byte for byte: no escaping or stripping at ingest.
    assert isinstance(envelope.data, PageView)
    assert envelope.data.title == SCRIPT
    assert json.loads(message["Body"])["data"]["title"] == SCRIPT


@pytest.mark.parametrize(
    ("path", "event", "kind"),
    [
        ("/track/action", {"action_type": "cv.upload", "metadata": {"size": 3}}, "action"),
        (
            "/track/llm-request",
            {"provider": "openai", "model": "m", "latency_ms": 9, "status": "SUCCESS"},
            "llm_request",
        ),
        ("/track/error", {"microservice": "frontend", "error_type": "TypeError", "line_number": 4}, "error"),
    ],
)
def test_every_route_queues_its_kind(queue: Queue, path: str, event: dict[str, Any], kind: str) -> None:
    status, _ = call("POST", path, event)

    assert status == 202
    (message,) = queue.drain()
    assert Envelope.parse(message["Body"]).kind == kind


def test_a_batch_of_100_is_queued_with_the_clients_ids(queue: Queue) -> None:
    ids = [str(uuid.uuid4()) for _ in range(100)]
    status, body = call("POST", "/track/page-view", {"events": [page(event_id=i) for i in ids]})

    assert status == 202
    assert body["accepted"] == ids
    assert sorted(json.loads(m["Body"])["event_id"] for m in queue.drain()) == sorted(ids)


def test_101_events_are_refused_whole(queue: Queue) -> None:
    status, body = call("POST", "/track/page-view", {"events": [page() for _ in range(101)]})

    assert status == 400
    assert body["error"]["code"] == "invalid_events"
    assert body["error"]["details"] == {"count": 101, "max_events": 100}
    assert queue.drain() == []


def test_a_1_mb_body_is_refused_before_parsing(queue: Queue) -> None:
    status, body = call("POST", "/track/page-view", raw=b"{" + b" " * (1024 * 1024))

    assert status == 413
    assert body["error"]["code"] == "payload_too_large"
    assert queue.drain() == []


def test_a_wrong_type_gets_400_with_the_field(queue: Queue) -> None:
    status, body = call("POST", "/track/page-view", page(duration_ms="long"))

    assert status == 400
    (rejected,) = body["error"]["details"]["rejected"]
    assert rejected["index"] == 0
    assert [e["loc"] for e in rejected["errors"]] == [["duration_ms"]]
    assert queue.drain() == []


def test_a_mixed_batch_queues_the_valid_events_and_says_why_the_others_were_dropped(queue: Queue) -> None:
    events = [page("/a"), {"path": ""}, page("/c"), "not an object", page("/e", device_type="toaster")]
    status, body = call("POST", "/track/page-view", {"events": events})

    assert status == 202
    assert len(body["accepted"]) == 2
    assert [r["index"] for r in body["rejected"]] == [1, 3, 4]
    assert body["rejected"][2]["errors"][0]["loc"] == ["device_type"]
    paths = sorted(json.loads(m["Body"])["data"]["path"] for m in queue.drain())
    assert paths == ["/a", "/c"]


def test_a_duplicate_event_id_is_passed_on_for_the_consumer_to_store_once(queue: Queue) -> None:
    event_id = str(uuid.uuid4())
    first = call("POST", "/track/page-view", page(event_id=event_id))
    second = call("POST", "/track/page-view", page(event_id=event_id))

    assert first[1]["accepted"] == second[1]["accepted"] == [event_id]
    assert {json.loads(m["Body"])["event_id"] for m in queue.drain()} == {event_id}


@pytest.mark.parametrize(
    "raw",
    [b"not json", b"[1, 2]", b'{"events": "x"}', b'{"events": []}', b'{"events": [], "extra": 1}', b'"str"'],
)
def test_bodies_that_are_not_events_get_400(queue: Queue, raw: bytes) -> None:
    status, body = call("POST", "/track/action", raw=raw)

    assert status == 400
    assert body["error"]["code"] == "invalid_events"


def test_a_base64_body_is_decoded(queue: Queue) -> None:
    request = GatewayRequest(
        "POST",
        "/track/action",
        [("content-type", "application/octet-stream")],
        json.dumps({"action_type": "click"}).encode(),
        "127.0.0.1",
    )
    event = http_api_event(request, route_key="POST /track/action", path_parameters={}, request_id="r")
    assert event["isBase64Encoded"] is True
    result = ingest.handler(event, FakeContext())  # type: ignore[arg-type]
    assert result["statusCode"] == 202


def test_a_missing_queue_answers_503_with_a_clear_error(
    queue: Queue, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TELEMETRY_QUEUE_URL", queue.url.rsplit("/", 1)[0] + "/gone")
    get_settings.cache_clear()

    status, body = call("POST", "/track/page-view", page())

    assert status == 503
    assert body["error"]["code"] == "telemetry_unavailable"
    assert body["error"]["details"]["reason"] in {"ClientError", "QueueDoesNotExist"}


def test_no_queue_configured_answers_503(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("TELEMETRY_QUEUE_URL")
    get_settings.cache_clear()

    status, body = call("POST", "/track/page-view", page())

    assert (status, body["error"]["code"]) == (503, "telemetry_unavailable")


class RefusingSqs:
    def __init__(self, refuse: set[str]) -> None:
        self.refuse, self.calls = refuse, 0

    def send_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        self.calls += 1
        failed = [{"Id": e["Id"], "Code": "InternalError"} for e in Entries if e["Id"] in self.refuse]
        return {"Successful": [], "Failed": failed}


def test_entries_sqs_refuses_are_reported_as_rejected(queue: Queue) -> None:
    fake = RefusingSqs({"2"})
    ingest.use_sqs(fake)
    ids = [str(uuid.uuid4()) for _ in range(25)]

    status, body = call("POST", "/track/page-view", {"events": [page(event_id=i) for i in ids]})

    assert status == 202
    assert fake.calls == 3  # chunks of 10, 10, 5
    refused = [2, 12, 22]
    assert [r["index"] for r in body["rejected"]] == refused
    assert [r["event_id"] for r in body["rejected"]] == [ids[i] for i in refused]
    assert "InternalError" in body["rejected"][0]["errors"][0]["msg"]
    assert body["accepted"] == [i for n, i in enumerate(ids) if n not in refused]


def test_stats_routes_delegate_to_the_stats_module(queue: Queue, monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[tuple[str, dict[str, str]]] = []

    def handle_stats(path: str, query: dict[str, str]) -> tuple[int, dict[str, Any]]:
        seen.append((path, query))
        return 200, {"rows": []}

    fake = types.ModuleType(ingest.STATS_MODULE)
    fake.handle_stats = handle_stats  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, ingest.STATS_MODULE, fake)

    status, body = call("GET", "/stats/llm-usage?granularity=hour", raw=b"")

    assert (status, body) == (200, {"rows": []})
    assert seen == [("/stats/llm-usage", {"granularity": "hour"})]


def test_ingest_does_not_import_psycopg_or_boto3() -> None:
    import subprocess

    heavy = "('psycopg', 'boto3', 'fastapi')"
    code = f"import sys, cvpath_telemetry.ingest; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]"


def test_base64_of_a_huge_body_is_refused_by_length(queue: Queue) -> None:
    request = GatewayRequest(
        "POST",
        "/track/action",
        [("content-type", "application/octet-stream")],
        b"x" * (300 * 1024),
        "127.0.0.1",
    )
    event = http_api_event(request, route_key="POST /track/action", path_parameters={}, request_id="r")
    assert base64.b64decode(event["body"])  # it is base64
    assert ingest.handler(event, FakeContext())["statusCode"] == 413  # type: ignore[arg-type]
