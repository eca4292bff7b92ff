"""Reading back the text of a document we just produced, for the ATS self-check.

The self-check reads a render with the same extractor the pipeline uses for
uploaded CVs (``cvpath.documents``): a CV we hand out must be readable by our own
parser first. That extractor normalises what it reads (ligature code points
become letters, icon glyphs and control characters are dropped) and says so in
its warnings; here those warnings are *defects*, because another ATS would read
the raw characters. They come back as ``defects`` for the check to refuse.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvpath.documents import ExtractionLimits, extract_text
from cvpath.errors import AtsCheckFailed, DocumentRejected

PDF_TYPE = "application/pdf"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

# The upload gate's limits are for CVs people send us; a render we made may be
# longer (200 bullets) or sparser (a one-line letter page) and is still fine.
_LIMITS = ExtractionLimits(
    max_bytes=200 * 1024 * 1024,
    max_pages=10_000,
    min_chars_per_page=0,
    max_characters=50_000_000,
)
# Normalisation notes that mean the text layer itself is broken.
_DEFECT_RE = re.compile(
    r"private-use icon glyph|control or invisible character|unreadable character|ligature character"
)


@dataclass(frozen=True, slots=True)
class ExtractedDocument:
    text: str
    pages: int
    extractor: str
    defects: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()


def _read_back(data: bytes, *, filename: str, content_type: str) -> ExtractedDocument:
    try:
        extracted = extract_text(data, filename=filename, content_type=content_type, limits=_LIMITS)
    except DocumentRejected as exc:
        raise AtsCheckFailed(
            f"the rendered {filename.rsplit('.', 1)[-1].upper()} cannot be read back: {exc.message}",
            details={"extractor": "cvpath.documents", "reason": exc.code},
        ) from exc
    defects = tuple(w for w in extracted.warnings if _DEFECT_RE.search(w))
    notes = tuple(w for w in extracted.warnings if w not in defects)
    return ExtractedDocument(extracted.text, extracted.pages, "cvpath.documents", defects, notes)


def extract_pdf(data: bytes) -> ExtractedDocument:
    return _read_back(data, filename="render.pdf", content_type=PDF_TYPE)


def extract_docx(data: bytes) -> ExtractedDocument:
    return _read_back(data, filename="render.docx", content_type=DOCX_TYPE)
