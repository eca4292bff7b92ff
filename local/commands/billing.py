"""`cvpath billing ...`: verify the ledger, a user's run-by-run costs, top-ups."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated
from uuid import UUID

import typer

from local.commands.errors import friendly_errors

billing_app = typer.Typer(help="Money: ledger checks, cost reports and top-ups.", no_args_is_help=True)


@billing_app.command("verify")
@friendly_errors
def billing_verify() -> None:
    """Check every account against its ledger; exit 1 listing each discrepancy."""
    from cvpath.db.pool import connect
    from cvpath.governance.ledger import verify
    from local.database import resolve_database_url

    with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
        problems = verify(conn)
        accounts = conn.execute("SELECT count(*) FROM public.user_accounts").fetchone()
    for problem in problems:
        typer.echo(problem, err=True)
    if problems:
        typer.echo(f"ledger: {len(problems)} discrepancy(ies)", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"ledger OK: {accounts[0] if accounts else 0} account(s) equal their ledger sums")


@billing_app.command("report")
@friendly_errors
def billing_report_command(user: Annotated[UUID, typer.Option("--user", help="The user's id.")]) -> None:
    """A user's runs: estimate, provider cost, fee, charged, balance after, reconciled."""
    from cvpath.db.pool import connect
    from cvpath.governance.billing_report import billing_report
    from local.database import resolve_database_url

    with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
        lines = billing_report(conn, user)
    if not lines:
        typer.echo(f"user {user} has no runs")
        return
    typer.echo(
        f"{'run':<36}  {'created (UTC)':<16}  {'status':<9} {'tier':<4} {'estimate':>10} "
        f"{'provider':>10} {'fee':>9} {'charged':>10} {'balance':>11}  reconciled"
    )
    for line in lines:
        typer.echo(
            f"{line['run_id']!s:<36}  {line['created_at']:%Y-%m-%d %H:%M}  {line['status']:<9} "
            f"{line['tier'] or '-':<4} {_money(line['estimate']):>10} {_money(line['provider_cost']):>10} "
            f"{_money(line['fee']):>9} {_money(line['charged']):>10} {_money(line['balance_after']):>11}  "
            f"{'yes' if line['reconciled'] else 'NO'}"
        )


@billing_app.command("top-up")
@friendly_errors
def billing_top_up(
    user: Annotated[UUID, typer.Option("--user", help="The user's id.")],
    amount: Annotated[str, typer.Option("--amount", help="USD, e.g. 25.00 (up to 6 decimal places).")],
    note: Annotated[
        str | None, typer.Option("--note", help="A description kept on the ledger entry.")
    ] = None,
) -> None:
    """Credit a PAID user's account."""
    from cvpath.db.pool import connect
    from cvpath.governance.ledger import top_up
    from local.database import resolve_database_url

    with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
        entry = top_up(conn, user, amount, description=note)
    typer.echo(f"topped up {entry.amount}: balance {entry.balance_after}, reserved {entry.reserved_after}")


def _money(value: Decimal | None) -> str:
    return "-" if value is None else f"{value:.6f}"
