"""The look of the PDF: page geometry, type sizes, spacing and colours, in one place.

A classic one-column CV: EB Garamond throughout, the name large, section headings
in plain semibold text over a hairline that runs *between* blocks (never through
text), dates right-aligned on the title line. Colour is a dark ink with one muted
blue for the name and the headings; everything prints well in greyscale.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Any

from cvpath_render.fonts import FontStyle
from cvpath_render.inputs import PageSize
from cvpath_render.reportlab_api import A4, LETTER, TA_LEFT, TA_RIGHT, Color, HexColor, ParagraphStyle, mm

INK: Color = HexColor("#1c1c1c")
MUTED: Color = HexColor("#4d4d4d")
ACCENT: Color = HexColor("#1f3a5c")
RULE: Color = HexColor("#9aa5b1")

# The styles the CV and letter layouts draw with; only these are registered for a render.
USED_FONTS: tuple[FontStyle, ...] = (
    FontStyle.REGULAR,
    FontStyle.ITALIC,
    FontStyle.SEMIBOLD,
)


@dataclass(frozen=True, slots=True)
class PageGeometry:
    width: float
    height: float
    left: float = 18 * mm
    right: float = 18 * mm
    top: float = 15 * mm
    bottom: float = 16 * mm

    @property
    def frame_width(self) -> float:
        return self.width - self.left - self.right

    @property
    def frame_height(self) -> float:
        return self.height - self.top - self.bottom


def page_geometry(size: PageSize) -> PageGeometry:
    width, height = A4 if size is PageSize.A4 else LETTER
    return PageGeometry(width, height)


@dataclass(frozen=True, slots=True)
class Styles:
    name: ParagraphStyle
    label: ParagraphStyle
    contact: ParagraphStyle
    heading: ParagraphStyle
    entry_title: ParagraphStyle
    entry_dates: ParagraphStyle
    entry_sub: ParagraphStyle
    body: ParagraphStyle
    bullet: ParagraphStyle
    detail: ParagraphStyle
    quote: ParagraphStyle
    letter_body: ParagraphStyle
    footer: ParagraphStyle
    # Space (points) under a heading's rule and between paragraphs of a summary;
    # the gap between entries is each section's own (see flowables.sections).
    rule_gap: float = 3.0
    paragraph_gap: float = 4.0
    label_font: str = FontStyle.SEMIBOLD.value


def _style(name: str, **kw: Any) -> ParagraphStyle:
    base: dict[str, Any] = {
        "fontName": FontStyle.REGULAR.value,
        "fontSize": 10.5,
        "leading": 13.1,
        "textColor": INK,
        "alignment": TA_LEFT,
        # Why: ReportLab's default bullet font is Helvetica, whose "•" extracts as
        # U+007F with pypdf; the bullet must come from a font with a ToUnicode map.
        "bulletFontName": FontStyle.REGULAR.value,
        "splitLongWords": 1,
        "allowWidows": 0,
        "allowOrphans": 0,
    }
    base.update(kw)
    base.setdefault("bulletFontSize", base["fontSize"])
    return ParagraphStyle(name, **base)


@cache
def make_styles() -> Styles:
    """The paragraph styles (built once; fonts must be registered before drawing)."""
    return Styles(
        name=_style("name", fontName=FontStyle.SEMIBOLD.value, fontSize=25, leading=29, textColor=ACCENT),
        label=_style("label", fontName=FontStyle.ITALIC.value, fontSize=12.5, leading=15.5, textColor=MUTED),
        contact=_style("contact", fontSize=9.8, leading=12.6, textColor=MUTED, spaceBefore=3),
        heading=_style(
            "heading",
            fontName=FontStyle.SEMIBOLD.value,
            fontSize=12.5,
            leading=15,
            textColor=ACCENT,
            spaceBefore=9.5,
        ),
        entry_title=_style("entry_title", fontName=FontStyle.SEMIBOLD.value, fontSize=11, leading=13.4),
        # Same size as the title, on purpose: pdftotext joins the two into one line
        # ("title  dates") only when their sizes match; otherwise it may read the
        # dates before the title.
        entry_dates=_style("entry_dates", fontSize=11, leading=13.4, textColor=MUTED, alignment=TA_RIGHT),
        entry_sub=_style("entry_sub", fontName=FontStyle.ITALIC.value, leading=13.0, textColor=MUTED),
        body=_style("body", spaceBefore=1.5),
        bullet=_style("bullet", leftIndent=12, bulletIndent=2.5, spaceBefore=1.3),
        detail=_style("detail", spaceBefore=1.3),
        quote=_style("quote", fontName=FontStyle.ITALIC.value, spaceBefore=1.5),
        letter_body=_style("letter_body", fontSize=11, leading=14.6, spaceBefore=8),
        footer=_style("footer", fontName=FontStyle.ITALIC.value, fontSize=8.5, leading=10, textColor=MUTED),
    )
