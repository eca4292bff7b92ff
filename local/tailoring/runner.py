"""One tailoring run, end to end, on the local runtime: the body of ``cvpath tailor``.

The run goes through the real state machine (moto runs ``statemachine/
tailoring.asl.json``; its Lambda tasks are the handlers ``template.yaml``
names). This module only submits the run, watches it and collects the results:
every decision is the pipeline's own.

Output is all-or-nothing: files are written into a hidden folder beside the
target and moved into place only once every one of them exists, so a failed
run (or a crash half-way) leaves no partial package behind.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from uuid import UUID

from cvpath.config import get_settings
from cvpath.db.pool import close_pool, connect
from cvpath.execution_history import StateRun, innermost_failure
from local.aws.executions import ExecutionResult, run_execution
from local.aws.history import save_history
from local.tailoring.handler_logs import handler_logs_to, preload_task_handlers
from local.tailoring.submission import RunOptions, read_cv, read_job, submit

# The output kind whose row names the provider that answered each agent state.
AGENT_STATE_KINDS = {
    "CvParser": "PARSED_CV",
    "CvValidator": "VALIDATION",
    "JobParser": "PARSED_JOB",
    "Analyze": "ANALYSIS",
    "Tailor": "TAILORED_CV",
    "Score": "SCORE_COMPARISON",
}
StateCallback = Callable[[StateRun, str | None], None]

REPORT_JSON = "report.json"
REPORT_MD = "report.md"


@dataclass(frozen=True)
class RunFailure:
    """Where and why a run stopped: the pipeline's error name, its message and the state."""

    code: str
    message: str
    state: str
    # The run's own status: FAILED, or REJECTED when Admit refused it (quota, balance, cap).
    run_status: str = "FAILED"


@dataclass
class TailorOutcome:
    run_id: UUID
    execution_arn: str
    status: str
    states: list[StateRun]
    wall_ms: float
    report: dict[str, Any] | None = None
    files: list[Path] = field(default_factory=list)
    # What the Render state reported per file: kind, filename, bytes, pages, ats_passed, s3.
    artifacts: list[dict[str, Any]] = field(default_factory=list)
    failure: RunFailure | None = None

    @property
    def succeeded(self) -> bool:
        return self.status == "SUCCEEDED"


def history_dir() -> Path:
    """Where local executions keep their history for ``cvpath trace`` (moto's state ends with the process)."""
    return get_settings().state_dir / "executions"


def log_path(run_id: UUID) -> Path:
    """The handlers' JSON log lines of one run (what CloudWatch would hold)."""
    return get_settings().state_dir / "logs" / f"{run_id}.jsonl"


def tailor(
    cv_path: Path,
    job_path: Path,
    *,
    out_dir: Path,
    options: RunOptions,
    on_state: StateCallback | None = None,
    on_submitted: Callable[[UUID], None] | None = None,
) -> TailorOutcome:
    """Run the pipeline on ``cv_path`` and ``job_path``; write the package to ``out_dir`` on success.

    Bad input (a missing file, an empty job) raises the pipeline's named error
    before anything is recorded. A run that fails in the state machine returns
    with ``failure`` set: the run row says FAILED and nothing is written.
    """
    from cvpath.db.migrate import migrate
    from local.aws.cloud import local_cloud
    from local.database import resolve_database_url

    cv = read_cv(cv_path)
    job_text = read_job(job_path)
    url = resolve_database_url(quiet=True)
    try:
        with connect(url, autocommit=True) as conn:
            migrate(conn, get_settings().sql_dir)
            with local_cloud() as cloud:
                preload_task_handlers(cloud.template)
                submission = submit(conn, cloud.s3, cloud.bucket, cv, job_text, options)
                if on_submitted:
                    on_submitted(submission.run_id)
                with handler_logs_to(log_path(submission.run_id)):
                    result = run_execution(
                        cloud,
                        str(submission.run_id),
                        submission.execution_input,
                        on_state=_with_provider(on_state, conn, submission.run_id) if on_state else None,
                    )
                save_history(history_dir(), result)
                return _collect(conn, cloud, submission.run_id, result, out_dir)
    finally:
        # The handlers ran in this process and opened the pool: close it with the run.
        close_pool()


def _with_provider(on_state: StateCallback, conn: Any, run_id: UUID) -> Callable[[StateRun], None]:
    """``on_state`` with the provider/model that answered an agent state (None for other states)."""

    def report(state: StateRun) -> None:
        kind = AGENT_STATE_KINDS.get(state.name)
        answered = None
        if kind and state.status == "SUCCEEDED":
            row = conn.execute(
                "SELECT provider, model FROM public.tailor_data WHERE run_id = %s AND kind = %s",
                [run_id, kind],
            ).fetchone()
            if row and row[0]:
                answered = f"{row[0]}/{row[1]}"
        on_state(state, answered)

    return report


def _collect(conn: Any, cloud: Any, run_id: UUID, result: ExecutionResult, out_dir: Path) -> TailorOutcome:
    from cvpath.db.run_status import record_states
    from cvpath.reports import build_report, render_markdown

    states = [_state_dict(state) for state in result.states]
    record_states(conn, run_id, states)
    outcome = TailorOutcome(run_id, result.arn, result.status, result.states, result.wall_ms)
    if not outcome.succeeded:
        outcome.failure = _failure(conn, run_id, result)
        return outcome
    outcome.artifacts = list(((result.output or {}).get("artifacts") or {}).get("files") or [])
    artifacts = _artifacts(cloud, run_id)
    report = build_report(conn, run_id, states=states, artifacts=sorted(artifacts))
    outcome.report = report
    outcome.files = _write_atomically(
        out_dir,
        {
            **artifacts,
            REPORT_JSON: (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
            REPORT_MD: render_markdown(report).encode("utf-8"),
        },
    )
    return outcome


def _state_dict(state: StateRun) -> dict[str, Any]:
    return {
        "name": state.name,
        "status": state.status,
        "duration_ms": state.duration_ms,
        "attempts": state.attempts,
    }


def _failure(conn: Any, run_id: UUID, result: ExecutionResult) -> RunFailure:
    """The error MarkFailed recorded, with the innermost state that raised it (inside a Parallel too)."""
    row = conn.execute(
        "SELECT error_code, error_message, error_state, status::text FROM public.pipeline_runs WHERE id = %s",
        [run_id],
    ).fetchone()
    inner = innermost_failure(result.history)
    code, message, state, run_status = row or (None, None, None, None)
    if inner is not None:
        state = inner[0]
        code = code or inner[1]
    return RunFailure(
        code=code or result.error or "Unknown",
        message=message or result.cause or "the run failed",
        state=state or "unknown",
        run_status=run_status or "FAILED",
    )


def _artifacts(cloud: Any, run_id: UUID) -> dict[str, bytes]:
    """The files the Render state wrote under ``runs/<run_id>/``, by file name."""
    prefix = f"runs/{run_id}/"
    listing = cloud.s3.list_objects_v2(Bucket=cloud.bucket, Prefix=prefix)
    files: dict[str, bytes] = {}
    for item in listing.get("Contents", []):
        name = item["Key"][len(prefix) :]
        if name and "/" not in name:
            files[name] = cloud.s3.get_object(Bucket=cloud.bucket, Key=item["Key"])["Body"].read()
    return files


def _write_atomically(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Write every file into a staging folder beside ``out_dir``, then move them in place."""
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cvpath-", dir=out_dir))
    try:
        for name, data in files.items():
            (staging / name).write_bytes(data)
        written = []
        for name in sorted(files):
            target = out_dir / name
            os.replace(staging / name, target)
            written.append(target)
        return written
    finally:
        shutil.rmtree(staging, ignore_errors=True)
