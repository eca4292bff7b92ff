"""The billing, jobs and users commands, through typer's runner on their own apps."""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from gov_world import new_run
from typer.testing import CliRunner

from cvpath.governance import account, admit
from local.commands.billing import billing_app
from local.commands.jobs import jobs_app
from local.commands.users import users_app

runner = CliRunner()


def test_users_create_top_up_report_and_verify(db: psycopg.Connection[Any]) -> None:
    created = runner.invoke(users_app, ["create", "--email", "payer@example.com", "--tier", "PAID"])
    assert created.exit_code == 0, created.output
    user = UUID(created.stdout.strip())
    topped = runner.invoke(
        billing_app, ["top-up", "--user", str(user), "--amount", "25.50", "--note", "card"]
    )
    assert topped.exit_code == 0, topped.output
    assert "balance 25.500000" in topped.stdout
    acct = account(db, user)
    assert acct is not None
    assert acct.balance == Decimal("25.5")
    admit(db, new_run(db, user_id=user))
    report = runner.invoke(billing_app, ["report", "--user", str(user)])
    assert report.exit_code == 0, report.output
    assert "PAID" in report.stdout
    assert report.stdout.strip().endswith("NO")  # admitted, not settled yet
    verified = runner.invoke(billing_app, ["verify"])
    assert verified.exit_code == 0, verified.output
    assert "ledger OK" in verified.stdout


def test_verify_exits_1_listing_discrepancies(db: psycopg.Connection[Any]) -> None:
    user = UUID(
        runner.invoke(users_app, ["create", "--email", "drift@example.com", "--tier", "PAID"]).stdout.strip()
    )
    db.execute("UPDATE public.user_accounts SET balance = 3 WHERE user_id = %s", [user])
    verified = runner.invoke(billing_app, ["verify"])
    assert verified.exit_code == 1
    assert f"user {user}: balance 3.000000 but the ledger sums to 0" in verified.stderr


def test_bad_top_ups_and_tiers_are_one_line_errors(db: psycopg.Connection[Any]) -> None:
    user = runner.invoke(users_app, ["create", "--email", "p2@example.com", "--tier", "PAID"]).stdout.strip()
    for amount in ("-1", "NaN", "Infinity", "1e9"):
        refused = runner.invoke(billing_app, ["top-up", "--user", user, "--amount", amount])
        assert refused.exit_code == 1
        assert refused.stderr.startswith("error: ")
    gold = runner.invoke(users_app, ["create", "--email", "g@example.com", "--tier", "GOLD"])
    assert gold.exit_code == 1
    assert "unknown tier" in gold.stderr
    assert db.execute("SELECT count(*) FROM public.users WHERE email = 'g@example.com'").fetchone() == (0,)


def test_set_limits_changes_the_next_admission(db: psycopg.Connection[Any]) -> None:
    user = runner.invoke(
        users_app, ["create", "--email", "f@example.com", "--daily-limit", "1"]
    ).stdout.strip()
    changed = runner.invoke(
        users_app, ["set-limits", "--user", user, "--daily-limit", "7", "--hourly-limit", "3"]
    )
    assert changed.exit_code == 0, changed.output
    row = db.execute(
        "SELECT daily_quota, hourly_limit FROM public.user_model_profiles WHERE user_id = %s", [user]
    ).fetchone()
    assert row == (7, 3)
    cleared = runner.invoke(users_app, ["set-limits", "--user", user, "--defaults"])
    assert cleared.exit_code == 0
    row = db.execute(
        "SELECT daily_quota, hourly_limit FROM public.user_model_profiles WHERE user_id = %s", [user]
    ).fetchone()
    assert row == (None, None)


def test_jobs_run_the_resets_and_the_aggregation(db: psycopg.Connection[Any]) -> None:
    db.execute("UPDATE public.user_model_profiles SET daily_used = 0")  # touch nothing, but make sure it runs
    first = runner.invoke(jobs_app, ["run", "quota-reset"])
    assert first.exit_code == 0, first.output
    assert first.stdout.startswith("quota-reset: ")
    again = runner.invoke(jobs_app, ["run", "quota-reset"])
    assert again.stdout.strip() == "quota-reset: 0 profile(s) reset"
    monthly = runner.invoke(jobs_app, ["run", "monthly-reset"])
    assert monthly.exit_code == 0
    assert monthly.stdout.strip() == "monthly-reset: 0 profile(s) reset"
    later = runner.invoke(jobs_app, ["run", "hourly-aggregation"])
    assert later.exit_code == 0, later.output
    assert "hour(s) aggregated" in later.stdout
