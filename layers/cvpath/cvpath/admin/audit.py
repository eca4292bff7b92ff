"""The append-only audit trail of admin mutations (``public.admin_audit_log``).

Every admin mutation calls ``record`` inside the same transaction as the change
it describes, so a change and its audit row commit or roll back together.
``before`` and ``after`` are the target's state as JSON; secrets never go in
(callers pass what an operator may see, e.g. a key's provider, not the key).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb


@dataclass(frozen=True)
class Actor:
    """The admin making a change: their user id, session and (hashed) address."""

    user_id: UUID
    session_id: UUID | None = None
    ip_hash: str | None = None


@dataclass(frozen=True)
class AuditEntry:
    id: int
    actor_user_id: UUID
    session_id: UUID | None
    action: str
    target_type: str
    target_id: str | None
    before: Any
    after: Any
    created_at: datetime


def record(
    conn: psycopg.Connection[Any],
    actor: Actor,
    action: str,
    target_type: str,
    target_id: object | None,
    *,
    before: Any,
    after: Any,
) -> int:
    """Append one audit row; its id. Call it in the transaction that makes the change."""
    row = conn.execute(
        """INSERT INTO public.admin_audit_log
               (actor_user_id, session_id, action, target_type, target_id, before, after, ip_hash)
           VALUES (%s, %s, %s, %s, %s, %s, %s, %s) RETURNING id""",
        [
            actor.user_id,
            actor.session_id,
            action,
            target_type,
            None if target_id is None else str(target_id),
            _json(before),
            _json(after),
            actor.ip_hash,
        ],
    ).fetchone()
    assert row is not None  # RETURNING always yields the row
    return int(row[0])


def _json(value: Any) -> Jsonb | None:
    if value is None:
        return None
    # Round-trip through json with str() for Decimals, UUIDs and datetimes: the stored form is plain JSON.
    return Jsonb(json.loads(json.dumps(value, default=str)))


def list_entries(
    conn: psycopg.Connection[Any],
    *,
    since: datetime | None = None,
    action: str | None = None,
    target_type: str | None = None,
    target_id: str | None = None,
    actor: UUID | None = None,
    limit: int = 100,
) -> list[AuditEntry]:
    """The newest entries first, filtered by what is given (all parameters bound, none formatted in)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, actor_user_id, session_id, action, target_type, target_id, before, after, created_at
               FROM public.admin_audit_log
               WHERE (%(since)s::timestamptz IS NULL OR created_at >= %(since)s)
                 AND (%(action)s::text IS NULL OR action = %(action)s)
                 AND (%(target_type)s::text IS NULL OR target_type = %(target_type)s)
                 AND (%(target_id)s::text IS NULL OR target_id = %(target_id)s)
                 AND (%(actor)s::uuid IS NULL OR actor_user_id = %(actor)s)
               ORDER BY created_at DESC, id DESC
               LIMIT %(limit)s""",
            {
                "since": since,
                "action": action,
                "target_type": target_type,
                "target_id": target_id,
                "actor": actor,
                "limit": limit,
            },
        )
        return [AuditEntry(**row) for row in cur.fetchall()]
