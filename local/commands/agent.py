"""`cvpath agent ...`: one agent's Lambda handler, in process (the no-Docker twin of `sam local invoke`).

The command calls the handler function itself (``cvpath_agents.handlers``), with
the local database and a local Lambda context: what runs is exactly what Lambda
runs. The result is printed as JSON on stdout; the handler's logs go to stderr.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn

import typer

from cvpath.errors import CVPathError, ValidationFailed

if TYPE_CHECKING:
    from cvpath.agents.base import AgentName

agent_app = typer.Typer(
    help="The six agents: list them, or invoke one handler with an event file.", no_args_is_help=True
)

# Step Functions caps a state's input at 256 KB: a larger event could never reach a handler.
MAX_EVENT_BYTES = 256 * 1024


@agent_app.command("list")
def agent_list() -> None:
    """List the agents and the handler each one runs."""
    from cvpath.agents import agent_names

    for name in agent_names():
        typer.echo(f"{name:<20} cvpath_agents.handlers.{name}_handler")


@agent_app.command("invoke")
def agent_invoke(
    name: Annotated[
        str, typer.Argument(help="The agent: cv_parser, cv_validator, ... (see `cvpath agent list`)")
    ],
    event: Annotated[
        Path, typer.Option("--event", "-e", help="A JSON event file, e.g. events/cv_parser.json")
    ],
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Show the handler's logs on stderr")
    ] = False,
) -> None:
    """Run one agent handler on an event; print its JSON result.

    The events in events/ name the bundled sample run, which is created on first use.
    """
    from cvpath.agents import get_agent

    try:
        agent = get_agent(name).name
        payload = read_event(event)
        prepare_database(payload)
    except CVPathError as exc:
        _fail(exc.message)
    try:
        result = run_handler(agent, payload, verbose=verbose)
    except CVPathError as exc:
        # As Lambda reports it: the error type the state machine matches, then the message.
        code = exc.details.get("code", exc.code)
        _fail(f"{type(exc).__name__} ({code}): {exc.message}")
    typer.echo(json.dumps(result, indent=2))


def run_handler(agent: AgentName, event: dict[str, Any], *, verbose: bool = False) -> dict[str, Any]:
    """Call the agent's Lambda handler in process, with a local context; logs go to stderr."""
    from cvpath.db.pool import close_pool
    from cvpath_agents import handlers
    from local.lambda_runtime import local_context, logs_to_stderr

    logs_to_stderr(handlers.logger, level=logging.INFO if verbose else logging.CRITICAL)
    try:
        return handlers.HANDLERS[agent](event, local_context(f"cvpath-{agent.value.replace('_', '-')}"))
    finally:
        close_pool()


def _fail(message: str) -> NoReturn:
    typer.echo(f"error: {' '.join(message.split())}", err=True)
    raise typer.Exit(code=1)


def read_event(path: Path) -> dict[str, Any]:
    """The event file as a JSON object; ``ValidationFailed`` saying what is wrong with it."""
    try:
        data = path.read_bytes()[: MAX_EVENT_BYTES + 1]
    except FileNotFoundError:
        raise ValidationFailed(f"event file {path} does not exist") from None
    except OSError as exc:
        raise ValidationFailed(f"event file {path} cannot be read: {exc.strerror}") from None
    if len(data) > MAX_EVENT_BYTES:
        raise ValidationFailed(f"event file {path} is larger than {MAX_EVENT_BYTES // 1024} KB")
    try:
        event = json.loads(data)
    except UnicodeDecodeError:
        raise ValidationFailed(f"event file {path} is not UTF-8 text") from None
    except json.JSONDecodeError as exc:
        raise ValidationFailed(
            f"event file {path} is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
        ) from None
    if not isinstance(event, dict):
        raise ValidationFailed(f"event file {path} must hold a JSON object, not {type(event).__name__}")
    return event


def prepare_database(event: dict[str, Any]) -> None:
    """Resolve the local database (exporting its URL for the handler), migrate it, seed the sample run."""
    from cvpath.config import get_settings
    from cvpath.db.migrate import migrate
    from cvpath.db.pool import connect
    from local.database import resolve_database_url
    from local.sample_run import ensure_sample_run, is_sample_event

    url = resolve_database_url(quiet=True)
    with connect(url, autocommit=True) as conn:
        migrate(conn, get_settings().sql_dir, on_progress=lambda msg: typer.echo(msg, err=True))
        if is_sample_event(event) and ensure_sample_run(conn):
            typer.echo("created the sample run (examples/sample_cv.txt, examples/sample_job.txt)", err=True)
