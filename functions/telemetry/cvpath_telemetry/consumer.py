"""The TelemetryQueue consumer: an SQS batch -> one idempotent write -> ``batchItemFailures``.

- A record whose body is not an ``Envelope`` is poison: only it is reported, so
  SQS receives it again and, after maxReceiveCount (3), moves it to the DLQ.
- The valid records are written together by one ``store.write_batch`` call (one
  transaction, one round trip per table).
- If that write fails (database down, timeout...), every record of the batch is
  reported: nothing was kept, SQS delivers them all again, and ON CONFLICT
  (event_id) DO NOTHING makes the second delivery write each event once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response

from cvpath.errors import ValidationFailed
from cvpath.telemetry.events import Envelope
from cvpath.telemetry.store import WriteMethod, write_batch

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.batch.types import PartialItemFailureResponse
    from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord
    from aws_lambda_powertools.utilities.typing import LambdaContext
    from psycopg import Connection

logger = Logger(service="telemetry")

# Why short: the function times out at 30 s; a database that does not answer in
# 5 s fails the batch fast, and SQS retries it after the visibility timeout.
CONNECT_WAIT_S = 5.0

Connect = Callable[[], AbstractContextManager["Connection[Any]"]]


@contextmanager
def pooled_connection() -> Iterator[Connection[Any]]:
    from cvpath.db.pool import get_pool

    with get_pool().connection(timeout=CONNECT_WAIT_S) as conn:
        yield conn


def consume(
    records: list[dict[str, Any]], connect: Connect, *, method: WriteMethod | None = None
) -> set[str]:
    """Write the valid records of a batch; returns the message ids to report as failed."""
    envelopes: list[Envelope] = []
    valid_ids: set[str] = set()
    poison: set[str] = set()
    for record in records:
        message_id = str(record.get("messageId", ""))
        try:
            envelopes.append(Envelope.parse(str(record.get("body", ""))))
            valid_ids.add(message_id)
        except ValidationFailed as exc:
            # The validation details name fields and error types only, never the body's values.
            logger.warning(
                "poison telemetry message", extra={"message_id": message_id, "details": exc.details}
            )
            poison.add(message_id)
    if not envelopes:
        return poison
    try:
        with connect() as conn:
            result = write_batch(conn, envelopes, method=method)
    # Why so broad: whatever stopped the write (connection, pool timeout, configuration), the batch
    # must come back; reporting every record is what makes SQS retry it.
    except Exception as exc:  # noqa: BLE001
        logger.error(
            "telemetry batch not written; every record will be retried",
            extra={"records": len(records), "error_type": type(exc).__name__},
        )
        return poison | valid_ids
    logger.info(
        "telemetry batch written",
        extra={"written": result.written, "duplicates": result.duplicates, "poison": len(poison)},
    )
    return poison


def _raise_if_failed(failed: set[str]) -> Callable[[SQSRecord], None]:
    def record_handler(record: SQSRecord) -> None:
        if record.message_id in failed:
            raise RuntimeError("telemetry record not stored")

    return record_handler


def handler(event: dict[str, Any], context: LambdaContext) -> PartialItemFailureResponse:
    """Lambda entry point (SQS event source with ReportBatchItemFailures)."""
    records = event.get("Records") if isinstance(event, dict) else None
    failed = consume([record for record in records or [] if isinstance(record, dict)], pooled_connection)
    # Why not raise on an all-failed batch (Powertools' default): the answer must name every
    # record, which SQS and the local poller both treat as "retry all".
    processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
    return process_partial_response(
        event=event, record_handler=_raise_if_failed(failed), processor=processor, context=context
    )
