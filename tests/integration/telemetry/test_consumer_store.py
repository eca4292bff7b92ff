"""store.write_batch: idempotent writes by every method, visitor sessions, error groups."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
import pytest
from psycopg.rows import TupleRow

from cvpath.telemetry.events import (
    Action,
    Envelope,
    ErrorReport,
    EventKind,
    LlmRequest,
    PageView,
)
from cvpath.telemetry.store import WRITE_METHODS, WriteMethod, write_batch

Conn = psycopg.Connection[TupleRow]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


@pytest.fixture
def tx(conn: Conn) -> Conn:
    # Open the fixture's transaction first, so write_batch nests a savepoint and the rollback undoes it.
    conn.execute("SELECT 1")
    return conn


def _wrap(
    kind: EventKind, event: PageView | Action | LlmRequest | ErrorReport, at: datetime = T0
) -> Envelope:
    # Through the wire format, as the consumer sees it.
    return Envelope.parse(Envelope.wrap(kind, event, at).to_body())


def _count(conn: Conn, table: str, event_ids: list[uuid.UUID]) -> int:
    row = conn.execute(
        f"SELECT count(*) FROM analytics_monitoring.{table} WHERE event_id = ANY(%s)", [event_ids]
    ).fetchone()
    assert row is not None
    return int(row[0])


def _one_of_each() -> list[Envelope]:
    return [
        _wrap("page_view", PageView(path="/jobs", session_id=uuid.uuid4(), browser="Firefox")),
        _wrap(
            "action",
            Action(action_type="cv.upload", element_id="<script>alert(1)</script>", metadata={"n": 1}),
        ),
        _wrap("llm_request", LlmRequest(provider="openai", model="gpt-4o", latency_ms=120, status="SUCCESS")),
        _wrap(
            "error",
            ErrorReport(microservice="api", error_type="KeyError", file_path="a.py", function_name="f"),
        ),
    ]


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_each_kind_lands_in_its_table_and_a_redelivery_writes_nothing(tx: Conn, method: WriteMethod) -> None:
    batch = _one_of_each()
    first = write_batch(tx, batch, method=method)
    assert first.written == {"page_view": 1, "action": 1, "llm_request": 1, "error": 1}
    assert first.duplicates == 0
    # When SQS delivers the same batch again (the same event twice in it, too)
    again = write_batch(tx, [*batch, batch[0]], method=method)
    assert again.total == 0
    assert again.duplicates == 5
    for table, envelope in zip(
        ("page_views", "user_actions", "llm_request_events", "error_events"), batch, strict=True
    ):
        assert _count(tx, table, [envelope.event_id]) == 1
    # The script tag is kept as text, exactly
    target = tx.execute(
        "SELECT target FROM analytics_monitoring.user_actions WHERE event_id = %s", [batch[1].event_id]
    ).fetchone()
    assert target == ("<script>alert(1)</script>",)


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_a_large_batch_is_written_whole(tx: Conn, method: WriteMethod) -> None:
    batch = [_wrap("page_view", PageView(path=f"/p/{i}", session_id=uuid.uuid4())) for i in range(300)]
    assert write_batch(tx, batch, method=method).written == {"page_view": 300}
    assert _count(tx, "page_views", [item.event_id for item in batch]) == 300


def test_a_constraint_violation_keeps_nothing_of_the_batch(tx: Conn) -> None:
    good = _wrap("page_view", PageView(path="/ok"))
    # A row the table refuses (a 3000-character path passes no ingest, but a hand-made message could).
    bad = Envelope.model_construct(**{**good.__dict__, "event_id": uuid.uuid4()})
    object.__setattr__(bad, "data", PageView.model_construct(**{**good.data.__dict__, "path": "x" * 3000}))
    with pytest.raises(psycopg.errors.CheckViolation):
        write_batch(tx, [good, bad])
    assert _count(tx, "page_views", [good.event_id]) == 0


def _session(conn: Conn, session_id: uuid.UUID) -> dict[str, Any]:
    cursor = conn.execute(
        """SELECT user_id, guest_id, linked_guest_id, started_at, last_seen_at, guest_seen_at, user_seen_at,
                  landing_path, referrer, page_view_count, device_type
           FROM analytics_monitoring.visitor_sessions WHERE id = %s""",
        [session_id],
    )
    row = cursor.fetchone()
    assert row is not None
    return dict(zip([column.name for column in cursor.description or []], row, strict=True))


@pytest.mark.parametrize("method", WRITE_METHODS)
def test_a_session_links_the_visitor_then_the_guest_then_the_user(tx: Conn, method: WriteMethod) -> None:
    session, guest, user = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    anonymous = _wrap(
        "page_view",
        PageView(path="/", referrer="https://news.example", session_id=session, device_type="mobile"),
        T0,
    )
    as_guest = _wrap(
        "page_view", PageView(path="/upload", session_id=session, guest_id=guest), T0 + timedelta(minutes=1)
    )
    as_user = _wrap(
        "page_view", PageView(path="/account", session_id=session, user_id=user), T0 + timedelta(minutes=5)
    )
    # Delivered out of order, in two batches
    write_batch(tx, [as_user], method=method)
    write_batch(tx, [as_guest, anonymous], method=method)
    expected = {
        "user_id": user,
        "guest_id": None,
        "linked_guest_id": guest,
        "started_at": T0,
        "last_seen_at": T0 + timedelta(minutes=5),
        "guest_seen_at": T0 + timedelta(minutes=1),
        "user_seen_at": T0 + timedelta(minutes=5),
        "landing_path": "/",
        "referrer": "https://news.example",
        "page_view_count": 3,
        "device_type": "mobile",
    }
    assert _session(tx, session) == expected
    # A replay of everything changes nothing
    write_batch(tx, [anonymous, as_guest, as_user], method=method)
    assert _session(tx, session) == expected
    funnel = tx.execute(
        "SELECT guest_id, user_id, first_visit_at FROM analytics_monitoring.visitor_funnel "
        "WHERE visitor_session_id = %s",
        [session],
    ).fetchone()
    assert funnel == (guest, user, T0)


def test_a_guest_only_session_keeps_its_guest_as_owner(tx: Conn) -> None:
    session, guest = uuid.uuid4(), uuid.uuid4()
    write_batch(tx, [_wrap("page_view", PageView(path="/", session_id=session, guest_id=guest))])
    row = _session(tx, session)
    assert (row["user_id"], row["guest_id"], row["linked_guest_id"]) == (None, guest, guest)
    assert row["page_view_count"] == 1


def _error(function: str, line: int, at: datetime) -> Envelope:
    report = ErrorReport(
        microservice="render",
        error_type="ValueError",
        file_path="render/pdf.py",
        function_name=function,
        line_number=line,
        message="boom",
    )
    return _wrap("error", report, at)


def _group(conn: Conn, fingerprint: str) -> tuple[Any, ...]:
    row = conn.execute(
        "SELECT occurrences, resolution, function_name FROM analytics_monitoring.error_groups "
        "WHERE fingerprint = %s",
        [fingerprint],
    ).fetchone()
    assert row is not None
    return tuple(row)


def test_error_repeats_are_grouped_by_type_file_and_function(tx: Conn) -> None:
    repeats = [_error("draw", line, T0 + timedelta(seconds=line)) for line in (10, 11, 12)]
    other = _error("layout", 10, T0)
    write_batch(tx, [*repeats, other])
    fingerprints = {item.data.group_fingerprint for item in repeats}  # type: ignore[union-attr]
    assert len(fingerprints) == 1
    fingerprint = fingerprints.pop()
    assert _group(tx, fingerprint) == (3, "new", "draw")
    assert _group(tx, other.data.group_fingerprint) == (1, "new", "layout")  # type: ignore[union-attr]


def test_an_ignored_group_stays_ignored_and_a_resolved_one_reopens(tx: Conn) -> None:
    ignored, resolved = _error("draw", 1, T0), _error("layout", 1, T0)
    write_batch(tx, [ignored, resolved])
    for envelope, status in ((ignored, "ignored"), (resolved, "resolved")):
        tx.execute(
            "UPDATE analytics_monitoring.error_events "
            "SET resolution = %s, resolved_at = now(), assignee = 'ops' WHERE fingerprint = %s",
            [status, envelope.data.group_fingerprint],  # type: ignore[union-attr]
        )
    # When both errors happen again
    write_batch(
        tx, [_error("draw", 2, T0 + timedelta(hours=1)), _error("layout", 2, T0 + timedelta(hours=1))]
    )
    assert _group(tx, ignored.data.group_fingerprint)[:2] == (2, "ignored")  # type: ignore[union-attr]
    assert _group(tx, resolved.data.group_fingerprint)[:2] == (2, "new")  # type: ignore[union-attr]


def test_a_resolution_outside_the_four_states_is_refused(tx: Conn) -> None:
    write_batch(tx, [_error("draw", 1, T0)])
    with pytest.raises(psycopg.errors.CheckViolation), tx.transaction():
        tx.execute("UPDATE analytics_monitoring.error_events SET resolution = 'fixed'")
