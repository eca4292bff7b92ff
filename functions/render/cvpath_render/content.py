"""CV -> render blocks: which fields each section shows, cleaned by the text policy.

Field paths use the wire spelling (camelCase, as in JSON Resume and in validation
errors), so a warning or a failed check points at the field a user can fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from typing import Any

from cvpath.errors import ValidationFailed
from cvpath.models import (
    CV,
    Award,
    Basics,
    Certificate,
    Education,
    Interest,
    Language,
    Project,
    Publication,
    Reference,
    SectionName,
    Skill,
    Volunteer,
    Work,
)
from cvpath_render.blocks import CvBlocks, Detail, EntryBlock, Header, SectionBlock, Text
from cvpath_render.dates import format_date, format_range
from cvpath_render.text_policy import TextPolicy

HEADINGS: dict[SectionName, str] = {
    SectionName.SUMMARY: "Summary",
    SectionName.WORK: "Experience",
    SectionName.VOLUNTEER: "Volunteering",
    SectionName.EDUCATION: "Education",
    SectionName.PROJECTS: "Projects",
    SectionName.SKILLS: "Skills",
    SectionName.CERTIFICATES: "Certifications",
    SectionName.AWARDS: "Awards",
    SectionName.PUBLICATIONS: "Publications",
    SectionName.LANGUAGES: "Languages",
    SectionName.INTERESTS: "Interests",
    SectionName.REFERENCES: "References",
}
# A bullet that already starts with a marker would be drawn with two.
_LEADING_MARKER_RE = re.compile(
    "^\\s*[\u2022\u00b7\\-*\u2013\u2014\u25aa\u25cf\u25e6\u2023\u2043\u25ba\u25b8\u2713\u2714]\\s+"
)
_SCHEME_RE = re.compile(r"^https?://(www\.)?", re.IGNORECASE)


class _Builder:
    def __init__(self, policy: TextPolicy) -> None:
        self.policy = policy

    def text(self, path: str, value: str | None, *, multiline: bool = False) -> Text | None:
        cleaned = self.policy.clean(value, path, multiline=multiline)
        return Text(path, cleaned) if cleaned else None

    def texts(self, *pairs: tuple[str, str | None]) -> tuple[Text, ...]:
        return tuple(t for path, value in pairs if (t := self.text(path, value)) is not None)

    def bullets(self, path: str, bullets: Iterable[object]) -> tuple[Text, ...]:
        items = (
            (f"{path}.{i}", _LEADING_MARKER_RE.sub("", getattr(b, "text", str(b))))
            for i, b in enumerate(bullets)
        )
        return self.texts(*items)

    def dates(self, path: str, start: str | None, end: str | None) -> Text | None:
        return Text(path, format_range(start, end)) if (start or end) else None

    def one_date(self, path: str, value: str | None) -> Text | None:
        return Text(path, format_date(value)) if value else None

    def paragraphs(self, path: str, value: str | None) -> tuple[Text, ...]:
        cleaned = self.text(path, value, multiline=True)
        if cleaned is None:
            return ()
        return tuple(Text(path, line) for line in cleaned.value.split("\n") if line)

    # --- the header ---------------------------------------------------------------

    def header(self, basics: Basics | None) -> Header:
        name = self.text("basics.name", basics.name if basics else None)
        if basics is None or name is None:
            raise ValidationFailed(
                "basics.name is required to render a CV: the name heads the page and the PDF metadata",
                details={"field": "basics.name"},
            )
        contacts: list[Text] = []
        links: dict[str, str] = {}
        if (email := self.text("basics.email", basics.email)) is not None:
            contacts.append(email)
            links[email.path] = f"mailto:{email.value}"
        contacts.extend(self.texts(("basics.phone", basics.phone)))
        if (url := self.text("basics.url", _display_url(basics.url))) is not None:
            contacts.append(url)
            links[url.path] = basics.url or ""
        if basics.location is not None:
            where = basics.location
            place = ", ".join(p for p in (where.city, where.region, where.country_code) if p)
            contacts.extend(self.texts(("basics.location", place)))
        for i, profile in enumerate(basics.profiles):
            path = f"basics.profiles.{i}"
            shown = _display_url(profile.url) or ": ".join(
                p for p in (profile.network, profile.username) if p
            )
            if (item := self.text(path, shown)) is not None:
                contacts.append(item)
                if profile.url:
                    links[path] = profile.url
        return Header(name, self.text("basics.label", basics.label), tuple(contacts), links)

    # --- sections -----------------------------------------------------------------

    def section(self, cv: CV, name: SectionName) -> SectionBlock | None:
        heading = Text(f"{name.value}.heading", HEADINGS[name])
        if name is SectionName.SUMMARY:
            paragraphs = self.paragraphs("basics.summary", cv.basics.summary if cv.basics else None)
            return SectionBlock(name, heading, paragraphs=paragraphs) if paragraphs else None
        if name in _LINE_SECTIONS:
            line_builder = _LINE_SECTIONS[name]
            lines = [
                line_builder(self, f"{name.value}.{i}", item) for i, item in enumerate(getattr(cv, name))
            ]
            kept_lines = tuple(line for line in lines if line is not None)
            return SectionBlock(name, heading, lines=kept_lines) if kept_lines else None
        entry_builder = _ENTRY_SECTIONS[name]
        entries: list[EntryBlock] = []
        for i, item in enumerate(getattr(cv, name)):
            entry = entry_builder(self, f"{name.value}.{i}", item)
            if entry.is_empty():
                self.policy.warnings.append(f"{name.value}.{i}: nothing to show, left out")
            else:
                entries.append(entry)
        return SectionBlock(name, heading, entries=tuple(entries)) if entries else None

    def work(self, path: str, item: Work | Volunteer) -> EntryBlock:
        employer_field, employer = (
            ("name", item.name) if isinstance(item, Work) else ("organization", item.organization)
        )
        title = self.texts((f"{path}.position", item.position))
        org = self.texts((f"{path}.{employer_field}", employer))
        location = self.texts((f"{path}.location", item.location)) if isinstance(item, Work) else ()
        description = (
            self.paragraphs(f"{path}.description", item.description) if isinstance(item, Work) else ()
        )
        return EntryBlock(
            heading=title or org,
            dates=self.dates(f"{path}.dates", item.start_date, item.end_date),
            subheading=(org if title else ()) + location,
            paragraphs=description + self.paragraphs(f"{path}.summary", item.summary),
            bullets=self.bullets(f"{path}.highlights", item.highlights),
        )

    def education(self, path: str, item: Education) -> EntryBlock:
        degree = self.texts((f"{path}.studyType", item.study_type), (f"{path}.area", item.area))
        school = self.texts((f"{path}.institution", item.institution))
        courses = self.bullets(f"{path}.courses", item.courses)
        label = Text(f"{path}.courses.label", "Courses")
        return EntryBlock(
            heading=degree or school,
            dates=self.dates(f"{path}.dates", item.start_date, item.end_date),
            subheading=(school if degree else ()) + self.texts((f"{path}.score", item.score)),
            details=(Detail(label, values=courses),) if courses else (),
        )

    def project(self, path: str, item: Project) -> EntryBlock:
        roles = [(f"{path}.roles.{i}", role) for i, role in enumerate(item.roles)]
        keywords = self.texts(*((f"{path}.keywords.{i}", k) for i, k in enumerate(item.keywords)))
        label = Text(f"{path}.keywords.label", "Technologies")
        return EntryBlock(
            heading=self.texts((f"{path}.name", item.name)),
            dates=self.dates(f"{path}.dates", item.start_date, item.end_date),
            subheading=self.texts(
                *roles, (f"{path}.entity", item.entity), (f"{path}.url", _display_url(item.url))
            ),
            paragraphs=self.paragraphs(f"{path}.description", item.description),
            bullets=self.bullets(f"{path}.highlights", item.highlights),
            details=(Detail(label, values=keywords),) if keywords else (),
        )

    def award(self, path: str, item: Award) -> EntryBlock:
        return EntryBlock(
            heading=self.texts((f"{path}.title", item.title)),
            byline=self.texts((f"{path}.awarder", item.awarder)),
            dates=self.one_date(f"{path}.date", item.date),
            paragraphs=self.paragraphs(f"{path}.summary", item.summary),
        )

    def certificate(self, path: str, item: Certificate) -> EntryBlock:
        return EntryBlock(
            heading=self.texts((f"{path}.name", item.name)),
            byline=self.texts((f"{path}.issuer", item.issuer)),
            dates=self.one_date(f"{path}.date", item.date),
        )

    def publication(self, path: str, item: Publication) -> EntryBlock:
        return EntryBlock(
            heading=self.texts((f"{path}.name", item.name)),
            dates=self.one_date(f"{path}.releaseDate", item.release_date),
            subheading=self.texts(
                (f"{path}.publisher", item.publisher), (f"{path}.url", _display_url(item.url))
            ),
            paragraphs=self.paragraphs(f"{path}.summary", item.summary),
        )

    def reference(self, path: str, item: Reference) -> EntryBlock:
        return EntryBlock(
            heading=self.texts((f"{path}.name", item.name)),
            paragraphs=self.paragraphs(f"{path}.reference", item.reference),
        )

    def skill(self, path: str, item: Skill | Interest) -> Detail | None:
        keywords = self.texts(*((f"{path}.keywords.{i}", k) for i, k in enumerate(item.keywords)))
        level = self.text(f"{path}.level", item.level) if isinstance(item, Skill) else None
        detail = Detail(self.text(f"{path}.name", item.name), level, keywords)
        return detail if detail.label or detail.values else None

    def language(self, path: str, item: Language) -> Detail | None:
        name = self.text(f"{path}.language", item.language)
        return Detail(name, self.text(f"{path}.fluency", item.fluency)) if name else None


_ENTRY_SECTIONS: dict[SectionName, Callable[[_Builder, str, Any], EntryBlock]] = {
    SectionName.WORK: _Builder.work,
    SectionName.VOLUNTEER: _Builder.work,
    SectionName.EDUCATION: _Builder.education,
    SectionName.PROJECTS: _Builder.project,
    SectionName.AWARDS: _Builder.award,
    SectionName.CERTIFICATES: _Builder.certificate,
    SectionName.PUBLICATIONS: _Builder.publication,
    SectionName.REFERENCES: _Builder.reference,
}
_LINE_SECTIONS: dict[SectionName, Callable[[_Builder, str, Any], Detail | None]] = {
    SectionName.SKILLS: _Builder.skill,
    SectionName.INTERESTS: _Builder.skill,
    SectionName.LANGUAGES: _Builder.language,
}


def _display_url(url: str | None) -> str | None:
    """ "https://www.example.com/jane/" -> "example.com/jane": shorter, and still a URL to a reader."""
    return _SCHEME_RE.sub("", url).rstrip("/") if url else None


def build_header(basics: Basics | None, policy: TextPolicy) -> Header:
    return _Builder(policy).header(basics)


def build_cv_blocks(cv: CV, order: Sequence[SectionName], policy: TextPolicy) -> CvBlocks:
    """The blocks of ``cv`` with the sections of ``order`` that have content, in that order.

    Raises ``ValidationFailed`` without a name, ``UnsupportedText`` for text the
    font cannot draw (see ``text_policy``).
    """
    builder = _Builder(policy)
    header = builder.header(cv.basics)
    sections = tuple(s for name in order if (s := builder.section(cv, name)) is not None)
    return CvBlocks(header, sections, tuple(policy.warnings))
