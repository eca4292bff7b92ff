"""The in-process SQS client: batches of 10, a bounded buffer, drops counted, never raises."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from cvpath.config import get_settings
from cvpath.errors import AtsCheckFailed
from cvpath.telemetry import (
    CollectingTelemetry,
    NoOpTelemetry,
    SqsTelemetry,
    TelemetryEvent,
    configure_from_settings,
    flush_telemetry,
    get_telemetry,
    report_error,
    set_telemetry,
)
from cvpath.telemetry.events import Envelope, ErrorReport


class RecordingSqs:
    """Stands in for boto3's client: records each SendMessageBatch, refuses the ids it is told to."""

    def __init__(self, refuse: set[str] | None = None, fail: Exception | None = None) -> None:
        self.batches: list[list[dict[str, Any]]] = []
        self.refuse, self.fail = refuse or set(), fail

    def send_message_batch(self, *, QueueUrl: str, Entries: list[dict[str, Any]]) -> dict[str, Any]:
        if self.fail is not None:
            raise self.fail
        self.batches.append(Entries)
        return {
            "Failed": [{"Id": e["Id"], "Code": "InternalError"} for e in Entries if e["Id"] in self.refuse]
        }


def action(n: int = 0) -> TelemetryEvent:
    return TelemetryEvent(kind="action", payload={"action_type": "click", "metadata": {"n": n}})


@pytest.fixture
def restore_client() -> Iterator[None]:
    previous = get_telemetry()
    yield
    set_telemetry(previous)
    get_settings.cache_clear()


def test_emit_sends_a_batch_of_ten_as_soon_as_ten_are_buffered() -> None:
    sqs = RecordingSqs()
    client = SqsTelemetry("q", sqs=sqs)
    for n in range(9):
        client.emit(action(n))
    assert sqs.batches == []

    client.emit(action(9))

    (batch,) = sqs.batches
    assert [json.loads(e["MessageBody"])["data"]["metadata"]["n"] for e in batch] == list(range(10))
    assert batch[0]["MessageAttributes"]["kind"] == {"DataType": "String", "StringValue": "action"}
    assert client.sent == 10
    assert client.dropped == 0


def test_flush_sends_the_rest_in_chunks_of_ten_at_most() -> None:
    sqs = RecordingSqs()
    client = SqsTelemetry("q", sqs=sqs, capacity=100)
    client.flush()
    assert sqs.batches == []
    for n in range(7):
        client.emit(action(n))
    client.flush()
    assert [len(b) for b in sqs.batches] == [7]
    assert client.sent == 7


def test_a_full_buffer_drops_the_oldest_and_counts_it() -> None:
    client = SqsTelemetry("q", sqs=RecordingSqs(fail=RuntimeError("never reached")), capacity=3)
    client.flush = lambda: None  # type: ignore[method-assign]  # keep everything buffered
    for n in range(5):
        client.emit(action(n))

    assert client.dropped == 2
    assert [e.data.metadata["n"] for e in client._buffer] == [2, 3, 4]  # type: ignore[union-attr]


def test_a_failing_queue_never_raises_drops_everything_and_logs_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    sqs = RecordingSqs(fail=ConnectionError("secret payload text"))
    client = SqsTelemetry("q", sqs=sqs)
    with caplog.at_level(logging.WARNING, logger="cvpath.telemetry.sqs_client"):
        for n in range(25):
            client.emit(action(n))
        client.flush()

    assert client.dropped == 25
    assert client.sent == 0
    warnings = [r for r in caplog.records if r.name == "cvpath.telemetry.sqs_client"]
    assert len(warnings) == 1
    assert "ConnectionError" in warnings[0].getMessage()
    assert "secret payload" not in caplog.text


def test_entries_the_queue_refuses_are_counted_as_dropped() -> None:
    client = SqsTelemetry("q", sqs=RecordingSqs(refuse={"0", "3"}))
    for n in range(10):
        client.emit(action(n))
    assert (client.sent, client.dropped) == (8, 2)


def test_an_invalid_event_is_dropped_not_raised() -> None:
    client = SqsTelemetry("q", sqs=RecordingSqs())
    client.emit(TelemetryEvent(kind="page_view", payload={"path": ""}))
    assert client.dropped == 1
    assert not client._buffer


def test_report_error_becomes_an_error_report_with_its_fingerprint(restore_client: None) -> None:
    sqs = RecordingSqs()
    client = SqsTelemetry("q", sqs=sqs)
    set_telemetry(client)
    run_id = "0195f3a4-0000-7000-8000-000000000001"

    report_error("render.render_task", AtsCheckFailed("bullet 3 missing"), run_id=run_id)
    flush_telemetry()

    (batch,) = sqs.batches
    envelope = Envelope.parse(batch[0]["MessageBody"])
    assert envelope.kind == "error"
    assert isinstance(envelope.data, ErrorReport)
    assert envelope.data.microservice == "render"
    assert envelope.data.error_type == "AtsCheckFailed"
    assert envelope.data.request_context["code"] == "ats_check_failed"
    assert str(envelope.data.run_id) == run_id
    assert envelope.data.fingerprint is not None
    assert len(envelope.data.fingerprint) == 32


def test_configure_from_settings_picks_sqs_only_with_a_queue_url(
    restore_client: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TELEMETRY_QUEUE_URL", raising=False)
    get_settings.cache_clear()
    set_telemetry(CollectingTelemetry())
    assert isinstance(configure_from_settings(), CollectingTelemetry)  # a test's own client stays

    monkeypatch.setenv("TELEMETRY_QUEUE_URL", "https://sqs.eu-west-1.amazonaws.com/1/q")
    get_settings.cache_clear()
    installed = configure_from_settings()
    assert isinstance(installed, SqsTelemetry)
    assert installed.queue_url.endswith("/q")
    assert configure_from_settings() is installed

    monkeypatch.delenv("TELEMETRY_QUEUE_URL")
    get_settings.cache_clear()
    assert isinstance(configure_from_settings(), NoOpTelemetry)


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    with mock_aws():
        yield boto3.client("sqs", region_name="eu-west-1")


def test_events_reach_the_queue(aws: Any) -> None:
    url = aws.create_queue(QueueName="telemetry")["QueueUrl"]
    client = SqsTelemetry(url)
    for n in range(12):
        client.emit(action(n))
    client.flush()

    bodies = []
    while messages := aws.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        bodies += [m["Body"] for m in messages]
        aws.delete_message_batch(
            QueueUrl=url,
            Entries=[{"Id": str(i), "ReceiptHandle": m["ReceiptHandle"]} for i, m in enumerate(messages)],
        )
    assert sorted(json.loads(b)["data"]["metadata"]["n"] for b in bodies) == list(range(12))
    assert (client.sent, client.dropped) == (12, 0)


def test_a_missing_queue_drops_with_a_counter(aws: Any) -> None:
    client = SqsTelemetry("https://sqs.eu-west-1.amazonaws.com/123456789012/gone")
    for n in range(10):
        client.emit(action(n))
    client.flush()
    assert (client.sent, client.dropped) == (0, 10)
