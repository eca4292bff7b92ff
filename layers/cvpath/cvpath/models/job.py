"""A job description: JSON Resume's job schema plus the requirements we score against.

The JSON Resume fields (``title`` ... ``meta``) keep their names and meaning;
``seniority``, ``minYears``, ``mustHave`` and ``niceToHave`` are ours. Same naming
convention as every model here: snake_case attributes, camelCase on the wire.
Each requirement's id is derived from its priority, kind and text (and its
occurrence among identical siblings), like CV bullet ids.
"""

from __future__ import annotations

from enum import StrEnum
from functools import partial
from typing import Annotated, Self

from pydantic import Field, model_validator

from cvpath.models.basics import Location, Meta
from cvpath.models.common import DerivedId, Model, NonBlank, assign_ids, derive_id, reject_duplicates
from cvpath.models.dates import PartialDate

REQUIREMENT_ID_PREFIX = "req"


class RemotePolicy(StrEnum):
    """JSON Resume's ``remote`` values, spelled as it spells them."""

    FULL = "Full"
    HYBRID = "Hybrid"
    NONE = "None"


class Seniority(StrEnum):
    INTERN = "intern"
    JUNIOR = "junior"
    MID = "mid"
    SENIOR = "senior"
    LEAD = "lead"
    MANAGER = "manager"
    DIRECTOR = "director"
    EXECUTIVE = "executive"


class RequirementKind(StrEnum):
    SKILL = "skill"
    EXPERIENCE = "experience"
    EDUCATION = "education"
    CERTIFICATION = "certification"
    LANGUAGE = "language"
    OTHER = "other"


class Requirement(Model):
    id: DerivedId = ""
    text: NonBlank = Field(description="The requirement as the posting states it")
    # Enums accept their string value: strict mode would otherwise demand the
    # Python enum member even when validating a dict parsed from JSON.
    kind: Annotated[RequirementKind, Field(strict=False)]
    keywords: list[NonBlank] = Field(
        default_factory=list, description="Skill names that satisfy it, e.g. PostgreSQL"
    )


class JobSkill(Model):
    name: str | None = Field(default=None, description="e.g. Web Development")
    level: str | None = Field(default=None, description="e.g. Master")
    keywords: list[NonBlank] = Field(default_factory=list)


class Job(Model):
    title: NonBlank = Field(description="e.g. Web Developer")
    company: str | None = None
    type: str | None = Field(default=None, description="Full-time, part-time, contract, ...")
    date: PartialDate | None = Field(default=None, description="When the job was posted")
    description: str | None = None
    location: Location | None = None
    remote: Annotated[RemotePolicy, Field(strict=False)] | None = None
    salary: str | None = None
    experience: str | None = Field(default=None, description="Level as the posting words it, e.g. Senior")
    responsibilities: list[NonBlank] = Field(default_factory=list)
    qualifications: list[NonBlank] = Field(default_factory=list)
    skills: list[JobSkill] = Field(default_factory=list)
    meta: Meta | None = None
    seniority: Annotated[Seniority, Field(strict=False)] | None = None
    min_years: int | None = Field(default=None, ge=0, le=60, description="Minimum years of experience asked")
    must_have: list[Requirement] = Field(default_factory=list)
    nice_to_have: list[Requirement] = Field(default_factory=list)

    @model_validator(mode="after")
    def _derive_requirement_ids(self) -> Self:
        for loc, priority, requirements in (
            ("mustHave", "must", self.must_have),
            ("niceToHave", "nice", self.nice_to_have),
        ):
            assign_ids(
                requirements,
                loc=loc,
                identity=_requirement_identity,
                make_id=partial(_requirement_id, priority),
            )
        reject_duplicates([req.id for req in self.requirements()], what="requirement id")
        return self

    def requirements(self) -> list[Requirement]:
        """Must-haves first, then nice-to-haves."""
        return [*self.must_have, *self.nice_to_have]

    def is_must_have(self, requirement_id: str) -> bool:
        return any(req.id == requirement_id for req in self.must_have)


def _requirement_identity(requirement: Requirement) -> tuple[str, str]:
    return (requirement.kind.value, requirement.text)


def _requirement_id(priority: str, requirement: Requirement, occurrence: int) -> str:
    return derive_id(REQUIREMENT_ID_PREFIX, priority, *_requirement_identity(requirement), occurrence)
