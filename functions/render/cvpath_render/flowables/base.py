"""Building blocks shared by the section flowables: markup, headings, entry layout.

Text reaches ReportLab only through :func:`markup`, which XML-escapes it: a bullet
containing ``<b>`` or ``&`` is drawn literally, never interpreted.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from xml.sax.saxutils import escape, quoteattr

from cvpath_render.blocks import Detail, EntryBlock, SectionBlock, Text
from cvpath_render.fonts import FontStyle
from cvpath_render.reportlab_api import (
    Flowable,
    NullActionFlowable,
    Paragraph,
    Table,
    TableStyle,
    stringWidth,
)
from cvpath_render.styles import RULE, Styles

# Why NBSP before the separator: a wrapped contact or subheading line never starts with "·".
SEPARATOR = "\u00a0· "
# A height no frame has: see SectionFlowable.wrap.
_NEVER_FITS = 0xFFFFFF
_DATES_PADDING = 8.0
_MAX_DATES_SHARE = 0.38
_BARE_TABLE = TableStyle(
    [
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("RIGHTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        # Cells hold Paragraphs; without this the table still selects Helvetica.
        ("FONTNAME", (0, 0), (-1, -1), FontStyle.REGULAR.value),
    ]
)


def markup(text: str, *, font: str | None = None, link: str | None = None) -> str:
    """Paragraph markup for literal text, optionally in another font or as a link."""
    body = escape(text)
    if font is not None:
        body = f"<font name={quoteattr(font)}>{body}</font>"
    if link:
        body = f"<a href={quoteattr(link)}>{body}</a>"
    return body


def joined(texts: Iterable[Text], separator: str = SEPARATOR) -> str:
    return escape(separator).join(markup(t.value) for t in texts)


def detail_markup(detail: Detail, label_font: str) -> str:
    """ "Label (note): a, b, c" with the label in the label font; parts may be missing."""
    head = markup(detail.label.value, font=label_font) if detail.label else ""
    if detail.note is not None:
        head = f"{head} ({markup(detail.note.value)})" if head else markup(detail.note.value)
    values = joined(detail.values, ", ")
    if head and values:
        return f"{head}: {values}"
    return head or values


class SectionHeading(Flowable):  # type: ignore[misc, unused-ignore]
    """The section title in plain semibold text with a hairline *below* it.

    The rule sits in the gap under the text, so it never crosses a line of text,
    and the heading stays with what follows it (no orphan headings).
    """

    def __init__(self, text: str, styles: Styles) -> None:
        super().__init__()
        self._paragraph = Paragraph(markup(text), styles.heading)
        self._rule_gap = styles.rule_gap
        self.keepWithNext = 1
        self.spaceBefore = styles.heading.spaceBefore
        self.spaceAfter = styles.rule_gap + 1.5

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        _, height = self._paragraph.wrap(avail_width, avail_height)
        self.width, self.height = avail_width, height + self._rule_gap
        return self.width, self.height

    def draw(self) -> None:
        self._paragraph.drawOn(self.canv, 0, self._rule_gap)
        self.canv.setStrokeColor(RULE)
        self.canv.setLineWidth(0.6)
        self.canv.line(0, 0.5, self.width, 0.5)


class SectionFlowable(Flowable):  # type: ignore[misc, unused-ignore]
    """A CV section: a heading and its content, as one flowable.

    Why it always splits: a section can be longer than a page, and the frame is
    best at placing paragraphs one by one, splitting them across pages and keeping
    headings with what follows. So ``wrap`` reports a height no frame has, and
    ``split`` hands the frame the section's own flowables.
    """

    def __init__(self, block: SectionBlock, styles: Styles, width: float) -> None:
        super().__init__()
        self.block = block
        self.styles = styles
        self.avail_width = width

    def content(self) -> list[Flowable]:
        """The flowables of the section body (after the heading)."""
        raise NotImplementedError

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        return avail_width, _NEVER_FITS

    def split(self, avail_width: float, avail_height: float) -> list[Flowable]:
        # A leading action flowable makes the document re-queue all parts, so the
        # heading goes through the normal keep-with-next handling.
        return [NullActionFlowable(), SectionHeading(self.block.heading.value, self.styles), *self.content()]

    def draw(self) -> None:  # never drawn whole: see the class docstring
        raise AssertionError("SectionFlowable is always split")


def entry_flowables(entry: EntryBlock, styles: Styles, width: float, *, gap: float) -> list[Flowable]:
    """One entry: title line (dates right), subheading, paragraphs, bullets, details.

    The order of the flowables is the order of ``entry.texts()``: the ATS check
    expects the extracted text in exactly that order.
    """
    parts: list[Flowable] = []
    if entry.heading or entry.byline or entry.dates:
        parts.append(title_row(entry.heading, entry.dates, styles, width, byline=entry.byline))
    if entry.subheading:
        parts.append(Paragraph(joined(entry.subheading), styles.entry_sub))
    header_count = len(parts)
    parts.extend(Paragraph(markup(p.value), styles.body) for p in entry.paragraphs)
    parts.extend(Paragraph(markup(b.value), styles.bullet, bulletText="•") for b in entry.bullets)
    parts.extend(Paragraph(detail_markup(d, styles.label_font), styles.detail) for d in entry.details)
    # The title and subheading stay with the first line below them.
    for part in parts[: min(header_count, len(parts) - 1)]:
        part.keepWithNext = 1
    if parts:
        parts[0].spaceBefore = gap
    return parts


def title_row(
    heading: Sequence[Text],
    dates: Text | None,
    styles: Styles,
    width: float,
    *,
    byline: Sequence[Text] = (),
) -> Flowable:
    """The title (and byline, in italics) left and the dates right-aligned on the same line.

    A borderless one-row table: the title cell is drawn first, so every extractor
    (pypdf, pdfminer, pdftotext) reads "title, dates" in that order.
    """
    text = joined(heading, ", ")
    if byline:
        by = markup(", ".join(t.value for t in byline), font=styles.entry_sub.fontName)
        text = f"{text}{escape(SEPARATOR)}{by}" if text else by
    title = Paragraph(text, styles.entry_title)
    if dates is None:
        return title
    style = styles.entry_dates
    dates_width = stringWidth(dates.value, style.fontName, style.fontSize) + _DATES_PADDING
    dates_width = min(dates_width, width * _MAX_DATES_SHARE)
    return Table(
        [[title, Paragraph(markup(dates.value), style)]],
        colWidths=[width - dates_width, dates_width],
        style=_BARE_TABLE,
        splitInRow=1,  # an absurdly long title may still split across pages
    )
