"""The SQS event Lambda delivers, and which messages a consumer's answer lets the poller delete."""

from __future__ import annotations

from typing import Any

import pytest

from local.gateway.sqs_poller import QueueSource, messages_to_delete, sqs_event

SOURCE = QueueSource(
    function="Consumer",
    queue_url="http://127.0.0.1:1/123456789012/q",
    queue_arn="arn:aws:sqs:us-east-1:123456789012:q",
)


def _message(message_id: str, **extra: Any) -> dict[str, Any]:
    return {
        "MessageId": message_id,
        "ReceiptHandle": f"rh-{message_id}",
        "Body": f"body-{message_id}",
        **extra,
    }


def test_records_carry_the_lambda_sqs_fields() -> None:
    message = _message(
        "m1",
        MD5OfBody="abc",
        Attributes={"ApproximateReceiveCount": "1"},
        MessageAttributes={"kind": {"DataType": "String", "StringValue": "page-view"}},
    )

    (record,) = sqs_event([message], SOURCE)["Records"]

    assert record["messageId"] == "m1"
    assert record["receiptHandle"] == "rh-m1"
    assert record["body"] == "body-m1"
    assert record["md5OfBody"] == "abc"
    assert record["attributes"] == {"ApproximateReceiveCount": "1"}
    assert record["messageAttributes"] == {
        "kind": {
            "stringValue": "page-view",
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": "String",
        }
    }
    assert record["eventSource"] == "aws:sqs"
    assert record["eventSourceARN"] == SOURCE.queue_arn
    assert record["awsRegion"] == "us-east-1"


@pytest.mark.parametrize("result", [None, {}, {"batchItemFailures": []}, "ok"])
def test_no_reported_failures_deletes_the_whole_batch(result: object) -> None:
    messages = [_message("m1"), _message("m2")]

    assert messages_to_delete(messages, result) == messages


def test_reported_failures_stay_on_the_queue() -> None:
    messages = [_message("m1"), _message("m2"), _message("m3")]

    kept = messages_to_delete(messages, {"batchItemFailures": [{"itemIdentifier": "m2"}]})

    assert [m["MessageId"] for m in kept] == ["m1", "m3"]


@pytest.mark.parametrize(
    "failures",
    [[{"itemIdentifier": "unknown"}], [{"itemIdentifier": None}], [{}], ["m1"]],
)
def test_a_failure_naming_no_message_fails_the_batch(failures: list[Any]) -> None:
    messages = [_message("m1"), _message("m2")]

    assert messages_to_delete(messages, {"batchItemFailures": failures}) == []


def test_without_report_batch_item_failures_the_answer_is_ignored() -> None:
    messages = [_message("m1"), _message("m2")]
    result = {"batchItemFailures": [{"itemIdentifier": "m1"}]}

    assert messages_to_delete(messages, result, partial_batch_response=False) == messages
