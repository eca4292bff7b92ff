"""The ``cvpath`` command line.

Every command exits 0 only on success. A ``CVPathError`` becomes one line on
stderr and exit code 1, never a traceback: the message is written for the
person at the terminal.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

import typer

from cvpath.config import get_settings
from cvpath.errors import CVPathError

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="cvpath",
    help="CVPath: tailor a CV to a job, locally or on AWS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
db_app = typer.Typer(help="The database: migrations, status and connection URL.", no_args_is_help=True)
app.add_typer(db_app, name="db")


def friendly_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Turn a ``CVPathError`` into ``error: ...`` on stderr and exit code 1."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except CVPathError as exc:
            typer.echo(f"error: {exc.message}", err=True)
            raise typer.Exit(code=1) from None

    return wrapper


@db_app.command("migrate")
@friendly_errors
def db_migrate() -> None:
    """Apply pending migrations from sql/ (each file once, in one transaction each)."""
    from cvpath.db.migrate import migrate
    from cvpath.db.pool import connect
    from local.database import resolve_database_url

    url = resolve_database_url()
    with connect(url, autocommit=True) as conn:
        applied = migrate(conn, get_settings().sql_dir, on_progress=lambda msg: typer.echo(msg, err=True))
    if applied:
        typer.echo(f"applied {len(applied)} migration(s): {', '.join(m.name for m in applied)}")
    else:
        typer.echo("nothing to apply: the database is up to date")


@db_app.command("status")
@friendly_errors
def db_status() -> None:
    """Show applied and pending migrations, and the tables of each schema."""
    from cvpath.db.migrate import status
    from cvpath.db.pool import connect, describe_target
    from local.database import resolve_database_url

    url = resolve_database_url()
    with connect(url, autocommit=True) as conn:
        state = status(conn, get_settings().sql_dir)
        server_version = conn.info.server_version
    typer.echo(f"database: {describe_target(url)} (PostgreSQL {server_version // 10000})")
    typer.echo(f"applied migrations ({len(state.applied)}):")
    for row in state.applied:
        flag = "  EDITED AFTER APPLY" if row.name in state.changed else ""
        flag = "  FILE MISSING" if row.name in state.missing else flag
        typer.echo(f"  {row.name}  {row.applied_at}{flag}")
    typer.echo(f"pending migrations ({len(state.pending)}):")
    for migration in state.pending:
        typer.echo(f"  {migration.name}")
    for schema, tables in state.tables.items():
        typer.echo(f"tables in {schema} ({len(tables)}):")
        for table in tables:
            typer.echo(f"  {schema}.{table}")
    if not state.up_to_date:
        typer.echo("status: NOT up to date (run `cvpath db migrate`)")
    else:
        typer.echo("status: up to date")


@db_app.command("url")
@friendly_errors
def db_url() -> None:
    """Print the connection URL in use (DATABASE_URL, else the embedded server's)."""
    from local.database import resolve_database_url

    typer.echo(resolve_database_url(quiet=True))


@db_app.command("stop")
@friendly_errors
def db_stop() -> None:
    """Stop the embedded PostgreSQL server (no effect with DATABASE_URL)."""
    from local.database import stop_embedded

    if get_settings().database_url is not None:
        typer.echo("DATABASE_URL is set: there is no embedded server to stop")
        return
    typer.echo(
        "stopped the embedded PostgreSQL" if stop_embedded() else "the embedded PostgreSQL is not running"
    )


def main() -> None:
    app(prog_name="cvpath")


if __name__ == "__main__":  # pragma: no cover
    main()
