"""The offline CV parser: text in, ``CV`` out, deterministic, never raising on content.

Order of work: clean lines, find headings, take the contact block out, then read each
section with the reader for its kind. Headings the CV model has no place for
("Patents", "Invited Talks") still end the section before them; their content is dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cvpath.agents.offline.cv_parser import builders
from cvpath.agents.offline.cv_parser.contact import (
    Contact,
    find_emails,
    header_span,
    profile_links,
    read_contact,
)
from cvpath.agents.offline.cv_parser.entries import split_entries
from cvpath.agents.offline.cv_parser.lines import Line, split_lines, typical_width
from cvpath.agents.offline.cv_parser.links import Link
from cvpath.agents.offline.cv_parser.listings import listings
from cvpath.agents.offline.cv_parser.places import split_trailing_location
from cvpath.agents.offline.cv_parser.sections import Heading, SectionKind, find_headings
from cvpath.agents.offline.cv_parser.skills import SkillGroup, skill_groups, split_items, spoken_languages
from cvpath.models import CV
from cvpath.models.basics import Basics, Location, Profile
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

_K = SectionKind


@dataclass(frozen=True)
class Section:
    heading: Heading
    lines: list[Line]


@dataclass(frozen=True)
class ParsedCV:
    """The parsed CV and the section headings as printed, in reading order."""

    cv: CV
    headings: tuple[str, ...]


def _sections(lines: list[Line], headings: list[Heading], skip: range) -> list[Section]:
    sections = []
    for position, heading in enumerate(headings):
        end = headings[position + 1].index if position + 1 < len(headings) else len(lines)
        body = [lines[i] for i in range(heading.index + 1, end) if i not in skip]
        sections.append(Section(heading, body))
    return sections


def _location(lines: list[str]) -> Location | None:
    if not lines:
        return None
    if len(lines) == 1:
        rest, place = split_trailing_location(lines[0])
        if place is not None and not rest and place.city is not None:
            return Location(city=place.city, region=place.region, postal_code=place.postal_code)
    return Location(address="\n".join(lines))


def _basics(contact: Contact, links: list[Link], summary: str | None) -> Basics | None:
    seen: set[tuple[str | None, str | None, str | None]] = set()
    profiles: list[Profile] = []
    url: str | None = None
    for link in links:
        key = (link.network, link.username, (link.url or "").casefold().removeprefix("www."))
        if key in seen:
            continue
        seen.add(key)
        if link.network is None:
            url = url or link.url
        else:
            profiles.append(Profile(network=link.network, username=link.username, url=link.url))
    basics = Basics(
        name=contact.name,
        label=contact.label,
        email=contact.email,
        phone=contact.phone,
        url=url,
        summary=summary,
        location=_location(contact.location_lines),
        profiles=profiles,
    )
    return basics if basics.model_dump(exclude_defaults=True) else None


def _summary(lines: list[Line]) -> str | None:
    # Wrapped prose lines are re-joined with a space; the text stays as printed.
    joined = " ".join(line.text for line in lines if line.text.strip())
    return joined or None


def _language_section(section: Section) -> tuple[list[Language], list[SkillGroup]]:
    pairs = spoken_languages(section.lines)
    if pairs is None:
        # "Languages: Python, Java" under its own heading: a skills group, not spoken languages.
        items = [item for line in section.lines for item in split_items(line.text)]
        return [], [SkillGroup(section.heading.title, None, ", ".join(items))] if items else []
    return [Language(language=lang, fluency=level) for lang, level in pairs], []


@dataclass
class _Collected:
    """What the sections add up to, by CV list."""

    work: list[Work] = field(default_factory=list)
    volunteer: list[Volunteer] = field(default_factory=list)
    education: list[Education] = field(default_factory=list)
    projects: list[Project] = field(default_factory=list)
    skills: list[Skill] = field(default_factory=list)
    languages: list[Language] = field(default_factory=list)
    interests: list[Interest] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    certificates: list[Certificate] = field(default_factory=list)
    awards: list[Award] = field(default_factory=list)
    publications: list[Publication] = field(default_factory=list)
    summary: str | None = None


def _read_entries(section: Section, width: int, into: _Collected) -> None:
    kind = section.heading.kind
    for raw in split_entries(section.lines, width, dated_section=kind is not _K.PROJECTS):
        if kind is _K.WORK and (work := builders.build_work(raw)) is not None:
            into.work.append(work)
        elif kind is _K.VOLUNTEER and (volunteer := builders.build_volunteer(raw)) is not None:
            into.volunteer.append(volunteer)
        elif kind is _K.EDUCATION and (education := builders.build_education(raw)) is not None:
            into.education.append(education)
        elif kind is _K.PROJECTS and (project := builders.build_project(raw)) is not None:
            into.projects.append(project)


def _read_lists(section: Section, width: int, into: _Collected) -> None:
    kind = section.heading.kind
    if kind is _K.SKILLS:
        into.skills.extend(m for g in skill_groups(section.lines, width) if (m := builders.build_skill(g)))
    elif kind is _K.LANGUAGES:
        spoken, groups = _language_section(section)
        into.languages.extend(spoken)
        into.skills.extend(m for g in groups if (m := builders.build_skill(g)))
    elif kind is _K.INTERESTS:
        for group in skill_groups(section.lines, width):
            if group.name:
                into.interests.append(Interest(name=group.name, keywords=group.items))
            else:
                into.interests.extend(Interest(name=item) for item in group.items)
    elif kind is _K.CERTIFICATES:
        into.certificates.extend(c for i in listings(section.lines) if (c := builders.build_certificate(i)))
    elif kind is _K.AWARDS:
        into.awards.extend(a for i in listings(section.lines) if (a := builders.build_award(i)))
    elif kind is _K.PUBLICATIONS:
        into.publications.extend(p for i in listings(section.lines) if (p := builders.build_publication(i)))
    elif kind is _K.REFERENCES:
        if (reference := _summary(section.lines)) is not None:
            into.references.append(Reference(reference=reference))
    elif kind is _K.SUMMARY and into.summary is None:
        into.summary = _summary(section.lines)


def parse_cv_document(text: str) -> ParsedCV:
    """Parse CV text; see :func:`parse_cv_text`. Also returns the headings found."""
    if not isinstance(text, str):
        raise ValueError("parse_cv_text needs the CV as a str")
    lines = split_lines(text)
    width = typical_width(lines)
    headings = find_headings(lines)
    start, end = header_span(lines, headings)
    contact = read_contact(lines[start:end])
    sections = _sections(lines, headings, range(start, end))
    links = list(contact.links)
    collected = _Collected()
    for section in sections:
        kind = section.heading.kind
        if kind in (_K.PROFILES, _K.CONTACT):
            links.extend(profile_links(section.lines))
            extra = read_contact(section.lines)
            contact.email = contact.email or extra.email
            contact.phone = contact.phone or extra.phone
            contact.location_lines = contact.location_lines or extra.location_lines
        elif kind in (_K.WORK, _K.VOLUNTEER, _K.EDUCATION, _K.PROJECTS):
            _read_entries(section, width, collected)
        else:
            _read_lists(section, width, collected)
    if contact.email is None:
        contact.email = _first_email_outside_references(lines, sections)
    summary = collected.summary
    if summary is None and contact.summary_lines:
        summary = " ".join(contact.summary_lines)
    cv = CV(
        basics=_basics(contact, links, summary),
        work=collected.work,
        volunteer=collected.volunteer,
        education=collected.education,
        projects=collected.projects,
        skills=collected.skills,
        languages=collected.languages,
        interests=collected.interests,
        references=collected.references,
        certificates=collected.certificates,
        awards=collected.awards,
        publications=collected.publications,
    )
    return ParsedCV(cv, tuple(h.title for h in headings))


def _first_email_outside_references(lines: list[Line], sections: list[Section]) -> str | None:
    excluded = {id(line) for s in sections if s.heading.kind is _K.REFERENCES for line in s.lines}
    for line in lines:
        if id(line) not in excluded and not line.long:
            emails = find_emails(line.text)
            if emails:
                return emails[0]
    return None


def parse_cv_text(text: str) -> CV:
    """The CV printed in ``text`` as a JSON Resume shaped ``CV``; fields not found stay empty.

    Deterministic, and it raises only ``ValueError`` for a non-``str``. Only the first
    200,000 characters are read. Whether the result is good enough to use is the
    validator's call, not the parser's.
    """
    return parse_cv_document(text).cv


__all__ = ["ParsedCV", "parse_cv_document", "parse_cv_text"]
