"""`cvpath telemetry redrive`: move dead-lettered telemetry back to the TelemetryQueue.

Why receive and re-send rather than SQS's StartMessageMoveTask: moto does not
implement it, and the same code then works locally and against AWS. A message
is deleted from the DLQ only after the main queue accepted it, so a failure
leaves it in the DLQ (a failed delete leaves a copy in both, which the
consumer's ON CONFLICT (event_id) DO NOTHING absorbs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Annotated, Any

import typer
from botocore.exceptions import BotoCoreError, ClientError

from cvpath.errors import ConfigurationError
from local.commands.errors import friendly_errors

telemetry_app = typer.Typer(help="Telemetry queue tools.", no_args_is_help=True)

SQS_MAX_BATCH = 10


@telemetry_app.callback()
def telemetry_group() -> None:
    """Telemetry queue tools."""
    # Why a callback: with a single command typer would make `redrive` the app itself.


@dataclass(frozen=True)
class RedriveCounts:
    moved: int
    failed: int
    not_deleted: int


def _attributes(message: dict[str, Any]) -> dict[str, Any]:
    """Message attributes as SendMessage takes them (the receive shape has extra list fields)."""
    kept: dict[str, Any] = {}
    for name, value in (message.get("MessageAttributes") or {}).items():
        item = {"DataType": value["DataType"]}
        for key in ("StringValue", "BinaryValue"):
            if key in value:
                item[key] = value[key]
        kept[name] = item
    return kept


def redrive(sqs: Any, *, dlq_url: str, queue_url: str, max_messages: int, wait_s: int = 1) -> RedriveCounts:
    """Move up to ``max_messages`` from ``dlq_url`` to ``queue_url``; stops early when the DLQ is empty."""
    moved = failed = not_deleted = 0
    while moved + failed < max_messages:
        response = sqs.receive_message(
            QueueUrl=dlq_url,
            MaxNumberOfMessages=min(SQS_MAX_BATCH, max_messages - moved - failed),
            WaitTimeSeconds=wait_s,
            MessageAttributeNames=["All"],
        )
        messages: list[dict[str, Any]] = response.get("Messages") or []
        if not messages:
            break
        entries = [
            {"Id": str(index), "MessageBody": message["Body"], "MessageAttributes": _attributes(message)}
            for index, message in enumerate(messages)
        ]
        try:
            sent = sqs.send_message_batch(QueueUrl=queue_url, Entries=entries)
        except (BotoCoreError, ClientError):
            # The main queue is unreachable: these stay in the DLQ, and so will the rest.
            failed += len(messages)
            break
        ok = {item["Id"] for item in sent.get("Successful") or []}
        failed += len(messages) - len(ok)
        # A message the main queue refused stays in the DLQ; it becomes visible again there.
        deletes = [
            {"Id": str(index), "ReceiptHandle": message["ReceiptHandle"]}
            for index, message in enumerate(messages)
            if str(index) in ok
        ]
        if deletes:
            deleted = sqs.delete_message_batch(QueueUrl=dlq_url, Entries=deletes)
            not_deleted += len(deleted.get("Failed") or [])
        moved += len(ok)
    return RedriveCounts(moved=moved, failed=failed, not_deleted=not_deleted)


def dead_letter_queue_url(sqs: Any, queue_url: str) -> str:
    """The DLQ of ``queue_url``, from its RedrivePolicy."""
    import json

    attributes = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["RedrivePolicy"])
    policy = (attributes.get("Attributes") or {}).get("RedrivePolicy")
    if not policy:
        raise ConfigurationError("the telemetry queue has no dead-letter queue", details={"queue": queue_url})
    name = str(json.loads(policy)["deadLetterTargetArn"]).rsplit(":", 1)[-1]
    return str(sqs.get_queue_url(QueueName=name)["QueueUrl"])


@telemetry_app.command("redrive")
@friendly_errors
def redrive_command(
    max_messages: Annotated[
        int, typer.Option("--max", min=1, help="Move at most this many messages.")
    ] = 1000,
    queue_url: Annotated[
        str | None, typer.Option(help="The TelemetryQueue URL (default: TELEMETRY_QUEUE_URL).")
    ] = None,
    dlq_url: Annotated[
        str | None, typer.Option(help="The DLQ URL (default: the queue's RedrivePolicy).")
    ] = None,
    endpoint_url: Annotated[
        str | None, typer.Option(help="SQS endpoint, e.g. cvpath serve's moto (default: AWS_ENDPOINT_URL).")
    ] = None,
) -> None:
    """Re-send dead-lettered telemetry to the main queue, deleting each only once it was sent."""
    import boto3

    from cvpath.config import get_settings

    queue_url = queue_url or get_settings().telemetry_queue_url
    if not queue_url:
        raise ConfigurationError("give --queue-url or set TELEMETRY_QUEUE_URL")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "us-east-1"
    sqs = boto3.client(
        "sqs", region_name=region, endpoint_url=endpoint_url or os.environ.get("AWS_ENDPOINT_URL")
    )
    source = dlq_url or dead_letter_queue_url(sqs, queue_url)
    counts = redrive(sqs, dlq_url=source, queue_url=queue_url, max_messages=max_messages)
    typer.echo(
        f"redrive: {counts.moved} moved, {counts.failed} failed to send, {counts.not_deleted} not deleted"
    )
    if counts.failed:
        raise typer.Exit(code=1)
