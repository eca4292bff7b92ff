"""The quality gate: refuse what cannot be read honestly, with a named error.

The checks on raw bytes run before any parser sees the file; the checks on
text run on the normalised text, so icon glyphs and control characters do not
count as content. Messages speak to the person who uploaded the file and never
quote it: a CV is personal data and errors end up in logs.
"""

from __future__ import annotations

from collections.abc import Sequence

from cvpath.documents.models import ExtractionLimits
from cvpath.errors import DocumentTooLarge, EmptyDocument, ScannedDocument

_MIB = 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / _MIB:.1f} MB"


def check_bytes(data: bytes, limits: ExtractionLimits) -> None:
    """Empty or oversized uploads are refused before anything parses them."""
    if not data:
        raise EmptyDocument("The file is empty.")
    if len(data) > limits.max_bytes:
        raise DocumentTooLarge(
            f"The file is {_megabytes(len(data))}; the limit is {_megabytes(limits.max_bytes)}.",
            details={"bytes": len(data), "max_bytes": limits.max_bytes},
        )


def visible_characters(text: str) -> int:
    return sum(1 for char in text if not char.isspace())


def check_pdf_pages(pages: Sequence[str], limits: ExtractionLimits) -> list[str]:
    """Refuse scanned or image-only PDFs; warn about single thin pages.

    Refused when the average page, or most pages, fall under
    ``min_chars_per_page``: that is what a scan looks like. A CV's last page with
    two lines on it is normal and only gets a warning.
    """
    counts = [visible_characters(page) for page in pages]
    thin = [
        (number, count) for number, count in enumerate(counts, start=1) if count < limits.min_chars_per_page
    ]
    total = sum(counts)
    if total == 0 or total < limits.min_chars_per_page * len(pages) or len(thin) * 2 > len(pages):
        raise ScannedDocument(
            "The PDF has (almost) no selectable text: it looks scanned or made of images. "
            "Upload the PDF exported from your editor, or a DOCX.",
            details={"pages": len(pages), "characters": total},
        )
    return [
        f"page {number} has little text ({count} characters); it may be an image" for number, count in thin
    ]


def check_text(text: str, limits: ExtractionLimits, *, images: int = 0) -> None:
    """Refuse text with nothing in it, or far more than a CV."""
    if not text.strip():
        if images:
            raise ScannedDocument(
                "The document holds only images and no text. Upload a version with real text.",
                details={"images": images},
            )
        raise EmptyDocument("The document contains no text.")
    if len(text) > limits.max_characters:
        raise DocumentTooLarge(
            f"The document has {len(text):,} characters of text; at most {limits.max_characters:,} "
            "are accepted for a CV.",
            details={"characters": len(text), "max_characters": limits.max_characters},
        )
