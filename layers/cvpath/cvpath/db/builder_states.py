"""The CV builder's saved state, one row per owner, with optimistic concurrency between tabs.

Every query is scoped to the owner: there is no way to read or write another
owner's row through this module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from cvpath.db.runs import Owner
from cvpath.errors import Conflict


@dataclass(frozen=True)
class BuilderState:
    step: str | None
    draft: dict[str, Any]
    # 0: nothing saved yet; every save adds one.
    revision: int


_COLUMNS = "step, draft, revision"


def get_builder_state(conn: psycopg.Connection[Any], owner: Owner) -> BuilderState:
    """The owner's state, or an empty one at revision 0."""
    clause, value = owner.clause()
    row = conn.execute(f"SELECT {_COLUMNS} FROM public.builder_states WHERE {clause}", [value]).fetchone()
    return BuilderState(None, {}, 0) if row is None else BuilderState(row[0], dict(row[1]), int(row[2]))


def put_builder_state(
    conn: psycopg.Connection[Any], owner: Owner, *, step: str | None, draft: dict[str, Any], revision: int
) -> BuilderState:
    """Save over ``revision`` (the one the client last read); ``Conflict`` when another save came first.

    One statement either way: the first save inserts only if no row exists, a
    later one updates only if the stored revision is still the one the client saw.
    """
    if revision == 0:
        row = conn.execute(
            f"""INSERT INTO public.builder_states (user_id, guest_id, step, draft)
                VALUES (%s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING {_COLUMNS}""",
            [owner.user_id, owner.guest_id, step, Jsonb(draft)],
        ).fetchone()
    else:
        clause, value = owner.clause()
        row = conn.execute(
            f"""UPDATE public.builder_states SET step = %s, draft = %s, revision = revision + 1
                WHERE {clause} AND revision = %s RETURNING {_COLUMNS}""",
            [step, Jsonb(draft), value, revision],
        ).fetchone()
    if row is None:
        current = get_builder_state(conn, owner).revision
        raise Conflict(
            f"the builder state changed since revision {revision} (now {current}); reload and save again",
            details={"revision": revision, "current_revision": current},
        )
    return BuilderState(row[0], dict(row[1]), int(row[2]))
