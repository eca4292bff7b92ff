"""`cvpath vault ...`: store a user's BYOK key, rotate the master key, count keys per version.

A key is read from an environment variable named on the command line, never
from the command line itself: argv is visible to every process on the machine
and lands in shell history.
"""

from __future__ import annotations

import os
from uuid import UUID

import psycopg
import typer
from psycopg.rows import TupleRow
from pydantic import SecretStr

from cvpath.errors import ConfigurationError, ValidationFailed
from local.commands.errors import friendly_errors

vault_app = typer.Typer(help="The BYOK vault: users' own provider keys.", no_args_is_help=True)


def _connect() -> psycopg.Connection[TupleRow]:
    from cvpath.db.pool import connect
    from local.database import resolve_database_url

    return connect(resolve_database_url(quiet=True), autocommit=True)


@vault_app.command("set-key")
@friendly_errors
def set_key(
    user: str = typer.Option(..., "--user", help="The user's id (a UUID)."),
    provider: str = typer.Option(
        ..., "--provider", help="The provider the key is for (openai, anthropic...)."
    ),
    key_env: str = typer.Option(..., "--key-env", help="The environment variable holding the key."),
) -> None:
    """Seal a user's own API key into their profile (the key is read from --key-env, never from argv)."""
    from cvpath.governance.vault import Vault, store_key

    try:
        user_id = UUID(user)
    except ValueError:
        raise ValidationFailed(f"--user must be a UUID, not {user!r}") from None
    value = os.environ.get(key_env, "")
    if not value.strip():
        raise ConfigurationError(f"the environment variable {key_env} is not set or is empty")
    vault = Vault.from_settings()
    with _connect() as conn:
        store_key(conn, vault, user_id, provider, SecretStr(value.strip()))
    typer.echo(f"stored the {provider} key of user {user_id} under master key version {vault.version}")


@vault_app.command("rotate")
@friendly_errors
def rotate_command(
    to_version: int | None = typer.Option(
        None, "--to-version", min=1, help="The master key version to re-seal under; default: the current one."
    ),
) -> None:
    """Re-seal every stored key under one master key version, in one transaction (all or nothing)."""
    from cvpath.governance.vault import Vault, rotate

    vault = Vault.from_settings()
    target = to_version if to_version is not None else vault.version
    with _connect() as conn:
        count = rotate(conn, vault, to_version=target)
    typer.echo(f"re-sealed {count} key(s) under master key version {target}")


@vault_app.command("status")
@friendly_errors
def status_command() -> None:
    """Count the stored keys per master key version, and say which versions are configured."""
    from cvpath.governance.vault import Vault, key_version_counts

    try:
        vault: Vault | None = Vault.from_settings()
    except ConfigurationError as exc:
        vault = None
        typer.echo(f"master keys: not usable ({exc.message})")
    if vault is not None:
        typer.echo(f"master keys: versions {list(vault.keys.versions)}, sealing with version {vault.version}")
    with _connect() as conn:
        counts = key_version_counts(conn)
    if not counts:
        typer.echo("stored keys: none")
    for version, count in counts.items():
        note = ""
        if vault is not None and version not in vault.keys:
            note = "  NO MASTER KEY: these keys cannot be opened"
        elif vault is not None and version != vault.version:
            note = "  stale: run `cvpath vault rotate`"
        typer.echo(f"version {version}: {count} key(s){note}")
