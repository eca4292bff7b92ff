"""`cvpath jobs run ...`: the scheduled functions, run once by hand."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer

from local.commands.errors import friendly_errors

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
def jobs_run(job: Annotated[Job, typer.Argument(help="The job to run.")]) -> None:
    """Run one scheduled job now (both resets are idempotent)."""
    if job is Job.HOURLY_AGGREGATION:
        typer.echo("hourly-aggregation is added by issue 8; it does not exist yet", err=True)
        raise typer.Exit(code=2)
    from cvpath.db.pool import connect
    from cvpath.governance.resets import reset_daily_quotas, reset_monthly_spend
    from local.database import resolve_database_url

    with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
        if job is Job.QUOTA_RESET:
            typer.echo(f"quota-reset: {reset_daily_quotas(conn)} profile(s) reset")
        else:
            typer.echo(f"monthly-reset: {reset_monthly_spend(conn)} profile(s) reset")
