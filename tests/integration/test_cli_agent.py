"""`cvpath agent ...` as a person runs it: a real process, a real database, the bundled events."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest

from local.sample_run import SAMPLE_RUN_ID

CVPATH = str(Path(sys.executable).with_name("cvpath"))
ROOT = Path(__file__).resolve().parents[2]
EVENTS = ROOT / "events"
AGENTS = ["cv_parser", "cv_validator", "job_parser", "job_analyzer", "cv_tailor", "comparative_scorer"]
PLATFORM_KEYS = ("OPENAI_API_KEY", "ANTHROPIC_API_KEY", "GEMINI_API_KEY", "OPENROUTER_API_KEY")


def run_cli(*args: str, database_url: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key not in PLATFORM_KEYS}
    env["DATABASE_URL"] = database_url
    return subprocess.run(
        [CVPATH, *args], env=env, cwd=ROOT, capture_output=True, text=True, timeout=120, check=False
    )


def test_the_bundled_events_name_the_sample_run() -> None:
    assert set(AGENTS) <= {path.stem for path in EVENTS.glob("*.json")}
    for agent in AGENTS:
        assert json.loads((EVENTS / f"{agent}.json").read_text()) == {"run_id": str(SAMPLE_RUN_ID)}


def test_the_six_agents_run_in_order_on_the_sample_run(empty_db_url: str) -> None:
    # Given an empty database: the command migrates it and creates the sample run on first use
    results = []
    for agent in AGENTS:
        done = run_cli("agent", "invoke", agent, "--event", f"events/{agent}.json", database_url=empty_db_url)
        assert done.returncode == 0, done.stderr
        results.append(json.loads(done.stdout))
    assert [r["agent"] for r in results] == AGENTS
    assert all(r["status"] == "succeeded" and r["run_id"] == str(SAMPLE_RUN_ID) for r in results)
    with psycopg.connect(empty_db_url) as conn:
        kinds = conn.execute(
            "SELECT kind FROM public.tailor_data WHERE run_id = %s ORDER BY kind", [SAMPLE_RUN_ID]
        ).fetchall()
    assert len(kinds) == 9
    # When a step is invoked again, it is reused, not redone
    again = run_cli(
        "agent", "invoke", "cv_tailor", "--event", "events/cv_tailor.json", database_url=empty_db_url
    )
    assert again.returncode == 0, again.stderr
    assert json.loads(again.stdout)["status"] == "reused"
    assert json.loads(again.stdout)["output_id"] == results[4]["output_id"]


def test_a_step_out_of_order_fails_with_one_clear_line(fresh_db_url: str) -> None:
    done = run_cli(
        "agent", "invoke", "cv_tailor", "--event", "events/cv_tailor.json", database_url=fresh_db_url
    )
    assert done.returncode == 1
    assert done.stdout == ""
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("error: AgentInputMissing")
    assert "run cv_validator first" in last
    assert "Traceback" not in done.stderr


def test_an_unknown_agent_lists_the_agents(fresh_db_url: str) -> None:
    done = run_cli(
        "agent", "invoke", "cv_writer", "--event", "events/cv_parser.json", database_url=fresh_db_url
    )
    assert done.returncode == 1
    assert "unknown agent 'cv_writer'" in done.stderr
    assert all(agent in done.stderr for agent in AGENTS)


def test_a_missing_event_file_is_named(fresh_db_url: str, tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    done = run_cli("agent", "invoke", "cv_parser", "--event", str(missing), database_url=fresh_db_url)
    assert done.returncode == 1
    assert done.stderr.strip() == f"error: event file {missing} does not exist"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('{"run_id": ', "is not valid JSON"),
        ('["run_id"]', "must hold a JSON object"),
        ('{"run_id": "x"}', "invalid agent event: run_id"),
        ("{}", "invalid agent event: run_id"),
    ],
)
def test_a_malformed_event_is_one_clear_line(
    fresh_db_url: str, tmp_path: Path, content: str, expected: str
) -> None:
    event = tmp_path / "event.json"
    event.write_text(content)
    done = run_cli("agent", "invoke", "cv_parser", "--event", str(event), database_url=fresh_db_url)
    assert done.returncode == 1
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1
    assert expected in done.stderr


def test_an_unknown_run_is_reported(fresh_db_url: str, tmp_path: Path) -> None:
    event = tmp_path / "event.json"
    event.write_text(json.dumps({"run_id": "00000000-0000-4000-8000-000000000000"}))
    done = run_cli("agent", "invoke", "job_parser", "--event", str(event), database_url=fresh_db_url)
    assert done.returncode == 1
    assert "error: RunNotFound (run_not_found): run 00000000-0000-4000-8000-000000000000 does not exist" in (
        done.stderr
    )


def test_list_and_help() -> None:
    listed = subprocess.run(
        [CVPATH, "agent", "list"], capture_output=True, text=True, timeout=30, check=False
    )
    assert listed.returncode == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == AGENTS
    for args in (["agent", "--help"], ["agent", "invoke", "--help"], ["agent", "list", "--help"]):
        shown = subprocess.run([CVPATH, *args], capture_output=True, text=True, timeout=30, check=False)
        assert shown.returncode == 0, args
        assert "Usage:" in shown.stdout
