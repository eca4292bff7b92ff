"""`cvpath replay RUN_ID` as a person runs it: a real process, offline, writing nothing.

Until local/cli.py registers the command, the same command runs as
``python -m local.commands.replay`` (same environment, same exit codes).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from cli_process import PLATFORM_KEYS, SAMPLE_CV, SAMPLE_JOB, Cli, cli_on

from cvpath.admin.replay import COMPARED_KINDS
from cvpath.agents.base import AgentName
from cvpath.agents.steps import StepEvent, run_step
from cvpath.db.runs import Owner, insert_run, load_run
from local.cli import app

Conn = psycopg.Connection[Any]
KINDS = COMPARED_KINDS


def _registered() -> bool:
    return any(command.name == "replay" for command in app.registered_commands)


def replay_on(database_url: str, workdir: Path) -> Cli:
    """``cvpath replay ARGS`` as a process (``python -m local.commands.replay`` until it is registered)."""
    if _registered():
        cli = cli_on(database_url, workdir)
        return lambda *args: cli("replay", *args)
    env = {key: value for key, value in os.environ.items() if key not in PLATFORM_KEYS}
    env.update(DATABASE_URL=database_url, CVPATH_STATE_DIR=str(workdir / "state"))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "local.commands.replay", *args],
            env=env,
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )

    return run


def evidence_counts(conn: Conn) -> tuple[int, ...]:
    row = conn.execute(
        """SELECT (SELECT count(*) FROM public.pipeline_runs), (SELECT count(*) FROM public.tailor_data),
                  (SELECT count(*) FROM analytics_monitoring.llm_generation_logs)"""
    ).fetchone()
    assert row is not None
    return tuple(row)


def outputs_of(conn: Conn, run_id: UUID) -> dict[str, str]:
    rows = conn.execute("SELECT kind, content_hash FROM public.tailor_data WHERE run_id = %s", [run_id])
    return {kind: digest for kind, digest in rows.fetchall()}


def test_replaying_a_tailored_run_finds_the_same_outputs_and_writes_nothing(
    fresh_db_url: str, tmp_path: Path
) -> None:
    # Given a run the offline pipeline produced through `cvpath tailor` (the real state machine)
    tailored = cli_on(fresh_db_url, tmp_path)("tailor", "--cv", str(SAMPLE_CV), "--job", str(SAMPLE_JOB))
    assert tailored.returncode == 0, tailored.stderr
    run_id = json.loads((tmp_path / "out" / "report.json").read_text())["run_id"]
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        counts, stored = evidence_counts(conn), outputs_of(conn, UUID(run_id))
    assert set(KINDS) <= set(stored)
    # When it is replayed
    done = replay_on(fresh_db_url, tmp_path)(run_id)
    # Then every agent ran again offline, every output equals the stored one, and the exit code is 0
    assert done.returncode == 0, done.stderr
    assert f"replay of run {run_id} with the offline provider" in done.stdout
    for agent in AgentName:
        assert re.search(rf"^\s+{agent.value}\s+ran\s+[\d,]+ ms$", done.stdout, re.MULTILINE), agent
    assert "stored run status: SUCCEEDED" in done.stdout
    scores = re.findall(r"^score (?:stored|replayed)\s*: (.+)$", done.stdout, re.MULTILINE)
    assert len(scores) == 2
    assert scores[0] == scores[1]
    assert "->" in scores[0]
    for kind in KINDS:
        assert re.search(rf"^\s+{kind}\s+same$", done.stdout, re.MULTILINE), kind
    assert "summary: none differ" in done.stdout
    # And nothing was written: no run, no output, no audit row; the original run is as it was
    with psycopg.connect(fresh_db_url, autocommit=True) as conn:
        assert evidence_counts(conn) == counts
        assert outputs_of(conn, UUID(run_id)) == stored


def _offline_run(db: Conn, seed_run: Any) -> UUID:
    run_id: UUID = seed_run()
    for agent in AgentName:
        run_step(agent, StepEvent(run_id=run_id), conn=db)
    return run_id


def _edited_copy(db: Conn, original: UUID) -> UUID:
    """A run over the same snapshots whose stored tailored CV and after-score differ from an offline run's."""
    source = load_run(db, original)
    assert source.guest_id is not None
    copy = insert_run(
        db,
        Owner(guest_id=source.guest_id),
        import_data_id=source.import_data_id,
        job_data_id=source.job_data_id,
    )
    db.execute(
        """INSERT INTO public.tailor_data
               (guest_id, run_id, agent, kind, content, content_hash, provider, model)
           SELECT guest_id, %(copy)s, agent, kind,
                  CASE kind
                      WHEN 'TAILORED_CV' THEN jsonb_set(content, '{basics,label}', '"Chief Edited Officer"')
                      WHEN 'SCORE_AFTER' THEN jsonb_set(content, '{overall}', '12.5')
                      ELSE content END,
                  content_hash, provider, model
           FROM public.tailor_data WHERE run_id = %(original)s""",
        {"copy": copy, "original": original},
    )
    return copy


def test_a_changed_output_is_diffed_and_summarised(
    db: Conn, seed_run: Any, pooled_db: str, tmp_path: Path
) -> None:
    # Given a run whose stored tailored CV and after-score are not what the offline agents produce
    run_id = _edited_copy(db, _offline_run(db, seed_run))
    counts = evidence_counts(db)
    # When it is replayed
    done = replay_on(pooled_db, tmp_path)(str(run_id))
    # Then exactly those two kinds differ, with the edited values in their diffs
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\s+TAILORED_CV\s+changed \(\+\d+ -\d+ lines\) in basics$", done.stdout, re.M)
    assert re.search(r"^\s+SCORE_AFTER\s+changed \(\+1 -1 lines\) in overall$", done.stdout, re.M)
    assert re.search(r"^\s+-\s+\"label\": \"Chief Edited Officer\",?$", done.stdout, re.M)
    assert re.search(r"^\s+-\s+\"overall\": 12\.5,?$", done.stdout, re.M)
    assert re.search(r"^score stored\s*: \d+\.\d -> 12\.5 \([+-]\d+\.\d\)$", done.stdout, re.M)
    for kind in set(KINDS) - {"TAILORED_CV", "SCORE_AFTER"}:
        assert re.search(rf"^\s+{kind}\s+same$", done.stdout, re.MULTILINE), kind
    assert "summary: 2 of 9 output(s) differ: TAILORED_CV, SCORE_AFTER" in done.stdout
    assert evidence_counts(db) == counts
    # And --json gives the same comparison to a program
    as_json = json.loads(replay_on(pooled_db, tmp_path)(str(run_id), "--json").stdout)
    assert as_json["changed"] == ["TAILORED_CV", "SCORE_AFTER"]
    assert as_json["scores"]["stored"]["after"] == 12.5
    assert as_json["scores"]["replayed"]["after"] != 12.5


def test_a_run_whose_cv_cannot_be_parsed_reports_the_failing_step(
    db: Conn, seed_run: Any, pooled_db: str, tmp_path: Path
) -> None:
    run_id = seed_run(cv_text="")
    done = replay_on(pooled_db, tmp_path)(str(run_id))
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\s+cv_parser\s+failed\s+[\d,]+ ms\s+UnparseableCV: ", done.stdout, re.MULTILINE)
    assert re.search(r"^\s+comparative_scorer\s+skipped", done.stdout, re.MULTILINE)
    assert "summary: none differ" in done.stdout
    assert db.execute("SELECT count(*) FROM public.pipeline_runs").fetchone() == (1,)


def test_an_unknown_run_or_a_malformed_id_exits_2(pooled_db: str, tmp_path: Path) -> None:
    replay = replay_on(pooled_db, tmp_path)
    missing = uuid4()
    unknown = replay(str(missing))
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == f"error: run {missing} does not exist"
    malformed = replay("not-a-run")
    assert malformed.returncode == 2
    assert "is not a run id" in malformed.stderr


@pytest.mark.skipif(not _registered(), reason="local/cli.py does not register `replay` yet")
def test_the_command_is_listed_in_cvpath_help(fresh_db_url: str, tmp_path: Path) -> None:
    shown = cli_on(fresh_db_url, tmp_path)("--help")
    assert "replay" in shown.stdout
