"""The dimensions, their weights, and how the weight of a dimension that does not apply is shared out.

A dimension does not apply when the job gives it nothing to measure (no
nice-to-haves, no skills, no years or level). Its weight is then shared among
the others in proportion to their own weights, so their relative importance
stays as designed; each dimension's explanation says so.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

from cvpath.models import DimensionScore, RequirementScore

BASE_WEIGHTS: Mapping[str, float] = {
    "must_have": 0.45,
    "nice_to_have": 0.10,
    "skills": 0.15,
    "experience": 0.15,
    "sections": 0.05,
    "ats": 0.10,
}


@dataclass(frozen=True)
class Draft:
    """A dimension before its weight is known: a measured value, or requirement rows to derive it from."""

    name: str
    explanation: str
    value: float = 0.0
    rows: tuple[RequirementScore, ...] = ()

    def build(self, weight: float, note: str) -> DimensionScore:
        explanation = f"{self.explanation} {note}".strip()
        if self.rows:
            return DimensionScore.from_requirements(self.name, weight, self.rows, explanation=explanation)
        return DimensionScore(name=self.name, weight=weight, value=self.value, explanation=explanation)


@dataclass(frozen=True)
class Skipped:
    """A dimension that does not apply to this job, and why."""

    name: str
    reason: str


def weigh(drafts: list[Draft], skipped: list[Skipped]) -> list[DimensionScore]:
    """The dimensions with weights summing to 1, in :data:`BASE_WEIGHTS` order."""
    # Unrounded on purpose: rounded shares would not sum to 1 and one dimension would have to absorb the rest.
    total = math.fsum(BASE_WEIGHTS[draft.name] for draft in drafts)
    weights = {draft.name: BASE_WEIGHTS[draft.name] / total for draft in drafts}
    note = ""
    if skipped:
        reasons = "; ".join(f"{item.name} does not apply ({item.reason})" for item in skipped)
        note = f"Weights rescaled to sum to 1 because {reasons}."
    dimensions: list[DimensionScore] = []
    for draft in drafts:
        base = BASE_WEIGHTS[draft.name]
        weight_note = f"Weight {weights[draft.name]:.4g} (base {base})." + (f" {note}" if note else "")
        dimensions.append(draft.build(weights[draft.name], weight_note))
    return dimensions
