"""`cvpath jobs run ...`: the scheduled functions, run once by hand."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cvpath.errors import ValidationFailed
from local.commands.errors import friendly_errors

if TYPE_CHECKING:
    import psycopg

jobs_app = typer.Typer(help="Scheduled jobs, run once locally.", no_args_is_help=True)


@jobs_app.callback()
def jobs_group() -> None:
    """Scheduled jobs, run once locally."""
    # Why a callback: with a single command typer would make `run` the app itself, not `jobs run`.


class Job(StrEnum):
    QUOTA_RESET = "quota-reset"
    MONTHLY_RESET = "monthly-reset"
    HOURLY_AGGREGATION = "hourly-aggregation"


@jobs_app.command("run")
@friendly_errors
def jobs_run(
    job: Annotated[Job, typer.Argument(help="The job to run.")],
    hour: Annotated[
        str | None,
        typer.Option(
            help="hourly-aggregation only: recompute the UTC hour containing this ISO 8601 time "
            "(no offset = UTC) instead of catching up to the last complete hour."
        ),
    ] = None,
) -> None:
    """Run one scheduled job now (all of them are idempotent)."""
    from cvpath.db.pool import connect
    from local.database import resolve_database_url

    if hour is not None and job is not Job.HOURLY_AGGREGATION:
        raise ValidationFailed("--hour applies to hourly-aggregation only", details={"job": job.value})
    with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
        if job is Job.HOURLY_AGGREGATION:
            _hourly_aggregation(conn, hour)
            return
        from cvpath.governance.resets import reset_daily_quotas, reset_monthly_spend

        if job is Job.QUOTA_RESET:
            typer.echo(f"quota-reset: {reset_daily_quotas(conn)} profile(s) reset")
        else:
            typer.echo(f"monthly-reset: {reset_monthly_spend(conn)} profile(s) reset")


def _hourly_aggregation(conn: psycopg.Connection[Any], hour: str | None) -> None:
    """Catch up like the schedule, or recompute one given hour; then refresh that month's score insights."""
    from cvpath.telemetry.aggregation import (
        aggregate_hour,
        catch_up,
        hour_start,
        month_period,
        refresh_pattern_insights,
    )

    now = datetime.now(UTC)
    if hour is None:
        done = catch_up(conn, now=now)
        months = {month_period(moment) for moment in done.hours} | {month_period(now)}
        typer.echo(f"hourly-aggregation: {len(done.hours)} hour(s) aggregated")
        if done.skipped_hours:
            typer.echo(
                f"  {done.skipped_hours} older hour(s) beyond the catch-up bound were skipped", err=True
            )
    else:
        try:
            moment = datetime.fromisoformat(hour.strip())
        except ValueError:
            raise ValidationFailed(f"--hour {hour[:40]!r} is not an ISO 8601 time") from None
        start = hour_start(moment)
        if start > now:
            raise ValidationFailed("--hour must not be in the future", details={"hour": start.isoformat()})
        rows = aggregate_hour(conn, start)
        months = {month_period(start)}
        typer.echo(f"hourly-aggregation: {start.isoformat()} -> {rows} usage row(s)")
    insights = sum(refresh_pattern_insights(conn, begin, end) for begin, end in sorted(months))
    typer.echo(f"pattern insights: {insights} written")
