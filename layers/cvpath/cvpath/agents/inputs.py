"""The input model of each agent: what its handler loads from Postgres for one run."""

from __future__ import annotations

from pydantic import Field

from cvpath.models import CV, Analysis, Job, Model, TailoredCV

# Why caps: extraction already refuses huge documents, but agents are also called
# directly (CLI, API); a bound here keeps a prompt and the offline parser finite.
MAX_CV_CHARS = 200_000
MAX_JOB_CHARS = 100_000


class CVParserInput(Model):
    text: str = Field(max_length=MAX_CV_CHARS, description="The CV's extracted, normalised text")


class CVValidatorInput(Model):
    cv: CV
    text: str | None = Field(default=None, max_length=MAX_CV_CHARS, description="The text it was parsed from")


class JobParserInput(Model):
    text: str = Field(max_length=MAX_JOB_CHARS, description="The job description as posted")


class JobAnalyzerInput(Model):
    cv: CV
    job: Job


class CVTailorInput(Model):
    cv: CV
    job: Job
    analysis: Analysis


class ScorerInput(Model):
    cv: CV
    tailored_cv: TailoredCV
    job: Job
