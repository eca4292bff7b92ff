"""The offline JOB_PARSER: a posting's text to a ``Job``, deterministically.

Priority of a requirement, strongest cue first:

1. a preferred section ("Preferred qualifications", "Good to have") -> nice-to-have;
2. a nice cue on the line itself ("preferred", "a plus", "bonus", "ideally") -> nice-to-have;
3. a requirements section ("Requirements", "Minimum qualifications", "Skills required") -> must-have;
4. duties and the role's prose: when the posting lists no skill requirements at all,
   every duty is a must-have (the corpus labelling convention); otherwise only the
   duty or prose sentences naming a skill no requirement names yet are added, so a
   skill the role plainly uses ("R models, Python scripts") is not lost.

Company text ("About us", "About the job"), benefits and how-to-apply are never requirements.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from cvpath.agents.offline.job_cues import (
    binding_min_years,
    is_nice_cue,
    job_seniority,
    requirement_kind,
    title_level_word,
    years_mentions,
)
from cvpath.agents.offline.job_fields import (
    based_in,
    company_from_body,
    field_of,
    fields,
    header_company_and_location,
    job_title,
    location_from,
    remote_policy,
)
from cvpath.agents.offline.job_lines import JobLine, job_lines
from cvpath.agents.offline.job_sections import SectionKind, SectionLine, section_lines
from cvpath.agents.taxonomy import get_taxonomy
from cvpath.errors import NotAJobDescription
from cvpath.models import Job, JobSkill, RemotePolicy, Requirement, RequirementKind

_SENTENCE_END_RE = re.compile(r"(?<=[a-z0-9)][.!?])\s+(?=[A-Z])")
_REQUIREMENT_SECTIONS = frozenset({SectionKind.REQUIRED, SectionKind.PREFERRED})
_ROLE_SECTIONS = frozenset({SectionKind.DUTIES, SectionKind.INTRO})
_MAX_DESCRIPTION_CHARS = 2_000
# Sentences about the employer, not the role: "Acme is a web design company", "our mission".
_ABOUT_COMPANY_RE = re.compile(
    r"\bis an? (?:\w+ ){0,6}(?:company|firm|agency|startup|organi[sz]ation|provider|leader)\b|"
    r"\bour (?:mission|company|clients|customers)\b|\bwe are an? \w+ (?:company|firm|agency|startup)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Item:
    text: str
    keywords: tuple[str, ...]
    kind: RequirementKind


def skill_keywords(text: str) -> tuple[str, ...]:
    """Canonical taxonomy skills named in ``text``, first mention first, each once."""
    seen: dict[str, None] = {}
    for mention in get_taxonomy().find(text):
        seen.setdefault(mention.canonical, None)
    return tuple(seen)


def _item(text: str) -> _Item:
    keywords = skill_keywords(text)
    return _Item(text, keywords, requirement_kind(text, has_skills=bool(keywords)))


def _sentences(text: str) -> list[str]:
    return [part.strip() for part in _SENTENCE_END_RE.split(text) if part.strip()]


def _requirement(item: _Item) -> Requirement:
    return Requirement(text=item.text, kind=item.kind, keywords=list(item.keywords))


def _unique(items: Iterable[_Item]) -> list[_Item]:
    seen: set[tuple[str, str]] = set()
    unique: list[_Item] = []
    for item in items:
        key = (item.kind.value, item.text)
        if key not in seen:
            seen.add(key)
            unique.append(item)
    return unique


def _keywords_of(items: Iterable[_Item]) -> list[str]:
    seen: dict[str, None] = {}
    for item in items:
        for keyword in item.keywords:
            seen.setdefault(keyword, None)
    return list(seen)


def _content_lines(sectioned: Sequence[SectionLine]) -> list[SectionLine]:
    """Lines that can carry requirements: not the title, headings or metadata fields."""
    return [line for line in sectioned[1:] if not line.heading and field_of(line.text) is None]


def _split_priorities(
    content: Sequence[SectionLine],
) -> tuple[list[_Item], list[_Item], list[_Item], list[_Item]]:
    """(must, nice, core, prose): ``core`` are duties and unheaded bullets, ``prose`` the role's sentences."""
    must: list[_Item] = []
    nice: list[_Item] = []
    core: list[_Item] = []
    prose: list[_Item] = []
    for line in content:
        if line.kind is SectionKind.PREFERRED or (
            line.kind in _REQUIREMENT_SECTIONS | _ROLE_SECTIONS and is_nice_cue(line.text)
        ):
            nice.append(_item(line.text))
        elif line.kind is SectionKind.REQUIRED:
            must.append(_item(line.text))
        elif line.kind is SectionKind.DUTIES or (line.kind is SectionKind.INTRO and line.bullet):
            core.append(_item(line.text))
        elif line.kind is SectionKind.INTRO:
            prose.extend(
                _item(sentence)
                for sentence in _sentences(line.text)
                if not _ABOUT_COMPANY_RE.search(sentence)
            )
    return must, nice, core, prose


def _with_role_items(must: list[_Item], core: list[_Item], prose: list[_Item]) -> list[_Item]:
    """Must-haves plus what the duties and the role's prose contribute (see the module docstring)."""
    if not any(item.keywords for item in must):
        return [*must, *core, *(item for item in prose if item.keywords)]
    covered = set(_keywords_of(must))
    added: list[_Item] = []
    for item in [*core, *prose]:
        new = [keyword for keyword in item.keywords if keyword not in covered]
        if new:
            added.append(item)
            covered.update(new)
    return [*must, *added]


def _min_years(content: Sequence[SectionLine], title_line: str) -> int | None:
    mentions = years_mentions(title_line, preferred=False)
    for line in content:
        if line.kind in (SectionKind.ABOUT, SectionKind.BENEFITS, SectionKind.APPLY):
            continue
        mentions.extend(years_mentions(line.text, preferred=line.kind is SectionKind.PREFERRED))
    return binding_min_years(mentions)


def _description(sectioned: Sequence[SectionLine]) -> str | None:
    prose = [
        line.text
        for line in sectioned[1:]
        if line.kind is SectionKind.INTRO and not line.heading and len(line.text.split()) >= 8
    ]
    return " ".join(prose)[:_MAX_DESCRIPTION_CHARS] or None


def _skills(must: Sequence[_Item], nice: Sequence[_Item]) -> list[JobSkill]:
    required = _keywords_of(must)
    preferred = [keyword for keyword in _keywords_of(nice) if keyword not in set(required)]
    skills = []
    if required:
        skills.append(JobSkill(name="Required", keywords=required))
    if preferred:
        skills.append(JobSkill(name="Preferred", keywords=preferred))
    return skills


def parse_job_text(text: str) -> Job:
    """Parse a job posting; raises ``NotAJobDescription`` only when there is no text at all.

    Run :func:`cvpath.agents.offline.job_gate.check_job_text` first to refuse
    text that is not a posting; this function parses whatever it is given.
    """
    lines: list[JobLine] = job_lines(text)
    if not lines:
        raise NotAJobDescription("The job description is empty.", details={"reason": "empty"})
    found = fields(lines)
    title = job_title(lines, found)
    sectioned = section_lines(lines)
    content = _content_lines(sectioned)
    must, nice, core, prose = _split_priorities(content)
    must = _unique(_with_role_items(must, core, prose))
    nice = _unique(nice)
    min_years = _min_years(content, lines[0].text)
    header_company, header_location = header_company_and_location(lines)
    location = location_from(found["location"]) if "location" in found else None
    remote = remote_policy(lines)
    if remote is None and "location" in found and re.search(r"\b(?:home|remote)\b", found["location"], re.I):
        remote = RemotePolicy.FULL
    return Job(
        title=title,
        company=found.get("company") or header_company or company_from_body(lines),
        type=found.get("type"),
        description=_description(sectioned),
        location=location or header_location or based_in(lines),
        remote=remote,
        salary=found.get("salary"),
        experience=title_level_word(title),
        responsibilities=[line.text for line in content if line.kind is SectionKind.DUTIES],
        qualifications=[line.text for line in content if line.kind in _REQUIREMENT_SECTIONS],
        skills=_skills(must, nice),
        seniority=job_seniority(title, "\n".join(line.text for line in lines), min_years),
        min_years=min_years,
        must_have=[_requirement(item) for item in must],
        nice_to_have=[_requirement(item) for item in nice],
    )
