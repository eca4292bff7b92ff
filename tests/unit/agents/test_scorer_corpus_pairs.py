"""On the real corpus: each paired CV scores best against the job it was written for."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from cvpath.agents.offline.cv_parser import parse_cv_text
from cvpath.agents.offline.job_parser import parse_job_text
from cvpath.agents.scoring import score_cv
from cvpath.documents import extract_text
from cvpath.models import CV, Job

DISTANT_JOB = "rm_primary_english_teacher.txt"


@cache
def _cv(path: Path) -> CV:
    return parse_cv_text(extract_text(path.read_bytes(), filename=path.name).text)


@cache
def _job(path: Path) -> Job:
    return parse_job_text(path.read_text(encoding="utf-8"))


def _pairs(corpus_dir: Path) -> list[tuple[str, str]]:
    with (corpus_dir / "pairs.tsv").open(encoding="utf-8", newline="") as handle:
        return [(row["resume"], row["job"]) for row in csv.DictReader(handle, delimiter="\t")]


def test_given_a_paired_cv_then_its_own_job_outscores_every_other_job(corpus_dir: Path) -> None:
    jobs = sorted((corpus_dir / "jobs").glob("*.txt"))
    for cv_name, own_job in _pairs(corpus_dir):
        cv = _cv(corpus_dir / "cvs" / cv_name)
        scores = {path.name: score_cv(cv, _job(path)).overall for path in jobs}
        best_other = max(score for name, score in scores.items() if name != own_job)
        assert scores[own_job] > best_other, (cv_name, scores)


def test_given_a_paired_cv_then_a_distant_job_scores_far_lower(corpus_dir: Path) -> None:
    for cv_name, own_job in _pairs(corpus_dir):
        cv = _cv(corpus_dir / "cvs" / cv_name)
        own = score_cv(cv, _job(corpus_dir / "jobs" / own_job)).overall
        distant = score_cv(cv, _job(corpus_dir / "jobs" / DISTANT_JOB)).overall
        assert own >= distant + 25, (cv_name, own, distant)
