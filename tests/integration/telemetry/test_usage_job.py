"""The scheduled handler and `cvpath jobs run hourly-aggregation [--hour]`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import uuid4

import psycopg
from typer.testing import CliRunner
from usage_seed import log_call, scored_run, usage_rows

from cvpath_telemetry.aggregation import handler, run_hourly_job
from local.commands.jobs import jobs_app
from local.lambda_runtime import local_context

runner = CliRunner()


def test_the_hourly_job_catches_up_and_refreshes_insights_idempotently(db: psycopg.Connection[Any]) -> None:
    now = datetime(2035, 4, 2, 9, 5, tzinfo=UTC)
    log_call(db, datetime(2035, 4, 2, 8, 30, tzinfo=UTC), user_id=uuid4())
    log_call(db, datetime(2035, 4, 1, 23, 59, tzinfo=UTC), user_id=uuid4())
    for _ in range(3):
        scored_run(
            db, datetime(2035, 4, 1, 12, tzinfo=UTC), title="QA Engineer", company="Acme", before=40, after=60
        )

    first = run_hourly_job(now)

    assert len(first["hours"]) == 168  # no watermark yet: the bound decides
    assert first["hours"][-1] == "2035-04-02T08:00:00+00:00"
    assert first["insight_periods"] == ["2035-03-01T00:00:00+00:00", "2035-04-01T00:00:00+00:00"]
    assert first["insights"] == 2  # the family and the company of the three April runs
    rows = usage_rows(db)
    again = run_hourly_job(now)
    assert again["hours"] == []
    assert again["insights"] == 2
    assert usage_rows(db) == rows
    assert len(rows) == 2


def test_the_lambda_handler_returns_the_summary(db: psycopg.Connection[Any]) -> None:
    result = handler({}, local_context("aggregation"))
    assert len(result["hours"]) == 168
    assert result["skipped_hours"] == 0


def test_cli_recomputes_one_given_hour_and_refuses_bad_input(db: psycopg.Connection[Any]) -> None:
    log_call(db, datetime(2024, 4, 2, 8, 30, tzinfo=UTC), guest_id=uuid4())

    done = runner.invoke(jobs_app, ["run", "hourly-aggregation", "--hour", "2024-04-02T08:45:00"])

    assert done.exit_code == 0, done.output
    assert "2024-04-02T08:00:00+00:00 -> 1 usage row(s)" in done.stdout
    assert "pattern insights: 0 written" in done.stdout
    assert (
        runner.invoke(jobs_app, ["run", "hourly-aggregation", "--hour", "2024-04-02T08:00Z"]).exit_code == 0
    )
    assert len(usage_rows(db)) == 1
    for bad in (["--hour", "soon"], ["--hour", (datetime.now(UTC) + timedelta(days=2)).isoformat()]):
        refused = runner.invoke(jobs_app, ["run", "hourly-aggregation", *bad])
        assert refused.exit_code == 1
        assert refused.stderr.startswith("error: ")
    wrong_job = runner.invoke(jobs_app, ["run", "quota-reset", "--hour", "2024-04-02T08:00Z"])
    assert wrong_job.exit_code == 1


def test_cli_without_an_hour_catches_up(db: psycopg.Connection[Any]) -> None:
    done = runner.invoke(jobs_app, ["run", "hourly-aggregation"])
    assert done.exit_code == 0, done.output
    assert "168 hour(s) aggregated" in done.stdout
    again = runner.invoke(jobs_app, ["run", "hourly-aggregation"])
    assert (
        "0 hour(s) aggregated" in again.stdout or "1 hour(s) aggregated" in again.stdout
    )  # an hour may turn
