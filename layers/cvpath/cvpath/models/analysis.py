"""The gap analysis: for each job requirement, whether the CV meets it, and the proof.

Evidence points at a CV bullet (or, failing one, an entry) by id and quotes it
verbatim, so every claim can be checked mechanically against the CV. The model
enforces what it can see on its own (``met``/``partial`` carry evidence,
``missing`` carries none, each requirement once); :meth:`Analysis.inconsistencies`
checks the rest against the CV and the job.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, ValidationInfo, field_validator, model_validator

from cvpath.models.common import Model, NonBlank, RefId, reject_duplicates
from cvpath.models.cv import CV
from cvpath.models.job import Job


class MatchStatus(StrEnum):
    MET = "met"
    PARTIAL = "partial"
    MISSING = "missing"


class Evidence(Model):
    source_id: RefId = Field(description="Id of the CV bullet (or entry) that shows it")
    quote: NonBlank = Field(description="Text copied verbatim from that bullet or entry")


class RequirementMatch(Model):
    requirement_id: RefId
    # Enums accept their string value (strict mode alone would want the member).
    status: Annotated[MatchStatus, Field(strict=False)]
    evidence: list[Evidence] = Field(default_factory=list)
    note: str | None = Field(default=None, description="Why the status, in a sentence")

    @field_validator("evidence")
    @classmethod
    def _evidence_fits_status(cls, evidence: list[Evidence], info: ValidationInfo) -> list[Evidence]:
        status = info.data.get("status")
        if status is MatchStatus.MISSING and evidence:
            raise ValueError("a missing requirement cannot have evidence")
        if status in (MatchStatus.MET, MatchStatus.PARTIAL) and not evidence:
            raise ValueError(f"status {status.value!r} needs at least one evidence item")
        return evidence


class Analysis(Model):
    requirements: list[RequirementMatch] = Field(description="One row per job requirement")
    strengths: list[NonBlank] = Field(default_factory=list)
    gaps: list[NonBlank] = Field(default_factory=list)
    summary: str | None = None

    @model_validator(mode="after")
    def _each_requirement_once(self) -> Self:
        reject_duplicates([row.requirement_id for row in self.requirements], what="requirementId")
        return self

    def status_of(self, requirement_id: str) -> MatchStatus | None:
        return next((row.status for row in self.requirements if row.requirement_id == requirement_id), None)

    def inconsistencies(self, cv: CV, job: Job) -> list[str]:
        """What in this analysis does not hold against ``cv`` and ``job`` (empty: all holds).

        Finds requirements that are unknown or not assessed, evidence citing ids
        the CV does not have, and quotes that are not verbatim in the cited text.
        """
        problems: list[str] = []
        job_ids = [req.id for req in job.requirements()]
        assessed = {row.requirement_id for row in self.requirements}
        problems += [f"requirement {rid!r} is not in the job" for rid in sorted(assessed - set(job_ids))]
        problems += [f"requirement {rid!r} is not assessed" for rid in job_ids if rid not in assessed]
        texts = cv.texts_by_id()
        for row in self.requirements:
            for item in row.evidence:
                cited = texts.get(item.source_id)
                where = f"evidence for {row.requirement_id!r}"
                if cited is None:
                    problems.append(f"{where} cites unknown id {item.source_id!r}")
                elif not any(item.quote in text for text in cited):
                    problems.append(f"{where} quotes text that {item.source_id!r} does not contain")
        return problems
