"""A pipeline run and the snapshots it starts from: what an agent step loads first.

The ``insert_*`` functions create a run and its input snapshots (the API, the
CLI's sample run, tests). With an explicit id they are idempotent: an existing
row is kept, unchanged, and its id returned.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, NamedTuple
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from cvpath.errors import ConfigurationError, RunNotFound
from cvpath.llm.types import ProviderSpec


@dataclass(frozen=True)
class Owner:
    """Who owns a row: exactly one of the two ids."""

    user_id: UUID | None = None
    guest_id: UUID | None = None

    def __post_init__(self) -> None:
        if (self.user_id is None) == (self.guest_id is None):
            raise ValueError("an owner is exactly one of user_id and guest_id")

    def clause(self, alias: str = "") -> tuple[str, UUID]:
        """The SQL condition that scopes a query to this owner, and its parameter.

        ``alias`` qualifies the column (``"a"`` -> ``a.user_id = %s``). The text is one
        of two fixed strings, never built from input, so it is safe to format into SQL.
        """
        prefix = f"{alias}." if alias else ""
        if self.user_id is not None:
            return f"{prefix}user_id = %s", self.user_id
        assert self.guest_id is not None
        return f"{prefix}guest_id = %s", self.guest_id


@dataclass(frozen=True)
class RunRecord:
    """The ids of one run; exactly one of ``user_id`` and ``guest_id`` is set."""

    id: UUID
    user_id: UUID | None
    guest_id: UUID | None
    import_data_id: UUID | None
    job_data_id: UUID | None
    status: str
    # The tier Admit decided (None before Admit ran); copied onto audit rows.
    tier: str | None = None
    # What the run was started with: {"provider": pinned provider, "cover_letter": ...}.
    options: dict[str, Any] = field(default_factory=dict)
    # Admit's decision for a BYOK run: the provider of the user's own key.
    byok_provider: str | None = None

    @property
    def pinned_provider(self) -> str | None:
        """The provider this run must use instead of the default chain (``cvpath tailor --provider``)."""
        value = self.options.get("provider")
        return value if isinstance(value, str) and value else None


@dataclass(frozen=True)
class ImportSnapshot:
    """A CV as it entered a run: its extracted text and/or its structured form."""

    id: UUID
    source_format: str
    raw_text: str | None
    content: dict[str, Any] | None


class DefaultChain(NamedTuple):
    """An agent's row of ``default_model_config``."""

    specs: list[ProviderSpec]
    temperature: float
    max_output_tokens: int


def load_run(conn: psycopg.Connection[Any], run_id: UUID) -> RunRecord:
    """The run ``run_id``; ``RunNotFound`` when there is none."""
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            """SELECT id, user_id, guest_id, import_data_id, job_data_id, status::text AS status,
                      tier::text AS tier, options, admission ->> 'byok_provider' AS byok_provider
               FROM public.pipeline_runs WHERE id = %s""",
            [run_id],
        )
        row = cur.fetchone()
    if row is None:
        raise RunNotFound(f"run {run_id} does not exist", details={"run_id": str(run_id)})
    return RunRecord(**row)


def load_import(conn: psycopg.Connection[Any], import_data_id: UUID) -> ImportSnapshot | None:
    with conn.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT id, source_format, raw_text, content FROM public.import_data WHERE id = %s",
            [import_data_id],
        )
        row = cur.fetchone()
    return None if row is None else ImportSnapshot(**row)


def load_job_text(conn: psycopg.Connection[Any], job_data_id: UUID) -> str | None:
    row = conn.execute("SELECT raw_text FROM public.job_data WHERE id = %s", [job_data_id]).fetchone()
    return None if row is None else str(row[0])


def default_chain(conn: psycopg.Connection[Any], agent_chain_key: str) -> DefaultChain:
    """The default provider chain of an agent (``CV_PARSER``...), validated.

    Raises ``ConfigurationError`` when the agent has no row (the seed migration
    writes one per agent) and ``InvalidProviderChain`` for a chain that does not parse.
    """
    row = conn.execute(
        """SELECT provider_chain, temperature, max_output_tokens
           FROM public.default_model_config WHERE agent::text = %s""",
        [agent_chain_key],
    ).fetchone()
    if row is None:
        raise ConfigurationError(
            f"default_model_config has no chain for agent {agent_chain_key}",
            details={"agent": agent_chain_key},
        )
    # Why here: the registry loads httpx, which the run-status states (Admit, Settle) never need.
    from cvpath.llm.registry import parse_chain

    chain, temperature, max_output_tokens = row
    return DefaultChain(parse_chain(chain), float(temperature), int(max_output_tokens))


def text_hash(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def content_digest(content: Any) -> str:
    """sha256 (hex) of ``content`` as canonical JSON: sorted keys, compact, UTF-8."""
    encoded = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return text_hash(encoded)


def insert_guest(conn: psycopg.Connection[Any], guest_id: UUID | None = None) -> UUID:
    return _returning_id(
        conn,
        """INSERT INTO public.guest_users (id) VALUES (coalesce(%s, gen_random_uuid()))
           ON CONFLICT (id) DO NOTHING RETURNING id""",
        [guest_id],
        guest_id,
    )


def insert_import(
    conn: psycopg.Connection[Any],
    owner: Owner,
    *,
    raw_text: str | None = None,
    content: dict[str, Any] | None = None,
    source_format: str = "TEXT",
    file_name: str | None = None,
    import_data_id: UUID | None = None,
    master_cv_id: UUID | None = None,
    created_for_job_id: UUID | None = None,
) -> UUID:
    """A CV snapshot: extracted (or pasted) text, a structured CV (JSON Resume or canonical), or both.

    ``master_cv_id`` names the master CV version it copies, ``created_for_job_id``
    the job application it was taken for.
    """
    digest = content_digest(content) if content is not None else text_hash(raw_text or "")
    return _returning_id(
        conn,
        """INSERT INTO public.import_data
               (id, user_id, guest_id, source_format, file_name, raw_text, content, content_hash,
                master_cv_id, created_for_job_id)
           VALUES (coalesce(%s, gen_random_uuid()), %s, %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (id) DO NOTHING RETURNING id""",
        [
            import_data_id,
            owner.user_id,
            owner.guest_id,
            source_format,
            file_name,
            raw_text,
            None if content is None else Jsonb(content),
            digest,
            master_cv_id,
            created_for_job_id,
        ],
        import_data_id,
    )


def insert_job_text(
    conn: psycopg.Connection[Any], owner: Owner, raw_text: str, *, job_data_id: UUID | None = None
) -> UUID:
    return _returning_id(
        conn,
        """INSERT INTO public.job_data (id, user_id, guest_id, raw_text, content_hash)
           VALUES (coalesce(%s, gen_random_uuid()), %s, %s, %s, %s)
           ON CONFLICT (id) DO NOTHING RETURNING id""",
        [job_data_id, owner.user_id, owner.guest_id, raw_text, text_hash(raw_text)],
        job_data_id,
    )


def insert_run(
    conn: psycopg.Connection[Any],
    owner: Owner,
    *,
    import_data_id: UUID | None,
    job_data_id: UUID | None,
    run_id: UUID | None = None,
    engine: str = "v1",
    options: dict[str, Any] | None = None,
    application_id: UUID | None = None,
    master_cv_id: UUID | None = None,
) -> UUID:
    """A QUEUED run over the given snapshots.

    ``import_data_id`` is None for an uploaded PDF or DOCX: the ExtractText state
    creates that snapshot from the file and attaches it.
    """
    return _returning_id(
        conn,
        """INSERT INTO public.pipeline_runs
               (id, user_id, guest_id, import_data_id, job_data_id, engine, options,
                application_id, master_cv_id)
           VALUES (coalesce(%s, gen_random_uuid()), %s, %s, %s, %s, %s, %s, %s, %s)
           ON CONFLICT (id) DO NOTHING RETURNING id""",
        [
            run_id,
            owner.user_id,
            owner.guest_id,
            import_data_id,
            job_data_id,
            engine,
            Jsonb(options or {}),
            application_id,
            master_cv_id,
        ],
        run_id,
    )


def _returning_id(conn: psycopg.Connection[Any], query: str, params: list[Any], given: UUID | None) -> UUID:
    row = conn.execute(query, params).fetchone()
    if row is not None:
        return UUID(str(row[0]))
    assert given is not None  # only an explicit id can conflict
    return given
