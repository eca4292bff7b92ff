"""PDF to text with pypdf, page by page, reading two-column pages column by column.

Strategy (measured on the shared corpus, see bench/extraction.py):
1. pypdf's plain extraction gives the text in content-stream order, which is
   the reading order for almost every generator, including sidebar layouts
   that draw one column after the other. It also reads text inside form
   XObjects, which layout mode skips.
2. While it runs, a visitor records where each text run starts
   (:mod:`cvpath.documents.page_geometry`). Most pages stop here: no second
   column edge; or one side too narrow or too thin to be a column (a date or
   label column beside its entries); or a stream that already reads one
   column after the other.
3. Only a page with two real sides whose stream switches between them line
   after line is also extracted in layout mode, where
   :mod:`cvpath.documents.columns` confirms the gutter on real glyph widths.
   The page is then read column by column from the layout text: this fixes
   PDFs that draw their columns interleaved, line by line. Layout mode skips
   text in form XObjects and rotated text, so unless it saw every glyph plain
   mode saw, the plain text is kept (with a warning).

pypdf is imported inside the functions: the layer must not pay for it at cold
start when a handler never reads a PDF.
"""

from __future__ import annotations

import io
import re
import struct
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from cvpath.documents.columns import split_columns
from cvpath.documents.content_filter import strip_path_operators
from cvpath.documents.models import ExtractionLimits
from cvpath.documents.page_geometry import (
    MAX_SWITCHES_IN_COLUMN_ORDER,
    PageRuns,
    column_edge,
    side_switches,
    sides_are_columns,
)
from cvpath.errors import CorruptDocument, EmptyDocument, EncryptedDocument, TooManyPages

if TYPE_CHECKING:
    from pypdf import PageObject, PdfReader

# The spec puts %%EOF in the last 1,024 bytes; writers that append junk stay well
# within 4 KB. A file without it was cut short, and pypdf would quietly read the
# part that arrived.
_EOF_WINDOW = 4096
# In a PDF text layer a soft hyphen is a glyph that was drawn (TeX's T1 fonts map
# their hyphen to U+00AD): inside a line it reads as "-". At a line end it is a
# hyphenation point, left for the normaliser to join.
_DRAWN_SOFT_HYPHEN_RE = re.compile("(?<=\\w)\u00ad(?=\\w)")


@dataclass
class PdfText:
    pages: list[str]
    column_pages: list[int] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _parse_errors() -> tuple[type[BaseException], ...]:
    from pypdf.errors import PyPdfError

    # pypdf reports damaged input through its own errors, but deep inside a broken
    # file it also surfaces plain Python ones (a failed assert, a bad struct).
    return (
        PyPdfError,
        ValueError,
        TypeError,
        KeyError,
        IndexError,
        AttributeError,
        AssertionError,
        OverflowError,
        RecursionError,
        NotImplementedError,
        zlib.error,
        struct.error,
    )


def _glyphs(text: str) -> Counter[str]:
    return Counter(char for char in text if not char.isspace())


def _lighten_contents(page: PageObject) -> None:
    from pypdf.generic import DecodedStreamObject, NameObject

    contents = page.get_contents()
    if contents is None:
        return
    lighter = strip_path_operators(contents.get_data())
    if lighter is not None:
        stream = DecodedStreamObject()
        stream.set_data(lighter)
        page[NameObject("/Contents")] = stream


@dataclass(frozen=True)
class _PageText:
    text: str
    in_columns: bool = False
    unsure_order: bool = False


def _page_text(page: PageObject, errors: tuple[type[BaseException], ...]) -> _PageText:
    """The page's raw text and how it was read."""
    runs = PageRuns()
    _lighten_contents(page)
    plain = page.extract_text(visitor_text=runs.visit)
    box = page.mediabox
    edge = column_edge(runs.runs, float(box.width))
    if edge is None or not sides_are_columns(runs.runs, edge, float(box.right), float(box.left)):
        # One column, or a narrow date/label column beside its entries: the stream
        # order keeps each date with its entry.
        return _PageText(plain)
    if side_switches(runs.runs, edge) <= MAX_SWITCHES_IN_COLUMN_ORDER:
        # The stream already reads one column after the other (the generator's own
        # reading order): keep it.
        return _PageText(plain, in_columns=True)
    try:
        layout = page.extract_text(extraction_mode="layout")
    except errors:
        # Layout mode trips over fonts plain mode reads; the page is not damaged.
        return _PageText(plain, unsure_order=True)
    lines = split_columns(layout.splitlines())
    if lines is None:
        return _PageText(plain)
    # Layout mode skips text in form XObjects and rotated text. On every corpus
    # page both modes see exactly the same glyphs, so any shortfall means lost
    # text: better in the stream's order than incomplete.
    if _glyphs(plain) - _glyphs(layout):
        return _PageText(plain, unsure_order=True)
    return _PageText("\n".join(lines), in_columns=True)


def _open(data: bytes, errors: tuple[type[BaseException], ...]) -> tuple[PdfReader, list[str]]:
    from pypdf import PasswordType, PdfReader

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        encrypted = reader.is_encrypted
    except errors:
        raise CorruptDocument("The PDF is damaged and cannot be read.") from None
    if not encrypted:
        return reader, []
    # Owner-password PDFs (printing or copying restricted) open with an empty user
    # password in every viewer; only a real open password stops us.
    try:
        outcome = reader.decrypt("")
    except errors:
        outcome = PasswordType.NOT_DECRYPTED
    if outcome == PasswordType.NOT_DECRYPTED:
        raise EncryptedDocument(
            "The PDF is password-protected. Remove the password (for example by printing it "
            "to a new PDF) and upload it again."
        )
    return reader, ["the PDF is protected by an owner password; it was read without one"]


def read_pdf(data: bytes, limits: ExtractionLimits) -> PdfText:
    """Each page's raw text (before normalisation), refusing what cannot be read honestly."""
    if b"%%EOF" not in data[-_EOF_WINDOW:]:
        raise CorruptDocument(
            "The PDF is incomplete: it ends before its end-of-file marker, so it was probably "
            "cut off during upload or saving. Please upload the file again."
        )
    errors = _parse_errors()
    reader, warnings = _open(data, errors)
    try:
        page_count = len(reader.pages)
    except errors:
        raise CorruptDocument("The PDF is damaged: its page list cannot be read.") from None
    if page_count == 0:
        raise EmptyDocument("The PDF has no pages.")
    if page_count > limits.max_pages:
        raise TooManyPages(
            f"The PDF has {page_count} pages; at most {limits.max_pages} are accepted for a CV.",
            details={"pages": page_count, "max_pages": limits.max_pages},
        )
    result = PdfText(pages=[], warnings=warnings)
    for number in range(1, page_count + 1):
        try:
            page = _page_text(reader.pages[number - 1], errors)
        except errors:
            raise CorruptDocument(f"Page {number} of the PDF is damaged and cannot be read.") from None
        result.pages.append(_DRAWN_SOFT_HYPHEN_RE.sub("-", page.text))
        if page.in_columns:
            result.column_pages.append(number)
        if page.unsure_order:
            result.warnings.append(
                f"page {number} looks like two columns drawn line by line, but its text could not "
                "all be placed by position; it was kept in drawing order and may mix the columns"
            )
    return result
