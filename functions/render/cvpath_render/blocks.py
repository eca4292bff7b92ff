"""The render model: what text a document shows, in which order, and where each piece came from.

A CV is turned into these plain blocks once (``content.py``); the PDF layout, the
DOCX export and the ATS self-check all read the same blocks. Why: the self-check
can then ask "did every piece of text come back, in order?" without knowing the
layout, and the PDF and the DOCX cannot drift apart in what they show.

Every piece of text is a :class:`Text` carrying the path of the input field it
came from (``work.0.highlights.2``), so a failed check names the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from cvpath.models import SectionName


@dataclass(frozen=True, slots=True)
class Text:
    path: str
    value: str


@dataclass(frozen=True, slots=True)
class Detail:
    """A labelled list: "Backend (advanced): Python, Go" or "English (native)"."""

    label: Text | None
    note: Text | None = None
    values: tuple[Text, ...] = ()

    def texts(self) -> Iterator[Text]:
        if self.label is not None:
            yield self.label
        if self.note is not None:
            yield self.note
        yield from self.values


@dataclass(frozen=True, slots=True)
class EntryBlock:
    """One job, degree, project, award, ...; drawn top to bottom in field order.

    ``heading``, then ``byline`` (a short attribution such as a certificate's
    issuer) and ``dates`` share the first line, the dates right-aligned; the
    subheading (employer, place) is the second line.
    """

    heading: tuple[Text, ...] = ()
    byline: tuple[Text, ...] = ()
    dates: Text | None = None
    subheading: tuple[Text, ...] = ()
    paragraphs: tuple[Text, ...] = ()
    bullets: tuple[Text, ...] = ()
    details: tuple[Detail, ...] = ()

    def texts(self) -> Iterator[Text]:
        yield from self.heading
        yield from self.byline
        if self.dates is not None:
            yield self.dates
        yield from self.subheading
        yield from self.paragraphs
        yield from self.bullets
        for detail in self.details:
            yield from detail.texts()

    def is_empty(self) -> bool:
        return next(self.texts(), None) is None


@dataclass(frozen=True, slots=True)
class SectionBlock:
    name: SectionName
    heading: Text
    paragraphs: tuple[Text, ...] = ()
    entries: tuple[EntryBlock, ...] = ()
    lines: tuple[Detail, ...] = ()

    def texts(self) -> Iterator[Text]:
        yield self.heading
        yield from self.paragraphs
        for entry in self.entries:
            yield from entry.texts()
        for line in self.lines:
            yield from line.texts()


@dataclass(frozen=True, slots=True)
class Header:
    """The top of the first page: name, headline and contact details."""

    name: Text
    label: Text | None = None
    contacts: tuple[Text, ...] = ()
    # Link targets by contact path (mailto:, https://...), for clickable contact details.
    links: dict[str, str] = field(default_factory=dict)

    def texts(self) -> Iterator[Text]:
        yield self.name
        if self.label is not None:
            yield self.label
        yield from self.contacts


@dataclass(frozen=True, slots=True)
class CvBlocks:
    header: Header
    sections: tuple[SectionBlock, ...]
    warnings: tuple[str, ...] = ()

    def texts(self) -> Iterator[Text]:
        """Every piece of text in the order a reader (and an extractor) meets it."""
        yield from self.header.texts()
        for section in self.sections:
            yield from section.texts()


@dataclass(frozen=True, slots=True)
class LetterBlocks:
    """A cover letter; the sender header repeats the CV's when there is one."""

    header: Header | None
    recipient: tuple[Text, ...]
    greeting: Text
    paragraphs: tuple[Text, ...]
    closing: Text
    signature: Text
    warnings: tuple[str, ...] = ()

    def texts(self) -> Iterator[Text]:
        if self.header is not None:
            yield from self.header.texts()
        yield from self.recipient
        yield self.greeting
        yield from self.paragraphs
        yield self.closing
        yield self.signature
