"""Poison reaches the DLQ after 3 receives (moto SQS, local poller, real consumer); redrive brings it back."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import boto3
import psycopg
import pytest
from moto import mock_aws
from typer.testing import CliRunner

from cvpath.telemetry.events import Envelope, PageView
from cvpath_telemetry import consumer
from local.commands.telemetry import redrive, telemetry_app
from local.gateway.sqs_poller import QueueSource, SqsPoller


@pytest.fixture
def sqs(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.client("sqs", region_name="us-east-1")


def _queues(sqs: Any) -> tuple[str, str, str]:
    """The telemetry queue and its DLQ, as in template.yaml (maxReceiveCount 3), with no visibility delay."""
    dlq = sqs.create_queue(QueueName="telemetry-dlq", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    policy = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": 3})
    queue = sqs.create_queue(
        QueueName="telemetry", Attributes={"VisibilityTimeout": "0", "RedrivePolicy": policy}
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return queue, arn, dlq


def _bodies(sqs: Any, url: str) -> list[str]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages") or []
    return [message["Body"] for message in messages]


def _depth(sqs: Any, url: str) -> int:
    attributes = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"])
    return int(attributes["Attributes"]["ApproximateNumberOfMessages"])


def test_poison_reaches_the_dlq_after_three_receives_and_redrive_brings_it_back(
    sqs: Any, db: psycopg.Connection[Any]
) -> None:
    queue, arn, dlq = _queues(sqs)
    good = Envelope.wrap("page_view", PageView(path="/"), datetime.now(UTC)).to_body()
    sqs.send_message(QueueUrl=queue, MessageBody=good)
    sqs.send_message(
        QueueUrl=queue,
        MessageBody="not an envelope",
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "page_view"}},
    )
    poller = SqsPoller(
        sqs,
        [QueueSource(function="TelemetryConsumerFunction", queue_url=queue, queue_arn=arn)],
        lambda _name, event: consumer.handler(event, None),  # type: ignore[arg-type]
        stop=threading.Event(),
        log=lambda _line: None,
    )
    # The good event is stored and deleted on the first receive; the poison is received 3 times
    for _ in range(4):
        poller.poll_once(poller.sources[0], wait_s=0)
    assert db.execute("SELECT count(*) FROM analytics_monitoring.page_views").fetchone() == (1,)
    assert _depth(sqs, queue) == 0
    assert _depth(sqs, dlq) == 1
    # When it is redriven (the DLQ found through the queue's RedrivePolicy)
    result = CliRunner().invoke(telemetry_app, ["redrive", "--queue-url", queue, "--max", "10"])
    assert result.exit_code == 0, result.output
    assert "1 moved, 0 failed" in result.output
    # Then it is back on the main queue, with its attributes, and gone from the DLQ
    assert _depth(sqs, dlq) == 0
    messages = sqs.receive_message(QueueUrl=queue, MessageAttributeNames=["All"])["Messages"]
    assert [message["Body"] for message in messages] == ["not an envelope"]
    assert messages[0]["MessageAttributes"]["kind"]["StringValue"] == "page_view"


def test_redrive_stops_at_max_and_keeps_the_rest(sqs: Any) -> None:
    queue, _arn, dlq = _queues(sqs)
    for index in range(25):
        sqs.send_message(QueueUrl=dlq, MessageBody=f"m{index}")
    counts = redrive(sqs, dlq_url=dlq, queue_url=queue, max_messages=12, wait_s=0)
    assert (counts.moved, counts.failed, counts.not_deleted) == (12, 0, 0)
    assert _depth(sqs, queue) == 12
    assert _depth(sqs, dlq) == 13


def test_a_failed_send_deletes_nothing_from_the_dlq(sqs: Any) -> None:
    _queue, _arn, dlq = _queues(sqs)
    sqs.send_message(QueueUrl=dlq, MessageBody="keep me")
    missing = f"https://sqs.us-east-1.amazonaws.com/123456789012/missing-{uuid.uuid4().hex}"
    counts = redrive(sqs, dlq_url=dlq, queue_url=missing, max_messages=10, wait_s=0)
    assert (counts.moved, counts.failed) == (0, 1)
    assert _bodies(sqs, dlq) == ["keep me"]


def test_redrive_without_a_queue_url_is_a_clear_error(sqs: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from cvpath.config import get_settings

    monkeypatch.delenv("TELEMETRY_QUEUE_URL", raising=False)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(telemetry_app, ["redrive"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 1
    assert "TELEMETRY_QUEUE_URL" in result.output
