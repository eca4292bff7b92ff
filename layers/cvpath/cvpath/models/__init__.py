"""Canonical models: CV (JSON Resume compatible), Job, Analysis, TailoredCV, Score.

Conventions shared by every model (see ``common`` for the details):

- strict: unknown fields, wrong types (no ``1`` for ``"1"``) and blank text where
  content is required are validation errors that name the field;
- snake_case attributes, camelCase aliases; dumps and schemas are camelCase;
- entries, bullets and requirements carry ids derived from their content.
"""

from cvpath.models.analysis import Analysis, Evidence, MatchStatus, RequirementMatch
from cvpath.models.basics import Basics, Location, Meta, Profile
from cvpath.models.common import DerivedId, Model, NonBlank, RefId, derive_id
from cvpath.models.cv import CV, DEFAULT_SECTION_ORDER, SectionName
from cvpath.models.dates import PartialDate, date_span
from cvpath.models.entry import Bullet, Entry
from cvpath.models.job import Job, JobSkill, RemotePolicy, Requirement, RequirementKind, Seniority
from cvpath.models.json_resume import cv_from_json_resume, cv_to_json_resume
from cvpath.models.reports import (
    ComparativeScore,
    GuardFinding,
    GuardFindingKind,
    GuardReport,
    Severity,
    TailorResult,
    ValidationIssue,
    ValidationReport,
)
from cvpath.models.schemas import json_schemas
from cvpath.models.score import (
    DimensionScore,
    RequirementScore,
    Score,
    requirements_value,
    weighted_overall,
)
from cvpath.models.sections import (
    Award,
    Certificate,
    Education,
    Interest,
    Language,
    Project,
    Publication,
    Reference,
    Skill,
    Volunteer,
    Work,
)
from cvpath.models.tailored import (
    TailoredBullet,
    TailoredCV,
    TailoredEducation,
    TailoredProject,
    TailoredVolunteer,
    TailoredWork,
)

__all__ = [
    "CV",
    "DEFAULT_SECTION_ORDER",
    "Analysis",
    "Award",
    "Basics",
    "Bullet",
    "Certificate",
    "ComparativeScore",
    "DerivedId",
    "DimensionScore",
    "Education",
    "Entry",
    "Evidence",
    "GuardFinding",
    "GuardFindingKind",
    "GuardReport",
    "Interest",
    "Job",
    "JobSkill",
    "Language",
    "Location",
    "MatchStatus",
    "Meta",
    "Model",
    "NonBlank",
    "PartialDate",
    "Profile",
    "Project",
    "Publication",
    "RefId",
    "Reference",
    "RemotePolicy",
    "Requirement",
    "RequirementKind",
    "RequirementMatch",
    "RequirementScore",
    "Score",
    "SectionName",
    "Seniority",
    "Severity",
    "Skill",
    "TailorResult",
    "TailoredBullet",
    "TailoredCV",
    "TailoredEducation",
    "TailoredProject",
    "TailoredVolunteer",
    "TailoredWork",
    "ValidationIssue",
    "ValidationReport",
    "Volunteer",
    "Work",
    "cv_from_json_resume",
    "cv_to_json_resume",
    "date_span",
    "derive_id",
    "json_schemas",
    "requirements_value",
    "weighted_overall",
]
