"""The TelemetryQueue consumer: a stub until issue 8 writes the batches to Postgres."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="telemetry")


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    """Report every message of the batch as failed (``ReportBatchItemFailures``).

    Why: nothing is lost. The messages stay queued, are received again and, after
    the queue's maxReceiveCount, move to the dead-letter queue, from which issue 8's
    redrive (``cvpath telemetry redrive``) brings them back to a real consumer.
    """
    records = event.get("Records") if isinstance(event, dict) else None
    failures = [
        {"itemIdentifier": record["messageId"]}
        for record in records or []
        if isinstance(record, dict) and isinstance(record.get("messageId"), str)
    ]
    logger.warning("telemetry consumer not implemented yet (issue 8)", extra={"returned": len(failures)})
    return {"batchItemFailures": failures}
