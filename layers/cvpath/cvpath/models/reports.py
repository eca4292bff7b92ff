"""What the agents report beside their main output: validation issues, the guard's
removals, and the before/after score comparison.

These are part of a run's evidence (stored with the outputs in ``tailor_data``)
and of ``report.json``, so they follow the same conventions as every model here:
strict, closed, camelCase on the wire.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field

from cvpath.models.common import Model, NonBlank
from cvpath.models.cv import CV
from cvpath.models.score import Score
from cvpath.models.tailored import TailoredCV


class Severity(StrEnum):
    INFO = "info"
    WARNING = "warning"
    ERROR = "error"


class ValidationIssue(Model):
    code: NonBlank = Field(description="e.g. missing_email, date_order, overlapping_dates")
    severity: Annotated[Severity, Field(strict=False)]
    path: str = Field(default="", description="Where in the CV, e.g. work.2.endDate; empty for the whole CV")
    message: NonBlank


class ValidationReport(Model):
    """CV_VALIDATOR's output: the checked (and only safely repaired) CV and what it found."""

    cv: CV
    issues: list[ValidationIssue] = Field(default_factory=list)
    language: str | None = Field(default=None, description="ISO 639-1 code of the CV's language, e.g. en")
    repairs: list[NonBlank] = Field(
        default_factory=list, description="What was changed, one line each; never an invented fact"
    )


class GuardFindingKind(StrEnum):
    ENTRY = "entry"
    EMPLOYER = "employer"
    TITLE = "title"
    INSTITUTION = "institution"
    DEGREE = "degree"
    DATE = "date"
    NUMBER = "number"
    NAME = "name"
    BULLET_SOURCE = "bullet_source"
    SKILL = "skill"
    CONTACT = "contact"
    SUMMARY = "summary"


class GuardFinding(Model):
    kind: Annotated[GuardFindingKind, Field(strict=False)]
    path: NonBlank = Field(description="Where it was in the tailored CV, e.g. work.0.highlights.2")
    value: str = Field(description="The untraceable text that was removed (or replaced)")
    action: NonBlank = Field(description="removed, or replaced with the source value")
    reason: NonBlank


class GuardReport(Model):
    """What the fabrication guard removed from a tailored CV; empty ``findings`` means all traced."""

    findings: list[GuardFinding] = Field(default_factory=list)
    checked_bullets: int = Field(default=0, ge=0)
    checked_entries: int = Field(default=0, ge=0)

    @property
    def clean(self) -> bool:
        return not self.findings


class TailorResult(Model):
    """CV_TAILOR's output after the guard: only what traces to the source CV, and the report."""

    tailored_cv: TailoredCV
    guard_report: GuardReport


class ComparativeScore(Model):
    """COMPARATIVE_SCORER's output: the same job scored against the original and the tailored CV."""

    before: Score
    after: Score
    delta: float = Field(description="after.overall - before.overall, one decimal")
    narrative: str | None = Field(
        default=None, description="Optional prose about the scores; it never changes a number"
    )
