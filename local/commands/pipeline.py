"""`cvpath tailor` (the main job), `cvpath trace` (an execution's history) and `cvpath serve`.

Imports are deferred into the commands: ``cvpath db ...`` should not pay for
moto and boto3 every time it starts.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Literal
from uuid import UUID

import typer

from cvpath.errors import CVPathError

if TYPE_CHECKING:
    from cvpath.execution_history import StateRun
    from local.tailoring.runner import TailorOutcome

# The states whose outputs come from an agent, with the output kind that records the provider.
_AGENT_KINDS = {
    "CvParser": "PARSED_CV",
    "CvValidator": "VALIDATION",
    "JobParser": "PARSED_JOB",
    "Analyze": "ANALYSIS",
    "Tailor": "TAILORED_CV",
    "Score": "SCORE_COMPARISON",
}


def tailor_command(
    cv: Annotated[Path, typer.Option("--cv", help="The CV: PDF, DOCX, plain text or JSON Resume")],
    job: Annotated[Path, typer.Option("--job", help="The job description, as a text file")],
    out: Annotated[Path, typer.Option("--out", help="Where to write the package")] = Path("out"),
    engine: Annotated[
        Literal["v1", "v2"], typer.Option("--engine", help="PDF engine: v1 (classic) or v2")
    ] = "v2",
    cover_letter: Annotated[
        Literal["none", "pdf", "docx"], typer.Option("--cover-letter", help="Also write a cover letter")
    ] = "none",
    provider: Annotated[
        str | None,
        typer.Option("--provider", help="Use only this provider (offline, openai, ...); default: the chains"),
    ] = None,
    user: Annotated[
        str | None, typer.Option("--user", help="Run as this user id (default: a new guest)")
    ] = None,
) -> None:
    """Tailor a CV to a job: one full run of the state machine, with live progress.

    Writes tailored_cv.pdf, report.json and report.md (and the cover letter) to --out.
    Works offline with no API key: every chain ends in the offline provider.
    """
    from local.tailoring.runner import tailor
    from local.tailoring.submission import RunOptions

    try:
        options = RunOptions(
            engine=engine, cover_letter=cover_letter, provider=provider, user_id=_user_id(user)
        )
        if provider:
            from cvpath.llm.registry import provider_info

            provider_info(provider)  # an unknown name fails here, before anything is recorded
        typer.echo(f"cvpath tailor: {cv.name} -> {job.name} (engine {engine}, cover letter {cover_letter})")
        printer = StatePrinter(_branch_states())
        outcome = tailor(
            cv,
            job,
            out_dir=out,
            options=options,
            on_state=printer,
            on_submitted=lambda run_id: typer.echo(f"run {run_id}: started"),
        )
    except CVPathError as exc:
        code = exc.details.get("code", exc.code)
        typer.echo(
            f"error: {type(exc).__name__} ({code}) before the pipeline started: {exc.message}", err=True
        )
        raise typer.Exit(code=1) from None
    _print_outcome(outcome)
    if not outcome.succeeded:
        raise typer.Exit(code=1)


def trace_command(run_id: Annotated[str, typer.Argument(help="The run id (= the execution name)")]) -> None:
    """Print a run's execution history, like the Step Functions console."""
    from local.aws.history import format_trace, load_history
    from local.tailoring.runner import history_dir

    try:
        UUID(run_id)
    except ValueError:
        typer.echo(f"error: {run_id!r} is not a run id (a UUID)", err=True)
        raise typer.Exit(code=1) from None
    saved = load_history(history_dir(), run_id)
    if saved is None:
        typer.echo(f"error: no execution history for run {run_id} in {history_dir()}", err=True)
        raise typer.Exit(code=1)
    for line in format_trace(saved["history"]):
        typer.echo(line)


def _user_id(value: str | None) -> UUID | None:
    if value is None:
        return None
    try:
        return UUID(value)
    except ValueError:
        from cvpath.errors import ValidationFailed

        raise ValidationFailed(f"--user must be a user id (a UUID), not {value!r}") from None


def _branch_states() -> frozenset[str]:
    """The states inside the machine's Parallel branches (shown indented under it)."""
    import json

    from local.aws.template import load_template

    names: set[str] = set()

    def walk(states: dict[str, Any], inside: bool) -> None:
        for name, state in states.items():
            if inside:
                names.add(name)
            for branch in state.get("Branches", []):
                walk(branch.get("States", {}), True)

    walk(json.loads(load_template().state_machine.definition()).get("States", {}), False)
    return frozenset(names)


class StatePrinter:
    """One line per finished state: name, outcome, duration, retries and the error that ended it."""

    def __init__(self, nested: frozenset[str]) -> None:
        self.nested = nested

    def __call__(self, state: StateRun, provider: str | None) -> None:
        mark = {"SUCCEEDED": "ok", "FAILED": "FAILED", "CAUGHT": "FAILED"}.get(state.status, state.status)
        retries = state.attempts - 1
        retried = f"  after {retries} retr{'y' if retries == 1 else 'ies'}" if retries else ""
        error = f"  {state.error}" if state.error else ""
        name = f"  {state.name}" if state.name in self.nested else state.name
        answered = f"  {provider}" if provider else ""
        typer.echo(f"  {name:<18} {mark:<7} {state.duration_ms:>7,} ms{answered}{retried}{error}")


def _print_outcome(outcome: TailorOutcome) -> None:
    from local.tailoring.runner import log_path

    typer.echo(f"execution: {outcome.execution_arn} ({outcome.status}, {outcome.wall_ms / 1000:.1f} s)")
    if outcome.failure is not None:
        failure = outcome.failure
        what = "run rejected" if failure.run_status == "REJECTED" else "error"
        typer.echo(
            f"{what}: {failure.code} in state {failure.state}: {' '.join(failure.message.split())}", err=True
        )
        typer.echo(f"details: cvpath trace {outcome.run_id}; logs: {log_path(outcome.run_id)}", err=True)
        return
    report = outcome.report or {}
    _print_scores(report)
    _print_providers(report)
    _print_gaps(report)
    typer.echo("wrote:")
    for path in outcome.files:
        typer.echo(f"  {path}")
    typer.echo(f"trace: cvpath trace {outcome.run_id}")
    typer.echo(f"handler logs: {log_path(outcome.run_id)}")


def _print_scores(report: dict[str, Any]) -> None:
    before = (report.get("score_before") or {}).get("overall")
    after = (report.get("score_after") or {}).get("overall")
    if before is not None and after is not None:
        typer.echo(f"score: {before:.1f} -> {after:.1f} ({after - before:+.1f})")


def _print_providers(report: dict[str, Any]) -> None:
    """Who answered each agent (links skipped for want of a key are not counted)."""
    rows = (report.get("costs") or {}).get("by_agent") or []
    answered = sorted({f"{row['provider']}/{row['model']}" for row in rows if row.get("answered")})
    if answered:
        total = (report.get("costs") or {}).get("total", "0")
        typer.echo(f"answered by: {', '.join(answered)} (LLM cost ${total})")


def _print_gaps(report: dict[str, Any], limit: int = 5) -> None:
    """The analysis's gaps, most important first (the order the analyzer gives them)."""
    gaps = [str(gap) for gap in (report.get("analysis") or {}).get("gaps") or []]
    if not gaps:
        typer.echo("top gaps: none found")
        return
    typer.echo("top gaps:")
    for gap in gaps[:limit]:
        typer.echo(f"  - {' '.join(gap.split())}")


def serve_command(
    host: Annotated[str, typer.Option("--host", help="Address to listen on (loopback only)")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port of the local HTTP gateway")] = 3000,
) -> None:
    """Run the local gateway over template.yaml's routes, with moto and the SQS consumer, until Ctrl-C."""
    from cvpath.config import get_settings
    from cvpath.db.migrate import migrate
    from cvpath.db.pool import connect
    from local.database import resolve_database_url
    from local.local_secrets import ensure_jwt_secret
    from local.serve import serve

    try:
        # The handlers read DATABASE_URL like in Lambda: start (or find) the database and migrate it first.
        with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
            migrate(conn, get_settings().sql_dir)
        ensure_jwt_secret()
        serve(host, port, log=typer.echo)
    except CVPathError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from None
    except KeyboardInterrupt:
        typer.echo("stopped")
