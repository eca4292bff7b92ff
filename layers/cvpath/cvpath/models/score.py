"""The comparative score, whose every number can be recomputed from the rows under it.

Rules (enforced on validation, so a score that breaks them cannot exist):

- requirement rows: ``missing`` scores 0 points and cites no bullet; ``partial``
  scores strictly between 0 and ``maxPoints``; ``met`` scores ``maxPoints``; both
  of the latter cite at least one bullet.
- a dimension that lists ``requirementIds`` has the value
  ``round(100 * sum(points) / sum(maxPoints), 1)`` over those rows; a dimension
  that lists none is a measure computed elsewhere (say, formatting) and its
  value is taken as given.
- dimension weights sum to 1 (to within 1e-9), and
  ``overall = round(sum(weight * value), 1)``.

Sums use ``math.fsum`` and rounding is Python's ``round`` to one decimal; build
scores with :meth:`Score.compose` and :meth:`DimensionScore.from_requirements` so
producer and validator compute the numbers the same way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Annotated, Self

from pydantic import Field, model_validator

from cvpath.models.analysis import MatchStatus
from cvpath.models.common import Model, NonBlank, RefId, reject_duplicates

DECIMALS = 1
_WEIGHT_TOLERANCE = 1e-9


class RequirementScore(Model):
    requirement_id: RefId
    status: Annotated[MatchStatus, Field(strict=False)]
    points: float = Field(ge=0)
    max_points: float = Field(gt=0)
    evidence_bullet_ids: list[RefId] = Field(default_factory=list)
    reason: str | None = Field(
        default=None, description="Why these points: the requirement and the evidence behind them"
    )

    @model_validator(mode="after")
    def _points_follow_status(self) -> Self:
        if self.status is MatchStatus.MISSING:
            if self.points != 0:
                raise ValueError(f"points must be 0 when status is 'missing', not {self.points}")
            if self.evidence_bullet_ids:
                raise ValueError("evidenceBulletIds must be empty when status is 'missing'")
            return self
        if not self.evidence_bullet_ids:
            raise ValueError(f"evidenceBulletIds needs at least one id when status is {self.status.value!r}")
        if self.status is MatchStatus.MET and self.points != self.max_points:
            raise ValueError(f"points must equal maxPoints ({self.max_points}) when status is 'met'")
        if self.status is MatchStatus.PARTIAL and not 0 < self.points < self.max_points:
            raise ValueError(
                f"points must lie strictly between 0 and maxPoints ({self.max_points}) when partial"
            )
        return self


def requirements_value(rows: Sequence[RequirementScore]) -> float:
    """A dimension's value from its requirement rows: the share of points won, 0-100."""
    if not rows:
        raise ValueError("a requirement-based value needs at least one requirement row")
    won = math.fsum(row.points for row in rows)
    possible = math.fsum(row.max_points for row in rows)
    return round(100 * won / possible, DECIMALS)


class DimensionScore(Model):
    name: NonBlank = Field(description="e.g. skills, experience, education")
    weight: float = Field(ge=0, le=1)
    value: float = Field(ge=0, le=100)
    requirement_ids: list[RefId] = Field(
        default_factory=list,
        description="Requirement rows the value is computed from; empty for other measures",
    )
    explanation: str | None = Field(default=None, description="How the value was computed, in a sentence")

    @classmethod
    def from_requirements(
        cls, name: str, weight: float, rows: Sequence[RequirementScore], *, explanation: str | None = None
    ) -> DimensionScore:
        """The dimension whose value is computed from ``rows`` by the documented rule."""
        return cls(
            name=name,
            weight=weight,
            value=requirements_value(rows),
            requirement_ids=[row.requirement_id for row in rows],
            explanation=explanation,
        )


def weighted_overall(dimensions: Sequence[DimensionScore]) -> float:
    return round(math.fsum(dim.weight * dim.value for dim in dimensions), DECIMALS)


class Score(Model):
    overall: float = Field(ge=0, le=100, description="Weighted sum of the dimensions, one decimal")
    dimensions: list[DimensionScore] = Field(min_length=1)
    requirements: list[RequirementScore] = Field(default_factory=list)

    @classmethod
    def compose(cls, dimensions: Sequence[DimensionScore], requirements: Sequence[RequirementScore]) -> Score:
        """A score whose ``overall`` is computed from ``dimensions`` by the documented rule."""
        return cls(
            overall=weighted_overall(dimensions),
            dimensions=list(dimensions),
            requirements=list(requirements),
        )

    @model_validator(mode="after")
    def _numbers_are_derivable(self) -> Self:
        reject_duplicates([dim.name for dim in self.dimensions], what="dimension name")
        reject_duplicates([row.requirement_id for row in self.requirements], what="requirementId")
        rows = {row.requirement_id: row for row in self.requirements}
        for dim in self.dimensions:
            if not dim.requirement_ids:
                continue
            reject_duplicates(dim.requirement_ids, what=f"requirementId in dimension {dim.name!r}")
            unknown = [rid for rid in dim.requirement_ids if rid not in rows]
            if unknown:
                raise ValueError(f"dimension {dim.name!r} lists requirementIds with no row: {unknown}")
            expected = requirements_value([rows[rid] for rid in dim.requirement_ids])
            if dim.value != expected:
                raise ValueError(
                    f"dimension {dim.name!r}: value {dim.value} is not derivable from its requirements "
                    f"(expected {expected})"
                )
        total_weight = math.fsum(dim.weight for dim in self.dimensions)
        if abs(total_weight - 1) > _WEIGHT_TOLERANCE:
            raise ValueError(f"dimension weights sum to {total_weight}, not 1")
        expected_overall = weighted_overall(self.dimensions)
        if self.overall != expected_overall:
            raise ValueError(
                f"overall {self.overall} is not the weighted sum of dimensions ({expected_overall})"
            )
        return self
