"""Which sections come first for this job, and the summary written from the CV's own facts."""

from __future__ import annotations

from collections.abc import Sequence

from cvpath.agents.guard.trace import cv_texts
from cvpath.agents.offline.cv_tailor.relevance import JobRelevance, skill_key
from cvpath.agents.offline.cv_tailor.selection import entry_score
from cvpath.agents.taxonomy import get_taxonomy
from cvpath.models import CV, Entry, Job, SectionName, Seniority, Work

_EARLY_CAREER = {Seniority.INTERN, Seniority.JUNIOR}
# After the main blocks, in the order recruiters usually read them.
_TAIL = (
    SectionName.VOLUNTEER,
    SectionName.CERTIFICATES,
    SectionName.AWARDS,
    SectionName.PUBLICATIONS,
    SectionName.SKILLS,
    SectionName.LANGUAGES,
    SectionName.INTERESTS,
    SectionName.REFERENCES,
)
_SUMMARY_SKILLS = 5
_MIN_LISTED_SKILLS = 3


def section_order(cv: CV, job: Job, relevance: JobRelevance, *, has_summary: bool) -> list[SectionName]:
    """Summary, then (for technical jobs) skills, then work/education/projects by fit; empty sections hidden.

    Education leads for interns, juniors and candidates without work; projects
    precede work when the best project fits the job better than the best job.
    """
    education_first = job.seniority in _EARLY_CAREER or not cv.work
    projects_first = _best(cv.projects, relevance) > _best(cv.work, relevance)
    main = (
        [SectionName.WORK, SectionName.PROJECTS]
        if not projects_first
        else [SectionName.PROJECTS, SectionName.WORK]
    )
    main = [SectionName.EDUCATION, *main] if education_first else [*main, SectionName.EDUCATION]
    head = [SectionName.SUMMARY]
    if relevance.technical:
        head.append(SectionName.SKILLS)
    order = [*head, *main, *(name for name in _TAIL if name not in head)]
    return [
        name for name in order if (has_summary if name is SectionName.SUMMARY else _has_content(cv, name))
    ]


def _best(entries: Sequence[Entry], relevance: JobRelevance) -> int:
    return max((entry_score(entry, relevance) for entry in entries), default=0)


def _has_content(cv: CV, name: SectionName) -> bool:
    return name is not SectionName.SUMMARY and bool(getattr(cv, name.value))


def written_summary(latest: Work | None, cv: CV, relevance: JobRelevance) -> str | None:
    """ "<latest title> with experience in A, B and C." from the CV's words, or ``None``.

    Only the latest job title as printed and skills the CV itself lists (in its
    spelling) that the job asks for: no numbers, no adjectives, nothing inferred.
    Why no summary without a matching skill: a bare job title says nothing the
    work section does not.
    """
    if latest is None or not latest.position:
        return None
    skills = _cv_skills_the_job_wants(cv, relevance)
    if not skills:
        return None
    listed = skills[0] if len(skills) == 1 else f"{', '.join(skills[:-1])} and {skills[-1]}"
    return f"{latest.position.strip()} with experience in {listed}."


def _cv_skills_the_job_wants(cv: CV, relevance: JobRelevance) -> list[str]:
    """Up to five skills, heaviest for the job first: the skills section's, as listed; only when it
    names fewer than three, skills named elsewhere in the CV, as printed there."""
    listed = _wanted(relevance, [keyword for group in cv.skills for keyword in group.keywords])
    if len(listed) < _MIN_LISTED_SKILLS:
        named = [mention.surface for text in cv_texts(cv) for mention in get_taxonomy().find(text)]
        listed = _wanted(relevance, [*listed, *named])
    return listed[:_SUMMARY_SKILLS]


def _wanted(relevance: JobRelevance, names: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for name in names:
        key = skill_key(name)
        if key in relevance.weights and key not in seen and "," not in name:
            seen[key] = name.strip()
    # Heaviest first; among equals, the job's own order.
    job_order = list(relevance.weights)
    ranked = sorted(seen, key=lambda key: (-relevance.weights[key], job_order.index(key)))
    return [seen[key] for key in ranked]
