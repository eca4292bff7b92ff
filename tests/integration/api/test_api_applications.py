"""/api/applications: creation (JSON or file) behind the job gate, the funnel, abandonment, IDOR, the move."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import psycopg
import pytest
from api_world import api_client, bearer, error_of, new_guest, register  # noqa: F401 - api_client registers the fixture
from fastapi.testclient import TestClient

from cvpath.db import applications
from cvpath.db.runs import Owner, insert_guest, text_hash
from cvpath.errors import Conflict, NotFound

STEPS = ["CV_IMPORT", "JOB_INPUT", "ANALYSIS", "TAILORING", "REVIEW", "EXPORT", "COMPLETED"]
FLAGS = ["import", "job_input", "analysis", "tailoring", "review", "export", "completed"]
RECIPE = (
    "Banana bread recipe. Ingredients: 3 ripe bananas, 2 cups flour, 1 teaspoon salt, 100 g butter, "
    "half a cup of sugar. Preheat the oven to 180 degrees. Whisk the butter and sugar, stir in the bananas, "
    "fold in the flour and bake for 60 minutes. Serves 8."
)
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@pytest.fixture
def job_text(corpus_dir: Path) -> str:
    return (corpus_dir / "jobs" / "rm_backend_developer_python_django.txt").read_text(encoding="utf-8")


def seed_cv(db: psycopg.Connection[Any], guest_id: UUID, versions: int = 1) -> tuple[UUID, UUID]:
    """A master CV of the guest with ``versions`` versions: (its lineage id, its latest version's id)."""
    lineage, latest = uuid4(), None
    for version in range(1, versions + 1):
        row = db.execute(
            """INSERT INTO public.master_cvs
                   (guest_id, lineage_id, version, source_format, content, content_hash)
               VALUES (%s, %s, %s, 'TEXT', '{}', %s) RETURNING id""",
            [guest_id, lineage, version, text_hash(f"cv {lineage} v{version}")],
        ).fetchone()
        assert row is not None
        latest = row[0]
    assert latest is not None
    return lineage, latest


def counts(db: psycopg.Connection[Any]) -> tuple[int, int]:
    row = db.execute(
        "SELECT (SELECT count(*) FROM public.job_applications), (SELECT count(*) FROM public.job_data)"
    ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def create(api: TestClient, token: str, cv_id: UUID, text: str, **fields: Any) -> Any:
    return api.post(
        "/api/applications",
        headers=bearer(token),
        json={"cv_id": str(cv_id), "job_description": text, **fields},
    )


def patch(api: TestClient, token: str, application_id: str, **body: Any) -> Any:
    return api.patch(f"/api/applications/{application_id}", headers=bearer(token), json=body)


@pytest.fixture
def world(api: TestClient, db: psycopg.Connection[Any], job_text: str) -> Iterator[dict[str, Any]]:
    """A guest with a two-version CV and one application on it."""
    guest_id, token = new_guest(api)
    cv_id, version_id = seed_cv(db, guest_id, versions=2)
    created = create(api, token, cv_id, job_text, job_url="https://jobs.example.com/42")
    assert created.status_code == 201, created.text
    return {
        "guest_id": guest_id,
        "token": token,
        "cv_id": cv_id,
        "version_id": version_id,
        "app": created.json(),
    }


def test_a_json_application_starts_at_job_input_on_the_cvs_latest_version(
    world: dict[str, Any], api: TestClient, db: psycopg.Connection[Any], job_text: str
) -> None:
    app = world["app"]
    assert app["cv_id"] == str(world["cv_id"])
    assert app["cv_version_id"] == str(world["version_id"])
    assert app["workflow_step"] == "JOB_INPUT"
    assert app["funnel"] == {name: name in ("import", "job_input") for name in FLAGS}
    assert set(app["step_reached_at"]) == {"CV_IMPORT", "JOB_INPUT"}
    assert app["timings_ms"]["import_to_job"] >= 0
    assert app["timings_ms"]["job_to_tailor"] is None
    assert app["timings_ms"]["tailor_to_complete"] is None
    # Not given: read from the posting by the offline parser.
    assert "Django" in app["job_title"]
    assert app["job_url"] == "https://jobs.example.com/42"
    assert app["completed_at"] is None
    assert app["abandoned_at"] is None
    stored = db.execute(
        "SELECT raw_text, content_hash, source_url, guest_id FROM public.job_data WHERE application_id = %s",
        [app["id"]],
    ).fetchall()
    assert stored == [(job_text, text_hash(job_text), "https://jobs.example.com/42", world["guest_id"])]
    assert api.get(f"/api/applications/{app['id']}", headers=bearer(world["token"])).json() == app
    assert api.get("/api/applications", headers=bearer(world["token"])).json() == [app]


def test_given_title_and_company_are_kept_and_the_list_is_newest_first(
    world: dict[str, Any], api: TestClient, job_text: str
) -> None:
    second = create(api, world["token"], world["cv_id"], job_text, job_title="Backend", company="Acme")
    assert second.status_code == 201, second.text
    assert (second.json()["job_title"], second.json()["company"]) == ("Backend", "Acme")
    listed = api.get("/api/applications", headers=bearer(world["token"])).json()
    assert [item["id"] for item in listed] == [second.json()["id"], world["app"]["id"]]
    assert len(api.get("/api/applications?limit=1", headers=bearer(world["token"])).json()) == 1
    for limit in ("0", "101", "x"):
        assert error_of(api.get(f"/api/applications?limit={limit}", headers=bearer(world["token"])), 422)


def _docx(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("kind", ["text/plain", "text/markdown", DOCX])
def test_the_job_description_may_come_as_a_file(
    kind: str, api: TestClient, db: psycopg.Connection[Any], job_text: str
) -> None:
    guest_id, token = new_guest(api)
    cv_id, _ = seed_cv(db, guest_id)
    body = _docx(job_text) if kind == DOCX else job_text.encode("utf-8")
    answer = api.post(
        "/api/applications",
        params={
            "cv_id": str(cv_id),
            "filename": "job.docx" if kind == DOCX else "job.txt",
            "company": "Acme",
        },
        headers={**bearer(token), "content-type": kind},
        content=body,
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["company"] == "Acme"
    text = db.execute(
        "SELECT raw_text FROM public.job_data WHERE application_id = %s", [answer.json()["id"]]
    ).fetchone()
    assert text is not None
    assert "Develop back-end components" in text[0]


def test_a_text_that_is_not_a_job_is_422_and_writes_nothing(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    guest_id, token = new_guest(api)
    cv_id, _ = seed_cv(db, guest_id)
    refused = error_of(create(api, token, cv_id, RECIPE), 422)
    assert refused["code"] == "not_a_job_description"
    assert refused["details"]["looks_like"] == "recipe"
    as_file = api.post(
        "/api/applications",
        params={"cv_id": str(cv_id)},
        headers={**bearer(token), "content-type": "text/plain"},
        content=RECIPE.encode(),
    )
    assert error_of(as_file, 422)["code"] == "not_a_job_description"
    # Only whitespace passes the length rule but not the gate.
    assert error_of(create(api, token, cv_id, "   \n\t "), 422)["details"]["reason"] == "empty"
    assert counts(db) == (0, 0)


def test_empty_huge_and_malformed_bodies_are_refused(
    api: TestClient, db: psycopg.Connection[Any], job_text: str
) -> None:
    guest_id, token = new_guest(api)
    cv_id, _ = seed_cv(db, guest_id)
    assert error_of(create(api, token, cv_id, ""), 422)["code"] == "validation_failed"
    huge = error_of(create(api, token, cv_id, job_text + "x" * 100_001), 422)
    assert huge["details"]["errors"][0]["rule"] == {"max_length": 100_000}
    headers = {**bearer(token), "content-type": "application/json"}
    for body in (b"{", b"[]", b'{"cv_id": "not-a-uuid", "job_description": "x"}', b""):
        assert error_of(api.post("/api/applications", headers=headers, content=body), 422)["code"] == (
            "validation_failed"
        )
    over = b"a" * (5 * 1024 * 1024 + 1)
    for kind in ("text/plain", "application/json"):
        answer = api.post(
            "/api/applications",
            params={"cv_id": str(cv_id)},
            content=over,
            headers={**bearer(token), "content-type": kind},
        )
        assert error_of(answer, 413)["code"] == "document_too_large"
    # A file without the CV it is for.
    no_cv = api.post(
        "/api/applications", headers={**bearer(token), "content-type": "text/plain"}, content=b"x"
    )
    assert error_of(no_cv, 422)["details"]["errors"][0]["loc"] == ["query", "cv_id"]
    assert counts(db) == (0, 0)


def test_wrong_types_and_hostile_input_are_refused(
    api: TestClient, db: psycopg.Connection[Any], job_text: str
) -> None:
    guest_id, token = new_guest(api)
    cv_id, _ = seed_cv(db, guest_id)
    for kind in ("image/png", "application/x-www-form-urlencoded", ""):
        answer = api.post(
            "/api/applications", headers={**bearer(token), "content-type": kind}, content=b"abc"
        )
        assert error_of(answer, 415)["code"] == "unsupported_media_type"
    # Text claimed to be a PDF: the bytes decide, and they do not match the claim.
    lying = api.post(
        "/api/applications",
        params={"cv_id": str(cv_id)},
        headers={**bearer(token), "content-type": "application/pdf"},
        content=job_text.encode(),
    )
    assert error_of(lying, 415)["code"] == "document_type_mismatch"
    traversal = api.post(
        "/api/applications",
        params={"cv_id": str(cv_id), "filename": "../../etc/passwd"},
        headers={**bearer(token), "content-type": "text/plain"},
        content=job_text.encode(),
    )
    assert error_of(traversal, 422)["details"]["errors"][0]["loc"] == ["query", "filename"]
    hostile: list[dict[str, Any]] = [
        {"job_title": "a\x00b"},
        {"job_url": "javascript:alert(1)"},
        {"job_url": "http://[broken"},
        {"job_url": "https://example.com/" + "a" * 2048},
        {"company": "c" * 301},
        {"owner": "someone-else"},
    ]
    for fields in hostile:
        assert error_of(create(api, token, cv_id, job_text, **fields), 422)["code"] == "validation_failed", (
            fields
        )
    assert error_of(create(api, token, cv_id, job_text + "\x00"), 422)["code"] == "validation_failed"
    surrogate = f'{{"cv_id": "{cv_id}", "job_description": "Engineer \\ud800 wanted"}}'.encode()
    answer = api.post(
        "/api/applications", headers={**bearer(token), "content-type": "application/json"}, content=surrogate
    )
    assert error_of(answer, 422)["code"] == "validation_failed"
    # With JSON, the fields belong in the body, not the query.
    mixed = api.post(
        "/api/applications",
        params={"job_title": "x"},
        headers=bearer(token),
        json={"cv_id": str(cv_id), "job_description": job_text},
    )
    assert error_of(mixed, 422)["details"]["errors"][0]["loc"] == ["query"]
    assert counts(db) == (0, 0)


def test_someone_elses_cv_is_404_like_an_unknown_one_and_writes_nothing(
    api: TestClient, db: psycopg.Connection[Any], job_text: str
) -> None:
    alice_id, _ = new_guest(api)
    alice_cv, _ = seed_cv(db, alice_id)
    _, bob = new_guest(api)
    unknown = uuid4()
    theirs = error_of(create(api, bob, alice_cv, job_text), 404)
    missing = error_of(create(api, bob, unknown, job_text), 404)
    assert theirs["message"].replace(str(alice_cv), "?") == missing["message"].replace(str(unknown), "?")
    assert theirs["code"] == missing["code"] == "not_found"
    assert set(theirs["details"]) == set(missing["details"])
    assert counts(db) == (0, 0)


def test_another_callers_application_is_404_like_an_unknown_one(
    world: dict[str, Any], api: TestClient
) -> None:
    _, bob = new_guest(api)
    theirs, unknown = world["app"]["id"], str(uuid4())

    def same(answer: Any, other: Any) -> None:
        mine, their = error_of(answer, 404), error_of(other, 404)
        assert mine["message"].replace(theirs, "?") == their["message"].replace(unknown, "?")

    same(
        api.get(f"/api/applications/{theirs}", headers=bearer(bob)),
        api.get(f"/api/applications/{unknown}", headers=bearer(bob)),
    )
    same(
        patch(api, bob, theirs, workflow_step="COMPLETED"),
        patch(api, bob, unknown, workflow_step="COMPLETED"),
    )
    same(patch(api, bob, theirs, job_title="mine now"), patch(api, bob, unknown, job_title="mine now"))
    same(patch(api, bob, theirs, abandoned=True), patch(api, bob, unknown, abandoned=True))
    assert api.get("/api/applications", headers=bearer(bob)).json() == []
    again = api.get(f"/api/applications/{theirs}", headers=bearer(world["token"])).json()
    assert again == world["app"]


def test_every_route_needs_a_caller(api: TestClient) -> None:
    some = uuid4()
    answers = [
        api.post("/api/applications", json={"cv_id": str(some), "job_description": "x"}),
        api.get("/api/applications"),
        api.get(f"/api/applications/{some}"),
        api.patch(f"/api/applications/{some}", json={"workflow_step": "REVIEW"}),
    ]
    for answer in answers:
        assert error_of(answer, 401)["code"] == "not_authenticated"


def test_the_funnel_keeps_its_flags_and_timings_when_going_back(
    world: dict[str, Any], api: TestClient
) -> None:
    token, app_id = world["token"], world["app"]["id"]
    skipped = patch(api, token, app_id, workflow_step="TAILORING").json()
    assert skipped["funnel"]["analysis"] is True
    assert skipped["funnel"]["review"] is False
    assert skipped["timings_ms"]["job_to_tailor"] >= 0
    done = patch(api, token, app_id, workflow_step="COMPLETED").json()
    assert done["workflow_step"] == "COMPLETED"
    assert done["funnel"] == dict.fromkeys(FLAGS, True)
    assert all(value is not None and value >= 0 for value in done["timings_ms"].values())
    assert set(done["step_reached_at"]) == set(STEPS)
    assert done["completed_at"] is not None
    back = patch(api, token, app_id, workflow_step="REVIEW").json()
    assert back["workflow_step"] == "REVIEW"
    for kept in ("funnel", "timings_ms", "step_reached_at", "completed_at"):
        assert back[kept] == done[kept], kept
    # The same step again changes nothing, not even updated_at.
    assert patch(api, token, app_id, workflow_step="REVIEW").json() == back
    assert error_of(patch(api, token, app_id, workflow_step="DONE"), 422)["code"] == "validation_failed"


def test_concurrent_patches_lose_no_flag(world: dict[str, Any], api: TestClient) -> None:
    token, app_id = world["token"], world["app"]["id"]
    steps = ["ANALYSIS", "TAILORING", "REVIEW", "EXPORT", "COMPLETED", "TAILORING", "ANALYSIS", "EXPORT"]
    barrier = threading.Barrier(len(steps))
    statuses: list[int] = []

    def advance(step: str) -> None:
        barrier.wait()
        statuses.append(patch(api, token, app_id, workflow_step=step).status_code)

    threads = [threading.Thread(target=advance, args=(step,)) for step in steps]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [200] * len(steps)
    final = api.get(f"/api/applications/{app_id}", headers=bearer(token)).json()
    assert final["funnel"] == dict.fromkeys(FLAGS, True)
    assert set(final["step_reached_at"]) == set(STEPS)
    assert all(value is not None for value in final["timings_ms"].values())


def test_abandonment_rules(world: dict[str, Any], api: TestClient) -> None:
    token, app_id = world["token"], world["app"]["id"]
    left = patch(
        api, token, app_id, workflow_step="ANALYSIS", abandoned=True, abandonment_reason="too senior"
    )
    assert left.status_code == 200, left.text
    assert (left.json()["workflow_step"], left.json()["abandonment_reason"]) == ("ANALYSIS", "too senior")
    assert left.json()["abandoned_at"] is not None
    # Abandoning again keeps the first time and, given none, the reason.
    assert patch(api, token, app_id, abandoned=True).json()["abandoned_at"] == left.json()["abandoned_at"]
    assert patch(api, token, app_id, abandoned=True).json()["abandonment_reason"] == "too senior"
    reopened = patch(api, token, app_id, abandoned=False).json()
    assert (reopened["abandoned_at"], reopened["abandonment_reason"]) == (None, None)
    # Moving again reopens too, up to completion.
    assert patch(api, token, app_id, abandonment_reason="salary").json()["abandonment_reason"] == "salary"
    completed = patch(api, token, app_id, workflow_step="COMPLETED").json()
    assert completed["abandoned_at"] is None
    assert completed["completed_at"] is not None
    refused = error_of(patch(api, token, app_id, abandoned=True, job_title="changed"), 409)
    assert refused["code"] == "conflict"
    # All or nothing: the title in the refused PATCH was not saved.
    assert api.get(f"/api/applications/{app_id}", headers=bearer(token)).json() == completed
    assert error_of(patch(api, token, app_id, abandoned=False, abandonment_reason="x"), 422)
    assert error_of(patch(api, token, app_id, abandonment_reason="r" * 501), 422)
    assert error_of(patch(api, token, app_id, abandoned=1), 422)


def test_patch_corrects_the_details_and_null_clears_one(world: dict[str, Any], api: TestClient) -> None:
    token, app_id = world["token"], world["app"]["id"]
    changed = patch(api, token, app_id, job_title="Django developer", company=None).json()
    assert (changed["job_title"], changed["company"]) == ("Django developer", None)
    assert changed["job_url"] == "https://jobs.example.com/42"
    assert patch(api, token, app_id).json()["job_title"] == "Django developer"
    assert error_of(patch(api, token, app_id, job_url="ftp://example.com"), 422)
    assert error_of(patch(api, token, app_id, step="REVIEW"), 422)


def test_the_guests_applications_move_to_the_account_at_registration(
    world: dict[str, Any], api: TestClient, db: psycopg.Connection[Any]
) -> None:
    account = register(api, "applicant@example.com", world["token"])
    assert account.status_code == 201, account.text
    access = account.json()["access_token"]
    mine = api.get("/api/applications", headers=bearer(access)).json()
    assert [item["id"] for item in mine] == [world["app"]["id"]]
    assert mine[0]["cv_id"] == str(world["cv_id"])
    moved = patch(api, access, world["app"]["id"], workflow_step="REVIEW")
    assert moved.status_code == 200, moved.text
    owners = db.execute(
        """SELECT (SELECT array_agg(guest_id IS NULL AND user_id IS NOT NULL) FROM public.job_applications),
                  (SELECT array_agg(guest_id IS NULL AND user_id IS NOT NULL) FROM public.job_data)"""
    ).fetchone()
    assert owners == ([True], [True])
    assert api.get("/api/applications", headers=bearer(world["token"])).status_code == 401


# --- the repository, as the runs code calls it -------------------------------------


@pytest.fixture
def owner_and_cv(db: psycopg.Connection[Any]) -> tuple[Owner, UUID]:
    guest_id = insert_guest(db)
    cv_id, _ = seed_cv(db, guest_id)
    return Owner(guest_id=guest_id), cv_id


def test_advance_step_times_each_step_from_the_given_moment(
    db: psycopg.Connection[Any], owner_and_cv: tuple[Owner, UUID], job_text: str
) -> None:
    owner, cv_id = owner_and_cv
    created = applications.create_application(db, owner, cv_id=cv_id, job_text=job_text)
    start = created.step_reached_at["JOB_INPUT"]
    tailoring = applications.advance_step(
        db, owner, created.id, "TAILORING", at=start + timedelta(seconds=1.5)
    )
    assert tailoring.timings["job_to_tailor"] == 1500
    assert tailoring.step_reached_at["ANALYSIS"] == start + timedelta(seconds=1.5)
    again = applications.advance_step(db, owner, created.id, "TAILORING", at=start + timedelta(hours=1))
    assert again == tailoring
    done = applications.advance_step(db, owner, created.id, "COMPLETED", at=start + timedelta(seconds=4))
    assert done.timings == {
        "import_to_job": created.timings["import_to_job"],
        "job_to_tailor": 1500,
        "tailor_to_complete": 2500,
    }
    assert done.completed_at == start + timedelta(seconds=4)
    job_data_id, text = applications.job_text_of(db, owner, created.id)
    assert (job_data_id, text) == (created.job_data_id, job_text)
    stranger = Owner(guest_id=insert_guest(db))
    for call in (
        lambda: applications.job_text_of(db, stranger, created.id),
        lambda: applications.advance_step(db, stranger, created.id, "REVIEW"),
        lambda: applications.abandon(db, stranger, created.id, "x"),
    ):
        with pytest.raises(NotFound, match=f"no application {created.id}"):
            call()
    with pytest.raises(Conflict):
        applications.abandon(db, owner, created.id, "too late")
    with pytest.raises(ValueError, match="not a workflow step"):
        applications.advance_step(db, owner, created.id, "DONE")


def test_a_racing_advance_waits_for_the_lock_and_keeps_the_first_ones_work(
    db: psycopg.Connection[Any], pooled_db: str, owner_and_cv: tuple[Owner, UUID], job_text: str
) -> None:
    owner, cv_id = owner_and_cv
    created = applications.create_application(db, owner, cv_id=cv_id, job_text=job_text)
    start = created.step_reached_at["JOB_INPUT"]
    result: list[applications.Application] = []
    with psycopg.connect(pooled_db, autocommit=True) as other:
        with db.transaction():
            applications.advance_step(db, owner, created.id, "TAILORING", at=start + timedelta(seconds=2))
            racer = threading.Thread(
                target=lambda: result.append(
                    applications.advance_step(
                        other, owner, created.id, "COMPLETED", at=start + timedelta(seconds=5)
                    )
                )
            )
            racer.start()
            racer.join(timeout=1)
            assert racer.is_alive(), "the second advance should wait for the first one's lock"
        racer.join(timeout=10)
    assert not racer.is_alive()
    final = result[0]
    assert final.flags == dict.fromkeys(FLAGS, True)
    assert final.step_reached_at["TAILORING"] == start + timedelta(seconds=2)
    assert (final.timings["job_to_tailor"], final.timings["tailor_to_complete"]) == (2000, 3000)
