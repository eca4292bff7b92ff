"""The whole pipeline on the real ASL: moto runs statemachine/tailoring.asl.json, the tasks are our handlers.

Each test submits a run the way ``cvpath tailor`` does (``local.tailoring.runner
.tailor``), on a fresh database, and checks what a user gets: the execution's
status and history, the run row, and the files (or their absence).
"""

from __future__ import annotations

import csv
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from pypdf import PdfReader

from cvpath.llm.redact import forget_secrets
from local.fake_llm import FakeLLMServer, Fault, Reply
from local.tailoring.runner import REPORT_JSON, REPORT_MD, TailorOutcome, history_dir, tailor
from local.tailoring.submission import RunOptions

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SAMPLE_PDF = EXAMPLES / "sample_cv.pdf"
SAMPLE_TXT = EXAMPLES / "sample_cv.txt"
SAMPLE_JOB = EXAMPLES / "sample_job.txt"
CANARY = "sk-CANARY-" + uuid.uuid4().hex
TOP_STATES = ["Admit", "ParseInputs", "Analyze", "Tailor", "Score", "Render", "Settle"]
AGENT_STATES = ["CvParser", "CvValidator", "JobParser"]


@pytest.fixture
def state_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Execution histories go to a temporary state folder, not the checkout's."""
    from cvpath.config import get_settings

    monkeypatch.setenv("CVPATH_STATE_DIR", str(tmp_path / "state"))
    get_settings.cache_clear()
    return tmp_path / "state"


def run(
    cv: Path, job: Path, out: Path, *, cover_letter: str = "none", provider: str | None = None
) -> TailorOutcome:
    options = RunOptions(engine="v2", cover_letter=cover_letter, provider=provider)  # type: ignore[arg-type]
    return tailor(cv, job, out_dir=out, options=options)


def run_row(db: psycopg.Connection[Any], run_id: uuid.UUID) -> dict[str, Any]:
    cur = db.execute(
        """SELECT status::text, error_code, error_state, error_message, import_data_id, started_at,
                  finished_at, states FROM public.pipeline_runs WHERE id = %s""",
        [run_id],
    )
    names = [column.name for column in cur.description or []]
    row = cur.fetchone()
    assert row is not None
    return dict(zip(names, row, strict=True))


def assert_package(outcome: TailorOutcome, out: Path, *, letter: str | None = None) -> dict[str, Any]:
    """A succeeded run's package: the PDF reads back as text, the report holds what DESIGN.md lists."""
    assert outcome.succeeded, outcome.failure
    names = sorted(path.name for path in outcome.files)
    expected = ["report.json", "report.md", "tailored_cv.pdf"] + (
        [f"cover_letter.{letter}"] if letter else []
    )
    assert names == sorted(expected)
    report: dict[str, Any] = json.loads((out / REPORT_JSON).read_text(encoding="utf-8"))
    for key in ("run_id", "cv", "job", "analysis", "tailored_cv", "guard_report", "score_before"):
        assert report.get(key) is not None, key
    assert report["score_after"] is not None
    assert report["costs"] is not None
    assert set(report["cv"]) >= {"basics", "work", "education", "skills"}
    assert report["run_id"] == str(outcome.run_id)
    state_names = [state["name"] for state in report["states"]]
    assert set(TOP_STATES + AGENT_STATES) <= set(state_names)
    assert all(state["status"] == "SUCCEEDED" for state in report["states"])
    text = "".join(page.extract_text() or "" for page in PdfReader(out / "tailored_cv.pdf").pages)
    name = report["tailored_cv"]["basics"]["name"]
    assert name in text
    assert sorted(report["artifacts"]) == sorted(name for name in names if not name.startswith("report."))
    # The Render state read every file back (the ATS self-check) and said so.
    assert sorted(artifact["filename"] for artifact in outcome.artifacts) == sorted(report["artifacts"])
    assert all(artifact["ats_passed"] for artifact in outcome.artifacts)
    assert "Score" in (out / REPORT_MD).read_text(encoding="utf-8")
    return report


def test_the_bundled_pdf_sample_goes_through_every_state_and_writes_the_package(
    pooled_db: str, db: psycopg.Connection[Any], tmp_path: Path, state_dir: Path
) -> None:
    out = tmp_path / "out"
    outcome = run(SAMPLE_PDF, SAMPLE_JOB, out, cover_letter="pdf")
    report = assert_package(outcome, out, letter="pdf")
    assert "ExtractText" in [state["name"] for state in report["states"]]
    row = run_row(db, outcome.run_id)
    assert row["status"] == "SUCCEEDED"
    assert row["import_data_id"] is not None
    assert row["finished_at"] >= row["started_at"]
    assert [state["name"] for state in row["states"]] == [state["name"] for state in report["states"]]
    assert outcome.execution_arn.endswith(f":{outcome.run_id}")
    assert (history_dir() / f"{outcome.run_id}.json").is_file()
    assert report["score_after"]["overall"] >= report["score_before"]["overall"]


def test_a_text_cv_skips_extraction_and_a_docx_letter_is_written(
    pooled_db: str, tmp_path: Path, state_dir: Path
) -> None:
    out = tmp_path / "out"
    outcome = run(SAMPLE_TXT, SAMPLE_JOB, out, cover_letter="docx", provider="offline")
    report = assert_package(outcome, out, letter="docx")
    assert "ExtractText" not in [state["name"] for state in report["states"]]
    assert {row["provider"] for row in report["costs"]["by_agent"]} <= {"offline"}


def corpus_pairs(corpus: Path) -> list[tuple[str, str]]:
    with (corpus / "pairs.tsv").open(encoding="utf-8") as handle:
        return [(row["resume"], row["job"]) for row in csv.DictReader(handle, delimiter="\t")]


def test_every_corpus_pair_is_tailored_with_a_guard_report(
    corpus_dir: Path, pooled_db: str, tmp_path: Path, state_dir: Path
) -> None:
    pairs = corpus_pairs(corpus_dir)
    assert pairs, "pairs.tsv lists no pair"
    for resume, job in pairs:
        out = tmp_path / resume
        outcome = run(corpus_dir / "cvs" / resume, corpus_dir / "jobs" / job, out)
        report = assert_package(outcome, out)
        assert isinstance(report["guard_report"], dict), resume


@pytest.fixture
def flaky_scorer_chain(
    db: psycopg.Connection[Any], monkeypatch: pytest.MonkeyPatch
) -> Iterator[FakeLLMServer]:
    """The scorer's chain: a fake OpenAI link (no in-chain retries), then offline as every chain ends.

    The other agents answer offline. A run pinned to ``openai`` (``cvpath tailor
    --provider openai``) uses only the scorer's first link: an outage reaches the
    state machine's Retry instead of falling over to offline.
    """
    from cvpath.config import get_settings

    with FakeLLMServer(require_key=CANARY) as server:
        chain = [
            {"provider": "openai", "model": "gpt-4.1-mini", "base_url": server.url, "max_retries": 0},
            {"provider": "offline", "model": "offline", "max_retries": 0},
        ]
        db.execute(
            """UPDATE public.default_model_config SET provider_chain = CASE agent::text
                   WHEN 'COMPARATIVE_SCORER' THEN %s::jsonb ELSE %s::jsonb END""",
            [json.dumps(chain), json.dumps([{"provider": "offline", "model": "offline"}])],
        )
        monkeypatch.setenv("OPENAI_API_KEY", CANARY)
        get_settings.cache_clear()
        yield server
    forget_secrets()


def test_a_provider_outage_is_retried_by_the_state_machine_and_the_run_succeeds(
    pooled_db: str, flaky_scorer_chain: FakeLLMServer, tmp_path: Path, state_dir: Path
) -> None:
    flaky_scorer_chain.script(
        Fault.unavailable(), Fault.unavailable(), Reply(json.dumps({"narrative": "A closer match."}))
    )
    out = tmp_path / "out"
    outcome = run(SAMPLE_TXT, SAMPLE_JOB, out, provider="openai")
    assert_package(outcome, out)
    score = next(state for state in outcome.states if state.name == "Score")
    assert score.attempts == 3
    history_text = (history_dir() / f"{outcome.run_id}.json").read_text(encoding="utf-8")
    assert "ProviderUnavailable" in history_text
    assert CANARY not in history_text
    assert CANARY not in (out / REPORT_JSON).read_text(encoding="utf-8")


def test_a_text_that_is_not_a_job_fails_once_into_mark_failed_and_writes_nothing(
    pooled_db: str, db: psycopg.Connection[Any], tmp_path: Path, state_dir: Path
) -> None:
    recipe = tmp_path / "recipe.txt"
    recipe.write_text(
        "Banana bread\n\nIngredients: 3 ripe bananas, 75 g melted butter, 150 g flour, 1 egg.\n"
        "Mash the bananas, stir in the butter, then the egg and flour. Bake for 60 minutes at 175 C.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    outcome = run(SAMPLE_TXT, recipe, out)
    assert outcome.status == "FAILED"
    assert outcome.failure is not None
    assert outcome.failure.code == "ValidationFailed"
    assert outcome.failure.state == "JobParser"
    job_parser = next(state for state in outcome.states if state.name == "JobParser")
    assert job_parser.attempts == 1  # ValidationFailed is never retried
    assert "MarkFailed" in [state.name for state in outcome.states]
    row = run_row(db, outcome.run_id)
    assert row["status"] == "FAILED"
    assert row["error_code"] == "ValidationFailed"
    assert row["finished_at"] is not None
    assert not out.exists() or not any(out.iterdir())


def test_an_image_only_pdf_stops_in_extract_text_as_unparseable(
    pooled_db: str, db: psycopg.Connection[Any], tmp_path: Path, state_dir: Path
) -> None:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    scanned = tmp_path / "scanned.pdf"
    page = canvas.Canvas(str(scanned), pagesize=A4)
    page.setFillGray(0.2)
    for row in range(40):
        page.rect(60, 780 - row * 18, 470, 9, fill=1, stroke=0)  # lines of "ink", no text
    page.save()
    out = tmp_path / "out"
    outcome = run(scanned, SAMPLE_JOB, out)
    assert outcome.status == "FAILED"
    assert outcome.failure is not None
    assert (outcome.failure.code, outcome.failure.state) == ("UnparseableCV", "ExtractText")
    row = run_row(db, outcome.run_id)
    assert row["status"] == "FAILED"
    assert row["import_data_id"] is None
    assert not out.exists() or not any(out.iterdir())
