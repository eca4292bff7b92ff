"""The daily reset at 00:00 UTC (schedule cron(0 0 * * ? *)): FREE quotas, and monthly spend where it is due.

Both resets are idempotent: a retried or late invocation (EventBridge delivers
at least once) changes nothing more. Admission also rolls a stale day or month
forward on its own, so a missed reset never blocks a user; this job keeps the
counters that operators read truthful.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from cvpath.db.pool import step_connection
from cvpath.pipeline_errors import task_errors

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="pipeline")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    from cvpath.governance.resets import reset_daily_quotas, reset_monthly_spend

    now = datetime.now(UTC)
    with task_errors(logger, "pipeline.QuotaReset", event), step_connection() as conn:
        daily = reset_daily_quotas(conn, now=now)
        monthly = reset_monthly_spend(conn, now=now)
    logger.info("quotas reset", extra={"daily_profiles": daily, "monthly_profiles": monthly})
    return {"reset_at": now.isoformat(), "daily_profiles": daily, "monthly_profiles": monthly}
