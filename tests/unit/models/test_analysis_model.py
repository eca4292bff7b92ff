"""Analysis: status needs matching evidence; evidence must hold against the CV."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cvpath.models import CV, Analysis, Job, MatchStatus


def _analysis_document(cv: CV, job: Job) -> dict[str, Any]:
    python, compression, go, cka = job.requirements()
    hooli = cv.work[1]
    return {
        "requirements": [
            {
                "requirementId": python.id,
                "status": "met",
                "evidence": [{"sourceId": hooli.highlights[0].id, "quote": "in Python"}],
            },
            {
                "requirementId": compression.id,
                "status": "met",
                "evidence": [
                    {"sourceId": cv.work[0].highlights[0].id, "quote": "middle-out compression algorithm"},
                    {"sourceId": cv.skills[0].id, "quote": "Huffman coding"},
                ],
            },
            {"requirementId": go.id, "status": "missing", "note": "No Go anywhere in the CV"},
            {
                "requirementId": cka.id,
                "status": "partial",
                "evidence": [
                    {"sourceId": cv.certificates[0].id, "quote": "Certified Kubernetes Administrator"}
                ],
            },
        ],
        "strengths": ["Compression research and delivery"],
        "gaps": ["Go"],
        "summary": "Strong on compression, no Go.",
    }


def test_a_consistent_analysis_validates_and_holds_against_cv_and_job(sample_cv: CV, job: Job) -> None:
    analysis = Analysis.model_validate(_analysis_document(sample_cv, job))
    assert analysis.inconsistencies(sample_cv, job) == []
    assert analysis.status_of(job.must_have[2].id) is MatchStatus.MISSING
    assert analysis.status_of("req-ffffffffffff") is None


@pytest.mark.parametrize("status", ["met", "partial"])
def test_met_or_partial_without_evidence_is_rejected(sample_cv: CV, job: Job, status: str) -> None:
    data = _analysis_document(sample_cv, job)
    data["requirements"][0].update(status=status, evidence=[])
    with pytest.raises(ValidationError, match=rf"requirements\.0\.evidence\n.*status '{status}' needs"):
        Analysis.model_validate(data)


def test_missing_with_evidence_is_rejected(sample_cv: CV, job: Job) -> None:
    data = _analysis_document(sample_cv, job)
    data["requirements"][2]["evidence"] = [{"sourceId": sample_cv.work[0].id, "quote": "Pied Piper"}]
    with pytest.raises(ValidationError, match=r"requirements\.2\.evidence\n.*missing requirement cannot"):
        Analysis.model_validate(data)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"status": "likely"}, r"requirements\.0\.status"),
        (
            {"evidence": [{"sourceId": "bullet 3", "quote": "Python"}]},
            r"requirements\.0\.evidence\.0\.sourceId",
        ),
        ({"evidence": [{"sourceId": "b-0123456789ab", "quote": ""}]}, r"requirements\.0\.evidence\.0\.quote"),
        ({"confidence": 0.9}, r"requirements\.0\.confidence\n.*Extra inputs"),
    ],
)
def test_malformed_rows_are_rejected(sample_cv: CV, job: Job, change: dict[str, Any], match: str) -> None:
    data = _analysis_document(sample_cv, job)
    data["requirements"][0].update(change)
    with pytest.raises(ValidationError, match=match):
        Analysis.model_validate(data)


def test_a_requirement_assessed_twice_is_rejected(sample_cv: CV, job: Job) -> None:
    data = _analysis_document(sample_cv, job)
    data["requirements"].append(data["requirements"][2])
    with pytest.raises(ValidationError, match=r"duplicate requirementId"):
        Analysis.model_validate(data)


def test_inconsistencies_name_each_problem(sample_cv: CV, job: Job) -> None:
    # Given an analysis that skips a requirement, invents one, cites an unknown id and misquotes
    data = _analysis_document(sample_cv, job)
    data["requirements"].pop(2)
    data["requirements"].append({"requirementId": "req-0123456789ab", "status": "missing"})
    data["requirements"][0]["evidence"] = [{"sourceId": "b-0123456789ab", "quote": "Python"}]
    data["requirements"][1]["evidence"][0]["quote"] = "middle-out compression algorithms"
    analysis = Analysis.model_validate(data)
    # When it is checked against the CV and the job
    problems = analysis.inconsistencies(sample_cv, job)
    # Then every problem is reported, once
    python, compression, go, _ = job.requirements()
    misquoted = sample_cv.work[0].highlights[0].id
    assert problems == [
        "requirement 'req-0123456789ab' is not in the job",
        f"requirement {go.id!r} is not assessed",
        f"evidence for {python.id!r} cites unknown id 'b-0123456789ab'",
        f"evidence for {compression.id!r} quotes text that {misquoted!r} does not contain",
    ]
