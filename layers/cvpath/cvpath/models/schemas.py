"""JSON Schemas generated from the models, for prompts and for the published contract.

Why generated: the schema an agent's prompt carries and the model that validates
its answer are then one and the same, so they cannot drift apart.
"""

from __future__ import annotations

from typing import Any

from cvpath.models.analysis import Analysis
from cvpath.models.common import Model
from cvpath.models.cv import CV
from cvpath.models.job import Job
from cvpath.models.reports import ComparativeScore, GuardReport, TailorResult, ValidationReport
from cvpath.models.score import Score
from cvpath.models.tailored import TailoredCV

SCHEMA_MODELS: dict[str, type[Model]] = {
    "CV": CV,
    "Job": Job,
    "Analysis": Analysis,
    "TailoredCV": TailoredCV,
    "Score": Score,
    "ValidationReport": ValidationReport,
    "GuardReport": GuardReport,
    "TailorResult": TailorResult,
    "ComparativeScore": ComparativeScore,
}


def json_schemas() -> dict[str, dict[str, Any]]:
    """The JSON Schema (camelCase, input side) of each public document model, by name."""
    return {
        name: model.model_json_schema(by_alias=True, mode="validation")
        for name, model in SCHEMA_MODELS.items()
    }
