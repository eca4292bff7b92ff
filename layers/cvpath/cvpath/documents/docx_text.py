"""DOCX to text with python-docx, in document order.

Read: headers (Word CV templates often put the name and contacts there), the
body's paragraphs and tables in order, text boxes anchored in paragraphs, then
footers. Table cells are read one after the other, so a two-column layout
table reads left column, then right column. List paragraphs get a "• " so
bullets survive (Word keeps the bullet glyph in the numbering definitions, not
in the text).

python-docx is imported inside the function (cold start). The caller has
already checked the archive with :mod:`cvpath.documents.zip_guard`.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cvpath.errors import CorruptDocument

if TYPE_CHECKING:
    from docx.table import Table
    from docx.text.paragraph import Paragraph

_MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_PAGES_RE = re.compile(rb"<(?:\w+:)?Pages>\s*(\d{1,4})\s*</")
# A table row whose cells each hold several lines is a layout table (columns),
# not a data row such as "Company | Dates".
_LAYOUT_CELL_LINES = 3


@dataclass(frozen=True)
class DocxText:
    text: str
    pages: int | None
    columns_detected: bool


def _paragraph_line(paragraph: Paragraph) -> str:
    properties = paragraph._p.pPr
    numbered = properties is not None and properties.numPr is not None
    style = paragraph.style.name if paragraph.style is not None else ""
    is_list = numbered or (style or "").lower().startswith("list")
    text = paragraph.text
    return f"• {text}" if is_list and text.strip() else text


def _text_box_lines(paragraph: Paragraph) -> Iterator[str]:
    from docx.oxml.ns import qn
    from docx.text.paragraph import Paragraph

    # Word writes each text box twice (mc:Choice and a VML mc:Fallback): read one.
    for box in paragraph._p.iter(qn("w:txbxContent")):
        if any(ancestor.tag == _MC_FALLBACK for ancestor in box.iterancestors()):
            continue
        for element in box.iterchildren(qn("w:p")):
            yield _paragraph_line(Paragraph(element, paragraph._parent))


class _Reader:
    def __init__(self) -> None:
        self.layout_table = False

    def blocks(self, items: Iterable[Paragraph | Table]) -> Iterator[str]:
        from docx.text.paragraph import Paragraph

        for item in items:
            if isinstance(item, Paragraph):
                yield _paragraph_line(item)
                yield from _text_box_lines(item)
            else:
                yield from self.table(item)

    def table(self, table: Table) -> Iterator[str]:
        # Merged cells come back once per grid column (and per merged row). The set
        # holds the XML elements themselves: lxml proxies are only identical while
        # someone keeps them alive, so a set of id()s could match a recycled id.
        seen: set[Any] = set()
        for row in table.rows:
            cells_lines: list[list[str]] = []
            for cell in row.cells:
                if cell._tc in seen:
                    continue
                seen.add(cell._tc)
                cells_lines.append(list(self.blocks(cell.iter_inner_content())))
            filled = [
                lines
                for lines in cells_lines
                if sum(1 for line in lines if line.strip()) >= _LAYOUT_CELL_LINES
            ]
            self.layout_table = self.layout_table or len(filled) >= 2
            for lines in cells_lines:
                yield from lines


def _header_footer_lines(reader: _Reader, sections: Any, part: str) -> list[str]:
    lines: list[str] = []
    for section in sections:
        variants = [
            getattr(section, part),
            getattr(section, f"first_page_{part}"),
            getattr(section, f"even_page_{part}"),
        ]
        for variant in variants:
            if variant.is_linked_to_previous:
                continue
            for line in reader.blocks(variant.iter_inner_content()):
                if line.strip() and line not in lines:
                    lines.append(line)
    return lines


def _stored_page_count(data: bytes) -> int | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            properties = archive.read("docProps/app.xml")
    except (KeyError, zipfile.BadZipFile, OSError):
        return None
    match = _PAGES_RE.search(properties)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None


def read_docx(data: bytes) -> DocxText:
    """The document's text; CorruptDocument when python-docx cannot open it."""
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    reader = _Reader()
    # lxml's XMLSyntaxError is a SyntaxError: damaged XML parts land there.
    try:
        document = docx.Document(io.BytesIO(data))
        sections = list(document.sections)
        lines = _header_footer_lines(reader, sections, "header")
        lines.extend(reader.blocks(document.iter_inner_content()))
        lines.extend(_header_footer_lines(reader, sections, "footer"))
    except (PackageNotFoundError, SyntaxError, KeyError, ValueError, AttributeError, zipfile.BadZipFile):
        raise CorruptDocument("The DOCX file is damaged or is not a Word document.") from None
    return DocxText(
        text="\n".join(lines), pages=_stored_page_count(data), columns_detected=reader.layout_table
    )
