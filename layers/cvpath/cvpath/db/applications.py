"""Job applications and their funnel: where each one is, which steps it ever reached, and how long they took.

Every query is scoped to the owner: an application of someone else is reported
exactly like one that does not exist (``NotFound``, same message).

Funnel rules
- Reaching a step marks it and every earlier step reached (a client may skip),
  records when each was first reached (``step_reached_at``), and fills a timing
  the first time both of its steps are known. Nothing of that ever goes back:
  moving back a step only changes ``workflow_step``.
- Reaching COMPLETED sets ``completed_at`` once; a completed application cannot
  be abandoned (``Conflict``).
- Reaching any step on an abandoned application reopens it (clears the
  abandonment). Why: abandonment is a guess made from the absence of activity;
  an application that moves again, up to completion, was not abandoned, and the
  funnel should count it where it really ended.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from cvpath.db.runs import Owner, text_hash
from cvpath.errors import Conflict, NotFound

STEPS = ("CV_IMPORT", "JOB_INPUT", "ANALYSIS", "TAILORING", "REVIEW", "EXPORT", "COMPLETED")
# The name of each step's flag, as the API shows it; the column is reached_<name>.
FLAG_NAMES = dict(
    zip(STEPS, ("import", "job_input", "analysis", "tailoring", "review", "export", "completed"), strict=True)
)
# Each timing, in milliseconds, from the first step's first reach to the second's.
TIMINGS = {
    "import_to_job": ("CV_IMPORT", "JOB_INPUT"),
    "job_to_tailor": ("JOB_INPUT", "TAILORING"),
    "tailor_to_complete": ("TAILORING", "COMPLETED"),
}
MAX_LIST = 100
# The columns a client may edit directly (PATCH); the funnel columns change only through the functions below.
DETAIL_COLUMNS = ("job_title", "company", "job_url")

_FLAG_COLUMNS = [f"reached_{name}" for name in FLAG_NAMES.values()]
_TIMING_COLUMNS = [f"{name}_ms" for name in TIMINGS]
_SELECT = f"""
    SELECT a.id, a.master_cv_id, m.lineage_id, a.job_title, a.company, a.job_url,
           a.workflow_step::text AS workflow_step, {", ".join(f"a.{column}" for column in _FLAG_COLUMNS)},
           a.step_reached_at, {", ".join(f"a.{column}" for column in _TIMING_COLUMNS)},
           a.started_at, a.completed_at, a.abandoned_at, a.abandonment_reason,
           (SELECT j.id FROM public.job_data j WHERE j.application_id = a.id
            ORDER BY j.created_at DESC, j.id DESC LIMIT 1) AS job_data_id,
           a.created_at, a.updated_at
    FROM public.job_applications a LEFT JOIN public.master_cvs m ON m.id = a.master_cv_id"""


@dataclass(frozen=True)
class Application:
    id: UUID
    # The master CV version the application was made from (None once that version is deleted) ...
    master_cv_id: UUID | None
    # ... and its lineage: the CV's id as the API shows it.
    cv_id: UUID | None
    job_title: str | None
    company: str | None
    job_url: str | None
    workflow_step: str
    flags: dict[str, bool]
    step_reached_at: dict[str, datetime]
    # import_to_job / job_to_tailor / tailor_to_complete -> ms, None until both steps were reached.
    timings: dict[str, int | None]
    started_at: datetime
    completed_at: datetime | None
    abandoned_at: datetime | None
    abandonment_reason: str | None
    job_data_id: UUID | None
    created_at: datetime
    updated_at: datetime


def _not_found(application_id: UUID) -> NotFound:
    return NotFound(f"no application {application_id}", details={"application_id": str(application_id)})


def _application(row: dict[str, Any]) -> Application:
    return Application(
        id=row["id"],
        master_cv_id=row["master_cv_id"],
        cv_id=row["lineage_id"],
        job_title=row["job_title"],
        company=row["company"],
        job_url=row["job_url"],
        workflow_step=row["workflow_step"],
        flags={name: bool(row[f"reached_{name}"]) for name in FLAG_NAMES.values()},
        step_reached_at={step: datetime.fromisoformat(at) for step, at in row["step_reached_at"].items()},
        timings={name: row[f"{name}_ms"] for name in TIMINGS},
        started_at=row["started_at"],
        completed_at=row["completed_at"],
        abandoned_at=row["abandoned_at"],
        abandonment_reason=row["abandonment_reason"],
        job_data_id=row["job_data_id"],
        created_at=row["created_at"],
        updated_at=row["updated_at"],
    )


def _applications(conn: psycopg.Connection[Any], where: str, params: list[Any]) -> list[Application]:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(f"{_SELECT} {where}", params)
        return [_application(row) for row in cur.fetchall()]


def _iso(at: datetime) -> str:
    """The form step_reached_at keeps: UTC, microseconds, a ``Z``, so the strings sort as the times do."""
    return at.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _ms_between(start: str, end: str) -> int:
    # Never negative (the CHECK refuses it): a caller-given time may precede an earlier step's.
    delta = datetime.fromisoformat(end) - datetime.fromisoformat(start)
    return max(0, int(delta.total_seconds() * 1000))


def load_application(conn: psycopg.Connection[Any], owner: Owner, application_id: UUID) -> Application:
    clause, value = owner.clause("a")
    found = _applications(conn, f"WHERE a.id = %s AND {clause}", [application_id, value])
    if not found:
        raise _not_found(application_id)
    return found[0]


def list_applications(conn: psycopg.Connection[Any], owner: Owner, *, limit: int = 50) -> list[Application]:
    """The owner's applications, newest first, at most ``limit`` (capped at 100)."""
    clause, value = owner.clause("a")
    return _applications(
        conn,
        f"WHERE {clause} ORDER BY a.created_at DESC, a.id DESC LIMIT %s",
        [value, max(1, min(limit, MAX_LIST))],
    )


def create_application(
    conn: psycopg.Connection[Any],
    owner: Owner,
    *,
    cv_id: UUID,
    job_text: str,
    job_title: str | None = None,
    company: str | None = None,
    job_url: str | None = None,
    source_url: str | None = None,
) -> Application:
    """An application for the latest version of the owner's CV ``cv_id`` (a lineage id), and its job text.

    It starts at JOB_INPUT with CV_IMPORT reached when that CV version was
    created, so ``import_to_job_ms`` is the time from the CV's import to this job.
    Why not 0: for a CV uploaded for this very job that gap is the funnel's first
    step; for a CV reused from the library it is long, which is also true (no
    import happened), and the dashboard can tell the two apart by the size.
    ``NotFound`` when the owner has no such CV; nothing is written then.
    """
    clause, value = owner.clause()
    with conn.transaction():
        # FOR KEY SHARE: the version cannot be deleted between this read and the insert that references it.
        version = conn.execute(
            f"""SELECT id, created_at, now() FROM public.master_cvs WHERE lineage_id = %s AND {clause}
                ORDER BY version DESC LIMIT 1 FOR KEY SHARE""",
            [cv_id, value],
        ).fetchone()
        if version is None:
            raise NotFound(f"no CV {cv_id}", details={"cv_id": str(cv_id)})
        version_id, imported_at, now = version
        reached = {"CV_IMPORT": _iso(min(imported_at, now)), "JOB_INPUT": _iso(now)}
        row = conn.execute(
            """INSERT INTO public.job_applications
                   (user_id, guest_id, master_cv_id, job_title, company, job_url, workflow_step,
                    reached_import, reached_job_input, step_reached_at, import_to_job_ms)
               VALUES (%s, %s, %s, %s, %s, %s, 'JOB_INPUT', true, true, %s, %s) RETURNING id""",
            [
                owner.user_id,
                owner.guest_id,
                version_id,
                job_title,
                company,
                job_url,
                Jsonb(reached),
                _ms_between(reached["CV_IMPORT"], reached["JOB_INPUT"]),
            ],
        ).fetchone()
        assert row is not None
        conn.execute(
            """INSERT INTO public.job_data
                   (user_id, guest_id, application_id, source_url, raw_text, content_hash)
               VALUES (%s, %s, %s, %s, %s, %s)""",
            [owner.user_id, owner.guest_id, row[0], source_url, job_text, text_hash(job_text)],
        )
        return load_application(conn, owner, row[0])


def advance_step(
    conn: psycopg.Connection[Any],
    owner: Owner,
    application_id: UUID,
    step: str,
    *,
    at: datetime | None = None,
) -> Application:
    """Move the application to ``step`` (at ``at``, an aware datetime; the database's clock by default).

    Idempotent: the same step again changes nothing. The row is locked for the
    read-compute-write, so concurrent advances queue and each sees the other's flags.
    """
    if step not in STEPS:
        raise ValueError(f"not a workflow step: {step!r}")
    clause, value = owner.clause()
    with conn.transaction():
        row = conn.execute(
            f"""SELECT workflow_step::text, step_reached_at, {", ".join(_TIMING_COLUMNS)},
                       completed_at, abandoned_at, now()
                FROM public.job_applications WHERE id = %s AND {clause} FOR UPDATE""",
            [application_id, value],
        ).fetchone()
        if row is None:
            raise _not_found(application_id)
        current, reached_before, *timings_before, completed_at, abandoned_at, now = row
        moment = at if at is not None else now
        when = _iso(moment)
        reached = dict(reached_before)
        for earlier in STEPS[: STEPS.index(step) + 1]:
            reached.setdefault(earlier, when)
        if step == current and reached == reached_before and abandoned_at is None:
            return load_application(conn, owner, application_id)
        timings = [
            known
            if known is not None or start not in reached or end not in reached
            else _ms_between(reached[start], reached[end])
            for known, (start, end) in zip(timings_before, TIMINGS.values(), strict=True)
        ]
        flags = [f"{column} = {column} OR %s" for column in _FLAG_COLUMNS]
        conn.execute(
            f"""UPDATE public.job_applications SET
                    workflow_step = %s::public.workflow_step, {", ".join(flags)}, step_reached_at = %s,
                    {", ".join(f"{column} = %s" for column in _TIMING_COLUMNS)},
                    completed_at = %s, abandoned_at = NULL, abandonment_reason = NULL,
                    step_entered_at = CASE WHEN workflow_step::text = %s THEN step_entered_at ELSE %s END,
                    last_activity_at = greatest(last_activity_at, %s)
                WHERE id = %s""",
            [
                step,
                *(name in reached for name in STEPS),
                Jsonb(reached),
                *timings,
                completed_at if completed_at is not None or step != "COMPLETED" else moment,
                step,
                moment,
                moment,
                application_id,
            ],
        )
        return load_application(conn, owner, application_id)


def abandon(
    conn: psycopg.Connection[Any], owner: Owner, application_id: UUID, reason: str | None = None
) -> Application:
    """Mark the application abandoned; a later call keeps the first time, and the reason when given none.

    ``Conflict`` when it is completed: the completed state is final for the funnel.
    """
    clause, value = owner.clause()
    row = conn.execute(
        f"""UPDATE public.job_applications
            SET abandoned_at = coalesce(abandoned_at, now()),
                abandonment_reason = coalesce(%s, abandonment_reason),
                last_activity_at = greatest(last_activity_at, now())
            WHERE id = %s AND {clause} AND completed_at IS NULL RETURNING id""",
        [reason, application_id, value],
    ).fetchone()
    # No row: unknown (load_application raises NotFound) or completed.
    if row is None and load_application(conn, owner, application_id).completed_at is not None:
        raise Conflict(
            f"application {application_id} is completed; a completed application cannot be abandoned",
            details={"application_id": str(application_id)},
        )
    return load_application(conn, owner, application_id)


def reopen(conn: psycopg.Connection[Any], owner: Owner, application_id: UUID) -> Application:
    """Clear an abandonment (nothing else changes); a no-op on an application that is not abandoned."""
    clause, value = owner.clause()
    conn.execute(
        f"""UPDATE public.job_applications SET abandoned_at = NULL, abandonment_reason = NULL
            WHERE id = %s AND {clause} AND abandoned_at IS NOT NULL""",
        [application_id, value],
    )
    return load_application(conn, owner, application_id)


def update_application(
    conn: psycopg.Connection[Any],
    owner: Owner,
    application_id: UUID,
    *,
    details: Mapping[str, str | None] | None = None,
    step: str | None = None,
    abandoned: bool | None = None,
    abandonment_reason: str | None = None,
) -> Application:
    """A client's change, all or nothing: details (None clears one), then the step, then the abandonment.

    Why that order: ``{"workflow_step": "REVIEW", "abandoned": true}`` reads "got
    to review, then left", which is what the funnel should record.
    """
    details = details or {}
    unknown = set(details) - set(DETAIL_COLUMNS)
    if unknown:
        raise ValueError(f"not an editable column: {sorted(unknown)}")
    clause, value = owner.clause()
    with conn.transaction():
        if details:
            # The column names come from DETAIL_COLUMNS (checked above), never from input.
            assignments = ", ".join(f"{column} = %s" for column in details)
            updated = conn.execute(
                f"UPDATE public.job_applications SET {assignments} WHERE id = %s AND {clause} RETURNING id",
                [*details.values(), application_id, value],
            ).fetchone()
            if updated is None:
                raise _not_found(application_id)
        if step is not None:
            advance_step(conn, owner, application_id, step)
        if abandoned or (abandoned is None and abandonment_reason is not None):
            return abandon(conn, owner, application_id, abandonment_reason)
        if abandoned is False:
            return reopen(conn, owner, application_id)
        return load_application(conn, owner, application_id)


def job_text_of(conn: psycopg.Connection[Any], owner: Owner, application_id: UUID) -> tuple[UUID, str]:
    """The id and text of the application's latest job description snapshot."""
    clause, value = owner.clause("a")
    row = conn.execute(
        f"""SELECT j.id, j.raw_text FROM public.job_applications a
            JOIN public.job_data j ON j.application_id = a.id
            WHERE a.id = %s AND {clause} ORDER BY j.created_at DESC, j.id DESC LIMIT 1""",
        [application_id, value],
    ).fetchone()
    if row is None:
        load_application(conn, owner, application_id)
        raise NotFound(
            f"application {application_id} has no job description",
            details={"application_id": str(application_id)},
        )
    return row[0], str(row[1])
