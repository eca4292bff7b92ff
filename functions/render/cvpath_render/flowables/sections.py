"""One flowable class per CV section; each decides its own spacing and formatting."""

from __future__ import annotations

from cvpath.models import SectionName
from cvpath_render.blocks import SectionBlock
from cvpath_render.flowables.base import (
    SEPARATOR,
    SectionFlowable,
    detail_markup,
    entry_flowables,
    markup,
    title_row,
)
from cvpath_render.reportlab_api import Flowable, Paragraph
from cvpath_render.styles import Styles


class SummarySection(SectionFlowable):
    def content(self) -> list[Flowable]:
        paragraphs: list[Flowable] = [
            Paragraph(markup(p.value), self.styles.body) for p in self.block.paragraphs
        ]
        for paragraph in paragraphs[1:]:
            paragraph.spaceBefore = self.styles.paragraph_gap
        return paragraphs


class _EntriesSection(SectionFlowable):
    """Entries with a title line, a subheading, text and bullets."""

    # Space above each entry; the first one sits closer to the heading.
    entry_gap: float = 5.5
    first_gap: float = 1.0

    def content(self) -> list[Flowable]:
        parts: list[Flowable] = []
        for index, entry in enumerate(self.block.entries):
            gap = self.first_gap if index == 0 else self.entry_gap
            parts.extend(entry_flowables(entry, self.styles, self.avail_width, gap=gap))
        return parts


class ExperienceSection(_EntriesSection):
    entry_gap = 6.5


class VolunteerSection(_EntriesSection):
    pass


class EducationSection(_EntriesSection):
    pass


class ProjectsSection(_EntriesSection):
    pass


class CertificationsSection(_EntriesSection):
    # Short entries (a name, an issuer, a date) read as a list: tighter spacing.
    entry_gap = 3.5


class AwardsSection(_EntriesSection):
    entry_gap = 3.5


class PublicationsSection(_EntriesSection):
    entry_gap = 4.5


class ReferencesSection(SectionFlowable):
    """The referee's name, then their words in italics."""

    def content(self) -> list[Flowable]:
        parts: list[Flowable] = []
        for index, entry in enumerate(self.block.entries):
            if entry.heading:
                row = title_row(entry.heading, None, self.styles, self.avail_width)
                row.spaceBefore = 1.0 if index == 0 else 5.0
                row.keepWithNext = bool(entry.paragraphs)
                parts.append(row)
            parts.extend(Paragraph(markup(f"“{p.value}”"), self.styles.quote) for p in entry.paragraphs)
        return parts


class SkillsSection(SectionFlowable):
    """One line per skill group: "Backend (advanced): Python, Go, PostgreSQL"."""

    def content(self) -> list[Flowable]:
        return [
            Paragraph(detail_markup(line, self.styles.label_font), self.styles.detail)
            for line in self.block.lines
        ]


class InterestsSection(SkillsSection):
    pass


class LanguagesSection(SectionFlowable):
    """All languages on one line: "English (native) · German (C1)"."""

    def content(self) -> list[Flowable]:
        items = [detail_markup(line, self.styles.label_font) for line in self.block.lines]
        return [Paragraph(SEPARATOR.join(items), self.styles.detail)]


SECTION_FLOWABLES: dict[SectionName, type[SectionFlowable]] = {
    SectionName.SUMMARY: SummarySection,
    SectionName.WORK: ExperienceSection,
    SectionName.VOLUNTEER: VolunteerSection,
    SectionName.EDUCATION: EducationSection,
    SectionName.PROJECTS: ProjectsSection,
    SectionName.SKILLS: SkillsSection,
    SectionName.CERTIFICATES: CertificationsSection,
    SectionName.AWARDS: AwardsSection,
    SectionName.PUBLICATIONS: PublicationsSection,
    SectionName.LANGUAGES: LanguagesSection,
    SectionName.INTERESTS: InterestsSection,
    SectionName.REFERENCES: ReferencesSection,
}


def section_flowable(block: SectionBlock, styles: Styles, width: float) -> SectionFlowable:
    return SECTION_FLOWABLES[block.name](block, styles, width)
