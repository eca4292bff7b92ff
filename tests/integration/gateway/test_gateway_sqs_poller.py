"""SqsPoller against moto SQS: delivery, deleting what succeeded, nothing deleted when the handler raises."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import boto3
import pytest
from moto import mock_aws

from local.gateway.sqs_poller import QueueSource, SqsPoller


@pytest.fixture
def sqs() -> Iterator[Any]:
    with mock_aws():
        yield boto3.client(
            "sqs", region_name="us-east-1", aws_access_key_id="testing", aws_secret_access_key="testing"
        )


def _source(sqs: Any, name: str = "events") -> QueueSource:
    # A zero visibility timeout makes a kept message receivable again at once.
    url = sqs.create_queue(QueueName=name, Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    return QueueSource(function="Consumer", queue_url=url, queue_arn=arn, batch_size=10)


def _remaining_bodies(sqs: Any, url: str) -> list[str]:
    messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages") or []
    return sorted(message["Body"] for message in messages)


def _poller(sqs: Any, source: QueueSource, invoke: Any, log: list[str]) -> SqsPoller:
    return SqsPoller(sqs, [source], invoke, stop=threading.Event(), log=log.append)


def test_successes_are_deleted_and_reported_failures_kept(sqs: Any) -> None:
    source = _source(sqs)
    for body in ("a", "b", "c"):
        sqs.send_message(QueueUrl=source.queue_url, MessageBody=body)
    events: list[dict[str, Any]] = []

    def consumer(function: str, event: dict[str, Any]) -> dict[str, Any]:
        events.append(event)
        failed = [r["messageId"] for r in event["Records"] if r["body"] == "b"]
        return {"batchItemFailures": [{"itemIdentifier": message_id} for message_id in failed]}

    received = _poller(sqs, source, consumer, []).poll_once(source, wait_s=0)

    assert received == 3
    assert sorted(record["body"] for record in events[0]["Records"]) == ["a", "b", "c"]
    assert {record["eventSourceARN"] for record in events[0]["Records"]} == {source.queue_arn}
    assert _remaining_bodies(sqs, source.queue_url) == ["b"]


def test_a_raising_handler_deletes_nothing(sqs: Any) -> None:
    source = _source(sqs)
    sqs.send_message(QueueUrl=source.queue_url, MessageBody="a")
    log: list[str] = []

    def consumer(function: str, event: dict[str, Any]) -> None:
        raise RuntimeError("boom")

    _poller(sqs, source, consumer, log).poll_once(source, wait_s=0)

    assert _remaining_bodies(sqs, source.queue_url) == ["a"]
    assert log == ["SQS Consumer: 1 messages, handler raised RuntimeError"]


def test_the_thread_delivers_and_stops_on_its_event(sqs: Any) -> None:
    source = _source(sqs)
    delivered = threading.Event()

    def consumer(function: str, event: dict[str, Any]) -> None:
        delivered.set()

    poller = _poller(sqs, source, consumer, [])
    poller.start()
    try:
        sqs.send_message(QueueUrl=source.queue_url, MessageBody="a")
        assert delivered.wait(5)
    finally:
        poller.stop.set()
        poller.join(5)

    assert not any(thread.is_alive() for thread in poller._threads)
    assert _remaining_bodies(sqs, source.queue_url) == []
