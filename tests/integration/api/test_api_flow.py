"""The whole public flow through ``cvpath serve``: guest -> CV -> application -> run -> files -> account.

Everything goes over HTTP to the local gateway, which invokes the public API's
Lambda handler; the run is a real execution of the template's state machine in
moto, whose tasks run the pipeline's handlers against the test database.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest
from api_world import SECRET, bearer
from serve_thread import serving

from cvpath.config import get_settings

ROOT = Path(__file__).resolve().parents[3]
SAMPLE_CV = ROOT / "examples" / "sample_cv.pdf"
SAMPLE_JOB = ROOT / "examples" / "sample_job.txt"
# Every table a guest's work lands in; all of it must belong to the user after registration.
OWNED_TABLES = (
    "master_cvs",
    "job_applications",
    "job_data",
    "import_data",
    "pipeline_runs",
    "tailor_data",
)


def _poll_run(client: httpx.Client, run_id: str, token: str, timeout_s: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while True:
        answer = client.get(f"/api/runs/{run_id}", headers=bearer(token))
        assert answer.status_code == 200, answer.text
        view: dict[str, Any] = answer.json()
        if view["status"] not in ("QUEUED", "RUNNING"):
            return view
        assert time.monotonic() < deadline, f"run {run_id} still {view['status']} after {timeout_s} s"
        time.sleep(0.5)


def _owners(db: psycopg.Connection[Any], table: str, ids: dict[str, Any]) -> set[tuple[Any, Any]]:
    user_id, guest_id = ids["user"], ids["guest"]
    rows = db.execute(
        f"SELECT user_id, guest_id FROM public.{table} WHERE user_id = %s OR guest_id = %s",
        [user_id, guest_id],
    ).fetchall()
    return {(row[0], row[1]) for row in rows}


def test_guest_to_account_flow_through_the_gateway(
    pooled_db: str, db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CVPATH_JWT_SECRET", SECRET)
    get_settings.cache_clear()
    with serving() as base, httpx.Client(base_url=base, timeout=60) as client:
        guest = client.post("/api/guest").json()
        guest_token = guest["guest_token"]
        auth = bearer(guest_token)

        cv = client.post(
            "/api/cvs",
            params={"filename": "sample_cv.pdf", "label": "My CV"},
            content=SAMPLE_CV.read_bytes(),
            headers={**auth, "content-type": "application/pdf"},
        )
        assert cv.status_code == 201, cv.text
        cv_id = cv.json()["id"]

        application = client.post(
            "/api/applications",
            json={"cv_id": cv_id, "job_description": SAMPLE_JOB.read_text(encoding="utf-8")},
            headers=auth,
        )
        assert application.status_code == 201, application.text
        application_id = application.json()["id"]

        started = client.post(
            f"/api/applications/{application_id}/runs",
            json={"cover_letter": "pdf", "cv_docx": True},
            headers=auth,
        )
        assert started.status_code == 202, started.text
        run_id = started.json()["run_id"]

        view = _poll_run(client, run_id, guest_token)
        assert view["status"] == "SUCCEEDED", view["error"]
        assert view["application_id"] == application_id
        assert view["score_before"] is not None
        assert view["score_after"] is not None
        assert view["guard_report"] is not None
        assert view["progress"]["percent"] == 100
        names = {state["name"] for state in view["states"]}
        assert {"Admit", "CvParser", "JobParser", "Analyze", "Tailor", "Score", "Render", "Settle"} <= names
        assert "ExtractText" not in names  # the snapshot holds the structured CV already
        assert all(state["duration_ms"] is not None for state in view["states"])
        assert set(view["artifacts"]) == {"pdf", "docx", "cover_letter", "report"}

        events = client.get(f"/api/runs/{run_id}/events", headers=auth)
        assert events.status_code == 200
        assert events.headers["content-type"].startswith("text/event-stream")
        assert "event: progress" in events.text
        assert 'event: done\nid: 9\ndata: {"status": "SUCCEEDED"}' in events.text

        pdf = client.get(f"/api/runs/{run_id}/artifacts/pdf", params={"delivery": "bytes"}, headers=auth)
        assert pdf.status_code == 200
        assert pdf.headers["content-type"] == "application/pdf"
        assert pdf.content.startswith(b"%PDF")
        link = client.get(f"/api/runs/{run_id}/artifacts/pdf", headers=auth)
        assert link.status_code == 200, link.text
        presigned = httpx.get(link.json()["url"], timeout=30)
        assert presigned.status_code == 200
        assert presigned.content == pdf.content
        docx = client.get(f"/api/runs/{run_id}/artifacts/docx", params={"delivery": "bytes"}, headers=auth)
        assert docx.content.startswith(b"PK")
        letter = client.get(
            f"/api/runs/{run_id}/artifacts/cover_letter", params={"delivery": "bytes"}, headers=auth
        )
        assert letter.content.startswith(b"%PDF")
        report = client.get(
            f"/api/runs/{run_id}/artifacts/report", params={"delivery": "bytes"}, headers=auth
        )
        assert report.json()["run_id"] == run_id
        assert report.json()["status"] == "SUCCEEDED"

        registered = client.post(
            "/api/auth/register",
            json={"email": "flow@example.com", "password": "Correct-Horse-Battery-9"},
            headers=auth,
        )
        assert registered.status_code == 201, registered.text
        user_token = registered.json()["access_token"]
        ids = {"user": registered.json()["user_id"], "guest": guest["guest_id"]}

        for table in OWNED_TABLES:
            owners = _owners(db, table, ids)
            assert owners, f"nothing in {table}"
            assert all(str(user) == ids["user"] and guest_id is None for user, guest_id in owners), table

        user = bearer(user_token)
        assert client.get(f"/api/runs/{run_id}", headers=user).json()["status"] == "SUCCEEDED"
        assert client.get(f"/api/cvs/{cv_id}", headers=user).status_code == 200
        for path in (f"/api/runs/{run_id}", f"/api/cvs/{cv_id}", f"/api/applications/{application_id}"):
            stale = client.get(path, headers=auth)
            assert stale.status_code == 401, (path, stale.text)

        funnel = client.get(f"/api/applications/{application_id}", headers=user).json()
        assert all(funnel["funnel"].values()), funnel["funnel"]
        assert funnel["workflow_step"] == "COMPLETED"
        assert funnel["completed_at"] is not None
        assert all(value is not None and value >= 0 for value in funnel["timings_ms"].values())
