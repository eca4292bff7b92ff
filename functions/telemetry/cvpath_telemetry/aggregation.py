"""The hourly schedule: usage of the last complete hour and any missed ones, then the score insights.

Idempotent end to end: every hour is recomputed and replaced, and the insights
of a month are recomputed and replaced, so a retried or duplicated invocation
(EventBridge delivers at least once) changes nothing more.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from cvpath.db.pool import step_connection
from cvpath.pipeline_errors import task_errors

if TYPE_CHECKING:
    from aws_lambda_powertools.utilities.typing import LambdaContext

logger = Logger(service="telemetry")


@logger.inject_lambda_context(clear_state=True)
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    return run_hourly_job(datetime.now(UTC), event)


def run_hourly_job(now: datetime, event: object = None) -> dict[str, Any]:
    """Aggregate and refresh as of ``now``; the summary is also what the CLI prints."""
    from cvpath.telemetry.aggregation import catch_up, month_period, refresh_pattern_insights

    with task_errors(logger, "telemetry.UsageAggregation", event), step_connection() as conn:
        done = catch_up(conn, now=now)
        # The months of the hours just aggregated, and the current one even on a quiet run.
        months = sorted({month_period(hour) for hour in done.hours} | {month_period(now)})
        insights = sum(refresh_pattern_insights(conn, start, end) for start, end in months)
    if done.skipped_hours:
        logger.warning(
            "hours beyond the catch-up bound were not aggregated", extra={"skipped": done.skipped_hours}
        )
    summary = {
        "hours": [hour.isoformat() for hour in done.hours],
        "skipped_hours": done.skipped_hours,
        "insight_periods": [start.isoformat() for start, _ in months],
        "insights": insights,
    }
    logger.info("hourly aggregation done", extra={"hours": len(done.hours), "insights": insights})
    return summary
