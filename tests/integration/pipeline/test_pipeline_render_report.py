"""A whole run's outputs (six offline agents) -> the Render task (moto S3) -> report.json and report.md."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any
from uuid import UUID

import psycopg
import pytest
from pypdf import PdfReader

from cvpath.agents.base import AgentName
from cvpath.agents.steps import StepEvent, run_step
from cvpath.db import run_status
from cvpath.db.agent_outputs import read_output
from cvpath.errors import AgentInputMissing, ValidationFailed
from cvpath.models import Analysis, Job, TailoredCV
from cvpath.reports import build_report, render_markdown
from cvpath_render.letter_composer import TEMPLATES, letter_sentences
from cvpath_render.tasks import render_run_handler
from local.lambda_runtime import local_context
from tests.integration.pipeline.pipeline_s3 import BUCKET, s3

__all__ = ["s3"]  # the fixture, imported for pytest

SeedRun = Callable[..., UUID]
Conn = psycopg.Connection[Any]
STATES = [
    {"name": "Admit", "status": "SUCCEEDED", "duration_ms": 15, "attempts": 1, "cause": "not for the report"},
    {"name": "Analyze", "status": "SUCCEEDED", "duration_ms": 240, "attempts": 2},
]


def run_agents(db: Conn, run_id: UUID, agents: list[AgentName] | None = None) -> None:
    for agent in agents or list(AgentName):
        run_step(agent, StepEvent(run_id=run_id), conn=db)


def stored(db: Conn, run_id: UUID, kind: Any, model: Any) -> Any:
    row = read_output(db, run_id, kind)
    assert row is not None
    return model.model_validate_json(row.content_json)


def render_event(run_id: UUID, letter: str = "pdf", engine: str = "v2") -> dict[str, Any]:
    return {"run_id": str(run_id), "render": {"engine": engine, "cover_letter": letter}}


def test_a_full_run_renders_to_s3_and_reports_everything(s3: Any, db: Conn, seed_run: SeedRun) -> None:
    # Given a run whose six agents ran offline
    run_id = seed_run()
    run_status.mark_running(db, run_id, None)
    run_agents(db, run_id)
    # When Render runs with a PDF cover letter, then again (a retry)
    result = render_run_handler(render_event(run_id), local_context("render"))
    retried = render_run_handler(render_event(run_id), local_context("render"))
    # Then both files are in S3 under runs/<run_id>/, ATS-checked, and listed with their locations
    assert retried == result
    kinds = {a["kind"]: a for a in result["artifacts"]}
    assert set(kinds) == {"cv_pdf", "cover_letter_pdf"}
    cv_pdf = kinds["cv_pdf"]
    assert cv_pdf["s3"] == {"bucket": BUCKET, "key": f"runs/{run_id}/tailored_cv.pdf"}
    assert cv_pdf["ats_passed"] is True
    body = s3.get_object(Bucket=BUCKET, Key=cv_pdf["s3"]["key"])["Body"].read()
    assert body.startswith(b"%PDF-")
    assert len(body) == cv_pdf["bytes"]
    letter_pdf = s3.get_object(Bucket=BUCKET, Key=f"runs/{run_id}/cover_letter.pdf")["Body"].read()
    letter_text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(letter_pdf)).pages)
    assert "Dear Hiring Manager" in letter_text
    assert len(json.dumps(result)) < 2048  # ids and locations, not documents
    # And the letter was stored once as the run's COVER_LETTER
    count = db.execute(
        "SELECT count(*) FROM public.tailor_data WHERE run_id = %s AND kind = 'COVER_LETTER'", [run_id]
    )
    assert count.fetchone() == (1,)

    # When the run settles and its report is built
    run_status.mark_succeeded(db, run_id, actual_cost=run_status.run_cost(db, run_id))
    report = build_report(db, run_id, states=STATES, artifacts=["tailored_cv.pdf", "cover_letter.pdf"])
    # Then report.json has every section, in a fixed order, and is plain JSON
    assert list(report)[:3] == ["report_version", "run_id", "status"]
    assert {"cv", "job", "validation", "analysis", "tailored_cv", "guard_report", "score_before"} <= set(
        report
    )
    assert report["status"] == "SUCCEEDED"
    assert report["error"] is None
    assert {"basics", "work", "education", "skills"} <= set(report["cv"])
    assert isinstance(report["cv"]["work"][0]["highlights"][0], str)  # JSON Resume shape, not our model
    assert "cv" not in report["validation"]
    assert report["score_delta"] == pytest.approx(
        report["score_after"]["overall"] - report["score_before"]["overall"], abs=0.11
    )
    assert report["cover_letter"]["greeting"] == "Dear Hiring Manager,"
    assert report["costs"]["currency"] == "USD"
    by_agent = report["costs"]["by_agent"]
    assert Decimal(report["costs"]["total"]) == sum(Decimal(row["cost"]) for row in by_agent)
    assert "E" not in report["costs"]["total"]  # fixed-point, never "0E-10"
    assert by_agent[0]["agent"] == "CV_PARSER"  # in pipeline order
    assert all(
        set(row)
        == {
            "agent",
            "provider",
            "model",
            "attempts",
            "answered",
            "errors",
            "input_tokens",
            "output_tokens",
            "cost",
        }
        for row in report["costs"]["by_agent"]
    )
    assert report["states"][0] == {"name": "Admit", "status": "SUCCEEDED", "duration_ms": 15, "attempts": 1}
    assert report["artifacts"] == ["tailored_cv.pdf", "cover_letter.pdf"]
    assert json.dumps(report) == json.dumps(
        build_report(db, run_id, states=STATES, artifacts=report["artifacts"])
    )
    # And report.md names the candidate, the job and the score
    markdown = render_markdown(report)
    name = report["cv"]["basics"]["name"]
    assert markdown.startswith(f"# {name} \u2192 {report['job']['title']}")
    assert (
        f"{report['score_before']['overall']:.1f} \u2192 {report['score_after']['overall']:.1f}" in markdown
    )
    assert "| Analyze | SUCCEEDED | 240 ms | 2 |" in markdown


def test_every_letter_sentence_is_a_template_filled_from_the_cv_or_the_job(
    db: Conn, seed_run: SeedRun
) -> None:
    run_id = seed_run()
    run_agents(db, run_id)
    cv = stored(db, run_id, "TAILORED_CV", TailoredCV)
    job = stored(db, run_id, "PARSED_JOB", Job)
    analysis = stored(db, run_id, "ANALYSIS", Analysis)
    sources = [" ".join(text.split()) for texts in cv.texts_by_id().values() for text in texts]
    sources += [cv.basics.name or "", cv.basics.label or "", job.title, job.company or ""]
    sources += [r.text for r in job.requirements()] + [
        s for skill in cv.skills for s in (skill.name or "", *skill.keywords)
    ]
    paragraphs = letter_sentences(cv, job, analysis)
    assert 2 <= len(paragraphs) <= 3
    templates = [sentence.template for paragraph in paragraphs for sentence in paragraph]
    assert "match" in templates  # the sample CV meets some requirements: the letter says which
    for paragraph in paragraphs:
        for sentence in paragraph:
            assert sentence.text == TEMPLATES[sentence.template].format(**sentence.slots)
            for slot, value in sentence.slots.items():
                facts = value.replace(" and ", ", ").split(", ") if slot == "skills" else [value]
                for fact in facts:
                    assert any(fact in source for source in sources), (slot, fact)


def test_a_docx_letter_and_engine_v1(s3: Any, db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    run_agents(db, run_id)
    result = render_run_handler(render_event(run_id, "docx", "v1"), local_context("render"))
    files = {a["filename"]: a for a in result["artifacts"]}
    assert set(files) == {"tailored_cv.pdf", "cover_letter.docx"}
    assert files["cover_letter.docx"]["kind"] == "cover_letter_docx"
    data = s3.get_object(Bucket=BUCKET, Key=f"runs/{run_id}/cover_letter.docx")["Body"].read()
    assert data[:2] == b"PK"


def test_render_without_a_tailored_cv_is_agent_input_missing(s3: Any, db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    run_agents(db, run_id, [AgentName.CV_PARSER, AgentName.CV_VALIDATOR, AgentName.JOB_PARSER])
    with pytest.raises(AgentInputMissing) as missing:
        render_run_handler(render_event(run_id, "none"), local_context("render"))
    assert missing.value.details["missing"] == "TAILORED_CV"
    assert s3.list_objects_v2(Bucket=BUCKET).get("KeyCount") == 0


@pytest.mark.parametrize(
    "render", [{"engine": "v3"}, {"cover_letter": "rtf"}, {"engine": "v1", "extra": True}, "pdf"]
)
def test_a_malformed_render_event_is_validation_failed(s3: Any, seed_run: SeedRun, render: Any) -> None:
    with pytest.raises(ValidationFailed):
        render_run_handler({"run_id": str(seed_run()), "render": render}, local_context("render"))


def test_the_report_of_a_failed_run_carries_its_error(db: Conn, seed_run: SeedRun) -> None:
    run_id = seed_run()
    run_agents(db, run_id, [AgentName.JOB_PARSER])
    run_status.mark_failed(
        db,
        run_id,
        status="FAILED",
        error_code="UnparseableCV",
        error_message="no name",
        error_state="ParseInputs",
    )
    report = build_report(db, run_id)
    assert report["error"] == {"code": "UnparseableCV", "message": "no name", "state": "ParseInputs"}
    assert report["cv"] is None
    assert report["score_before"] is None
    assert report["score_delta"] is None
    assert report["job"]["title"]
    assert report["states"] == []
    assert report["artifacts"] == []
    markdown = render_markdown(report)
    assert "**Failed in ParseInputs** (UnparseableCV): no name" in markdown
    assert "No score: the run did not reach the scorer." in markdown
