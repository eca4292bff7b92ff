"""Score: every number must be derivable from the rows beneath it."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cvpath.models import (
    DimensionScore,
    MatchStatus,
    RequirementScore,
    Score,
    requirements_value,
    weighted_overall,
)

REQ_A, REQ_B, REQ_C = "req-aaaaaaaaaaaa", "req-bbbbbbbbbbbb", "req-cccccccccccc"
BULLET = "b-0123456789ab"


def _rows() -> list[RequirementScore]:
    return [
        RequirementScore(
            requirement_id=REQ_A, status=MatchStatus.MET, points=3, max_points=3, evidence_bullet_ids=[BULLET]
        ),
        RequirementScore(
            requirement_id=REQ_B,
            status=MatchStatus.PARTIAL,
            points=1,
            max_points=3,
            evidence_bullet_ids=[BULLET],
        ),
        RequirementScore(requirement_id=REQ_C, status=MatchStatus.MISSING, points=0, max_points=2),
    ]


def _score_document() -> dict[str, Any]:
    rows = _rows()
    score = Score.compose(
        [
            DimensionScore.from_requirements("skills", 0.7, rows[:2]),
            DimensionScore.from_requirements("certifications", 0.2, rows[2:]),
            DimensionScore(name="format", weight=0.1, value=90),
        ],
        rows,
    )
    return score.model_dump(mode="json")


def test_compose_derives_every_number_by_the_documented_rule() -> None:
    score = Score.model_validate(_score_document())
    skills, certifications, layout = score.dimensions
    assert skills.value == 66.7  # 100 * (3 + 1) / (3 + 3), one decimal
    assert certifications.value == 0.0
    assert layout.value == 90
    assert score.overall == round(0.7 * 66.7 + 0.2 * 0 + 0.1 * 90, 1) == 55.7
    assert score.overall == weighted_overall(score.dimensions)


def test_a_score_survives_json_exactly() -> None:
    score = Score.model_validate(_score_document())
    assert Score.model_validate_json(score.model_dump_json()) == score


@pytest.mark.parametrize(
    ("path", "value", "match"),
    [
        (("overall",), 60.0, r"overall 60.0 is not the weighted sum of dimensions \(55.7\)"),
        (("overall",), 55.67, r"overall"),
        (("dimensions", 0, "value"), 70.0, r"dimension 'skills': value 70.0 is not derivable"),
        (("dimensions", 0, "weight"), 0.6, r"weights sum to 0.9"),
        (("dimensions", 2, "name"), "skills", r"duplicate dimension name 'skills'"),
        (("dimensions", 1, "requirementIds"), ["req-dddddddddddd"], r"requirementIds with no row"),
        (("dimensions", 2, "value"), 101, r"dimensions\.2\.value\n.*less than or equal to 100"),
        (("dimensions", 2, "weight"), True, r"dimensions\.2\.weight\n.*valid number"),
        (("dimensions", 2, "value"), "90", r"dimensions\.2\.value\n.*valid number"),
        (("dimensions",), [], r"dimensions\n.*at least 1 item"),
        (("requirements", 0, "points"), 2, r"points must equal maxPoints"),
        (("requirements", 1, "points"), 3, r"strictly between 0 and maxPoints"),
        (("requirements", 1, "points"), 0, r"strictly between 0 and maxPoints"),
        (("requirements", 2, "points"), 1, r"points must be 0 when status is 'missing'"),
        (("requirements", 2, "evidenceBulletIds"), [BULLET], r"evidenceBulletIds must be empty"),
        (("requirements", 0, "evidenceBulletIds"), [], r"evidenceBulletIds needs at least one id"),
        (("requirements", 0, "maxPoints"), 0, r"requirements\.0\.maxPoints\n.*greater than 0"),
        (("requirements", 0, "status"), "done", r"requirements\.0\.status"),
        (("requirements", 2, "requirementId"), REQ_A, r"duplicate requirementId"),
    ],
)
def test_numbers_that_do_not_add_up_are_rejected(path: tuple[str | int, ...], value: Any, match: str) -> None:
    # Given a valid score with one number changed
    data = _score_document()
    target: Any = data
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    # When / Then validation refuses it and says which number
    with pytest.raises(ValidationError, match=match):
        Score.model_validate(data)


def test_a_non_finite_number_is_rejected() -> None:
    data = _score_document()
    data["dimensions"][2]["value"] = float("nan")
    with pytest.raises(ValidationError, match=r"dimensions\.2\.value"):
        Score.model_validate(data)


def test_a_dimension_without_requirement_rows_is_taken_as_given() -> None:
    score = Score.compose([DimensionScore(name="format", weight=1, value=42.5)], [])
    assert score.overall == 42.5


def test_requirements_value_needs_rows() -> None:
    assert requirements_value(_rows()) == 50.0  # 4 of 8 points
    with pytest.raises(ValueError, match=r"at least one requirement row"):
        requirements_value([])
