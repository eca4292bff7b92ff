"""Documents in: CV uploads (PDF, DOCX, plain text, Markdown, JSON Resume) to clean text.

``extract_text`` runs the quality gate and returns :class:`ExtractedText`;
``normalize_text`` is the cleaning step alone. ``find_in_order`` compares
expected strings with extracted text the way the corpus labels and the
renderer's ATS self-check need. Importing this package imports neither pypdf
nor python-docx: each reader imports its library when it first runs.
"""

from __future__ import annotations

from cvpath.documents.extract import extract_text
from cvpath.documents.matching import InOrderResult, find_in_order, fold_for_matching
from cvpath.documents.models import DocumentKind, ExtractedText, ExtractionLimits
from cvpath.documents.normalize import normalize_text

__all__ = [
    "DocumentKind",
    "ExtractedText",
    "ExtractionLimits",
    "InOrderResult",
    "extract_text",
    "find_in_order",
    "fold_for_matching",
    "normalize_text",
]
