"""A cover letter composed deterministically from the tailored CV, the parsed job and the analysis.

Every sentence is one of :data:`TEMPLATES` with slots filled only from those
three documents: the job's title and company, the CV's name, title and latest
role, the requirements the analysis found met together with the CV's own words
that show them, and the CV's skills the job names. Nothing is inferred, so
nothing can be invented; a fact the inputs lack leaves its sentence out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from cvpath.errors import ValidationFailed
from cvpath.models import Analysis, Job, MatchStatus, TailoredCV
from cvpath_render.cover_letter import CoverLetter

COMPOSER_VERSION = "letter_composer/1"
GREETING = "Dear Hiring Manager,"
CLOSING = "Kind regards,"
MAX_MATCHES = 3
MAX_SKILLS = 6

# The only wording the composer adds; each {slot} is filled from the CV or the job.
TEMPLATES: dict[str, str] = {
    "apply_at": "I am writing to apply for the {title} position at {company}.",
    "apply": "I am writing to apply for the {title} position.",
    "label": "My professional title is {label}.",
    "recent_role": "Most recently, I worked as {position} at {employer}.",
    "recent_employer": "Most recently, I worked at {employer}.",
    "match": "For \u201c{requirement}\u201d, my CV shows: {evidence}.",
    "skills": "Skills from my CV that your posting names: {skills}.",
    "thanks": (
        "Thank you for considering my application; I would welcome the chance to discuss the {title} role."
    ),
}


@dataclass(frozen=True)
class Sentence:
    """One sentence: which template, and the CV or job text in each slot."""

    template: str
    slots: dict[str, str]

    @property
    def text(self) -> str:
        return TEMPLATES[self.template].format(**self.slots)


def compose_cover_letter(cv: TailoredCV, job: Job, analysis: Analysis) -> CoverLetter:
    """The letter; ``ValidationFailed`` when the CV has no name to sign it with."""
    name = _fact(cv.basics.name if cv.basics else None)
    if name is None:
        raise ValidationFailed(
            "the tailored CV has no name to sign a cover letter with; add basics.name or ask for no letter",
            details={"field": "basics.name"},
        )
    paragraphs = [" ".join(s.text for s in sentences) for sentences in letter_sentences(cv, job, analysis)]
    return CoverLetter(
        recipient="Hiring Manager",
        company=_fact(job.company),
        greeting=GREETING,
        paragraphs=paragraphs,
        closing=CLOSING,
        signature=name,
    )


def letter_sentences(cv: TailoredCV, job: Job, analysis: Analysis) -> list[list[Sentence]]:
    """The body's paragraphs as sentences (2 or 3 paragraphs; empty ones are left out)."""
    title = _fact(job.title) or "advertised"
    opening = [_apply(title, _fact(job.company)), *_about(cv)]
    evidence = [*_matches(cv, job, analysis)][:MAX_MATCHES]
    skills = _shared_skills(cv, job)
    if skills:
        evidence.append(Sentence("skills", {"skills": _join(skills)}))
    closing = [Sentence("thanks", {"title": title})]
    return [paragraph for paragraph in (opening, evidence, closing) if paragraph]


def _apply(title: str, company: str | None) -> Sentence:
    if company:
        return Sentence("apply_at", {"title": title, "company": company})
    return Sentence("apply", {"title": title})


def _about(cv: TailoredCV) -> Iterator[Sentence]:
    label = _fact(cv.basics.label if cv.basics else None)
    if label:
        yield Sentence("label", {"label": label})
    latest = next((entry for entry in cv.work if _fact(entry.name)), None)
    if latest is None:
        return
    employer = _fact(latest.name) or ""
    position = _fact(latest.position)
    if position:
        yield Sentence("recent_role", {"position": position, "employer": employer})
    else:
        yield Sentence("recent_employer", {"employer": employer})


def _matches(cv: TailoredCV, job: Job, analysis: Analysis) -> Iterator[Sentence]:
    """Met requirements (must-haves first, in job order) with a quote the tailored CV still holds."""
    status = {row.requirement_id: row for row in analysis.requirements}
    shown = _all_texts(cv)
    for requirement in job.requirements():
        row = status.get(requirement.id)
        if row is None or row.status is not MatchStatus.MET:
            continue
        quote = next((q for item in row.evidence if (q := _fact(item.quote)) and _shown(q, shown)), None)
        requirement_text = _fact(requirement.text)
        if quote and requirement_text:
            yield Sentence("match", {"requirement": requirement_text, "evidence": quote})


def _shared_skills(cv: TailoredCV, job: Job) -> list[str]:
    wanted = {word.casefold() for word in _job_keywords(job)}
    found: dict[str, str] = {}
    for skill in cv.skills:
        for word in (skill.name, *skill.keywords):
            fact = _fact(word)
            if fact and fact.casefold() in wanted:
                found.setdefault(fact.casefold(), fact)
    return list(found.values())[:MAX_SKILLS]


def _job_keywords(job: Job) -> Iterator[str]:
    for requirement in job.requirements():
        yield from requirement.keywords
    for skill in job.skills:
        if skill.name:
            yield skill.name
        yield from skill.keywords


def _all_texts(cv: TailoredCV) -> list[str]:
    return [text for texts in cv.texts_by_id().values() for text in texts]


def _shown(quote: str, texts: Iterable[str]) -> bool:
    return any(quote in " ".join(text.split()) for text in texts)


def _fact(value: str | None) -> str | None:
    """A source text made fit for a slot: one line, no trailing sentence punctuation."""
    if value is None:
        return None
    text = re.sub(r"[\s.;:,]+$", "", " ".join(value.split()))
    return text or None


def _join(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"
