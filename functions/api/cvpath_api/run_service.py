"""Runs behind the public API: start an execution for an application, read its progress, hand out its files.

The run's rows are written before the execution starts (snapshot + QUEUED run,
one transaction), and the execution is named by the run id, so a run and its
execution always find each other. Per-state timings come from the execution's
history while the run is going, and are recorded on the run once it has
finished: a finished run is read from Postgres alone.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal
from uuid import UUID, uuid4

from cvpath.errors import CVPathError, NotFound
from cvpath_api import aws

if TYPE_CHECKING:
    import psycopg

    from cvpath.db.owned_runs import OwnedRun
    from cvpath.db.runs import Owner

logger = logging.getLogger("cvpath.api.runs")

ArtifactKind = Literal["pdf", "docx", "cover_letter", "report"]
Delivery = Literal["url", "bytes"]
PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
JSON = "application/json"
# The states of a run that reads a master CV snapshot, in the order a progress bar shows them.
PROGRESS_STATES = (
    "Admit",
    "CvParser",
    "CvValidator",
    "JobParser",
    "Analyze",
    "Tailor",
    "Score",
    "Render",
    "Settle",
)


class RunStartFailed(CVPathError):
    """Step Functions refused or could not be reached; the queued run is marked FAILED."""

    http_status = 503
    code = "run_start_failed"


class ArtifactsUnavailable(CVPathError):
    """The deployment has no artifacts bucket configured."""

    http_status = 503
    code = "artifacts_unavailable"


class RunNotFinished(CVPathError):
    """An artifact was asked for before the run succeeded."""

    http_status = 409
    code = "run_not_finished"


def _state_machine_arn() -> str | None:
    from cvpath.config import get_settings

    return get_settings().tailoring_state_machine_arn


def execution_arn(run_id: UUID) -> str | None:
    """The ARN of the run's execution: executions are named by their run id."""
    machine = _state_machine_arn()
    if not machine:
        return None
    return f"{machine.replace(':stateMachine:', ':execution:', 1)}:{run_id}"


def start_run(
    conn: psycopg.Connection[Any],
    owner: Owner,
    application_id: UUID,
    *,
    engine: str,
    cover_letter: str,
    cv_docx: bool,
) -> UUID:
    """Queue a run for the owner's application and start its execution; the run id.

    Order: everything the run reads is recorded first (one transaction), then the
    execution starts. When it cannot start, the run is finished as FAILED at once,
    so no QUEUED run is left waiting for an execution that never comes.
    """
    from cvpath.db import applications, master_cvs
    from cvpath.db.owned_runs import CvSnapshotSource, queue_application_run

    application = applications.load_application(conn, owner, application_id)
    if application.master_cv_id is None:
        raise NotFound(
            f"application {application_id} has no CV any more; attach one with PATCH first",
            details={"application_id": str(application_id)},
        )
    version = master_cvs.load_version(conn, owner, application.master_cv_id)
    job_data_id, _ = applications.job_text_of(conn, owner, application_id)
    # After the ownership checks: an id that is not the caller's is 404 on every deployment.
    machine = _state_machine_arn()
    if not machine:
        raise RunStartFailed("runs cannot start here: no tailoring state machine is configured")
    run_id = uuid4()
    options = {"cover_letter": cover_letter, "cv_docx": cv_docx, "cv_file": f"master CV v{version.version}"}
    queue_application_run(
        conn,
        owner,
        run_id=run_id,
        application_id=application_id,
        job_data_id=job_data_id,
        cv=CvSnapshotSource(version.id, version.source_format, version.content, version.raw_text),
        engine=engine,
        options=options,
    )
    execution_input = {
        "run_id": str(run_id),
        # A snapshot already holds the structured CV: nothing to extract.
        "cv": {"format": "SNAPSHOT", "filename": None, "s3": None},
        "render": {"engine": engine, "cover_letter": cover_letter, "cv_docx": cv_docx},
    }
    try:
        aws.client("stepfunctions").start_execution(
            stateMachineArn=machine, name=str(run_id), input=json.dumps(execution_input)
        )
    except Exception as exc:  # noqa: BLE001 - any failure to start ends the run; the class name is logged
        from cvpath.db.run_status import mark_failed

        logger.error("starting run %s failed: %s", run_id, type(exc).__name__)
        mark_failed(
            conn,
            run_id,
            status="FAILED",
            error_code="run_start_failed",
            error_message="the tailoring run could not be started",
            error_state="StartExecution",
        )
        raise RunStartFailed(
            "the tailoring run could not be started; try again shortly", details={"run_id": str(run_id)}
        ) from None
    applications.advance_step(conn, owner, application_id, "TAILORING")
    return run_id


def current_states(conn: psycopg.Connection[Any], owner: Owner, run: OwnedRun) -> list[dict[str, Any]]:
    """The run's per-state timings: recorded ones for a finished run, else read from its execution.

    The first read of a finished run records them (and moves its application to
    REVIEW when it succeeded), so later reads need no AWS call.
    """
    if run.finished and run.states:
        return run.states
    arn = run.execution_arn or execution_arn(run.id)
    states = _states_from_execution(arn) if arn else []
    if run.finished and states:
        from cvpath.db.run_status import record_states

        record_states(conn, run.id, states)
        if run.status == "SUCCEEDED" and run.application_id is not None:
            from cvpath.db import applications

            applications.advance_step(conn, owner, run.application_id, "REVIEW")
    return states


def _states_from_execution(arn: str) -> list[dict[str, Any]]:
    from cvpath.execution_history import fetch_history, states_from_history

    client = aws.client("stepfunctions")
    try:
        history = fetch_history(client, arn)
    except client.exceptions.ExecutionDoesNotExist:
        return []
    return [
        {"name": s.name, "status": s.status, "duration_ms": s.duration_ms, "attempts": s.attempts}
        for s in states_from_history(history)
    ]


def run_view(conn: psycopg.Connection[Any], owner: Owner, run_id: UUID) -> dict[str, Any]:
    """Everything GET /api/runs/{id} shows: status, states, scores, gaps, guard report, costs, artifacts."""
    from cvpath.db.owned_runs import load_owned_run
    from cvpath.reports import build_report

    run = load_owned_run(conn, owner, run_id)
    states = current_states(conn, owner, run)
    report = build_report(conn, run.id, states=states)
    return {
        "id": run.id,
        "application_id": run.application_id,
        "cv_version_id": run.master_cv_id,
        "status": report["status"],
        "engine": run.engine,
        "created_at": run.created_at,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "states": report["states"],
        "progress": progress_of(run.status, report["states"]),
        "score_before": report["score_before"],
        "score_after": report["score_after"],
        "score_delta": report["score_delta"],
        "gaps": gaps_with_evidence(report["job"], report["analysis"]),
        "analysis": report["analysis"],
        "guard_report": report["guard_report"],
        "costs": report["costs"],
        "error": report["error"],
        "artifacts": available_artifacts(run) if run.status == "SUCCEEDED" else [],
    }


def gaps_with_evidence(job: dict[str, Any] | None, analysis: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Every requirement the CV does not fully meet: its text, must-have or not, the status and the proof.

    A ``partial`` requirement carries the CV quotes that half-meet it; a
    ``missing`` one carries none. Read from the stored JSON (camelCase wire form).
    """
    if not analysis:
        return []
    requirements: dict[Any, tuple[Any, bool]] = {}
    for group, must_have in (("mustHave", True), ("niceToHave", False)):
        for requirement in (job or {}).get(group) or []:
            requirements[requirement.get("id")] = (requirement.get("text"), must_have)
    gaps = []
    for row in analysis.get("requirements") or []:
        if row.get("status") == "met":
            continue
        text, must_have = requirements.get(row.get("requirementId"), (None, False))
        gaps.append(
            {
                "requirement_id": row.get("requirementId"),
                "requirement": text,
                "must_have": must_have,
                "status": row.get("status"),
                "evidence": [
                    {"source_id": item.get("sourceId"), "quote": item.get("quote")}
                    for item in row.get("evidence") or []
                ],
                "note": row.get("note"),
            }
        )
    return gaps


def progress_of(status: str, states: list[dict[str, Any]]) -> dict[str, Any]:
    """How far the run is: states finished out of the run's states, and the one going now."""
    done = {s["name"] for s in states if s.get("status") in ("SUCCEEDED", "CAUGHT")}
    running = [s["name"] for s in states if s.get("status") == "RUNNING"]
    finished = sum(1 for name in PROGRESS_STATES if name in done)
    total = len(PROGRESS_STATES)
    percent = 100 if status == "SUCCEEDED" else min(99, round(100 * finished / total))
    return {"finished_states": finished, "total_states": total, "percent": percent, "running": running}


def available_artifacts(run: OwnedRun) -> list[ArtifactKind]:
    kinds: list[ArtifactKind] = ["pdf"]
    if run.options.get("cv_docx"):
        kinds.append("docx")
    if run.options.get("cover_letter") in ("pdf", "docx"):
        kinds.append("cover_letter")
    kinds.append("report")
    return kinds


@dataclass(frozen=True)
class ArtifactFile:
    filename: str
    content_type: str
    key: str


def _artifact_file(run: OwnedRun, kind: ArtifactKind) -> ArtifactFile:
    if kind not in available_artifacts(run):
        raise NotFound(
            f"run {run.id} has no {kind.replace('_', ' ')} artifact",
            details={"run_id": str(run.id), "kind": kind, "available": available_artifacts(run)},
        )
    if kind == "pdf":
        name, content_type = "tailored_cv.pdf", PDF
    elif kind == "docx":
        name, content_type = "tailored_cv.docx", DOCX
    elif kind == "cover_letter":
        letter = run.options.get("cover_letter")
        name, content_type = (f"cover_letter.{letter}", PDF if letter == "pdf" else DOCX)
    else:
        name, content_type = "report.json", JSON
    return ArtifactFile(name, content_type, f"runs/{run.id}/{name}")


@dataclass(frozen=True)
class Artifact:
    filename: str
    content_type: str
    data: bytes | None = None
    url: str | None = None
    expires_in: int | None = None


def artifact(
    conn: psycopg.Connection[Any], owner: Owner, run_id: UUID, kind: ArtifactKind, delivery: Delivery | None
) -> Artifact:
    """The run's file, as bytes or as a short-lived presigned URL.

    Downloading the tailored CV (pdf) completes the run's application in the funnel.
    """
    from cvpath.config import get_settings
    from cvpath.db.owned_runs import load_owned_run

    settings = get_settings()
    run = load_owned_run(conn, owner, run_id)
    if run.status != "SUCCEEDED":
        raise RunNotFinished(
            f"run {run.id} has no files: it is {run.status}",
            details={"run_id": str(run.id), "status": run.status},
        )
    file = _artifact_file(run, kind)
    bucket = settings.artifacts_bucket
    if not bucket:
        raise ArtifactsUnavailable("run files cannot be read here: no artifacts bucket is configured")
    s3 = aws.client("s3")
    if kind == "report":
        _store_report(conn, owner, s3, bucket, run, file)
    how = delivery or settings.artifact_delivery
    if how == "bytes":
        try:
            data = s3.get_object(Bucket=bucket, Key=file.key)["Body"].read()
        except s3.exceptions.NoSuchKey:
            raise NotFound(
                f"run {run.id}'s {kind.replace('_', ' ')} file is missing", details={"run_id": str(run.id)}
            ) from None
        result = Artifact(file.filename, file.content_type, data=data)
    else:
        ttl = settings.artifact_url_ttl_s
        url = s3.generate_presigned_url(
            "get_object",
            Params={
                "Bucket": bucket,
                "Key": file.key,
                "ResponseContentType": file.content_type,
                "ResponseContentDisposition": f'attachment; filename="{file.filename}"',
            },
            ExpiresIn=ttl,
        )
        result = Artifact(file.filename, file.content_type, url=url, expires_in=ttl)
    if kind == "pdf" and run.application_id is not None:
        from cvpath.db import applications

        applications.advance_step(conn, owner, run.application_id, "COMPLETED")
    return result


def _store_report(
    conn: psycopg.Connection[Any], owner: Owner, s3: Any, bucket: str, run: OwnedRun, file: ArtifactFile
) -> None:
    """report.json, built from the evidence trail and stored beside the run's other files when asked for.

    Built again on each ask: the same evidence gives the same report, and a file
    written by an older version of the code is replaced.
    """
    from cvpath.reports import build_report

    names = [_artifact_file(run, kind).filename for kind in available_artifacts(run) if kind != "report"]
    report = build_report(conn, run.id, states=current_states(conn, owner, run), artifacts=names)
    body = (json.dumps(report, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    s3.put_object(Bucket=bucket, Key=file.key, Body=body, ContentType=file.content_type)
