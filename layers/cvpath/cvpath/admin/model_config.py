"""Each agent's default provider chain as operators read and replace it (``public.default_model_config``).

A chain is validated before it is stored, each refusal naming the link:
- the provider is in the LLM registry, and the link parses as the agents will
  parse it (``cvpath.llm.registry.parse_chain``: base URLs, key references);
- a hosted model is known to genai-prices for that provider, unless the link
  says ``allow_unpriced``. Self-hosted links (ollama, openai_compatible) have
  no price at all, so they always need ``allow_unpriced``. An accepted unpriced
  model is estimated at 0 by Admit (with a notice on the admission), its
  generation-log cost is null (unknown), and settlement charges nothing for it;
- the offline provider (model ``offline``) comes last, because it never fails
  and so makes every run answer; a chain without it needs ``allow_no_fallback``
  (a column, so the database CHECK can tell a choice from an accident).

``allow_unpriced`` is an acknowledgement at write time, not stored in the link:
the agents' link model refuses unknown keys. Reading a chain reports it as
true on every link genai-prices cannot price, so a chain read can be written back.
Agents read the stored chain per run (``cvpath.db.runs.default_chain``), uncached.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
from psycopg.rows import dict_row
from psycopg.types.json import Jsonb

from cvpath.admin.audit import Actor, record
from cvpath.errors import InvalidProviderChain, NotFound, UnknownProvider, ValidationFailed

AGENTS = ("CV_PARSER", "CV_VALIDATOR", "JOB_PARSER", "JOB_ANALYZER", "CV_TAILOR", "COMPARATIVE_SCORER")
MAX_LINKS = 8
OFFLINE = "offline"
SELF_HOSTED = frozenset({"ollama", "openai_compatible"})
# The keys a stored link may carry, in the order they are written.
LINK_KEYS = ("provider", "model", "base_url", "api_key_ref", "timeout_s", "max_retries")

_COLUMNS = """agent::text AS agent, provider_chain, temperature, max_output_tokens, allow_no_fallback,
              updated_by, updated_at"""


@dataclass(frozen=True)
class ModelConfig:
    agent: str
    provider_chain: list[dict[str, Any]]
    temperature: Decimal
    max_output_tokens: int
    allow_no_fallback: bool
    updated_by: UUID | None
    updated_at: datetime

    def links(self) -> list[dict[str, Any]]:
        """The links as objects, with the defaults the agents apply (a link may be stored as text)."""
        from cvpath.llm.registry import parse_chain

        try:
            specs = parse_chain(self.provider_chain)
        except (UnknownProvider, InvalidProviderChain):
            # Still shown, as stored, so an operator can see and replace a chain that no longer parses.
            return [link if isinstance(link, dict) else _link_of(str(link)) for link in self.provider_chain]
        return [spec.model_dump(mode="json", exclude_none=True) for spec in specs]

    def values(self) -> dict[str, Any]:
        """What an operator controls, as JSON: the audit snapshot."""
        return {
            "provider_chain": self.provider_chain,
            "temperature": str(self.temperature),
            "max_output_tokens": self.max_output_tokens,
            "allow_no_fallback": self.allow_no_fallback,
        }


def read_config(conn: psycopg.Connection[Any], agent: str, *, for_update: bool = False) -> ModelConfig:
    with conn.cursor(row_factory=dict_row) as cur:
        # A static choice between two statements; the agent is bound, never formatted in.
        if for_update:
            cur.execute(
                f"SELECT {_COLUMNS} FROM public.default_model_config WHERE agent::text = %s FOR UPDATE",
                [agent],
            )
        else:
            cur.execute(f"SELECT {_COLUMNS} FROM public.default_model_config WHERE agent::text = %s", [agent])
        row = cur.fetchone()
    if row is None:
        raise NotFound(f"agent {agent} has no default chain", details={"agent": agent})
    return ModelConfig(**row)


def model_is_priced(provider: str, model: str) -> bool:
    """Whether genai-prices knows ``model`` for ``provider`` (without pricing.py's "unknown" warning)."""
    from cvpath.llm.pricing import PROVIDER_IDS

    provider_id = PROVIDER_IDS.get(provider)
    if provider_id is None:
        return False
    # Why here: genai-prices builds its tables on import; only a write or a read of a chain needs them.
    from genai_prices import Usage, calc_price

    try:
        calc_price(Usage(input_tokens=1, output_tokens=1), model, provider_id=provider_id)
    except LookupError:
        return False
    return True


def link_needs_allowance(provider: str, model: str) -> bool:
    """True when the link has no known price, so storing it takes ``allow_unpriced``."""
    if provider == OFFLINE:
        return False
    return provider in SELF_HOSTED or not model_is_priced(provider, model)


def validate_chain(links: Sequence[Mapping[str, Any]], *, allow_no_fallback: bool) -> list[dict[str, Any]]:
    """The chain as it will be stored, or ``ValidationFailed`` naming the first link at fault."""
    from cvpath.llm.registry import known_providers, parse_chain

    if not 1 <= len(links) <= MAX_LINKS:
        raise ValidationFailed(
            f"a chain has 1 to {MAX_LINKS} links, not {len(links)}", details={"links": len(links)}
        )
    known = known_providers()
    stored: list[dict[str, Any]] = []
    for index, link in enumerate(links):
        provider, model = str(link["provider"]), str(link["model"])
        if provider not in known:
            raise ValidationFailed(
                f"link {index}: unknown provider {provider!r}; known providers: {', '.join(known)}",
                details={"link": index, "field": "provider", "known": known},
            )
        if provider == OFFLINE and model != OFFLINE:
            raise _refuse(index, "model", f"the offline provider's model is 'offline', not {model!r}")
        if link_needs_allowance(provider, model) and not link.get("allow_unpriced"):
            why = (
                "a self-hosted model has no price"
                if provider in SELF_HOSTED
                else f"genai-prices does not know model {model!r} for provider {provider!r}"
            )
            raise _refuse(
                index, "model", f"{why}; set allow_unpriced: true to accept it (its cost counts as 0)"
            )
        if provider == OFFLINE and index != len(links) - 1:
            raise _refuse(index, "provider", "offline always answers, so the links after it would never run")
        stored.append({key: link[key] for key in LINK_KEYS if link.get(key) is not None})
    if stored and stored[-1]["provider"] != OFFLINE and not allow_no_fallback:
        last = len(stored) - 1
        raise ValidationFailed(
            f"the chain must end with the offline provider so that every run answers (link {last} is "
            f"{stored[-1]['provider']!r}); set allow_no_fallback: true to accept a chain that can fail",
            details={"link": last, "field": "provider"},
        )
    try:
        # What the agents will run: a chain that does not parse here would fail every run.
        parse_chain(stored)
    except (UnknownProvider, InvalidProviderChain) as exc:
        raise ValidationFailed(exc.message, details=exc.details) from None
    return stored


def _link_of(text: str) -> dict[str, Any]:
    provider, _, model = text.partition(":")
    return {"provider": provider, "model": model, "timeout_s": 60, "max_retries": 2}


def _refuse(index: int, field: str, message: str) -> ValidationFailed:
    return ValidationFailed(f"link {index}: {message}", details={"link": index, "field": field})


def replace_config(
    conn: psycopg.Connection[Any],
    actor: Actor,
    agent: str,
    *,
    links: Sequence[Mapping[str, Any]],
    temperature: Decimal,
    max_output_tokens: int,
    allow_no_fallback: bool,
) -> ModelConfig:
    """Validate and store the agent's new default chain, audited as ``model_config.update``."""
    chain = validate_chain(links, allow_no_fallback=allow_no_fallback)
    with conn.transaction():
        before = read_config(conn, agent, for_update=True)
        with conn.cursor(row_factory=dict_row) as cur:
            # statement_timestamp(): the transaction began before its wait for the row lock.
            cur.execute(
                f"""UPDATE public.default_model_config
                    SET provider_chain = %s, temperature = %s, max_output_tokens = %s,
                        allow_no_fallback = %s, updated_by = %s, updated_at = statement_timestamp()
                    WHERE agent::text = %s
                    RETURNING {_COLUMNS}""",
                [Jsonb(chain), temperature, max_output_tokens, allow_no_fallback, actor.user_id, agent],
            )
            row = cur.fetchone()
        assert row is not None  # locked above
        after = ModelConfig(**row)
        record(
            conn,
            actor,
            "model_config.update",
            "model_config",
            agent,
            before=before.values(),
            after=after.values(),
        )
    return after
