"""The offline tailor on the real corpus CVs: the guard finds nothing to remove, and catches fabrications."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from cvpath.agents.guard import guard_tailored
from cvpath.agents.offline.cv_parser import parse_cv_text
from cvpath.agents.offline.cv_tailor import tailor
from cvpath.agents.offline.job_analyzer import analyze
from cvpath.agents.offline.job_parser import parse_job_text
from cvpath.documents import extract_text
from cvpath.models import CV, GuardFindingKind, Job, TailoredCV

# Jobs every CV is tailored to besides its paired one: technical, data, and far from tech.
EXTRA_JOBS = (
    "rm_backend_developer_python_django.txt",
    "rm_data_scientist_ml_engineer.txt",
    "rm_primary_english_teacher.txt",
)


@cache
def _cv(path: Path) -> CV:
    return parse_cv_text(extract_text(path.read_bytes(), filename=path.name).text)


@cache
def _job(path: Path) -> Job:
    return parse_job_text(path.read_text(encoding="utf-8"))


def _pairs(corpus_dir: Path) -> list[tuple[Path, Path]]:
    paired: dict[str, str] = {}
    with (corpus_dir / "pairs.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            paired[row["resume"]] = row["job"]
    pairs: list[tuple[Path, Path]] = []
    for cv_path in sorted((corpus_dir / "cvs").glob("*.pdf")):
        jobs = [paired[cv_path.name]] if cv_path.name in paired else []
        jobs += [name for name in EXTRA_JOBS if name not in jobs]
        pairs += [(cv_path, corpus_dir / "jobs" / name) for name in jobs]
    return pairs


def _tailored(cv_path: Path, job_path: Path) -> tuple[CV, TailoredCV]:
    cv, job = _cv(cv_path), _job(job_path)
    return cv, tailor(cv, job, analyze(cv, job))


def test_given_corpus_cvs_when_tailored_then_the_guard_removes_nothing(corpus_dir: Path) -> None:
    failures: list[str] = []
    checked = 0
    for cv_path, job_path in _pairs(corpus_dir):
        cv, tailored = _tailored(cv_path, job_path)
        result = guard_tailored(cv, tailored)
        checked += result.guard_report.checked_bullets
        failures += [
            f"{cv_path.name} x {job_path.name}: {finding}" for finding in result.guard_report.findings
        ]
    assert failures == []
    assert checked > 100


def test_given_corpus_cvs_when_tailored_then_bullets_are_verbatim_and_the_output_is_deterministic(
    corpus_dir: Path,
) -> None:
    for cv_path, job_path in _pairs(corpus_dir):
        cv, tailored = _tailored(cv_path, job_path)
        source = {bullet.id: bullet.text for bullet in cv.bullets()}
        assert all(source[b.source_bullet_ids[0]] == b.text for b in tailored.tailored_bullets())
        assert _tailored(cv_path, job_path)[1].model_dump_json() == tailored.model_dump_json()


def test_given_a_corpus_cv_with_fabrications_when_guarded_then_each_is_removed(corpus_dir: Path) -> None:
    cv_path = corpus_dir / "cvs" / "jakes_resume.pdf"
    cv, tailored = _tailored(cv_path, corpus_dir / "jobs" / "rm_backend_developer_python_django.txt")
    assert tailored.work, "the parser found no work entries in Jake's resume"
    first = tailored.work[0]
    source_id = first.highlights[0].source_bullet_ids[0]
    document = tailored.model_dump()
    document["work"][0]["highlights"].append(
        {"text": "Increased revenue by 45% at Google", "sourceBulletIds": [source_id]}
    )
    document["work"].append({"name": "Initech", "position": "CTO"})
    result = guard_tailored(cv, TailoredCV.model_validate(document))
    kinds = sorted(finding.kind.value for finding in result.guard_report.findings)
    assert kinds == sorted([GuardFindingKind.NUMBER.value, GuardFindingKind.EMPLOYER.value])
    assert result.tailored_cv == tailored
