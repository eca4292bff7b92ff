"""What extraction accepts (its limits) and what it returns (text plus stats)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

DocumentKind = Literal["pdf", "docx", "text", "markdown", "json_resume"]

_MIB = 1024 * 1024


class ExtractionLimits(BaseModel):
    """The quality gate's thresholds. The defaults suit CVs; tests and callers may tighten them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Checked on the raw bytes before any parser runs.
    max_bytes: int = Field(default=10 * _MIB, gt=0)
    max_pages: int = Field(default=10, gt=0)
    # Why 100: a scanned page gives 0 characters, or a few dozen from a footer or a
    # scanner stamp; the thinnest real page in the corpus (a CV's overflow page with
    # one short section) still carries about 300, and whole CVs average 1,500-4,000
    # per page. The document is refused when its average falls below this or when
    # most of its pages do; a single thin page only earns a warning.
    min_chars_per_page: int = Field(default=100, ge=0)
    # Why 300,000: ten dense pages are about 40,000 characters. Anything far beyond
    # is not a CV, and it would only burden every later step (prompts, storage).
    max_characters: int = Field(default=300_000, gt=0)
    # Zip bomb guards, checked on the archive's directory before python-docx opens
    # it. A text-only CV's parts total well under 1 MB uncompressed; photos add a
    # few MB. XML compresses about 10:1, so 200:1 is far beyond honest content.
    max_docx_uncompressed_bytes: int = Field(default=50 * _MIB, gt=0)
    max_docx_entries: int = Field(default=1_000, gt=0)
    max_docx_compression_ratio: float = Field(default=200.0, gt=1.0)


class ExtractedText(BaseModel):
    """Normalised text of a document with the figures the caller may want to show or log."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    text: str
    kind: DocumentKind
    # PDFs: the real page count. Other kinds have no fixed pages: an estimate of
    # about 3,000 characters a page (at least 1); for DOCX, the count Word stored
    # in docProps/app.xml when that is higher. Estimates never trigger a refusal.
    pages: int = Field(ge=0)
    characters: int = Field(ge=0)
    columns_detected: bool = False
    warnings: list[str] = Field(default_factory=list)
