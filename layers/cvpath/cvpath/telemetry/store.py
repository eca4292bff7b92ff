"""Write a batch of telemetry envelopes: one transaction, one round trip per table, idempotent.

Three interchangeable ways to move the rows (``bench/telemetry.py`` compares them):

- ``executemany``: ``cursor.executemany`` per table (psycopg pipelines it: one
  round trip per table);
- ``pipeline``: the same statements for every table in one explicit pipeline,
  so the whole batch costs a single round trip;
- ``copy``: COPY into a per-connection staging table, then one
  ``INSERT ... SELECT ... ON CONFLICT (event_id) DO NOTHING`` per table.

Every way ends in ``ON CONFLICT (event_id) DO NOTHING``: a redelivered message
writes nothing, and the visitor session upsert after it is a merge, so replays
change nothing either.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from psycopg import Connection, Cursor, sql

from cvpath.telemetry.events import Envelope, EventKind
from cvpath.telemetry.sessions import upsert_sessions
from cvpath.telemetry.tables import EVENT_TABLES, EventTable

WriteMethod = Literal["executemany", "pipeline", "copy"]
WRITE_METHODS: tuple[WriteMethod, ...] = ("executemany", "pipeline", "copy")
# Measured by bench/telemetry.py: COPY's staging costs more than it saves on small batches
# (the template's BatchSize is 10) and wins from a few hundred events.
COPY_FROM_EVENTS = 500


def choose_method(events: int) -> WriteMethod:
    return "copy" if events >= COPY_FROM_EVENTS else "pipeline"


SCHEMA = "analytics_monitoring"


@dataclass(frozen=True)
class WriteResult:
    """What one batch did: new rows per kind, and events that were already stored (or repeated)."""

    written: dict[EventKind, int]
    duplicates: int
    sessions: int

    @property
    def total(self) -> int:
        return sum(self.written.values())


def _by_kind(envelopes: Iterable[Envelope]) -> dict[EventKind, list[Envelope]]:
    # Why sorted by event_id: concurrent consumers then take unique-index locks in one order (no deadlock).
    unique = {envelope.event_id: envelope for envelope in envelopes}
    grouped: dict[EventKind, list[Envelope]] = {}
    for event_id in sorted(unique):
        envelope = unique[event_id]
        grouped.setdefault(envelope.kind, []).append(envelope)
    return grouped


def _insert_values(table: EventTable) -> sql.Composed:
    return sql.SQL("INSERT INTO {} ({}) VALUES ({}) ON CONFLICT (event_id) DO NOTHING").format(
        sql.Identifier(SCHEMA, table.name),
        sql.SQL(", ").join(map(sql.Identifier, table.columns)),
        sql.SQL(", ").join(sql.Placeholder() * len(table.columns)),
    )


def _stage_name(table: EventTable) -> sql.Identifier:
    return sql.Identifier(f"telemetry_stage_{table.name}")


def _create_stage(table: EventTable) -> sql.Composed:
    # Why AS SELECT ... WITH NO DATA: the staging columns get the target's exact types (enums, numeric).
    return sql.SQL(
        "CREATE TEMP TABLE IF NOT EXISTS {} ON COMMIT DELETE ROWS AS SELECT {} FROM {} WITH NO DATA"
    ).format(
        _stage_name(table),
        sql.SQL(", ").join(map(sql.Identifier, table.columns)),
        sql.Identifier(SCHEMA, table.name),
    )


def _insert_from_stage(table: EventTable) -> sql.Composed:
    # Why DELETE ... RETURNING as the source: the stage is empty afterwards even inside a caller's
    # longer transaction, where ON COMMIT DELETE ROWS would not have run yet.
    columns = sql.SQL(", ").join(map(sql.Identifier, table.columns))
    return sql.SQL(
        "WITH staged AS (DELETE FROM {stage} RETURNING {columns}) "
        "INSERT INTO {target} ({columns}) SELECT {columns} FROM staged ORDER BY event_id "
        "ON CONFLICT (event_id) DO NOTHING"
    ).format(stage=_stage_name(table), columns=columns, target=sql.Identifier(SCHEMA, table.name))


def _write_executemany(cursor: Cursor[Any], table: EventTable, rows: list[tuple[Any, ...]]) -> int:
    cursor.executemany(_insert_values(table), rows)
    return cursor.rowcount


def _write_copy(cursor: Cursor[Any], table: EventTable, rows: list[tuple[Any, ...]]) -> int:
    columns = sql.SQL(", ").join(map(sql.Identifier, table.columns))
    with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(_stage_name(table), columns)) as copy:
        for row in rows:
            copy.write_row(row)
    cursor.execute(_insert_from_stage(table))
    return cursor.rowcount


def write_batch(
    conn: Connection[Any], envelopes: list[Envelope], *, method: WriteMethod | None = None
) -> WriteResult:
    """Store ``envelopes`` in one transaction (a savepoint if ``conn`` is already in one).

    ``method`` None picks by batch size (``choose_method``). Any database error
    propagates and nothing of the batch is kept: the caller
    reports every message as failed and SQS delivers them again.
    """
    method = method or choose_method(len(envelopes))
    grouped = _by_kind(envelopes)
    rows = {kind: [EVENT_TABLES[kind].row(item) for item in items] for kind, items in grouped.items()}
    written: dict[EventKind, int] = {}
    with conn.transaction(), conn.cursor() as cursor:
        if method == "copy":
            creates = [_create_stage(EVENT_TABLES[kind]).as_string(conn) for kind in rows]
            if creates:
                cursor.execute(";".join(creates))
            for kind, table_rows in rows.items():
                written[kind] = _write_copy(cursor, EVENT_TABLES[kind], table_rows)
            sessions = upsert_sessions(cursor, grouped.get("page_view", []))
        elif method == "pipeline":
            counts: dict[EventKind, Cursor[Any]] = {}
            with conn.pipeline():
                for kind, table_rows in rows.items():
                    counts[kind] = conn.cursor()
                    counts[kind].executemany(_insert_values(EVENT_TABLES[kind]), table_rows)
                sessions = upsert_sessions(cursor, grouped.get("page_view", []))
            written = {kind: counted.rowcount for kind, counted in counts.items()}
        else:
            for kind, table_rows in rows.items():
                written[kind] = _write_executemany(cursor, EVENT_TABLES[kind], table_rows)
            sessions = upsert_sessions(cursor, grouped.get("page_view", []))
    return WriteResult(written=written, duplicates=len(envelopes) - sum(written.values()), sessions=sessions)
