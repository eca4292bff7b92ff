"""The ``skills`` and ``experience`` dimensions: skill coverage, and years and level against the job's."""

from __future__ import annotations

import math
from datetime import date

from cvpath.agents.evidence import Term, cv_units, requirement_terms, years_covered
from cvpath.agents.evidence.keywords import locate, term_for, unique_terms
from cvpath.agents.scoring.seniority import seniority_fit, seniority_from_years, seniority_of_title
from cvpath.agents.scoring.weights import Draft, Skipped
from cvpath.models import CV, Job, RequirementKind, Seniority, Work, date_span

_LISTED = 8


def job_terms(job: Job) -> list[Term]:
    """The skills the job names: in its requirements (degrees aside) and its skills list, each once."""
    terms: list[Term] = []
    for requirement in job.requirements():
        if requirement.kind is not RequirementKind.EDUCATION:
            terms += requirement_terms(requirement)
    terms += [term_for(keyword) for skill in job.skills for keyword in skill.keywords]
    return unique_terms(terms)


def skills_draft(cv: CV, job: Job) -> Draft | Skipped:
    """The share of the job's skills the CV names anywhere, summary included, aliases counted."""
    terms = job_terms(job)
    if not terms:
        return Skipped("skills", "the job names no skills")
    texts = [unit.text for unit in cv_units(cv)]
    found = [term.label for term in terms if any(locate(term, text) is not None for text in texts)]
    absent = [term.label for term in terms if term.label not in found]
    explanation = (
        f"The CV names {len(found)} of the job's {len(terms)} skills (aliases count)"
        f"{_listing('found', found)}{_listing('not found', absent)}."
    )
    return Draft(name="skills", explanation=explanation, value=round(100 * len(found) / len(terms), 1))


def _listing(label: str, names: list[str]) -> str:
    if not names:
        return ""
    more = f" and {len(names) - _LISTED} more" if len(names) > _LISTED else ""
    return f"; {label}: {', '.join(names[:_LISTED])}{more}"


def job_seniority(job: Job) -> Seniority | None:
    if job.seniority is not None:
        return job.seniority
    from_title = seniority_of_title(job.title)
    if from_title is not None:
        return from_title
    return seniority_from_years(job.min_years) if job.min_years is not None else None


def latest_work(cv: CV) -> Work | None:
    """The current job (ongoing, or the latest start); CV order breaks ties."""
    dated = [work for work in cv.work if work.start_date is not None]
    if not dated:
        return cv.work[0] if cv.work else None

    def recency(work: Work) -> tuple[bool, date]:
        assert work.start_date is not None
        return (work.end_date is None, date_span(work.start_date)[0])

    return max(dated, key=recency)


def experience_draft(cv: CV, job: Job, as_of: date | None) -> Draft | Skipped:
    """Years (from the work dates) against ``minYears``, and the latest title's level against the job's."""
    asked_level = job_seniority(job)
    if job.min_years is None and asked_level is None:
        return Skipped("experience", "the job states neither years nor a level")
    parts: list[float] = []
    notes: list[str] = []
    years = years_covered(cv.work, as_of)
    if job.min_years is not None:
        parts.append(1.0 if job.min_years == 0 else min(1.0, years / job.min_years))
        notes.append(f"{years:.1f} years of work shown against {job.min_years} asked")
    if asked_level is not None:
        current = latest_work(cv)
        title = current.position if current is not None else None
        if title:
            # A title without a level ("Software Engineer") is read by years, as the corpus labels jobs.
            level = seniority_of_title(title) or seniority_from_years(math.floor(years))
            parts.append(seniority_fit(level, asked_level))
            notes.append(f"latest title {title!r} reads as {level.value}, the job asks {asked_level.value}")
        else:
            parts.append(0.0)
            notes.append(f"no job title shown, the job asks {asked_level.value}")
    value = round(100 * math.fsum(parts) / len(parts), 1)
    return Draft(name="experience", explanation=f"Mean fit of: {'; '.join(notes)}.", value=value)
