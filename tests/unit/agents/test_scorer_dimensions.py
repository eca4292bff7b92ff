"""score_cv and compare: dimensions, weights, reasons, hidden sections of a tailored CV, and the delta."""

from __future__ import annotations

import math
from typing import Any

from evidence_builders import FRONTEND_JOB, job_entry, make_cv, make_job, requirement, strong_frontend_cv

from cvpath.agents.scoring import BASE_WEIGHTS, compare, score_cv
from cvpath.models import CV, MatchStatus, Score, TailoredCV


def _tailored(cv: CV, section_order: list[str]) -> TailoredCV:
    """``cv`` as a tailored CV that keeps every bullet word for word and shows ``section_order``."""
    data: dict[str, Any] = cv.model_dump(exclude_none=True)
    for entry in data["work"]:
        entry["highlights"] = [{"text": b["text"], "sourceBulletIds": [b["id"]]} for b in entry["highlights"]]
    for entry in data["education"]:
        entry["courses"] = [{"text": b["text"], "sourceBulletIds": [b["id"]]} for b in entry["courses"]]
    data["sectionOrder"] = section_order
    return TailoredCV.model_validate(data)


def _dimension(score: Score, name: str) -> float:
    return next(dim.value for dim in score.dimensions if dim.name == name)


def test_given_a_full_job_then_all_six_dimensions_carry_their_base_weights() -> None:
    score = score_cv(strong_frontend_cv(), FRONTEND_JOB)
    assert {dim.name: dim.weight for dim in score.dimensions} == dict(BASE_WEIGHTS)
    assert math.isclose(math.fsum(dim.weight for dim in score.dimensions), 1.0)


def test_given_a_score_then_it_revalidates_and_every_row_and_dimension_explains_itself() -> None:
    score = score_cv(strong_frontend_cv(), FRONTEND_JOB)
    assert Score.model_validate(score.model_dump()) == score
    assert all(row.reason for row in score.requirements)
    for row, requirement_ in zip(score.requirements, FRONTEND_JOB.requirements(), strict=True):
        assert row.reason is not None
        assert row.reason.startswith(requirement_.text)
    assert all(dim.explanation for dim in score.dimensions)


def test_given_must_and_nice_requirements_then_they_score_three_and_one_points_half_when_partial() -> None:
    job = make_job(
        must=[requirement("React", keywords=["React"])],
        nice=[requirement("Angular", keywords=["Angular"])],
    )
    cv = make_cv(work=[job_entry("Developer", "Acme", "2020-01", bullets=["Built widgets in Vue.js."])])
    rows = {row.requirement_id: row for row in score_cv(cv, job).requirements}
    must, nice = rows[job.must_have[0].id], rows[job.nice_to_have[0].id]
    assert (must.status, must.points, must.max_points) == (MatchStatus.PARTIAL, 1.5, 3.0)
    assert (nice.status, nice.points, nice.max_points) == (MatchStatus.PARTIAL, 0.5, 1.0)


def test_given_no_nice_to_haves_then_their_weight_is_shared_out_and_explained() -> None:
    job = make_job(must=[requirement("React", keywords=["React"])])
    score = score_cv(strong_frontend_cv(), job)
    names = [dim.name for dim in score.dimensions]
    assert "nice_to_have" not in names
    assert math.isclose(math.fsum(dim.weight for dim in score.dimensions), 1.0)
    must = next(dim for dim in score.dimensions if dim.name == "must_have")
    assert math.isclose(must.weight, 0.5)
    assert must.explanation is not None
    assert "nice_to_have does not apply" in must.explanation


def test_given_a_job_with_no_requirements_then_the_profile_dimensions_carry_the_score() -> None:
    job = make_job(title="Developer", seniority=None, min_years=None)
    score = score_cv(strong_frontend_cv(), job)
    assert [dim.name for dim in score.dimensions] == ["sections", "ats"]
    assert math.isclose(math.fsum(dim.weight for dim in score.dimensions), 1.0)
    assert score.requirements == []


def test_given_experience_then_years_and_level_are_compared_with_the_job() -> None:
    junior = make_cv(
        work=[job_entry("Junior Developer", "Acme", "2022-01", "2022-12", bullets=["Fixed bugs."])]
    )
    senior_job = make_job(title="Senior Developer", seniority="senior", min_years=4)
    score = score_cv(junior, senior_job)
    # 1 of 4 years (0.25) and two levels below (0.25): 25.
    assert _dimension(score, "experience") == 25.0
    assert _dimension(score_cv(strong_frontend_cv(), senior_job), "experience") == 100.0


def test_given_a_tailored_cv_then_hidden_sections_do_not_count() -> None:
    cv = strong_frontend_cv()
    shown = _tailored(cv, ["summary", "work", "education", "skills"])
    hidden = _tailored(cv, ["work"])
    assert score_cv(shown, FRONTEND_JOB).overall == score_cv(cv, FRONTEND_JOB).overall
    hidden_score = score_cv(hidden, FRONTEND_JOB)
    assert _dimension(hidden_score, "sections") < _dimension(score_cv(cv, FRONTEND_JOB), "sections")
    degree_row = next(
        row for row in hidden_score.requirements if row.requirement_id == FRONTEND_JOB.must_have[3].id
    )
    assert degree_row.status is MatchStatus.MISSING


def test_given_an_original_and_its_tailored_cv_then_compare_reports_both_scores_and_the_delta() -> None:
    cv = strong_frontend_cv()
    result = compare(cv, _tailored(cv, ["work"]), FRONTEND_JOB, narrative="Hid the education section.")
    assert result.before == score_cv(cv, FRONTEND_JOB)
    assert result.delta == round(result.after.overall - result.before.overall, 1)
    assert result.delta < 0
    assert result.narrative == "Hid the education section."
