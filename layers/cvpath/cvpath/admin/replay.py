"""Replay a run offline: its agents again, from its own snapshots, and how the result differs.

Why a scratch run inside a transaction that is rolled back: the agent steps
read a run's snapshots and earlier outputs from Postgres and write their own
outputs there (``cvpath.agents.steps.run_step``, as the agent handlers do).
Giving them a scratch run over the same snapshots (options
``{"replay_of": <id>}``) runs exactly that code, and rolling the transaction
back afterwards leaves no trace: the original run, its outputs, the audit log
and the analytics are untouched. Every agent uses the offline provider alone,
so a replay needs no key and no network, and attempts are kept in memory.
"""

from __future__ import annotations

import difflib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any, Literal, get_args
from uuid import UUID

import psycopg

from cvpath.db.agent_outputs import OutputKind
from cvpath.errors import CVPathError

if TYPE_CHECKING:
    from cvpath.agents.base import AgentDeps, AgentName
    from cvpath.db.runs import RunRecord

StepStatus = Literal["ran", "failed", "skipped"]
DiffStatus = Literal["same", "changed", "only_stored", "only_replayed", "absent"]
# The kinds the agents write (the cover letter is Render's, not an agent's: not replayed).
COMPARED_KINDS = tuple(kind for kind in get_args(OutputKind) if kind != "COVER_LETTER")


@dataclass(frozen=True)
class StepReplay:
    agent: str
    status: StepStatus
    duration_ms: int
    error: str | None = None


@dataclass(frozen=True)
class KindDiff:
    kind: str
    status: DiffStatus
    added_lines: int
    removed_lines: int
    # Top-level fields whose values differ (for TAILORED_CV: basics, work, skills, ...).
    fields_changed: tuple[str, ...]
    # The unified diff of the canonical JSON (sorted keys, 2-space indent), stored -> replayed.
    diff: tuple[str, ...]


@dataclass(frozen=True)
class ReplayReport:
    run_id: UUID
    run_status: str
    steps: tuple[StepReplay, ...]
    kinds: tuple[KindDiff, ...]
    stored: dict[str, Any]
    replayed: dict[str, Any]

    @property
    def changed(self) -> tuple[str, ...]:
        return tuple(diff.kind for diff in self.kinds if diff.status not in ("same", "absent"))

    def scores(self, side: Literal["stored", "replayed"]) -> tuple[float | None, float | None]:
        """(before, after) overall scores of one side."""
        outputs = self.stored if side == "stored" else self.replayed
        return _overall(outputs.get("SCORE_BEFORE")), _overall(outputs.get("SCORE_AFTER"))

    def guard(self, side: Literal["stored", "replayed"]) -> dict[str, Any] | None:
        """Findings, bullets and entries the guard checked, on one side (None: no guard report)."""
        report = (self.stored if side == "stored" else self.replayed).get("GUARD_REPORT")
        if not isinstance(report, dict):
            return None
        return {
            "findings": len(report.get("findings") or []),
            "checked_bullets": report.get("checkedBullets", 0),
            "checked_entries": report.get("checkedEntries", 0),
        }

    def to_json(self) -> dict[str, Any]:
        """A JSON-safe summary (no documents): steps, scores, guard and each kind's diff."""
        return {
            "run_id": str(self.run_id),
            "run_status": self.run_status,
            "steps": [asdict(step) for step in self.steps],
            "scores": {
                side: dict(zip(("before", "after"), self.scores(side), strict=True)) for side in _SIDES
            },
            "guard": {side: self.guard(side) for side in _SIDES},
            "kinds": [
                {**asdict(diff), "fields_changed": list(diff.fields_changed), "diff": list(diff.diff)}
                for diff in self.kinds
            ],
            "changed": list(self.changed),
        }


_SIDES: tuple[Literal["stored", "replayed"], ...] = ("stored", "replayed")
StepCallback = Callable[[StepReplay], None]


def replay_run(
    conn: psycopg.Connection[Any], run_id: UUID, *, on_step: StepCallback | None = None
) -> ReplayReport:
    """Re-run the six agents of ``run_id`` offline and compare each output kind with the stored one.

    ``RunNotFound`` for an unknown run. A step that fails is reported (and the
    later ones skipped), not raised: a run that failed may well fail again.
    """
    from cvpath.db.agent_outputs import read_all_outputs
    from cvpath.db.runs import load_run

    original = load_run(conn, run_id)
    stored = _contents(read_all_outputs(conn, run_id))
    steps, replayed = _replay_in_scratch(conn, original, on_step)
    kinds = tuple(compare(kind, stored.get(kind), replayed.get(kind)) for kind in COMPARED_KINDS)
    return ReplayReport(run_id, original.status, steps, kinds, stored, replayed)


def _replay_in_scratch(
    conn: psycopg.Connection[Any], original: RunRecord, on_step: StepCallback | None
) -> tuple[tuple[StepReplay, ...], dict[str, Any]]:
    from cvpath.agents.base import AgentName
    from cvpath.agents.steps import StepEvent, run_step
    from cvpath.db.agent_outputs import read_all_outputs
    from cvpath.db.runs import Owner, insert_run

    steps: list[StepReplay] = []
    with conn.transaction() as scratch_transaction:
        scratch = insert_run(
            conn,
            Owner(user_id=original.user_id, guest_id=original.guest_id),
            import_data_id=original.import_data_id,
            job_data_id=original.job_data_id,
            options={"replay_of": str(original.id), "provider": "offline"},
        )
        failed = False
        # AgentName lists the agents in the order their inputs need (parser before validator, ...).
        for agent in AgentName:
            started = time.monotonic()
            if failed:
                step = StepReplay(agent.value, "skipped", 0)
            else:
                try:
                    # A savepoint: a failing step leaves the scratch transaction usable for the diff.
                    with conn.transaction():
                        run_step(agent, StepEvent(run_id=scratch), conn=conn, deps_for=_offline_deps)
                    step = StepReplay(agent.value, "ran", _ms_since(started))
                except CVPathError as exc:
                    failed = True
                    error = f"{type(exc).__name__}: {' '.join(exc.message.split())}"
                    step = StepReplay(agent.value, "failed", _ms_since(started), error)
            steps.append(step)
            if on_step is not None:
                on_step(step)
        replayed = _contents(read_all_outputs(conn, scratch))
        raise psycopg.Rollback(scratch_transaction)
    return tuple(steps), replayed


def _offline_deps(agent: AgentName, run: RunRecord) -> AgentDeps:
    """The offline provider alone; attempts stay in memory (the scratch run is rolled back anyway)."""
    from cvpath.agents.base import AgentDeps
    from cvpath.llm.types import CallContext

    context = CallContext(run_id=str(run.id), agent=agent.chain_key, tier=run.tier)
    return AgentDeps.offline(context=context)


def compare(kind: str, stored: Any, replayed: Any) -> KindDiff:
    """How ``replayed`` differs from ``stored`` (either may be None: that step did not run)."""
    if stored is None and replayed is None:
        return KindDiff(kind, "absent", 0, 0, (), ())
    before, after = canonical_lines(stored), canonical_lines(replayed)
    diff = tuple(
        line.rstrip("\n")
        for line in difflib.unified_diff(
            before, after, fromfile=f"stored/{kind}", tofile=f"replayed/{kind}", n=2
        )
    )
    added = sum(1 for line in diff if line.startswith("+") and not line.startswith("+++"))
    removed = sum(1 for line in diff if line.startswith("-") and not line.startswith("---"))
    status: DiffStatus
    if stored is None:
        status = "only_replayed"
    elif replayed is None:
        status = "only_stored"
    else:
        status = "same" if stored == replayed else "changed"
    return KindDiff(kind, status, added, removed, _fields_changed(stored, replayed), diff)


def canonical_lines(content: Any) -> list[str]:
    """The canonical JSON of ``content``, one line per value: what the diff compares."""
    if content is None:
        return []
    text = json.dumps(content, indent=2, sort_keys=True, ensure_ascii=False)
    return [line + "\n" for line in text.splitlines()]


def _fields_changed(stored: Any, replayed: Any) -> tuple[str, ...]:
    if not isinstance(stored, dict) or not isinstance(replayed, dict):
        return ()
    keys = sorted(set(stored) | set(replayed))
    return tuple(key for key in keys if stored.get(key) != replayed.get(key))


def _contents(rows: dict[str, Any]) -> dict[str, Any]:
    return {kind: json.loads(row.content_json) for kind, row in rows.items()}


def _overall(score: Any) -> float | None:
    value = score.get("overall") if isinstance(score, dict) else None
    return float(value) if isinstance(value, int | float) else None


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
