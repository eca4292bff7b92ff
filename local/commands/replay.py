"""`cvpath replay RUN_ID`: a run's agents again, offline, from its snapshots, diffed against what it stored.

Nothing is written: the replay runs on a scratch run inside a transaction that
is rolled back (see ``cvpath.admin.replay``). Exit 0 when the replay ran (a
difference is a finding, not a failure), 2 for an unknown run or a malformed
id, 1 for any other error (say, the database cannot be reached).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Annotated, Literal
from uuid import UUID

import typer

from cvpath.errors import CVPathError, RunNotFound

if TYPE_CHECKING:
    from cvpath.admin.replay import KindDiff, ReplayReport, StepReplay

# Diff lines shown per changed kind without --full: enough to see what moved.
DIFF_PREVIEW_LINES = 30


def replay_command(
    run_id: Annotated[str, typer.Argument(help="The run id (see GET /api/admin/runs)")],
    full: Annotated[bool, typer.Option("--full", help="Print every diff line, not a preview")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the comparison as JSON")] = False,
) -> None:
    """Re-run a run's agents with the offline provider and diff each output against the stored one."""
    from cvpath.admin.replay import replay_run
    from cvpath.db.pool import connect
    from local.database import resolve_database_url

    try:
        run = UUID(run_id)
    except ValueError:
        typer.echo(f"error: {run_id!r} is not a run id (a UUID)", err=True)
        raise typer.Exit(code=2) from None
    if not as_json:
        typer.echo(f"replay of run {run} with the offline provider (nothing is written)")
    try:
        with connect(resolve_database_url(quiet=True), autocommit=True) as conn:
            report = replay_run(conn, run, on_step=None if as_json else _print_step)
    except RunNotFound:
        typer.echo(f"error: run {run} does not exist", err=True)
        raise typer.Exit(code=2) from None
    except CVPathError as exc:
        typer.echo(f"error: {exc.message}", err=True)
        raise typer.Exit(code=1) from None
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
        return
    _print_report(report, full=full)


def _print_step(step: StepReplay) -> None:
    error = f"  {step.error}" if step.error else ""
    typer.echo(f"  {step.agent:<20} {step.status:<7} {step.duration_ms:>6,} ms{error}")


def _print_report(report: ReplayReport, *, full: bool) -> None:
    typer.echo(f"stored run status: {report.run_status}")
    sides: tuple[Literal["stored", "replayed"], ...] = ("stored", "replayed")
    for side in sides:
        before, after = report.scores(side)
        typer.echo(f"score {side:<8}: {_score_line(before, after)}")
    for side in sides:
        guard = report.guard(side)
        summary = (
            "none"
            if guard is None
            else f"{guard['findings']} finding(s); {guard['checked_bullets']} bullets and "
            f"{guard['checked_entries']} entries checked"
        )
        typer.echo(f"guard {side:<8}: {summary}")
    typer.echo("outputs (stored -> replayed):")
    for diff in report.kinds:
        typer.echo(f"  {diff.kind:<17} {_diff_line(diff)}")
    for diff in report.kinds:
        if diff.status in ("same", "absent"):
            continue
        lines = diff.diff if full else diff.diff[:DIFF_PREVIEW_LINES]
        typer.echo(f"diff of {diff.kind}:")
        for line in lines:
            typer.echo(f"  {line}")
        if len(diff.diff) > len(lines):
            typer.echo(f"  ... {len(diff.diff) - len(lines)} more line(s); --full shows them")
    changed = report.changed
    compared = sum(1 for diff in report.kinds if diff.status != "absent")
    verdict = (
        f"{len(changed)} of {compared} output(s) differ: {', '.join(changed)}" if changed else "none differ"
    )
    typer.echo(f"summary: {verdict}")


def _score_line(before: float | None, after: float | None) -> str:
    if before is None or after is None:
        return "no scores"
    return f"{before:.1f} -> {after:.1f} ({after - before:+.1f})"


def _diff_line(diff: KindDiff) -> str:
    if diff.status == "changed":
        fields = f" in {', '.join(diff.fields_changed)}" if diff.fields_changed else ""
        return f"changed (+{diff.added_lines} -{diff.removed_lines} lines){fields}"
    return {
        "same": "same",
        "absent": "absent (neither has it)",
        "only_stored": "only stored (the replay did not produce it)",
        "only_replayed": "only replayed (the run had not stored it)",
    }[diff.status]


if (
    __name__ == "__main__"
):  # pragma: no cover - `python -m local.commands.replay`, until local/cli.py registers it
    typer.run(replay_command)
