"""`cvpath db ...`: migrations, status, connection URL, the embedded server."""

from __future__ import annotations

import typer

from cvpath.config import get_settings
from local.commands.errors import friendly_errors

db_app = typer.Typer(help="The database: migrations, status and connection URL.", no_args_is_help=True)


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
