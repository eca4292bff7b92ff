"""Agent outputs: the immutable ``public.tailor_data`` rows of a run, one per (run, kind).

A step's outputs are written together in one transaction, so a run never holds
half of a step (say, a tailored CV without its guard report). A retried state
writing the same kind again changes nothing: ``ON CONFLICT DO NOTHING`` keeps
the first row, and the caller gets that row's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb
from pydantic import BaseModel

from cvpath.db.runs import RunRecord, content_digest

OutputKind = Literal[
    "PARSED_CV",
    "VALIDATION",
    "PARSED_JOB",
    "ANALYSIS",
    "TAILORED_CV",
    "GUARD_REPORT",
    "SCORE_BEFORE",
    "SCORE_AFTER",
    "SCORE_COMPARISON",
    "COVER_LETTER",
]


@dataclass(frozen=True)
class Provenance:
    """Who produced a step's outputs: stored on each row for replay and audit."""

    agent: str | None = None
    prompt_version: str | None = None
    schema_version: str | None = None
    provider: str | None = None
    model: str | None = None


@dataclass(frozen=True)
class StoredOutput:
    id: UUID
    kind: str
    # False: a row for (run, kind) already existed and was kept (first write wins).
    created: bool


@dataclass(frozen=True)
class OutputRow:
    id: UUID
    kind: str
    # The stored JSON as text: models validate it in JSON mode (enums, dates as strings).
    content_json: str
    content_hash: str
    agent: str | None
    prompt_version: str | None
    schema_version: str | None
    provider: str | None
    model: str | None


def canonical_content(model: BaseModel) -> dict[str, Any]:
    """The model as stored: its JSON-mode dump (camelCase aliases)."""
    return model.model_dump(mode="json")


_INSERT = """
INSERT INTO public.tailor_data
    (user_id, guest_id, run_id, agent, kind, content, content_hash,
     prompt_version, schema_version, provider, model)
VALUES (%s, %s, %s, %s::public.agent_name, %s, %s, %s, %s, %s, %s, %s)
ON CONFLICT (run_id, kind) DO NOTHING
RETURNING id
"""


def write_outputs(
    conn: psycopg.Connection[Any],
    run: RunRecord,
    outputs: Sequence[tuple[OutputKind, BaseModel]],
    provenance: Provenance,
) -> list[StoredOutput]:
    """Store a step's outputs in one transaction (a savepoint inside the caller's, if any).

    Returns one ``StoredOutput`` per output, in order; an existing (run, kind) row
    is kept unchanged and its id returned.
    """
    stored: list[StoredOutput] = []
    with conn.transaction(), conn.cursor() as cur:
        for kind, model in outputs:
            content = canonical_content(model)
            cur.execute(
                _INSERT,
                [
                    run.user_id,
                    run.guest_id,
                    run.id,
                    provenance.agent,
                    kind,
                    Jsonb(content),
                    content_digest(content),
                    provenance.prompt_version,
                    provenance.schema_version,
                    provenance.provider,
                    provenance.model,
                ],
            )
            inserted = cur.fetchone()
            if inserted is not None:
                stored.append(StoredOutput(inserted[0], kind, created=True))
                continue
            # Another attempt wrote it first; ON CONFLICT waited for its commit, so it is visible.
            cur.execute("SELECT id FROM public.tailor_data WHERE run_id = %s AND kind = %s", [run.id, kind])
            existing = cur.fetchone()
            assert existing is not None  # the conflict proves the row exists
            stored.append(StoredOutput(existing[0], kind, created=False))
    return stored


def read_output(conn: psycopg.Connection[Any], run_id: UUID, kind: OutputKind) -> OutputRow | None:
    """The run's output of ``kind``, or None when its step has not run yet."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, kind, content::text AS content_json, content_hash, agent::text AS agent,
                      prompt_version, schema_version, provider, model
               FROM public.tailor_data WHERE run_id = %s AND kind = %s""",
            [run_id, kind],
        )
        row = cur.fetchone()
    return None if row is None else OutputRow(**row)


def read_all_outputs(conn: psycopg.Connection[Any], run_id: UUID) -> dict[str, OutputRow]:
    """Every output the run has, by kind, in one query (a report reads them all)."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, kind, content::text AS content_json, content_hash, agent::text AS agent,
                      prompt_version, schema_version, provider, model
               FROM public.tailor_data WHERE run_id = %s""",
            [run_id],
        )
        rows = cur.fetchall()
    return {str(row["kind"]): OutputRow(**row) for row in rows}


def output_ids(conn: psycopg.Connection[Any], run_id: UUID, kinds: Sequence[OutputKind]) -> dict[str, UUID]:
    """The ids of the run's outputs among ``kinds`` that exist, by kind."""
    rows = conn.execute(
        "SELECT kind, id FROM public.tailor_data WHERE run_id = %s AND kind = ANY(%s)", [run_id, list(kinds)]
    ).fetchall()
    return {str(kind): output_id for kind, output_id in rows}
