"""The offline JOB_ANALYZER: a row per requirement, strengths and gaps from the must-haves, a summary."""

from __future__ import annotations

from evidence_builders import FRONTEND_JOB, empty_frontend_cv, strong_frontend_cv

from cvpath.agents.offline.job_analyzer import analyze
from cvpath.models import MatchStatus


def test_given_a_matching_cv_when_analyzed_then_every_requirement_has_a_row_in_job_order() -> None:
    analysis = analyze(strong_frontend_cv(), FRONTEND_JOB)
    assert [row.requirement_id for row in analysis.requirements] == [
        r.id for r in FRONTEND_JOB.requirements()
    ]


def test_given_a_matching_cv_when_analyzed_then_it_holds_against_the_cv_and_the_job() -> None:
    cv = strong_frontend_cv()
    analysis = analyze(cv, FRONTEND_JOB)
    assert analysis.inconsistencies(cv, FRONTEND_JOB) == []
    assert all(row.note for row in analysis.requirements)


def test_given_a_matching_cv_then_strengths_are_the_met_must_haves_and_there_are_no_gaps() -> None:
    analysis = analyze(strong_frontend_cv(), FRONTEND_JOB)
    assert analysis.strengths == [r.text for r in FRONTEND_JOB.must_have]
    assert analysis.gaps == []
    assert analysis.summary is not None
    assert analysis.summary.startswith("4 of 4 must-have requirements met")


def test_given_an_unrelated_cv_then_gaps_list_the_missing_must_haves() -> None:
    cv = empty_frontend_cv()
    analysis = analyze(cv, FRONTEND_JOB)
    missing = [r.text for r in FRONTEND_JOB.must_have if analysis.status_of(r.id) is MatchStatus.MISSING]
    assert analysis.gaps == missing
    assert "Strong React experience" in analysis.gaps
    assert analysis.strengths == []
    assert analysis.inconsistencies(cv, FRONTEND_JOB) == []


def test_given_the_same_input_twice_then_the_analysis_is_identical() -> None:
    first = analyze(strong_frontend_cv(), FRONTEND_JOB)
    second = analyze(strong_frontend_cv(), FRONTEND_JOB)
    assert first.model_dump() == second.model_dump()
