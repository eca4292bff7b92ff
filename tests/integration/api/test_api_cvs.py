"""/api/cvs: master CVs from files and JSON, versions and their growth, dedup, refusals, ownership."""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import UUID, uuid4

import boto3
import psycopg
import pytest
from api_world import api_client, bearer, error_of, new_guest, register  # noqa: F401 - api_client: the fixture
from fastapi.testclient import TestClient
from moto import mock_aws

from cvpath.config import get_settings
from cvpath.db.runs import content_digest
from cvpath.models import cv_from_json_resume
from cvpath_api import aws
from cvpath_api.app import app
from cvpath_api.uploads import DOCX, MARKDOWN, PDF, TEXT

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
SAMPLE_PDF = (EXAMPLES / "sample_cv.pdf").read_bytes()
SAMPLE_TEXT = (EXAMPLES / "sample_cv.txt").read_text(encoding="utf-8")
JSON_RESUME: dict[str, Any] = json.loads((EXAMPLES / "cv.json").read_text(encoding="utf-8"))
BUCKET = "cvpath-artifacts-cvs-test"
REGION = "eu-west-1"


@pytest.fixture
def s3(monkeypatch: pytest.MonkeyPatch, pooled_db: str) -> Iterator[Any]:
    """moto S3 with the artifacts bucket, reached by the route's own (fresh) client."""
    for name, value in {
        "AWS_DEFAULT_REGION": REGION,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "ARTIFACTS_BUCKET": BUCKET,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    get_settings.cache_clear()
    aws.reset_clients()
    with mock_aws():
        client = boto3.client("s3", region_name=REGION)
        client.create_bucket(Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": REGION})
        yield client
    aws.reset_clients()
    get_settings.cache_clear()


def upload(
    api: TestClient, token: str, data: bytes, media_type: str, path: str = "/api/cvs", **query: str
) -> Any:
    return api.post(path, content=data, params=query, headers={**bearer(token), "content-type": media_type})


def docx_of(text: str) -> bytes:
    from docx import Document

    document = Document()
    for line in text.splitlines():
        document.add_paragraph(line)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def blank_pdf() -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def objects(s3: Any) -> list[str]:
    return [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET).get("Contents", [])]


def rows(db: psycopg.Connection[Any]) -> int:
    row = db.execute("SELECT count(*) FROM public.master_cvs").fetchone()
    assert row is not None
    return int(row[0])


def with_skill(document: dict[str, Any], skill: str) -> dict[str, Any]:
    changed: dict[str, Any] = json.loads(json.dumps(document))
    changed["skills"] = [*changed.get("skills", []), {"name": skill, "keywords": [skill]}]
    return changed


# --- the body forms ------------------------------------------------------------------


def test_a_pdf_upload_is_parsed_stored_in_s3_and_read_back(
    api: TestClient, s3: Any, db: psycopg.Connection[Any]
) -> None:
    guest_id, token = new_guest(api)
    answer = upload(api, token, SAMPLE_PDF, PDF, filename="Maya CV.pdf", label="Backend roles")
    assert answer.status_code == 201, answer.text
    cv = answer.json()
    assert (cv["version"], cv["versions"], cv["source_format"], cv["label"]) == (1, 1, "PDF", "Backend roles")
    assert cv["deduplicated"] is False
    assert cv["content"]["basics"]["name"] == "Maya Lindqvist"
    assert cv["content_hash"] == content_digest(cv["content"])
    assert cv["source_file"] == {
        "file_name": "Maya CV.pdf",
        "size_bytes": len(SAMPLE_PDF),
        "content_type": PDF,
    }
    [entry] = cv["growth_history"]
    assert entry["version"] == 1
    assert entry["summary"].startswith("first version: ")
    assert "Senior Software Engineer, Harbourline Logistics" in entry["added"]["work"]
    assert entry["removed"] == {"skills": [], "work": [], "education": [], "certificates": []}
    key = f"cvs/guest/{guest_id}/{cv['version_id']}/Maya_CV.pdf"
    assert objects(s3) == [key]
    assert s3.get_object(Bucket=BUCKET, Key=key)["Body"].read() == SAMPLE_PDF
    stored = db.execute(
        "SELECT raw_text, source_file, guest_id FROM public.master_cvs WHERE id = %s", [cv["version_id"]]
    ).fetchone()
    assert stored is not None
    assert "Harbourline Logistics" in stored[0]
    assert stored[1]["s3"] == {"bucket": BUCKET, "key": key}
    assert stored[2] == guest_id
    again = api.get(f"/api/cvs/{cv['id']}", headers=bearer(token))
    assert again.status_code == 200
    assert again.json() == cv
    assert "raw_text" not in again.json()


@pytest.mark.parametrize(
    ("media_type", "data", "source_format"),
    [
        (DOCX, docx_of(SAMPLE_TEXT), "DOCX"),
        (TEXT, SAMPLE_TEXT.encode(), "TEXT"),
        (MARKDOWN, ("# Maya Lindqvist\n\n" + SAMPLE_TEXT.split("\n", 1)[1]).encode(), "TEXT"),
    ],
    ids=["docx", "text", "markdown"],
)
def test_docx_text_and_markdown_uploads_make_a_cv(
    api: TestClient, s3: Any, media_type: str, data: bytes, source_format: str
) -> None:
    _, token = new_guest(api)
    answer = upload(api, token, data, media_type)
    assert answer.status_code == 201, answer.text
    cv = answer.json()
    assert cv["source_format"] == source_format
    assert cv["content"]["basics"]["name"] == "Maya Lindqvist"
    assert cv["content"]["work"], "the jobs were parsed"
    # Without a file name the object still has a readable one.
    assert objects(s3)[0].rsplit("/", 1)[1] in {"cv.docx", "cv.txt", "cv.md"}


@pytest.mark.parametrize("name", ["jakes_resume", "rendercv_classic"])
def test_real_corpus_pdfs_parse_to_the_labelled_name(
    api: TestClient, s3: Any, corpus_dir: Path, name: str
) -> None:
    label = json.loads((corpus_dir / "labels" / f"{name}.json").read_text(encoding="utf-8"))
    _, token = new_guest(api)
    answer = upload(
        api, token, (corpus_dir / "cvs" / f"{name}.pdf").read_bytes(), PDF, filename=f"{name}.pdf"
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["content"]["basics"]["name"] == label["name"]


def test_json_resume_and_canonical_cv_forms_of_one_cv_are_one_cv(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    _, token = new_guest(api)
    first = api.post(
        "/api/cvs", headers=bearer(token), json={"label": "Data platform", "json_resume": JSON_RESUME}
    )
    assert first.status_code == 201, first.text
    cv = first.json()
    assert (cv["source_format"], cv["label"], cv["source_file"]) == ("JSON_RESUME", "Data platform", None)
    canonical = cv_from_json_resume(JSON_RESUME).model_dump(mode="json")
    assert cv["content"] == canonical
    # The same CV in canonical form, as the builder sends it: the content is already saved.
    same = api.post("/api/cvs", headers=bearer(token), json={"cv": canonical})
    assert same.status_code == 200, same.text
    assert same.json()["deduplicated"] is True
    assert (same.json()["id"], same.json()["version_id"]) == (cv["id"], cv["version_id"])
    assert rows(db) == 1
    raw = db.execute("SELECT raw_text FROM public.master_cvs").fetchone()
    assert raw == (None,)
    # A changed canonical CV is a new CV with source format BUILDER.
    builder = api.post(
        "/api/cvs",
        headers=bearer(token),
        json={"cv": cv_from_json_resume(with_skill(JSON_RESUME, "Rust")).model_dump(mode="json")},
    )
    assert builder.status_code == 201, builder.text
    assert builder.json()["source_format"] == "BUILDER"
    listed = api.get("/api/cvs", headers=bearer(token)).json()["items"]
    assert [item["id"] for item in listed] == [builder.json()["id"], cv["id"]]
    assert listed[1]["name"] == "Helena Marsh"


def test_the_same_upload_twice_is_one_row_and_one_object(
    api: TestClient, s3: Any, db: psycopg.Connection[Any]
) -> None:
    _, token = new_guest(api)
    first = upload(api, token, SAMPLE_PDF, PDF, filename="cv.pdf")
    second = upload(api, token, SAMPLE_PDF, PDF, filename="copy.pdf")
    assert (first.status_code, second.status_code) == (201, 200)
    assert second.json()["deduplicated"] is True
    assert second.json()["id"] == first.json()["id"]
    assert rows(db) == 1
    assert len(objects(s3)) == 1
    # Another caller's identical upload is theirs, not a duplicate of someone else's.
    _, other = new_guest(api)
    assert upload(api, other, SAMPLE_PDF, PDF).status_code == 201
    assert rows(db) == 2


# --- versions and growth ----------------------------------------------------------------


def test_versions_count_up_carry_their_growth_and_skip_unchanged_content(
    api: TestClient, s3: Any, db: psycopg.Connection[Any]
) -> None:
    _, token = new_guest(api)
    cv = api.post(
        "/api/cvs", headers=bearer(token), json={"label": "Main", "json_resume": JSON_RESUME}
    ).json()
    grown = with_skill(JSON_RESUME, "Rust")
    grown["work"] = grown["work"][1:]
    second = api.post(f"/api/cvs/{cv['id']}/versions", headers=bearer(token), json={"json_resume": grown})
    assert second.status_code == 201, second.text
    v2 = second.json()
    assert (v2["id"], v2["version"], v2["versions"], v2["label"]) == (cv["id"], 2, 2, "Main")
    change = v2["growth_history"][-1]
    assert change["added"]["skills"] == ["Rust"]
    assert change["removed"]["work"] == ["Senior Data Platform Engineer, Northwind Logistics"]
    assert change["changed_sections"] == ["work", "skills"]
    assert change["summary"] == "added 1 skill; removed 1 job; changed work, skills"
    assert v2["growth_history"][0] == cv["growth_history"][0]
    unchanged = api.post(f"/api/cvs/{cv['id']}/versions", headers=bearer(token), json={"json_resume": grown})
    assert unchanged.status_code == 200
    assert (unchanged.json()["version_id"], unchanged.json()["deduplicated"]) == (v2["version_id"], True)
    third = upload(api, token, SAMPLE_PDF, PDF, path=f"/api/cvs/{cv['id']}/versions", label="From PDF")
    assert third.status_code == 201, third.text
    assert (third.json()["version"], third.json()["source_format"], third.json()["label"]) == (
        3,
        "PDF",
        "From PDF",
    )
    assert rows(db) == 3
    versions = api.get(f"/api/cvs/{cv['id']}/versions", headers=bearer(token)).json()["items"]
    assert [item["version"] for item in versions] == [1, 2, 3]
    assert [item["change"]["version"] for item in versions] == [1, 2, 3]
    assert versions[1]["change"] == change
    assert versions[0]["label"] == "Main"
    later = api.get(f"/api/cvs/{cv['id']}/versions", headers=bearer(token), params={"after": 1, "limit": 1})
    assert [item["version"] for item in later.json()["items"]] == [2]
    latest = api.get(f"/api/cvs/{cv['id']}", headers=bearer(token)).json()
    assert (latest["version"], len(latest["growth_history"])) == (3, 3)
    listed = api.get("/api/cvs", headers=bearer(token)).json()["items"]
    assert [(item["id"], item["version"], item["versions"]) for item in listed] == [(cv["id"], 3, 3)]


def test_concurrent_versions_of_one_cv_all_succeed_with_distinct_numbers(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    _, token = new_guest(api)
    cv = api.post("/api/cvs", headers=bearer(token), json={"json_resume": JSON_RESUME}).json()
    writers = 4
    barrier = threading.Barrier(writers)
    answers: list[Any] = [None] * writers

    def post_version(index: int) -> None:
        body = {"json_resume": with_skill(JSON_RESUME, f"Skill {index}")}
        with TestClient(app, raise_server_exceptions=False) as client:
            barrier.wait()
            answers[index] = client.post(f"/api/cvs/{cv['id']}/versions", headers=bearer(token), json=body)

    threads = [threading.Thread(target=post_version, args=(index,)) for index in range(writers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [answer.status_code for answer in answers] == [201] * writers, [a.text for a in answers]
    assert sorted(answer.json()["version"] for answer in answers) == [2, 3, 4, 5]
    stored = db.execute(
        "SELECT version, jsonb_array_length(growth_history) FROM public.master_cvs ORDER BY version"
    ).fetchall()
    assert stored == [(n, n) for n in range(1, writers + 2)]


# --- refusals: size, type, content -----------------------------------------------------


def test_a_body_over_5_mb_is_413_and_saves_nothing(
    api: TestClient, s3: Any, db: psycopg.Connection[Any]
) -> None:
    _, token = new_guest(api)
    huge = b"%PDF-1.7\n" + b"0" * (5 * 1024 * 1024)
    assert error_of(upload(api, token, huge, PDF), 413)["code"] == "document_too_large"
    padded = json.dumps({"json_resume": JSON_RESUME, "label": "x"}).encode() + b" " * (5 * 1024 * 1024)
    assert error_of(upload(api, token, padded, "application/json"), 413)["code"] == "document_too_large"
    assert (rows(db), objects(s3)) == (0, [])


def test_wrong_or_lying_content_types_are_415_and_save_nothing(
    api: TestClient, s3: Any, db: psycopg.Connection[Any]
) -> None:
    _, token = new_guest(api)
    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    error = error_of(upload(api, token, png, "image/png"), 415)
    assert error["code"] == "unsupported_media_type"
    assert error["details"]["received"] == "image/png"
    assert error_of(upload(api, token, SAMPLE_PDF, TEXT), 415)["code"] == "document_type_mismatch"
    assert error_of(upload(api, token, SAMPLE_PDF, PDF, filename="cv.docx"), 415)["code"] == (
        "document_type_mismatch"
    )
    assert error_of(upload(api, token, SAMPLE_TEXT.encode(), ""), 415)["code"] == "unsupported_media_type"
    assert (rows(db), objects(s3)) == (0, [])


@pytest.mark.parametrize(
    ("data", "media_type", "code"),
    [
        (blank_pdf(), PDF, "scanned_document"),
        (b"", PDF, "empty_document"),
        (b"%PDF-1.7\nthis is not really a pdf", PDF, "corrupt_document"),
        (b"   \n\n  ", TEXT, "empty_document"),
        (b"ok", TEXT, "unparseable_cv"),
    ],
    ids=["scanned", "empty", "corrupt", "blank-text", "nothing-parsed"],
)
def test_files_the_gate_refuses_are_422_and_leave_no_object_and_no_row(
    api: TestClient, s3: Any, db: psycopg.Connection[Any], data: bytes, media_type: str, code: str
) -> None:
    _, token = new_guest(api)
    error = error_of(
        upload(api, token, data, media_type, filename="cv.pdf" if media_type == PDF else "cv.txt"), 422
    )
    assert error["code"] == code
    assert (rows(db), objects(s3)) == (0, [])


@pytest.mark.parametrize(
    "body",
    [
        b"{bad json",
        b"[]",
        b"{}",
        json.dumps({"cv": {}, "json_resume": {}}).encode(),
        json.dumps({"json_resume": JSON_RESUME, "extra": 1}).encode(),
        json.dumps({"cv": {"basics": {"name": "A"}, "unknown": 1}}).encode(),
        json.dumps({"cv": {"basics": {"name": "A\u0000B"}}}).encode(),
        b'{"cv": {"basics": {"name": "A\\ud800"}}}',
        json.dumps({"json_resume": JSON_RESUME, "label": "x" * 201}).encode(),
        json.dumps({"json_resume": JSON_RESUME, "label": "tab\there"}).encode(),
        json.dumps({"json_resume": {"work": [{"id": "work-0123456789ab", "name": "X"}]}}).encode(),
        json.dumps({"cv": {}}).encode(),
        json.dumps({"cv": {"work": "not a list"}}).encode(),
    ],
    ids=[
        "malformed",
        "array",
        "neither",
        "both",
        "unknown-key",
        "unknown-cv-field",
        "nul",
        "lone-surrogate",
        "long-label",
        "control-in-label",
        "json-resume-with-id",
        "empty-cv",
        "wrong-type",
    ],
)
def test_bad_json_bodies_are_422_and_never_echo_the_input(
    api: TestClient, db: psycopg.Connection[Any], body: bytes
) -> None:
    _, token = new_guest(api)
    answer = upload(api, token, body, "application/json")
    assert error_of(answer, 422)["code"] == "validation_failed"
    assert "not a list" not in answer.text
    assert "Helena" not in answer.text
    assert rows(db) == 0


def test_file_names_cannot_travel_out_of_the_callers_prefix(
    api: TestClient, s3: Any, db: psycopg.Connection[Any]
) -> None:
    guest_id, token = new_guest(api)
    for hostile in ("../../etc/passwd", "a\\b.pdf", "x\x00.pdf"):
        error = error_of(upload(api, token, SAMPLE_PDF, PDF, filename=hostile), 422)
        assert error["code"] == "validation_failed"
    assert (rows(db), objects(s3)) == (0, [])
    answer = upload(api, token, SAMPLE_PDF, PDF, filename="..")
    assert answer.status_code == 201, answer.text
    [key] = objects(s3)
    assert key == f"cvs/guest/{guest_id}/{answer.json()['version_id']}/cv.pdf"


def test_a_failed_row_write_deletes_the_stored_file(
    api: TestClient, s3: Any, db: psycopg.Connection[Any]
) -> None:
    # A real database refusal after the upload was stored (NOT VALID: old rows are not checked).
    db.execute("ALTER TABLE public.master_cvs ADD CONSTRAINT refuse_all CHECK (false) NOT VALID")
    _, token = new_guest(api)
    assert error_of(upload(api, token, SAMPLE_PDF, PDF), 500)["code"] == "internal_error"
    assert (rows(db), objects(s3)) == (0, [])


def test_storage_down_is_503_and_saves_nothing(api: TestClient, s3: Any, db: psycopg.Connection[Any]) -> None:
    s3.delete_bucket(Bucket=BUCKET)
    _, token = new_guest(api)
    assert error_of(upload(api, token, SAMPLE_PDF, PDF), 503)["code"] == "storage_unavailable"
    assert rows(db) == 0


def test_without_a_bucket_a_local_run_keeps_the_cv_but_a_deployed_one_refuses(
    api: TestClient, db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("ARTIFACTS_BUCKET", raising=False)
    monkeypatch.setenv("CVPATH_ENV", "test")
    get_settings.cache_clear()
    _, token = new_guest(api)
    answer = upload(api, token, SAMPLE_PDF, PDF, filename="cv.pdf")
    assert answer.status_code == 201, answer.text
    assert answer.json()["source_file"] == {
        "file_name": "cv.pdf",
        "size_bytes": len(SAMPLE_PDF),
        "content_type": PDF,
    }
    stored = db.execute("SELECT source_file FROM public.master_cvs").fetchone()
    assert stored is not None
    assert "s3" not in stored[0]
    monkeypatch.setenv("CVPATH_ENV", "prod")
    get_settings.cache_clear()
    _, other = new_guest(api)
    assert error_of(upload(api, other, SAMPLE_PDF, PDF), 500)["code"] == "configuration_error"
    assert rows(db) == 1


# --- who may see what --------------------------------------------------------------------


def test_someone_elses_cv_reads_exactly_like_an_unknown_one(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    _, alice = new_guest(api)
    _, bob = new_guest(api)
    cv = api.post("/api/cvs", headers=bearer(alice), json={"json_resume": JSON_RESUME}).json()
    unknown = str(uuid4())
    version_body = {"json_resume": with_skill(JSON_RESUME, "Go")}
    for method, suffix, body in (
        ("GET", "", None),
        ("GET", "/versions", None),
        ("POST", "/versions", version_body),
    ):
        theirs = api.request(method, f"/api/cvs/{cv['id']}{suffix}", headers=bearer(bob), json=body)
        nobody = api.request(method, f"/api/cvs/{unknown}{suffix}", headers=bearer(bob), json=body)
        assert error_of(theirs, 404)["code"] == "not_found"
        assert theirs.text.replace(cv["id"], "ID") == nobody.text.replace(unknown, "ID")
    # A version id is not a CV id either.
    assert (
        error_of(api.get(f"/api/cvs/{cv['version_id']}", headers=bearer(alice)), 404)["code"] == "not_found"
    )
    assert api.get("/api/cvs", headers=bearer(bob)).json() == {"items": []}
    assert rows(db) == 1


def test_every_route_needs_a_caller(api: TestClient) -> None:
    some = uuid4()
    for method, path in (
        ("GET", "/api/cvs"),
        ("POST", "/api/cvs"),
        ("GET", f"/api/cvs/{some}"),
        ("GET", f"/api/cvs/{some}/versions"),
        ("POST", f"/api/cvs/{some}/versions"),
    ):
        answer = api.request(method, path, json={"json_resume": JSON_RESUME})
        assert error_of(answer, 401)["code"] == "not_authenticated", path
    # Authentication comes before the body is looked at.
    assert error_of(api.post("/api/cvs", content=b"x", headers={"content-type": "image/png"}), 401)


def test_the_guests_cvs_move_to_the_account_at_registration(
    api: TestClient, db: psycopg.Connection[Any]
) -> None:
    guest_id, guest = new_guest(api)
    cv = api.post("/api/cvs", headers=bearer(guest), json={"json_resume": JSON_RESUME}).json()
    account = register(api, "cv-owner@example.com", guest)
    assert account.status_code == 201, account.text
    access, user_id = account.json()["access_token"], UUID(account.json()["user_id"])
    assert [item["id"] for item in api.get("/api/cvs", headers=bearer(access)).json()["items"]] == [cv["id"]]
    added = api.post(
        f"/api/cvs/{cv['id']}/versions",
        headers=bearer(access),
        json={"json_resume": with_skill(JSON_RESUME, "Go")},
    )
    assert added.status_code == 201
    assert added.json()["version"] == 2
    assert error_of(api.get(f"/api/cvs/{cv['id']}", headers=bearer(guest)), 401)["code"] == "invalid_token"
    owners = db.execute("SELECT DISTINCT user_id, guest_id FROM public.master_cvs").fetchall()
    assert owners == [(user_id, None)]
    assert guest_id != user_id
