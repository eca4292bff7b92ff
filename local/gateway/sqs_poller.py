"""Lambda's SQS event source mapping, locally: long-poll a queue, invoke the consumer, delete what succeeded.

Deletion follows ReportBatchItemFailures: the messages named in
``batchItemFailures`` stay on the queue (they come back after the visibility
timeout, and reach the DLQ after maxReceiveCount); the rest are deleted. A
handler that raised deletes nothing, as Lambda retries the whole batch.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

# Why a short wait rather than SQS's 20 s: the poller checks its stop event between polls.
POLL_WAIT_S = 1
SQS_MAX_BATCH = 10


@dataclass(frozen=True)
class QueueSource:
    """One SQS event source of a function: which queue feeds which function, how many at a time."""

    function: str
    queue_url: str
    queue_arn: str
    batch_size: int = SQS_MAX_BATCH
    region: str = "us-east-1"
    # FunctionResponseTypes [ReportBatchItemFailures]: only then does the answer name failed messages.
    partial_batch_response: bool = True


def _lambda_message_attributes(attributes: Mapping[str, Any]) -> dict[str, Any]:
    """SQS API attribute values -> the camelCase shape Lambda's SQS event uses."""
    converted: dict[str, Any] = {}
    for name, value in attributes.items():
        item: dict[str, Any] = {
            "stringListValues": [],
            "binaryListValues": [],
            "dataType": value.get("DataType", "String"),
        }
        if "StringValue" in value:
            item["stringValue"] = value["StringValue"]
        if "BinaryValue" in value:
            item["binaryValue"] = value["BinaryValue"]
        converted[name] = item
    return converted


def sqs_event(messages: list[dict[str, Any]], source: QueueSource) -> dict[str, Any]:
    """The event Lambda delivers for a batch of ReceiveMessage messages."""
    records = [
        {
            "messageId": message["MessageId"],
            "receiptHandle": message["ReceiptHandle"],
            "body": message.get("Body", ""),
            "attributes": dict(message.get("Attributes") or {}),
            "messageAttributes": _lambda_message_attributes(message.get("MessageAttributes") or {}),
            "md5OfBody": message.get("MD5OfBody", ""),
            "eventSource": "aws:sqs",
            "eventSourceARN": source.queue_arn,
            "awsRegion": source.region,
        }
        for message in messages
    ]
    return {"Records": records}


def messages_to_delete(
    messages: list[dict[str, Any]], result: Any, *, partial_batch_response: bool = True
) -> list[dict[str, Any]]:
    """The messages a handler's result says succeeded (the handler returned, it did not raise).

    ``None`` or a result without ``batchItemFailures`` means all succeeded, and so
    does any result when the source does not report batch item failures. A
    failure naming no message of the batch fails the whole batch, as Lambda does.
    """
    if not partial_batch_response:
        return list(messages)
    failures = result.get("batchItemFailures") if isinstance(result, Mapping) else None
    if not failures:
        return list(messages)
    batch_ids = {message["MessageId"] for message in messages}
    failed = {failure.get("itemIdentifier") if isinstance(failure, Mapping) else None for failure in failures}
    if not failed <= batch_ids:
        return []
    return [message for message in messages if message["MessageId"] not in failed]


class SqsPoller:
    """One thread per event source; ``stop`` ends them within about ``POLL_WAIT_S``."""

    def __init__(
        self,
        sqs: Any,
        sources: list[QueueSource],
        invoke: Callable[[str, dict[str, Any]], Any],
        *,
        stop: threading.Event,
        log: Callable[[str], None],
    ) -> None:
        self.sqs = sqs
        self.sources = sources
        self.invoke = invoke
        self.stop = stop
        self.log = log
        self._threads: list[threading.Thread] = []

    def start(self) -> None:
        for source in self.sources:
            thread = threading.Thread(target=self._run, args=(source,), name=f"sqs-{source.function}")
            thread.daemon = True
            thread.start()
            self._threads.append(thread)

    def join(self, timeout_s: float = 5.0) -> None:
        for thread in self._threads:
            thread.join(timeout_s)

    def _run(self, source: QueueSource) -> None:
        while not self.stop.is_set():
            try:
                self.poll_once(source)
            except (BotoCoreError, ClientError) as exc:
                if self.stop.is_set():
                    return
                self.log(f"SQS {source.function}: receive failed ({type(exc).__name__}); retrying")
                self.stop.wait(POLL_WAIT_S)

    def poll_once(self, source: QueueSource, wait_s: int = POLL_WAIT_S) -> int:
        """Receive one batch, deliver it, delete the successes; returns how many were received."""
        response = self.sqs.receive_message(
            QueueUrl=source.queue_url,
            MaxNumberOfMessages=max(1, min(source.batch_size, SQS_MAX_BATCH)),
            WaitTimeSeconds=wait_s,
            MessageSystemAttributeNames=["All"],
            MessageAttributeNames=["All"],
        )
        messages: list[dict[str, Any]] = response.get("Messages") or []
        if not messages:
            return 0
        try:
            result = self.invoke(source.function, sqs_event(messages, source))
        # Why so broad: any handler failure means "retry the whole batch", as on Lambda.
        except Exception as exc:  # noqa: BLE001
            self.log(f"SQS {source.function}: {len(messages)} messages, handler raised {type(exc).__name__}")
            return len(messages)
        done = messages_to_delete(messages, result, partial_batch_response=source.partial_batch_response)
        for start in range(0, len(done), SQS_MAX_BATCH):
            entries = [
                {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
                for index, message in enumerate(done[start : start + SQS_MAX_BATCH])
            ]
            self.sqs.delete_message_batch(QueueUrl=source.queue_url, Entries=entries)
        self.log(f"SQS {source.function}: {len(messages)} messages, {len(messages) - len(done)} kept")
        return len(messages)
