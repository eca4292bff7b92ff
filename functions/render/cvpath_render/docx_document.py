"""A Word document set up like the PDF: page, margins, fonts, heading and list styles.

Why Georgia and not EB Garamond: a DOCX does not carry its fonts, and the reader's
Word or LibreOffice has Georgia (or a close metric substitute) everywhere.
Dates are right-aligned with a right tab stop rather than a table: ATS parsers
read DOCX tables unreliably, tabs never.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from docx import Document
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from cvpath.errors import RenderFailed
from cvpath_render.blocks import Header
from cvpath_render.inputs import PageSize

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.styles.style import ParagraphStyle
    from docx.text.paragraph import Paragraph

FONT = "Georgia"
INK = RGBColor(0x1C, 0x1C, 0x1C)
MUTED = RGBColor(0x4D, 0x4D, 0x4D)
ACCENT = RGBColor(0x1F, 0x3A, 0x5C)
_PAGES = {PageSize.A4: (Mm(210), Mm(297)), PageSize.LETTER: (Mm(215.9), Mm(279.4))}
_MARGIN_SIDE, _MARGIN_TOP = Mm(18), Mm(15)
SEPARATOR = " · "
HEADING_STYLE = "Heading1"  # the style ids of python-docx's default template
BULLET_STYLE = "ListBullet"
# The elements that follow w:pBdr inside w:pPr (ECMA-376 schema order): Word
# rejects a document whose paragraph properties are out of order.
_AFTER_PBDR = (
    "w:shd", "w:tabs", "w:suppressAutoHyphens", "w:kinsoku", "w:wordWrap", "w:overflowPunct",
    "w:topLinePunct", "w:autoSpaceDE", "w:autoSpaceDN", "w:bidi", "w:adjustRightInd", "w:snapToGrid",
    "w:spacing", "w:ind", "w:contextualSpacing", "w:mirrorIndents", "w:suppressOverlap", "w:jc",
    "w:textDirection", "w:textAlignment", "w:textboxTightWrap", "w:outlineLvl", "w:divId",
    "w:cnfStyle", "w:rPr", "w:sectPr", "w:pPrChange",
)  # fmt: skip


def new_document(page_size: PageSize, *, title: str, author: str, subject: str = "") -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = _PAGES[page_size]
    section.left_margin = section.right_margin = _MARGIN_SIDE
    section.top_margin = section.bottom_margin = _MARGIN_TOP
    _set_font(document.styles["Normal"], size=10.5, color=INK)
    document.styles["Normal"].paragraph_format.space_after = Pt(0)
    heading = document.styles["Heading 1"]
    _set_font(heading, size=12.5, color=ACCENT, bold=True)
    heading.paragraph_format.space_before = Pt(10)
    heading.paragraph_format.space_after = Pt(3)
    _bottom_border(heading)
    bullets = document.styles["List Bullet"]
    _set_font(bullets, size=10.5, color=INK)
    bullets.paragraph_format.space_before = Pt(1)
    properties = document.core_properties
    properties.title, properties.author, properties.subject = title, author, subject
    properties.last_modified_by = author  # the template says "python-docx"
    properties.comments = ""
    return document


def content_width(document: DocxDocument) -> int:
    section = document.sections[0]
    width, left, right = section.page_width, section.left_margin, section.right_margin
    if width is None or left is None or right is None:  # new_document always sets them
        raise RenderFailed("the DOCX section has no page geometry")
    return int(width - left - right)


def add_header(document: DocxDocument, header: Header) -> None:
    name = document.add_paragraph()
    _run(name, header.name.value, size=22, bold=True, color=ACCENT)
    if header.label is not None:
        label = document.add_paragraph()
        _run(label, header.label.value, size=12.5, italic=True, color=MUTED)
    if header.contacts:
        contacts = document.add_paragraph()
        contacts.paragraph_format.space_before = Pt(3)
        _run(contacts, SEPARATOR.join(c.value for c in header.contacts), size=9.8, color=MUTED)


def add_line(
    document: DocxDocument,
    left: str,
    right: str = "",
    *,
    bold: bool = False,
    italic: bool = False,
    byline: str = "",
) -> Paragraph:
    """A paragraph: ``left`` text, an italic ``byline``, then ``right`` text at a right tab stop."""
    paragraph = document.add_paragraph()
    if right:
        paragraph.paragraph_format.tab_stops.add_tab_stop(content_width(document), WD_TAB_ALIGNMENT.RIGHT)
    if left:
        _run(paragraph, left, bold=bold, italic=italic, color=MUTED if italic else INK)
    if byline:
        _run(paragraph, (SEPARATOR if left else "") + byline, italic=True, color=MUTED)
    if right:
        _run(paragraph, "\t" + right, color=MUTED)
    return paragraph


def add_styled(document: DocxDocument, text: str, style_id: str) -> Paragraph:
    """A paragraph in the style with id ``style_id`` ("Heading1", "ListBullet").

    Why not ``add_paragraph(text, style=name)``: python-docx resolves a style name
    by scanning every style in the document, about 1.5 ms a paragraph, which made
    up a third of a DOCX export. The ids of the built-in styles are fixed.
    """
    paragraph = document.add_paragraph(text)
    paragraph._p.style = style_id
    return paragraph


def _run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    color: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(text)
    run.bold, run.italic = bold or None, italic or None
    if size is not None:
        run.font.size = Pt(size)
    if color is not None:
        run.font.color.rgb = color


def add_run(paragraph: Paragraph, text: str, *, bold: bool = False, italic: bool = False) -> None:
    _run(paragraph, text, bold=bold, italic=italic, color=MUTED if italic else None)


def _set_font(style: ParagraphStyle, *, size: float, color: RGBColor, bold: bool = False) -> None:
    style.font.name = FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.font.color.rgb = color
    # Built-in styles name theme fonts (asciiTheme, ...), which override w:ascii.
    rpr = style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is not None:
        for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attribute), None)


def _bottom_border(style: ParagraphStyle) -> None:
    """A hairline under the heading paragraph (in the gap below it, like the PDF)."""
    ppr = style.element.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for key, value in (("w:val", "single"), ("w:sz", "4"), ("w:space", "1"), ("w:color", "9AA5B1")):
        bottom.set(qn(key), value)
    borders.append(bottom)
    ppr.insert_element_before(borders, *_AFTER_PBDR)


def to_bytes(document: DocxDocument) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
