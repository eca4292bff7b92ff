"""Master CVs: one row per version, grouped into a CV by ``lineage_id``, scoped to their owner.

A CV as the API shows it is a lineage; its id is ``lineage_id``. Versions are
numbered 1..n without gaps (each is inserted as max + 1 under a lock, and a
version is never updated or deleted on its own), so the latest version's number
is also the count of versions. Every query carries the owner's clause: another
owner's id reads exactly like an id that does not exist.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID, uuid4

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from cvpath.cv_growth import growth_entry
from cvpath.db.runs import Owner, content_digest
from cvpath.errors import NotFound

SOURCE_FORMATS = ("PDF", "DOCX", "TEXT", "JSON_RESUME", "BUILDER")


@dataclass(frozen=True)
class CvVersion:
    id: UUID
    lineage_id: UUID
    version: int
    label: str | None
    source_format: str
    content: dict[str, Any]
    content_hash: str
    raw_text: str | None
    growth_history: list[dict[str, Any]]
    created_at: datetime
    # {"s3": {"bucket", "key"}, "file_name", "size_bytes", "content_type"} when it came from a file.
    source_file: dict[str, Any] | None = None

    @property
    def change(self) -> dict[str, Any] | None:
        """This version's own growth entry (the last of its history)."""
        return self.growth_history[-1] if self.growth_history else None


@dataclass(frozen=True)
class NewVersion:
    """A version about to be written; ``id`` is chosen up front so an upload's S3 key can name it."""

    content: dict[str, Any]
    source_format: str
    label: str | None = None
    raw_text: str | None = None
    source_file: dict[str, Any] | None = None
    id: UUID = field(default_factory=uuid4)

    @property
    def content_hash(self) -> str:
        return content_digest(self.content)


@dataclass(frozen=True)
class Saved:
    version: CvVersion
    # False: the content equals the latest version of a CV the owner has; nothing was written.
    created: bool


@dataclass(frozen=True)
class CvListing:
    """A CV in a list: its latest version without the content."""

    id: UUID
    version_id: UUID
    version: int
    label: str | None
    name: str | None
    source_format: str
    content_hash: str
    created_at: datetime


@dataclass(frozen=True)
class VersionListing:
    version_id: UUID
    version: int
    label: str | None
    source_format: str
    content_hash: str
    created_at: datetime
    change: dict[str, Any] | None


_COLUMNS = (
    "id, lineage_id, version, label, source_format, content, content_hash, raw_text, growth_history, "
    "created_at, source_file"
)


def load_version(conn: psycopg.Connection[Any], owner: Owner, version_id: UUID) -> CvVersion:
    """The version ``version_id`` of one of the owner's CVs; ``NotFound`` otherwise."""
    clause, value = owner.clause()
    found = _fetch_one(
        conn, f"SELECT {_COLUMNS} FROM public.master_cvs WHERE id = %s AND {clause}", [version_id, value]
    )
    if found is None:
        raise NotFound(f"no CV version {version_id}", details={"version_id": str(version_id)})
    return found


def latest_version(conn: psycopg.Connection[Any], owner: Owner, cv_id: UUID) -> CvVersion:
    """The newest version of the owner's CV ``cv_id`` (a lineage id); ``NotFound`` otherwise."""
    found = _latest(conn, owner, cv_id)
    if found is None:
        raise _no_cv(cv_id)
    return found


def find_duplicate(conn: psycopg.Connection[Any], owner: Owner, content_hash: str) -> CvVersion | None:
    """The owner's CV whose latest version has ``content_hash`` (the newest such), if any."""
    clause, value = owner.clause()
    return _fetch_one(
        conn,
        f"""SELECT {_COLUMNS} FROM public.master_cvs m
            WHERE {clause} AND content_hash = %s AND archived_at IS NULL
              AND version = (SELECT max(version) FROM public.master_cvs l WHERE l.lineage_id = m.lineage_id)
            ORDER BY created_at DESC, id LIMIT 1""",
        [value, content_hash],
    )


def create_cv(conn: psycopg.Connection[Any], owner: Owner, new: NewVersion) -> Saved:
    """A new CV at version 1, or the owner's existing CV whose latest version has the same content.

    Why a lock per owner: two identical uploads racing would each find no
    duplicate and both insert; serialising one owner's creations closes that.
    """
    with conn.transaction():
        owner_id = owner.user_id or owner.guest_id
        conn.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"master_cvs:{owner_id}"])
        existing = find_duplicate(conn, owner, new.content_hash)
        if existing is not None:
            return Saved(existing, created=False)
        return Saved(_insert(conn, owner, new, lineage_id=uuid4(), previous=None), created=True)


def add_version(conn: psycopg.Connection[Any], owner: Owner, cv_id: UUID, new: NewVersion) -> Saved:
    """Version max + 1 of the owner's CV ``cv_id``, or its latest version when the content is unchanged.

    Why lock version 1 and then read the latest in a second statement: every
    writer of the lineage locks that same row, so they queue; and only a
    statement that starts after the lock is granted sees the version the
    previous writer committed (locking the latest row itself would hand the
    waiter the row it first saw, and a duplicate version number).
    """
    clause, value = owner.clause()
    with conn.transaction():
        locked = conn.execute(
            f"SELECT 1 FROM public.master_cvs WHERE lineage_id = %s AND version = 1 AND {clause} FOR UPDATE",
            [cv_id, value],
        ).fetchone()
        latest = _latest(conn, owner, cv_id) if locked is not None else None
        if latest is None:
            raise _no_cv(cv_id)
        if latest.content_hash == new.content_hash:
            return Saved(latest, created=False)
        if new.label is None:
            new = replace(new, label=latest.label)
        return Saved(_insert(conn, owner, new, lineage_id=cv_id, previous=latest), created=True)


def list_cvs(conn: psycopg.Connection[Any], owner: Owner, *, limit: int) -> list[CvListing]:
    """The owner's CVs that are not archived, most recently changed first."""
    clause, value = owner.clause()
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"""SELECT lineage_id AS id, id AS version_id, version, label, name, source_format,
                       content_hash, created_at
                FROM (SELECT DISTINCT ON (lineage_id) lineage_id, id, version, label, source_format,
                             content_hash, created_at, archived_at, content -> 'basics' ->> 'name' AS name
                      FROM public.master_cvs WHERE {clause}
                      ORDER BY lineage_id, version DESC) latest
                WHERE archived_at IS NULL
                ORDER BY created_at DESC, id LIMIT %s""",
            [value, limit],
        )
        return [CvListing(**row) for row in cur.fetchall()]


def list_versions(
    conn: psycopg.Connection[Any], owner: Owner, cv_id: UUID, *, after: int = 0, limit: int
) -> list[VersionListing]:
    """The versions of the owner's CV ``cv_id`` after version ``after``, oldest first; ``NotFound``
    when the owner has no such CV. Each carries only its own growth entry, not the whole history."""
    clause, value = owner.clause()
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            f"""SELECT id AS version_id, version, label, source_format, content_hash, created_at,
                       growth_history -> -1 AS change
                FROM public.master_cvs WHERE lineage_id = %s AND {clause} AND version > %s
                ORDER BY version LIMIT %s""",
            [cv_id, value, after, limit],
        )
        rows = cur.fetchall()
    if not rows and (after == 0 or _latest(conn, owner, cv_id) is None):
        raise _no_cv(cv_id)
    return [VersionListing(**row) for row in rows]


def _insert(
    conn: psycopg.Connection[Any],
    owner: Owner,
    new: NewVersion,
    *,
    lineage_id: UUID,
    previous: CvVersion | None,
) -> CvVersion:
    # now() is the transaction's start: the entry's "at" and the row's created_at agree exactly.
    at_row = conn.execute("SELECT now()").fetchone()
    assert at_row is not None
    at: datetime = at_row[0]
    version = 1 if previous is None else previous.version + 1
    entry = growth_entry(
        None if previous is None else previous.content,
        new.content,
        version=version,
        at=at,
        source_format=new.source_format,
    )
    history = [*(previous.growth_history if previous is not None else []), entry]
    inserted = _fetch_one(
        conn,
        f"""INSERT INTO public.master_cvs
                (id, user_id, guest_id, lineage_id, version, label, source_format, content, content_hash,
                 raw_text, source_file, growth_history, created_at)
            VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) RETURNING {_COLUMNS}""",
        [
            new.id,
            owner.user_id,
            owner.guest_id,
            lineage_id,
            version,
            new.label,
            new.source_format,
            Jsonb(new.content),
            new.content_hash,
            new.raw_text,
            None if new.source_file is None else Jsonb(new.source_file),
            Jsonb(history),
            at,
        ],
    )
    assert inserted is not None
    return inserted


def _latest(conn: psycopg.Connection[Any], owner: Owner, cv_id: UUID) -> CvVersion | None:
    clause, value = owner.clause()
    return _fetch_one(
        conn,
        f"""SELECT {_COLUMNS} FROM public.master_cvs WHERE lineage_id = %s AND {clause}
            ORDER BY version DESC LIMIT 1""",
        [cv_id, value],
    )


def _fetch_one(conn: psycopg.Connection[Any], query: str, params: list[Any]) -> CvVersion | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(query, params)
        row = cur.fetchone()
    if row is None:
        return None
    row["content"] = dict(row["content"])
    row["growth_history"] = list(row["growth_history"])
    return CvVersion(**row)


def _no_cv(cv_id: UUID) -> NotFound:
    # The same answer for an unknown id and for someone else's: nothing tells them apart.
    return NotFound(f"no CV {cv_id}", details={"cv_id": str(cv_id)})
