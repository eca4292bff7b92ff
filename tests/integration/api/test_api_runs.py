"""Runs through the app in process: ownership (404, never 403), unfinished runs, missing artifacts, no engine.

The full run (a real execution of the state machine) is in test_api_flow.py; here
runs are rows seeded in a given state, so each rule is checked on its own.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from api_world import api_client, bearer, error_of, new_guest  # noqa: F401 - api_client registers the fixture
from fastapi.testclient import TestClient

from cvpath.config import get_settings
from cvpath.db.runs import Owner, insert_import, insert_job_text, insert_run

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_CV = ROOT / "examples" / "cv.json"
SAMPLE_JOB = ROOT / "examples" / "sample_job.txt"


def _seed_run(db: psycopg.Connection[Any], guest_id: UUID, *, status: str = "SUCCEEDED") -> UUID:
    owner = Owner(guest_id=guest_id)
    import_id = insert_import(db, owner, raw_text="Jane Doe\nPlatform engineer")
    job_id = insert_job_text(db, owner, "Platform engineer wanted: Kubernetes, Go, on call.")
    run_id = insert_run(
        db, owner, import_data_id=import_id, job_data_id=job_id, options={"cover_letter": "none"}
    )
    if status != "QUEUED":
        db.execute(
            """UPDATE public.pipeline_runs SET status = %s::public.run_status, started_at = now(),
                   finished_at = CASE WHEN %s IN ('RUNNING') THEN NULL ELSE now() END,
                   states = '[{"name": "Admit", "status": "SUCCEEDED", "duration_ms": 12, "attempts": 1}]'
               WHERE id = %s""",
            [status, status, run_id],
        )
    return run_id


def _seed_application(db: psycopg.Connection[Any], guest_id: UUID) -> UUID:
    row = db.execute(
        "INSERT INTO public.job_applications (guest_id) VALUES (%s) RETURNING id", [guest_id]
    ).fetchone()
    assert row is not None
    return UUID(str(row[0]))


def test_a_finished_run_is_read_from_postgres_by_its_owner(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    guest_id, token = new_guest(api)
    run_id = _seed_run(db, guest_id)
    answer = api.get(f"/api/runs/{run_id}", headers=bearer(token))
    assert answer.status_code == 200, answer.text
    view = answer.json()
    assert view["status"] == "SUCCEEDED"
    assert view["states"] == [{"name": "Admit", "status": "SUCCEEDED", "duration_ms": 12, "attempts": 1}]
    assert view["artifacts"] == ["pdf", "report"]
    assert view["progress"]["percent"] == 100
    assert view["costs"]["total"] == "0.000000"
    assert view["score_before"] is None


def test_someone_elses_run_is_404_exactly_like_an_unknown_one(
    api: TestClient, db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    alice_id, alice = new_guest(api)
    _, bob = new_guest(api)
    run_id = _seed_run(db, alice_id)
    unknown = uuid4()
    for path in ("", "/events", "/artifacts/pdf", "/artifacts/report"):
        theirs = api.get(f"/api/runs/{run_id}{path}", headers=bearer(bob))
        nobodys = api.get(f"/api/runs/{unknown}{path}", headers=bearer(bob))
        assert theirs.status_code == nobodys.status_code == 404, path
        mine, none = error_of(theirs, 404), error_of(nobodys, 404)
        assert mine["code"] == none["code"] == "not_found"
        assert mine["message"].replace(str(run_id), "ID") == none["message"].replace(str(unknown), "ID")
    for path in ("", "/events"):
        assert api.get(f"/api/runs/{run_id}{path}", headers=bearer(alice)).status_code == 200, path
    # Starting a run on someone else's application: the same 404 as an unknown one.
    monkeypatch.setenv(
        "TAILORING_STATE_MACHINE_ARN", "arn:aws:states:us-east-1:123456789012:stateMachine:none"
    )
    get_settings.cache_clear()
    started = api.post(
        f"/api/applications/{_seed_application(db, alice_id)}/runs", headers=bearer(bob), json={}
    )
    assert error_of(started, 404)["code"] == "not_found"


def test_files_of_an_unfinished_run_are_409_and_absent_kinds_404(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    guest_id, token = new_guest(api)
    running = _seed_run(db, guest_id, status="RUNNING")
    answer = api.get(f"/api/runs/{running}/artifacts/pdf", headers=bearer(token))
    assert error_of(answer, 409)["code"] == "run_not_finished"
    finished = _seed_run(db, guest_id)
    missing = api.get(f"/api/runs/{finished}/artifacts/cover_letter", headers=bearer(token))
    error = error_of(missing, 404)
    assert error["details"]["available"] == ["pdf", "report"]


def test_events_of_a_finished_run_end_with_done(api: TestClient, db: psycopg.Connection[Any]) -> None:
    guest_id, token = new_guest(api)
    run_id = _seed_run(db, guest_id)
    answer = api.get(f"/api/runs/{run_id}/events", headers=bearer(token))
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/event-stream")
    text = answer.text
    assert text.startswith("retry: 2000\n\n")
    assert "event: progress\nid: 1\n" in text
    assert text.rstrip().endswith('data: {"status": "SUCCEEDED"}')
    # A client that has seen everything gets only the end.
    resumed = api.get(f"/api/runs/{run_id}/events", headers={**bearer(token), "Last-Event-ID": "1"})
    assert "event: progress" in resumed.text  # a finished run always repeats its final snapshot
    assert "event: done" in resumed.text


def test_no_token_and_bad_ids_and_bad_bodies(api: TestClient) -> None:
    _, token = new_guest(api)
    assert error_of(api.get(f"/api/runs/{uuid4()}"), 401)["code"] == "not_authenticated"
    assert api.get("/api/runs/not-a-uuid", headers=bearer(token)).status_code == 422
    assert api.get(f"/api/runs/{uuid4()}/artifacts/exe", headers=bearer(token)).status_code == 422
    for body in ({"engine": "v9"}, {"cover_letter": "rtf"}, {"unknown": True}, {"cv_docx": "maybe"}):
        answer = api.post(f"/api/applications/{uuid4()}/runs", headers=bearer(token), json=body)
        assert error_of(answer, 422)["code"] == "validation_failed", body


def test_no_state_machine_configured_is_503_and_writes_nothing(
    api: TestClient, db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("TAILORING_STATE_MACHINE_ARN", raising=False)
    get_settings.cache_clear()
    _, token = new_guest(api)
    cv = api.post("/api/cvs", headers=bearer(token), json={"json_resume": json.loads(SAMPLE_CV.read_text())})
    assert cv.status_code == 201, cv.text
    job = {"cv_id": cv.json()["id"], "job_description": SAMPLE_JOB.read_text()}
    application = api.post("/api/applications", headers=bearer(token), json=job)
    assert application.status_code == 201, application.text
    counts = "SELECT (SELECT count(*) FROM public.pipeline_runs), (SELECT count(*) FROM public.import_data)"
    before = db.execute(counts).fetchone()
    answer = api.post(f"/api/applications/{application.json()['id']}/runs", headers=bearer(token), json={})
    assert error_of(answer, 503)["code"] == "run_start_failed"
    assert db.execute(counts).fetchone() == before
