"""reconcile(): an LLM's analysis repaired so that every claim holds against the CV and the job."""

from __future__ import annotations

from evidence_builders import FRONTEND_JOB, strong_frontend_cv

from cvpath.agents.analysis_check import reconcile
from cvpath.agents.offline.job_analyzer import analyze
from cvpath.models import Analysis, Evidence, MatchStatus, RequirementMatch

UNKNOWN_ID = "b-000000000000"
UNKNOWN_REQUIREMENT = "req-000000000000"


def _row(requirement_id: str, status: MatchStatus, *evidence: Evidence) -> RequirementMatch:
    return RequirementMatch(requirement_id=requirement_id, status=status, evidence=list(evidence))


def test_given_a_sound_analysis_when_reconciled_then_nothing_changes() -> None:
    cv = strong_frontend_cv()
    analysis = analyze(cv, FRONTEND_JOB)
    repaired, repairs = reconcile(analysis, cv, FRONTEND_JOB)
    assert repairs == []
    assert repaired.model_dump() == analysis.model_dump()


def test_given_evidence_with_an_unknown_id_or_a_paraphrase_then_it_is_dropped_and_the_row_downgraded() -> (
    None
):
    cv = strong_frontend_cv()
    react, git = FRONTEND_JOB.must_have[0].id, FRONTEND_JOB.must_have[1].id
    bullet = cv.work[0].highlights[0]
    llm = Analysis(
        requirements=[
            _row(react, MatchStatus.MET, Evidence(source_id=UNKNOWN_ID, quote="React")),
            _row(git, MatchStatus.PARTIAL, Evidence(source_id=bullet.id, quote="Expert in Git branching")),
        ],
        strengths=["React"],
    )
    repaired, repairs = reconcile(llm, cv, FRONTEND_JOB)
    assert repaired.status_of(react) is MatchStatus.MISSING
    assert repaired.status_of(git) is MatchStatus.MISSING
    assert any(UNKNOWN_ID in line for line in repairs)
    assert any("does not contain the quoted text" in line for line in repairs)
    assert any("downgraded" in line for line in repairs)
    assert repaired.inconsistencies(cv, FRONTEND_JOB) == []
    # The prose praised what no longer holds: it is rebuilt from the rows.
    assert "Strong React experience" not in repaired.strengths


def test_given_partly_valid_evidence_then_the_valid_part_is_kept_with_the_status() -> None:
    cv = strong_frontend_cv()
    react = FRONTEND_JOB.must_have[0].id
    bullet = cv.work[0].highlights[0]
    llm = Analysis(
        requirements=[
            _row(
                react,
                MatchStatus.MET,
                Evidence(source_id=bullet.id, quote="design system in React"),
                Evidence(source_id=UNKNOWN_ID, quote="React"),
            )
        ]
    )
    repaired, _ = reconcile(llm, cv, FRONTEND_JOB)
    row = repaired.requirements[0]
    assert row.status is MatchStatus.MET
    assert [item.source_id for item in row.evidence] == [bullet.id]


def test_given_rows_for_unknown_requirements_and_unassessed_ones_then_the_rows_match_the_job() -> None:
    cv = strong_frontend_cv()
    llm = Analysis(requirements=[_row(UNKNOWN_REQUIREMENT, MatchStatus.MISSING)])
    repaired, repairs = reconcile(llm, cv, FRONTEND_JOB)
    assert [row.requirement_id for row in repaired.requirements] == [
        r.id for r in FRONTEND_JOB.requirements()
    ]
    assert any(UNKNOWN_REQUIREMENT in line for line in repairs)
    assert sum("left out" in line for line in repairs) == len(FRONTEND_JOB.requirements())
    assert repaired.status_of(FRONTEND_JOB.must_have[0].id) is MatchStatus.MET
    assert repaired.inconsistencies(cv, FRONTEND_JOB) == []


def test_given_a_reconciled_analysis_when_reconciled_again_then_no_more_repairs() -> None:
    cv = strong_frontend_cv()
    llm = Analysis(
        requirements=[
            _row(FRONTEND_JOB.must_have[0].id, MatchStatus.MET, Evidence(source_id=UNKNOWN_ID, quote="React"))
        ]
    )
    once, _ = reconcile(llm, cv, FRONTEND_JOB)
    twice, repairs = reconcile(once, cv, FRONTEND_JOB)
    assert repairs == []
    assert twice.model_dump() == once.model_dump()
