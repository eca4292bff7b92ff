"""Runs as their owner sees them: queued from a job application, read back only by the same owner.

Every function takes the caller's ``Owner`` and scopes its query to it: a run
that does not exist and a run that belongs to someone else are the same
``NotFound``, so an id never tells whether it exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row

from cvpath.db.runs import Owner, insert_import, insert_run
from cvpath.errors import NotFound

TERMINAL_STATUSES = frozenset({"SUCCEEDED", "FAILED", "REJECTED", "TIMED_OUT", "ABORTED"})


@dataclass(frozen=True)
class OwnedRun:
    id: UUID
    status: str
    application_id: UUID | None
    master_cv_id: UUID | None
    execution_arn: str | None
    engine: str
    options: dict[str, Any]
    states: list[dict[str, Any]]
    current_state: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None

    @property
    def finished(self) -> bool:
        return self.status in TERMINAL_STATUSES


@dataclass(frozen=True)
class CvSnapshotSource:
    """The master CV version a run copies: its id, format, structured content and text."""

    version_id: UUID
    source_format: str
    content: dict[str, Any]
    raw_text: str | None


def not_found(run_id: UUID) -> NotFound:
    return NotFound(f"no run {run_id}", details={"run_id": str(run_id)})


def load_owned_run(conn: psycopg.Connection[Any], owner: Owner, run_id: UUID) -> OwnedRun:
    """The owner's run ``run_id``; ``NotFound`` when there is none for this owner."""
    clause, value = owner.clause()
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"""SELECT id, status::text AS status, application_id, master_cv_id, execution_arn, engine,
                       options, states, current_state, created_at, started_at, finished_at
                FROM public.pipeline_runs WHERE id = %s AND {clause}""",
            [run_id, value],
        )
        row = cur.fetchone()
    if row is None:
        raise not_found(run_id)
    return OwnedRun(**row)


def queue_application_run(
    conn: psycopg.Connection[Any],
    owner: Owner,
    *,
    run_id: UUID,
    application_id: UUID,
    job_data_id: UUID,
    cv: CvSnapshotSource,
    engine: str,
    options: dict[str, Any],
) -> None:
    """Snapshot the master CV version for the application and queue the run over it, in one transaction.

    The snapshot (``import_data``) is immutable: the run keeps reading the exact
    version it started with, whatever later versions of the CV say.
    """
    with conn.transaction():
        import_id = insert_import(
            conn,
            owner,
            raw_text=cv.raw_text,
            content=cv.content,
            source_format=cv.source_format,
            master_cv_id=cv.version_id,
            created_for_job_id=application_id,
        )
        insert_run(
            conn,
            owner,
            import_data_id=import_id,
            job_data_id=job_data_id,
            run_id=run_id,
            engine=engine,
            options=options,
            application_id=application_id,
            master_cv_id=cv.version_id,
        )
