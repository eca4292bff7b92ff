"""One agent step of a pipeline run: load its inputs, run the agent, store its outputs.

The logic between the agents' Lambda handlers (and ``cvpath agent invoke``) and
the repositories. States pass ids, not documents: a step's event names the run,
and everything else comes from Postgres (see :mod:`cvpath.agents.step_specs`).

A step whose outputs already exist is not run again: it answers ``reused`` with
the stored ids, so a retried state neither pays for a second LLM call nor
changes the evidence (first write wins).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Literal
from uuid import UUID

import psycopg
from pydantic import BaseModel, ConfigDict, ValidationError

from cvpath.agents import get_agent
from cvpath.agents.base import AgentDeps, AgentName
from cvpath.agents.step_specs import STEPS, Ready, StepSpec, field_errors
from cvpath.db.agent_outputs import Provenance, StoredOutput, output_ids, write_outputs
from cvpath.db.runs import RunRecord, default_chain, load_run
from cvpath.errors import ValidationFailed
from cvpath.llm.audit import AuditLogRecorder
from cvpath.llm.keys import KeySource
from cvpath.llm.registry import provider_info
from cvpath.llm.types import CallContext, ProviderSpec

DepsFactory = Callable[[AgentName, RunRecord], AgentDeps]
StepStatus = Literal["succeeded", "reused"]


class StepEvent(BaseModel):
    """The input of every agent state: the run's id.

    Why other keys are ignored: Step Functions hands a task its whole state input
    (earlier states' results included); only ``run_id`` matters here.
    """

    model_config = ConfigDict(extra="ignore", frozen=True)

    run_id: UUID


class StepResult(BaseModel):
    """What a step returns to the state machine: ids and usage, never a document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    run_id: UUID
    agent: AgentName
    status: StepStatus
    # The step's main output (for cv_tailor the tailored CV, for the scorer the comparison).
    output_id: UUID
    outputs: dict[str, UUID]
    usage: dict[str, Any]


def parse_event(event: object) -> StepEvent:
    """The event as a ``StepEvent``; ``ValidationFailed`` naming the field otherwise."""
    if not isinstance(event, dict):
        raise ValidationFailed(
            f"an agent event is a JSON object with a run_id, not {type(event).__name__}",
            details={"type": type(event).__name__},
        )
    try:
        return StepEvent.model_validate(event)
    except ValidationError as exc:
        problems = field_errors(exc)
    raise ValidationFailed(f"invalid agent event: {'; '.join(problems)}", details={"fields": problems})


def default_deps(conn: psycopg.Connection[Any], agent: AgentName, run: RunRecord) -> AgentDeps:
    """The agent's default chain, platform keys from settings, every attempt in the audit log.

    With no key configured, the keyed links are skipped (each leaves an audit
    row) and the offline link, last in every default chain, answers.
    """
    chain = default_chain(conn, agent.chain_key)
    specs = pin_provider(chain.specs, run.pinned_provider, agent) if run.pinned_provider else chain.specs
    keys = KeySource()
    if run.tier == "BYOK" and run.byok_provider and run.user_id:
        # The user's own key only: a platform key would put a BYOK run on the platform's bill.
        from cvpath.governance.run_keys import byok_keys, byok_specs

        specs = byok_specs(specs, run.byok_provider)
        keys = byok_keys(run.id, run.user_id)
    context = CallContext(
        run_id=str(run.id),
        agent=agent.chain_key,
        user_id=str(run.user_id) if run.user_id else None,
        guest_id=str(run.guest_id) if run.guest_id else None,
        tier=run.tier,
    )
    return AgentDeps.for_chain(
        specs,
        context=context,
        # Without a connection each row commits at once: the audit trail survives a failed step.
        recorder=AuditLogRecorder(),
        keys=keys,
        temperature=chain.temperature,
        max_tokens=chain.max_output_tokens,
    )


def pin_provider(specs: list[ProviderSpec], provider: str, agent: AgentName) -> list[ProviderSpec]:
    """The links of ``specs`` served by ``provider``, in order: a run pinned to one provider.

    Why no offline safety net for a pinned link: whoever pins a provider wants
    its answers, and a missing key or an outage should say so (and reach the
    state machine's Retry), not be papered over. An agent whose chain has no
    such link keeps its chain: the report names the provider of every answer.
    ``offline`` is always available, whether or not the chain names it.
    """
    provider_info(provider)  # UnknownProvider for a name that is not registered
    pinned = [spec for spec in specs if spec.provider == provider]
    if pinned:
        return pinned
    if provider == "offline":
        return [ProviderSpec(provider="offline", model="offline")]
    return specs


def run_step(
    agent: AgentName | str,
    event: StepEvent,
    *,
    conn: psycopg.Connection[Any],
    deps_for: DepsFactory | None = None,
) -> StepResult:
    """Run ``agent`` for the run ``event.run_id`` and store its outputs.

    Raises ``RunNotFound`` for an unknown run, ``AgentInputMissing`` when an
    earlier step has not written this step's input (nothing is written then),
    and the agent's own errors (``UnparseableCV``, ``NotAJobDescription``, ...).
    """
    implementation = get_agent(agent)  # UnknownAgent for a name that is not one
    name = implementation.name
    spec = STEPS[name]
    run = load_run(conn, event.run_id)
    existing = output_ids(conn, run.id, spec.kinds)
    if len(existing) == len(spec.kinds):
        return _result(run, name, spec, existing, "reused", _no_usage())
    prepared = spec.load(conn, run)
    if isinstance(prepared, Ready):
        outputs, usage = spec.outputs(prepared.output), _no_usage()
        provenance = Provenance(agent=name.chain_key)
    else:
        deps = (deps_for or partial(default_deps, conn))(name, run)
        outcome = implementation.run(prepared, deps)
        outputs, usage = spec.outputs(outcome.output), outcome.usage()
        provenance = Provenance(
            agent=name.chain_key,
            prompt_version=outcome.prompt_version,
            schema_version=outcome.schema_version,
            provider=outcome.provider,
            model=outcome.model,
        )
    stored = write_outputs(conn, run, outputs, provenance)
    status: StepStatus = "succeeded" if any(row.created for row in stored) else "reused"
    return _result(run, name, spec, _ids(stored), status, usage)


def _ids(stored: list[StoredOutput]) -> dict[str, UUID]:
    return {row.kind: row.id for row in stored}


def _no_usage() -> dict[str, Any]:
    return {
        "provider": None,
        "model": None,
        "attempts": 0,
        "input_tokens": 0,
        "output_tokens": 0,
        "cost_usd": "0",
    }


def _result(
    run: RunRecord,
    agent: AgentName,
    spec: StepSpec,
    ids: dict[str, UUID],
    status: StepStatus,
    usage: dict[str, Any],
) -> StepResult:
    ordered = {kind: ids[kind] for kind in spec.kinds}
    return StepResult(
        run_id=run.id, agent=agent, status=status, output_id=ids[spec.primary], outputs=ordered, usage=usage
    )
