"""The top of the first page: the name, the headline and the contact details."""

from __future__ import annotations

from collections.abc import Sequence
from xml.sax.saxutils import escape

from cvpath_render.blocks import Header
from cvpath_render.flowables.base import SEPARATOR, markup
from cvpath_render.reportlab_api import Flowable, Paragraph, ParagraphStyle, stringWidth
from cvpath_render.styles import Styles

# Points a packed line keeps free, so float rounding never makes ReportLab wrap
# a line that the packing measured as fitting.
_SLACK = 0.5


def pack_lines(widths: Sequence[float], separator_width: float, line_width: float) -> list[range]:
    """Greedily group items (by index) into lines no wider than ``line_width``.

    A line holds ``widths`` of its items plus one separator between each two of
    them. An item wider than a line gets a line of its own (and wraps there).
    """
    lines: list[range] = []
    start, used = 0, 0.0
    for index, width in enumerate(widths):
        if index > start and used + separator_width + width > line_width:
            lines.append(range(start, index))
            start, used = index, 0.0
        used = width if index == start else used + separator_width + width
    if widths:
        lines.append(range(start, len(widths)))
    return lines


class ContactLines:
    """The contact details, laid out so that separators only ever stand *between* items on a line.

    Why not one paragraph joined with separators: ReportLab breaks a line at any
    space, so a line could end (or start) with "·". Here each line is packed from
    whole items measured in the contact style, and the lines are joined with
    explicit line breaks; ReportLab only wraps an item too wide for a line.
    """

    def __init__(self, header: Header, style: ParagraphStyle) -> None:
        self._style = style
        self._items = [markup(c.value, link=header.links.get(c.path)) for c in header.contacts]
        self._widths = [self._measure(c.value) for c in header.contacts]
        self._separator_width = self._measure(SEPARATOR)

    def _measure(self, text: str) -> float:
        return float(stringWidth(text, self._style.fontName, self._style.fontSize))

    def paragraph(self, line_width: float) -> Paragraph:
        lines = pack_lines(self._widths, self._separator_width, line_width - _SLACK)
        text = "<br/>".join(escape(SEPARATOR).join(self._items[i] for i in line) for line in lines)
        return Paragraph(text, self._style)


class HeaderFlowable(Flowable):  # type: ignore[misc, unused-ignore]
    """Name, headline, contacts, stacked; contacts are real text, and links where they are URLs.

    Small by nature, so it never splits; the space under it is part of the layout.
    """

    def __init__(self, header: Header, styles: Styles, *, space_after: float = 4.0) -> None:
        super().__init__()
        self._fixed = [Paragraph(markup(header.name.value), styles.name)]
        if header.label is not None:
            self._fixed.append(Paragraph(markup(header.label.value), styles.label))
        self._contacts = ContactLines(header, styles.contact) if header.contacts else None
        self._paragraphs: list[Paragraph] = list(self._fixed)
        self._heights: list[float] = []
        self.spaceAfter = space_after

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
        # The contact lines depend on the width, which is known only now.
        self._paragraphs = list(self._fixed)
        if self._contacts is not None:
            self._paragraphs.append(self._contacts.paragraph(avail_width))
        self._heights = [p.wrap(avail_width, avail_height)[1] for p in self._paragraphs]
        gaps = sum(p.style.spaceBefore for p in self._paragraphs[1:])
        self.width, self.height = avail_width, sum(self._heights) + gaps
        return self.width, self.height

    def draw(self) -> None:
        y = self.height
        for index, (paragraph, height) in enumerate(zip(self._paragraphs, self._heights, strict=True)):
            if index:
                y -= paragraph.style.spaceBefore
            y -= height
            paragraph.drawOn(self.canv, 0, y)
