"""The six agent steps on real runs: inputs from Postgres, outputs and audit rows back into it.

No platform key is configured, so every default chain skips its keyed links
(each leaves an audit row) and its last link, the offline provider, answers.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from psycopg.rows import dict_row
from pydantic import BaseModel

from cvpath.agents import get_agent
from cvpath.agents.base import AgentName
from cvpath.agents.steps import StepEvent, StepResult, run_step
from cvpath.db.runs import content_digest, default_chain
from cvpath.errors import AgentInputMissing, CVPathError, RunNotFound, UnparseableCV
from cvpath.models import (
    CV,
    Analysis,
    ComparativeScore,
    GuardReport,
    Job,
    Score,
    TailoredCV,
    ValidationReport,
    cv_from_json_resume,
)

# The conftest fixture: creates a run and returns its id.
SeedRun = Callable[..., UUID]
Conn = psycopg.Connection[Any]
ORDER = list(AgentName)
MODELS: dict[str, type[BaseModel]] = {
    "PARSED_CV": CV,
    "VALIDATION": ValidationReport,
    "PARSED_JOB": Job,
    "ANALYSIS": Analysis,
    "TAILORED_CV": TailoredCV,
    "GUARD_REPORT": GuardReport,
    "SCORE_BEFORE": Score,
    "SCORE_AFTER": Score,
    "SCORE_COMPARISON": ComparativeScore,
}
CANARY = "QXCANARY7731"


def step(agent: AgentName, run_id: UUID, db: Conn) -> StepResult:
    return run_step(agent, StepEvent(run_id=run_id), conn=db)


def outputs(db: Conn, run_id: UUID) -> dict[str, dict[str, Any]]:
    with db.cursor(row_factory=dict_row) as cur:
        cur.execute("SELECT * FROM public.tailor_data WHERE run_id = %s", [run_id])
        return {row["kind"]: row for row in cur.fetchall()}


def audit_rows(db: Conn, run_id: UUID) -> list[dict[str, Any]]:
    with db.cursor(row_factory=dict_row) as cur:
        cur.execute(
            "SELECT * FROM analytics_monitoring.llm_generation_logs WHERE run_id = %s ORDER BY id", [run_id]
        )
        return cur.fetchall()


def test_the_six_steps_write_every_output_once_and_valid(db: Conn, seed_run: SeedRun) -> None:
    # Given a run over the sample CV and job
    run_id = seed_run()
    # When the six steps run in pipeline order
    results = [step(agent, run_id, db) for agent in ORDER]
    # Then each succeeded and reported the ids it wrote
    assert [r.status for r in results] == ["succeeded"] * 6
    rows = outputs(db, run_id)
    assert set(rows) == set(MODELS)
    for result in results:
        assert result.run_id == run_id
        assert result.output_id in {row["id"] for row in rows.values()}
        assert all(rows[kind]["id"] == output_id for kind, output_id in result.outputs.items())
        assert result.usage["provider"] == "offline"
    # And every output validates as its model, with its hash, provenance and owner
    for kind, row in rows.items():
        MODELS[kind].model_validate_json(json.dumps(row["content"]))
        assert row["content_hash"] == content_digest(row["content"])
        assert row["provider"] == "offline"
        assert row["model"] == "offline"
        assert row["guest_id"] is not None
        assert row["user_id"] is None
        agent = get_agent(row["agent"])
        assert row["prompt_version"] == agent.prompt_version
        assert row["schema_version"]
    # And the comparison holds the two stored scores
    comparison = ComparativeScore.model_validate_json(json.dumps(rows["SCORE_COMPARISON"]["content"]))
    assert comparison.before == Score.model_validate_json(json.dumps(rows["SCORE_BEFORE"]["content"]))
    assert comparison.after == Score.model_validate_json(json.dumps(rows["SCORE_AFTER"]["content"]))
    assert results[-1].output_id == rows["SCORE_COMPARISON"]["id"]
    assert results[4].output_id == rows["TAILORED_CV"]["id"]


def test_a_rerun_step_is_reused_without_a_second_row_or_call(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    first = step(AgentName.JOB_PARSER, run_id, db)
    calls = len(audit_rows(db, run_id))
    # When the same state runs again (a Step Functions retry)
    again = step(AgentName.JOB_PARSER, run_id, db)
    # Then it answers with the stored output, writes nothing and calls no provider
    assert (first.status, again.status) == ("succeeded", "reused")
    assert again.output_id == first.output_id
    assert again.usage["attempts"] == 0
    count = db.execute("SELECT count(*) FROM public.tailor_data WHERE run_id = %s", [run_id]).fetchone()
    assert count == (1,)
    assert len(audit_rows(db, run_id)) == calls


@pytest.mark.parametrize(
    ("agent", "done", "missing", "run_first"),
    [
        (AgentName.CV_VALIDATOR, [], "PARSED_CV", "cv_parser"),
        (AgentName.JOB_ANALYZER, [AgentName.CV_PARSER, AgentName.CV_VALIDATOR], "PARSED_JOB", "job_parser"),
        (AgentName.CV_TAILOR, [AgentName.JOB_PARSER], "VALIDATION", "cv_validator"),
        (AgentName.COMPARATIVE_SCORER, list(ORDER[:4]), "TAILORED_CV", "cv_tailor"),
    ],
)
def test_a_step_before_its_input_names_the_step_to_run_first(
    db: Conn, seed_run: SeedRun, agent: AgentName, done: list[AgentName], missing: str, run_first: str
) -> None:
    run_id = seed_run()
    for earlier in done:
        step(earlier, run_id, db)
    before_rows, before_calls = set(outputs(db, run_id)), len(audit_rows(db, run_id))
    with pytest.raises(AgentInputMissing, match=f"run {run_first} first") as caught:
        step(agent, run_id, db)
    assert caught.value.details["missing"] == missing
    assert caught.value.details["run_first"] == run_first
    # Nothing was written and no provider was called
    assert set(outputs(db, run_id)) == before_rows
    assert len(audit_rows(db, run_id)) == before_calls


def test_an_unknown_run_is_run_not_found(db: Conn) -> None:
    unknown = uuid4()
    with pytest.raises(RunNotFound, match=str(unknown)):
        step(AgentName.CV_PARSER, unknown, db)


def test_a_run_without_a_job_snapshot_is_input_missing(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run(job_text=None)
    with pytest.raises(AgentInputMissing, match="job_data") as caught:
        step(AgentName.JOB_PARSER, run_id, db)
    assert caught.value.details["missing"] == "job_data"


def test_every_attempt_is_audited_keyless_links_as_errors(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    step(AgentName.JOB_PARSER, run_id, db)
    rows = audit_rows(db, run_id)
    specs = default_chain(db, "JOB_PARSER").specs
    # One row per link of the default chain: the keyed ones skipped, the offline one answering
    assert [(r["provider"], r["chain_position"]) for r in rows] == [
        (spec.provider, position) for position, spec in enumerate(specs)
    ]
    *skipped, answered = rows
    assert skipped, "the default chain starts with keyed providers"
    assert all(r["status"] == "AUTH_ERROR" and r["error_code"] == "missing_key" for r in skipped)
    assert (answered["provider"], answered["status"]) == ("offline", "SUCCESS")
    assert all(r["agent"] == "JOB_PARSER" and r["guest_id"] is not None for r in rows)


def test_an_imported_json_resume_is_validated_without_a_provider_call(db: Conn, seed_run: SeedRun) -> None:
    document = {
        "basics": {"name": "Ada Example", "email": "ada@example.org"},
        "work": [
            {
                "name": "Initech",
                "position": "Backend Engineer",
                "startDate": "2019-03",
                "highlights": ["Built REST APIs in Python"],
            }
        ],
    }
    run_id = seed_run(cv_text=None, content=document, source_format="JSON_RESUME")
    result = step(AgentName.CV_PARSER, run_id, db)
    assert result.status == "succeeded"
    assert result.usage["attempts"] == 0
    stored = CV.model_validate_json(json.dumps(outputs(db, run_id)["PARSED_CV"]["content"]))
    assert stored == cv_from_json_resume(document)
    assert audit_rows(db, run_id) == []


def test_an_empty_cv_is_unparseable_and_nothing_is_written(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run(cv_text="   \n  ")
    with pytest.raises(UnparseableCV):
        step(AgentName.CV_PARSER, run_id, db)
    assert outputs(db, run_id) == {}


def test_a_refused_cv_or_job_never_quotes_its_text(db: Conn, seed_run: SeedRun) -> None:
    # Given a CV and a job that are neither, each carrying a canary
    run_id = seed_run(
        cv_text=f"zzqv {CANARY} wobble",
        job_text=f"Preheat the oven to 180 degrees. Whisk two eggs with sugar {CANARY}. Bake for 25 minutes.",
    )
    errors: list[CVPathError] = []
    # The parser may refuse the CV itself or leave it to the validator's quality gate.
    for chain in ([AgentName.CV_PARSER, AgentName.CV_VALIDATOR], [AgentName.JOB_PARSER]):
        try:
            for agent in chain:
                step(agent, run_id, db)
        except CVPathError as exc:
            errors.append(exc)
    # Then both are refused, and no message, detail or audit row repeats their text
    assert {type(e).__name__ for e in errors} == {"UnparseableCV", "NotAJobDescription"}
    for error in errors:
        assert CANARY not in error.message
        assert CANARY not in json.dumps(error.details, default=str)
    assert all(CANARY not in json.dumps(row, default=str) for row in audit_rows(db, run_id))


def test_the_kind_check_takes_the_comparison_and_refuses_other_kinds(conn: Conn) -> None:
    # sql/0009 replaced the kind CHECK of 0002: one constraint, under its explicit name
    checks = conn.execute(
        """SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint
           WHERE conrelid = 'public.tailor_data'::regclass AND contype = 'c'
             AND pg_get_constraintdef(oid) LIKE '%%kind%%'"""
    ).fetchall()
    assert [name for name, _ in checks] == ["tailor_data_kind_check"]
    assert "SCORE_COMPARISON" in checks[0][1]
    guest = conn.execute("INSERT INTO public.guest_users DEFAULT VALUES RETURNING id").fetchone()
    run = conn.execute(
        "INSERT INTO public.pipeline_runs (guest_id) VALUES (%s) RETURNING id", guest
    ).fetchone()
    assert guest is not None
    assert run is not None
    insert = """INSERT INTO public.tailor_data (guest_id, run_id, kind, content, content_hash)
                VALUES (%s, %s, %s, '{}', repeat('a', 64))"""
    conn.execute(insert, [guest[0], run[0], "SCORE_COMPARISON"])
    with pytest.raises(psycopg.errors.CheckViolation):
        conn.execute(insert, [guest[0], run[0], "SCORE_GUESS"])
