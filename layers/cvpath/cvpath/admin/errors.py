"""Error triage: errors grouped by fingerprint, and a group's status, assignee and note.

A group is ``analytics_monitoring.error_groups`` (sql/0011): its status,
assignee and note are those of its latest occurrence. Triage therefore sets
them on every occurrence of the fingerprint in one UPDATE, and an occurrence
arriving later starts as 'new' again (or stays 'ignored', by the table's
trigger): an error that returns after being resolved reopens its group.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from psycopg.rows import dict_row

from cvpath.admin.audit import Actor, record
from cvpath.errors import NotFound


@dataclass(frozen=True)
class ErrorGroup:
    fingerprint: str
    occurrences: int
    people_affected: int
    first_seen_at: datetime
    last_seen_at: datetime
    error_type: str
    source: str
    severity: str
    file_path: str | None
    function_name: str | None
    last_message: str
    status: str
    assignee: str | None
    assignee_note: str | None


_GROUP_COLUMNS = """fingerprint, occurrences, people_affected, first_seen_at, last_seen_at, error_type,
                    source, severity, file_path, function_name, last_message, resolution AS status,
                    assignee, resolution_note AS assignee_note"""


def list_groups(
    conn: psycopg.Connection[Any],
    *,
    status: str | None = None,
    source: str | None = None,
    since: datetime | None = None,
    limit: int = 100,
) -> list[ErrorGroup]:
    """Groups seen last at or after ``since``, most recently seen first (every parameter bound)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"""SELECT {_GROUP_COLUMNS}
                FROM analytics_monitoring.error_groups
                WHERE (%(status)s::text IS NULL OR resolution = %(status)s)
                  AND (%(source)s::text IS NULL OR source = %(source)s)
                  AND (%(since)s::timestamptz IS NULL OR last_seen_at >= %(since)s)
                ORDER BY last_seen_at DESC, fingerprint
                LIMIT %(limit)s""",
            {"status": status, "source": source, "since": since, "limit": limit},
        )
        return [ErrorGroup(**row) for row in cur.fetchall()]


def group(conn: psycopg.Connection[Any], fingerprint: str) -> ErrorGroup:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"SELECT {_GROUP_COLUMNS} FROM analytics_monitoring.error_groups WHERE fingerprint = %s",
            [fingerprint],
        )
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"no error has fingerprint {fingerprint}", details={"fingerprint": fingerprint})
    return ErrorGroup(**row)


# A sentinel for a field the caller left out (``None`` is a value: it clears the field).
UNSET: Any = object()


def triage(
    conn: psycopg.Connection[Any],
    actor: Actor,
    fingerprint: str,
    *,
    status: str | None = None,
    assignee: str | None = UNSET,
    note: str | None = UNSET,
) -> ErrorGroup:
    """Set the status, assignee and/or note of every occurrence of ``fingerprint``; the group after.

    One transaction with one "error.triage" audit row. ``status`` None keeps
    the status; ``assignee`` or ``note`` left out keeps it, ``None`` clears it.
    """
    with conn.transaction():
        # Lock the occurrences: a concurrent triage of the same group waits, so "before" is exact.
        conn.execute(
            "SELECT 1 FROM analytics_monitoring.error_events WHERE fingerprint = %s FOR UPDATE", [fingerprint]
        )
        before = group(conn, fingerprint)
        conn.execute(
            """UPDATE analytics_monitoring.error_events
               -- resolved_at: set when a row is closed, kept while it stays closed, cleared on reopening
               -- (a CHECK of error_events ties it to the closed statuses).
               SET resolution = coalesce(%(status)s::text, resolution),
                   resolved_at = CASE
                       WHEN coalesce(%(status)s::text, resolution) NOT IN ('resolved', 'ignored') THEN NULL
                       WHEN resolution IN ('resolved', 'ignored') THEN resolved_at
                       ELSE now() END,
                   assignee = CASE WHEN %(set_assignee)s THEN %(assignee)s::text ELSE assignee END,
                   resolution_note = CASE WHEN %(set_note)s THEN %(note)s::text ELSE resolution_note END
               WHERE fingerprint = %(fingerprint)s""",
            {
                "status": status,
                "set_assignee": assignee is not UNSET,
                "assignee": None if assignee is UNSET else assignee,
                "set_note": note is not UNSET,
                "note": None if note is UNSET else note,
                "fingerprint": fingerprint,
            },
        )
        after = group(conn, fingerprint)
        record(
            conn,
            actor,
            "error.triage",
            "error_group",
            fingerprint,
            before=_audited(before),
            after=_audited(after),
        )
    return after


def _audited(found: ErrorGroup) -> dict[str, Any]:
    return {"status": found.status, "assignee": found.assignee, "assignee_note": found.assignee_note}
