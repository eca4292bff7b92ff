"""Visitor sessions from page views: one upsert per batch that links visit -> guest -> user.

Why a merge rather than counters: SQS delivers at least once and in any order,
so every field is combined with what is stored (earliest start, latest visit,
first guest, user over guest) and ``page_view_count`` is recounted from
``page_views``. Replaying a batch, or applying two batches in either order,
leaves the same row.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from psycopg import Cursor

from cvpath.telemetry.events import Envelope, PageView

# The owner columns keep 0004's "at most one owner": a session seen as a user
# belongs to the user; the guest it was before stays in linked_guest_id.
_COLUMNS = (
    ("id", "uuid"),
    ("user_id", "uuid"),
    ("guest_id", "uuid"),
    ("started_at", "timestamptz"),
    ("last_seen_at", "timestamptz"),
    ("landing_path", "text"),
    ("referrer", "text"),
    ("utm_source", "text"),
    ("utm_medium", "text"),
    ("utm_campaign", "text"),
    ("user_agent", "text"),
    ("device_type", "text"),
    ("browser", "text"),
    ("linked_guest_id", "uuid"),
    ("guest_seen_at", "timestamptz"),
    ("user_seen_at", "timestamptz"),
)
_NAMES = ", ".join(name for name, _ in _COLUMNS)

# One statement for every session of the batch: the columns travel as arrays.
UPSERT_SESSIONS = f"""
INSERT INTO analytics_monitoring.visitor_sessions AS s ({_NAMES}, page_view_count)
SELECT v.*, (SELECT count(*) FROM analytics_monitoring.page_views p WHERE p.visitor_session_id = v.id)
FROM unnest({", ".join(f"%({name})s::{kind}[]" for name, kind in _COLUMNS)}) AS v({_NAMES})
ORDER BY v.id
ON CONFLICT (id) DO UPDATE SET
    user_id = coalesce(excluded.user_id, s.user_id),
    guest_id = CASE WHEN coalesce(excluded.user_id, s.user_id) IS NULL
                    THEN coalesce(excluded.guest_id, s.guest_id) END,
    started_at = least(s.started_at, excluded.started_at),
    last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
    landing_path = CASE WHEN excluded.started_at < s.started_at
                        THEN coalesce(excluded.landing_path, s.landing_path) ELSE s.landing_path END,
    referrer = CASE WHEN excluded.started_at < s.started_at
                    THEN excluded.referrer ELSE s.referrer END,
    utm_source = coalesce(s.utm_source, excluded.utm_source),
    utm_medium = coalesce(s.utm_medium, excluded.utm_medium),
    utm_campaign = coalesce(s.utm_campaign, excluded.utm_campaign),
    user_agent = coalesce(s.user_agent, excluded.user_agent),
    device_type = coalesce(s.device_type, excluded.device_type),
    browser = coalesce(s.browser, excluded.browser),
    linked_guest_id = CASE WHEN excluded.guest_seen_at < s.guest_seen_at OR s.guest_seen_at IS NULL
                           THEN coalesce(excluded.linked_guest_id, s.linked_guest_id)
                           ELSE s.linked_guest_id END,
    guest_seen_at = least(s.guest_seen_at, excluded.guest_seen_at),
    user_seen_at = least(s.user_seen_at, excluded.user_seen_at),
    page_view_count = excluded.page_view_count
"""


@dataclass
class _Visit:
    """What one batch says about one session, folded in occurred_at order."""

    first: PageView
    started_at: datetime
    last_seen_at: datetime
    user: tuple[datetime, uuid.UUID] | None = None
    latest_user: uuid.UUID | None = None
    guest: tuple[datetime, uuid.UUID] | None = None
    latest_guest: uuid.UUID | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def add(self, view: PageView, at: datetime) -> None:
        if at < self.started_at:
            self.first, self.started_at = view, at
        self.last_seen_at = max(self.last_seen_at, at)
        if view.user_id is not None:
            self.latest_user = view.user_id
            if self.user is None or at < self.user[0]:
                self.user = (at, view.user_id)
        if view.guest_id is not None:
            self.latest_guest = view.guest_id
            if self.guest is None or at < self.guest[0]:
                self.guest = (at, view.guest_id)
        for name in ("utm_source", "utm_medium", "utm_campaign", "user_agent", "device_type", "browser"):
            value = getattr(view, name)
            if value is not None and (name not in self.details or at == self.started_at):
                self.details[name] = value

    def params(self, session_id: uuid.UUID) -> dict[str, Any]:
        return {
            "id": session_id,
            "user_id": self.latest_user,
            "guest_id": None if self.latest_user is not None else self.latest_guest,
            "started_at": self.started_at,
            "last_seen_at": self.last_seen_at,
            "landing_path": self.first.path,
            "referrer": self.first.referrer,
            **{name: self.details.get(name) for name in _DETAILS},
            "linked_guest_id": self.guest[1] if self.guest else None,
            "guest_seen_at": self.guest[0] if self.guest else None,
            "user_seen_at": self.user[0] if self.user else None,
        }


_DETAILS = ("utm_source", "utm_medium", "utm_campaign", "user_agent", "device_type", "browser")


def session_rows(page_views: list[Envelope]) -> list[dict[str, Any]]:
    """One upsert parameter set per session, sorted by id (concurrent consumers lock in one order)."""
    visits: dict[uuid.UUID, _Visit] = {}
    for envelope in sorted(page_views, key=lambda item: item.occurred_at):
        view = envelope.data
        if not isinstance(view, PageView) or view.session_id is None:
            continue
        at = envelope.occurred_at
        visit = visits.get(view.session_id)
        if visit is None:
            visit = visits[view.session_id] = _Visit(first=view, started_at=at, last_seen_at=at)
        visit.add(view, at)
    return [visits[key].params(key) for key in sorted(visits)]


def upsert_sessions(cursor: Cursor[Any], page_views: list[Envelope]) -> int:
    """Merge the sessions these page views mention; returns how many sessions were touched.

    Must run after the page views are inserted (same transaction): the count reads them.
    """
    rows = session_rows(page_views)
    if rows:
        cursor.execute(UPSERT_SESSIONS, {name: [row[name] for row in rows] for name, _ in _COLUMNS})
    return len(rows)
