"""`cvpath users ...`: create users of each tier and edit their limits without a deploy."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

import typer

from local.commands.errors import friendly_errors

users_app = typer.Typer(help="Users, their tier and their limits.", no_args_is_help=True)

Daily = Annotated[
    int | None, typer.Option("--daily-limit", min=0, help="Runs per UTC day (default: the platform's).")
]
Hourly = Annotated[
    int | None, typer.Option("--hourly-limit", min=0, help="Runs per UTC hour (default: the platform's).")
]
Cap = Annotated[
    str | None, typer.Option("--monthly-cap", help="PAID monthly spend cap in USD (default: the platform's).")
]
Status = Annotated[str | None, typer.Option("--status", help="Subscription: active, inactive, cancelled...")]


@users_app.command("create")
@friendly_errors
def users_create(
    email: Annotated[str, typer.Option("--email")],
    tier: Annotated[str, typer.Option("--tier", help="FREE, PAID or BYOK.")] = "FREE",
    status: Status = None,
    daily_limit: Daily = None,
    hourly_limit: Hourly = None,
    monthly_cap: Cap = None,
) -> None:
    """Create a user with a governance profile (and an account for PAID); prints the id."""
    from cvpath.db.pool import connect
    from cvpath.governance.ledger import money
    from cvpath.governance.profiles import create_user
    from local.database import resolve_database_url

    cap = money(monthly_cap, what="monthly cap") if monthly_cap is not None else None
    with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
        user_id = create_user(
            conn,
            email,
            tier=tier,
            status=status,
            daily_limit=daily_limit,
            hourly_limit=hourly_limit,
            monthly_cap=cap,
        )
    typer.echo(str(user_id))


@users_app.command("set-limits")
@friendly_errors
def users_set_limits(
    user: Annotated[UUID, typer.Option("--user")],
    daily_limit: Daily = None,
    hourly_limit: Hourly = None,
    monthly_cap: Cap = None,
    tier: Annotated[str | None, typer.Option("--tier", help="FREE, PAID or BYOK.")] = None,
    status: Status = None,
    defaults: Annotated[
        bool, typer.Option("--defaults", help="Return every limit to the platform default.")
    ] = False,
) -> None:
    """Change a user's limits, tier or subscription status; takes effect on the next admission."""
    from cvpath.db.pool import connect
    from cvpath.governance.ledger import money
    from cvpath.governance.profiles import set_limits
    from local.database import resolve_database_url

    cap: Decimal | None = money(monthly_cap, what="monthly cap") if monthly_cap is not None else None
    with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
        set_limits(
            conn,
            user,
            daily_limit=daily_limit,
            hourly_limit=hourly_limit,
            monthly_cap=cap,
            tier=tier,
            status=status,
            clear=defaults,
        )
    typer.echo(f"user {user}: limits updated")


@users_app.command("grant-admin")
@friendly_errors
def users_grant_admin(
    email: Annotated[str, typer.Option("--email", help="The registered user's email.")],
    revoke: Annotated[bool, typer.Option("--revoke", help="Take the admin right away instead.")] = False,
) -> None:
    """Give a registered user the admin role (or take it away): how the first operator is made.

    It takes effect on the user's next admin request; their next sign-in's token says so too.
    """
    from cvpath.db.pool import connect
    from cvpath.errors import NotFound
    from local.database import resolve_database_url

    with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
        row = conn.execute(
            "UPDATE public.users SET is_admin = %s WHERE lower(email) = lower(%s) RETURNING id",
            [not revoke, email.strip()],
        ).fetchone()
    if row is None:
        raise NotFound(f"no user with the email {email.strip()}", details={})
    typer.echo(f"user {row[0]}: {'no longer an admin' if revoke else 'admin'}")
