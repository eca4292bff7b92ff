"""The ``cvpath`` command line.

Every command exits 0 only on success. A ``CVPathError`` becomes one line on
stderr and exit code 1, never a traceback: the message is written for the
person at the terminal. Each group of commands lives in ``local/commands/``.
"""

from __future__ import annotations

import typer

from local.commands.agent import agent_app
from local.commands.billing import billing_app
from local.commands.db import db_app
from local.commands.documents import extract_text_command, render_command
from local.commands.jobs import jobs_app
from local.commands.llm import llm_app
from local.commands.pipeline import serve_command, tailor_command, trace_command
from local.commands.replay import replay_command
from local.commands.telemetry import telemetry_app
from local.commands.users import users_app
from local.commands.vault import vault_app

app = typer.Typer(
    name="cvpath",
    help="CVPath: tailor a CV to a job, locally or on AWS.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.add_typer(agent_app, name="agent")
app.add_typer(db_app, name="db")
app.add_typer(llm_app, name="llm")
app.add_typer(vault_app, name="vault")
app.add_typer(billing_app, name="billing")
app.add_typer(jobs_app, name="jobs")
app.add_typer(users_app, name="users")
app.add_typer(telemetry_app, name="telemetry")
app.command("render")(render_command)
app.command("extract-text")(extract_text_command)
app.command("tailor")(tailor_command)
app.command("trace")(trace_command)
app.command("replay")(replay_command)
app.command("serve")(serve_command)


def main() -> None:
    app(prog_name="cvpath")


if __name__ == "__main__":  # pragma: no cover
    main()
