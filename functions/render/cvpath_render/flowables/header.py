"""The top of the first page: the name, the headline and one line of contact details."""

from __future__ import annotations

from xml.sax.saxutils import escape

from cvpath_render.blocks import Header
from cvpath_render.flowables.base import SEPARATOR, markup
from cvpath_render.reportlab_api import Flowable, Paragraph
from cvpath_render.styles import Styles


class HeaderFlowable(Flowable):  # type: ignore[misc, unused-ignore]
    """Name, headline, contacts, stacked; contacts are real text, and links where they are URLs.

    Small by nature, so it never splits; the space under it is part of the layout.
    """

    def __init__(self, header: Header, styles: Styles, *, space_after: float = 4.0) -> None:
        super().__init__()
        self._paragraphs = [Paragraph(markup(header.name.value), styles.name)]
        if header.label is not None:
            self._paragraphs.append(Paragraph(markup(header.label.value), styles.label))
        if header.contacts:
            items = [markup(c.value, link=header.links.get(c.path)) for c in header.contacts]
            self._paragraphs.append(Paragraph(escape(SEPARATOR).join(items), styles.contact))
        self._heights: list[float] = []
        self.spaceAfter = space_after

    def wrap(self, avail_width: float, avail_height: float) -> tuple[float, float]:
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
