"""Guests becoming users: the repository over ``public.migrate_guest_to_user``.

The move itself is a plpgsql function (``sql/0006.migrate_guest_to_user.sql``)
so that it is one statement, hence atomic, and holds its row locks for the
shortest possible time. This module calls it and turns its SQLSTATEs into
CVPath errors.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal, cast
from uuid import UUID

import psycopg
from psycopg.rows import scalar_row

from cvpath.errors import CVPathError, GuestAlreadyMigrated, NotFound

# SQLSTATEs raised by the function (catalogued in sql/0001.public_foundation.sql).
UNKNOWN_GUEST = "CV101"
UNKNOWN_USER = "CV102"
MIGRATED_TO_ANOTHER_USER = "CV103"

Winner = Literal["guest", "user"]


@dataclass(frozen=True)
class GuestMigrationResult:
    """What one call moved.

    ``moved`` maps every guest-owned table (``schema.table``) to the number of
    rows that left the guest, zeros included. ``kept`` says, for each singleton
    the guest had, whose row survived the merge.
    """

    guest_id: UUID
    user_id: UUID
    already_migrated: bool
    migrated_at: datetime
    moved: Mapping[str, int]
    kept: Mapping[str, Winner]

    @property
    def total(self) -> int:
        return sum(self.moved.values())

    @property
    def tables_moved(self) -> list[str]:
        """The tables from which at least one row moved, sorted."""
        return sorted(table for table, count in self.moved.items() if count)


def migrate_guest_to_user(
    conn: psycopg.Connection[Any], guest_id: UUID, user_id: UUID
) -> GuestMigrationResult:
    """Move everything ``guest_id`` owns to ``user_id`` and mark the guest migrated.

    Runs as a single statement inside the caller's transaction (committing is the
    caller's call; on an autocommit connection it commits at once). Repeating it
    for the same pair is safe and moves only rows written since. Use READ
    COMMITTED (the default): a concurrent call then waits and becomes a no-op.

    Raises ``NotFound`` for an unknown guest or user and ``GuestAlreadyMigrated``
    when the guest already belongs to another user.
    """
    try:
        with conn.cursor(row_factory=scalar_row) as cur:
            cur.execute("SELECT public.migrate_guest_to_user(%s, %s)", [guest_id, user_id])
            outcome = cur.fetchone()
    except psycopg.Error as exc:
        translated = _translate(exc, guest_id, user_id)
        if translated is None:
            raise
        raise translated from exc
    if not isinstance(outcome, dict):
        raise CVPathError("migrate_guest_to_user returned no result", details={"guest_id": str(guest_id)})
    return _result_from_json(outcome)


def _translate(exc: psycopg.Error, guest_id: UUID, user_id: UUID) -> CVPathError | None:
    details = {"guest_id": str(guest_id), "user_id": str(user_id)}
    if exc.sqlstate == UNKNOWN_GUEST:
        return NotFound(f"guest {guest_id} does not exist", details=details)
    if exc.sqlstate == UNKNOWN_USER:
        return NotFound(f"user {user_id} does not exist", details=details)
    if exc.sqlstate == MIGRATED_TO_ANOTHER_USER:
        # The function's DETAIL names the other user; it stays out of an error a
        # client may see.
        return GuestAlreadyMigrated(f"guest {guest_id} was already migrated to another user", details=details)
    return None


def _result_from_json(outcome: dict[str, Any]) -> GuestMigrationResult:
    return GuestMigrationResult(
        guest_id=UUID(outcome["guest_id"]),
        user_id=UUID(outcome["user_id"]),
        already_migrated=bool(outcome["already_migrated"]),
        migrated_at=datetime.fromisoformat(outcome["migrated_at"]),
        moved={str(table): int(count) for table, count in outcome["moved"].items()},
        kept={str(table): cast(Winner, winner) for table, winner in outcome["kept"].items()},
    )
