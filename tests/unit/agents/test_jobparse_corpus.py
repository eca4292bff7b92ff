"""The offline JOB_PARSER on the 15 labelled corpus postings: measured figures must not regress.

Floors sit slightly under the figures measured with bench/eval_jobs.py (see its output);
skill figures depend on the taxonomy's coverage as well as on the parser.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from cvpath.agents.offline.job_parser import parse_job_text
from cvpath.models import RemotePolicy

BENCH = Path(__file__).resolve().parents[3] / "bench" / "eval_jobs.py"

# Measured: title 1.00, seniority 1.00, min_years 1.00, must-have P 0.67 R 0.55, nice P 0.94 R 0.37.
TITLE_FLOOR = 0.93
SENIORITY_FLOOR = 0.93
YEARS_FLOOR = 0.93
MUST_RECALL_FLOOR = 0.80
MUST_PRECISION_FLOOR = 0.52
NICE_PRECISION_FLOOR = 0.75
NICE_RECALL_FLOOR = 0.70


@pytest.fixture(scope="module")
def eval_jobs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("eval_jobs", BENCH)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("eval_jobs", module)
    spec.loader.exec_module(module)
    return module


def test_given_the_corpus_then_titles_seniority_and_years_hold_their_figures(
    corpus_dir: Path, eval_jobs: ModuleType
) -> None:
    evaluation = eval_jobs.evaluate_jobs(corpus_dir)

    assert len(evaluation.results) == 15
    assert evaluation.title_accuracy >= TITLE_FLOOR
    assert evaluation.seniority_accuracy >= SENIORITY_FLOOR
    assert evaluation.years_accuracy >= YEARS_FLOOR


def test_given_the_corpus_then_skill_precision_and_recall_hold_their_figures(
    corpus_dir: Path, eval_jobs: ModuleType
) -> None:
    evaluation = eval_jobs.evaluate_jobs(corpus_dir)
    must_precision, must_recall, _ = evaluation.must()
    nice_precision, nice_recall, _ = evaluation.nice()

    assert must_recall >= MUST_RECALL_FLOOR
    assert must_precision >= MUST_PRECISION_FLOOR
    assert nice_precision >= NICE_PRECISION_FLOOR
    assert nice_recall >= NICE_RECALL_FLOOR


def test_given_the_corpus_then_the_table_names_every_posting(corpus_dir: Path, eval_jobs: ModuleType) -> None:
    table = eval_jobs.format_job_table(eval_jobs.evaluate_jobs(corpus_dir))
    for path in sorted((corpus_dir / "jobs").glob("*.txt")):
        assert path.stem in table
    assert "must-have skills: P" in table


@pytest.mark.parametrize(
    ("name", "company", "remote"),
    [
        ("rm_data_scientist_ml_engineer", "Game Change Solutions", RemotePolicy.FULL),
        ("rm_jd_front_end_engineer", "Tech Solutions", None),
        ("rm_senior_software_developer_php", None, RemotePolicy.NONE),
        ("rm_primary_english_teacher", "Stones2Milestones", RemotePolicy.FULL),
        ("rm_director_engineering_google_cloud", "Google", None),
    ],
)
def test_given_a_corpus_posting_then_company_and_remote_match_the_label(
    corpus_dir: Path, name: str, company: str | None, remote: RemotePolicy | None
) -> None:
    job = parse_job_text((corpus_dir / "jobs" / f"{name}.txt").read_text(encoding="utf-8"))
    assert job.company == company
    assert job.remote == remote


def test_given_the_corpus_then_parsing_is_deterministic(corpus_dir: Path) -> None:
    for path in sorted((corpus_dir / "jobs").glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        assert parse_job_text(text).model_dump() == parse_job_text(text).model_dump()
