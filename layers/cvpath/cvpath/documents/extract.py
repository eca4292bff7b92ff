"""extract_text: one call from uploaded bytes to normalised text with its stats.

The order is the gate's: size and emptiness on the raw bytes; then what the
bytes are against what the upload claims; then the format's reader; then
normalisation and the checks on the text itself.
"""

from __future__ import annotations

import math

from cvpath.documents.docx_text import read_docx
from cvpath.documents.gate import check_bytes, check_pdf_pages, check_text
from cvpath.documents.markdown import looks_like_markdown, markdown_to_text
from cvpath.documents.models import DocumentKind, ExtractedText, ExtractionLimits
from cvpath.documents.normalize import NormalizationReport, normalize_with_report
from cvpath.documents.pdf_text import read_pdf
from cvpath.documents.plain_text import DecodedText, check_json_resume, decode_text
from cvpath.documents.sniff import claimed_kinds, describe_claim, detect_magic, unsupported_name
from cvpath.documents.zip_guard import inspect_zip
from cvpath.errors import CorruptDocument, DocumentTypeMismatch, UnsupportedDocumentType

# Formats without fixed pages report an estimate: a dense page holds about this much.
_CHARACTERS_PER_PAGE = 3000


def _mismatch(claim: DocumentKind, actual: str) -> DocumentTypeMismatch:
    return DocumentTypeMismatch(
        f"The file claims to be {describe_claim(claim)} but is {actual}.",
        details={"claimed": claim},
    )


def _estimated_pages(text: str) -> int:
    return max(1, math.ceil(len(text) / _CHARACTERS_PER_PAGE))


def _merge(total: NormalizationReport, part: NormalizationReport) -> None:
    for name, value in vars(part).items():
        setattr(total, name, getattr(total, name) + value)


def _text_kind(decoded: DecodedText, known: list[DocumentKind]) -> DocumentKind:
    # Text claims are interchangeable (a JSON Resume saved as .txt is still
    # text): the first one names the kind. Without one, the content does.
    if known:
        return known[0]
    stripped = decoded.text.lstrip()
    if stripped.startswith("{"):
        try:
            check_json_resume(decoded.text)
        except (CorruptDocument, UnsupportedDocumentType):
            return "text"
        return "json_resume"
    return "markdown" if looks_like_markdown(decoded.text) else "text"


def _extract_pdf(data: bytes, limits: ExtractionLimits) -> ExtractedText:
    pdf = read_pdf(data, limits)
    report = NormalizationReport()
    pages: list[str] = []
    for raw in pdf.pages:
        text, page_report = normalize_with_report(raw)
        pages.append(text)
        _merge(report, page_report)
    warnings = [*pdf.warnings, *check_pdf_pages(pages, limits)]
    if pdf.column_pages:
        warnings.append(f"read page(s) {', '.join(map(str, pdf.column_pages))} column by column")
    text = "\n\n".join(page for page in pages if page)
    check_text(text, limits)
    return ExtractedText(
        text=text,
        kind="pdf",
        pages=len(pdf.pages),
        characters=len(text),
        columns_detected=bool(pdf.column_pages),
        warnings=[*warnings, *report.warnings()],
    )


def _extract_docx(data: bytes, limits: ExtractionLimits, images: int) -> ExtractedText:
    docx = read_docx(data)
    text, report = normalize_with_report(docx.text)
    check_text(text, limits, images=images)
    return ExtractedText(
        text=text,
        kind="docx",
        # Word's stored count can be stale (python-docx keeps its template's "1"),
        # so the text's own estimate is a floor.
        pages=max(docx.pages or 0, _estimated_pages(text)),
        characters=len(text),
        columns_detected=docx.columns_detected,
        warnings=report.warnings(),
    )


def _extract_text_family(decoded: DecodedText, kind: DocumentKind, limits: ExtractionLimits) -> ExtractedText:
    if kind == "json_resume":
        check_json_resume(decoded.text)
        # Passed through untouched: normalising would edit the JSON's strings.
        text, warnings = decoded.text.strip(), list(decoded.warnings)
    else:
        source = markdown_to_text(decoded.text) if kind == "markdown" else decoded.text
        text, report = normalize_with_report(source)
        warnings = [*decoded.warnings, *report.warnings()]
    check_text(text, limits)
    return ExtractedText(
        text=text, kind=kind, pages=_estimated_pages(text), characters=len(text), warnings=warnings
    )


def extract_text(
    data: bytes,
    *,
    filename: str | None = None,
    content_type: str | None = None,
    limits: ExtractionLimits | None = None,
) -> ExtractedText:
    """Read a CV upload (PDF, DOCX, plain text, Markdown or JSON Resume) into normalised text.

    The bytes decide the format; ``filename`` and ``content_type`` are claims that
    must fit it (a ``.pdf`` that is a ZIP archive is refused). Raises a
    ``DocumentRejected`` subclass from :mod:`cvpath.errors` for anything the
    quality gate refuses; the message never quotes the document.
    """
    limits = limits or ExtractionLimits()
    check_bytes(data, limits)
    known = claimed_kinds(filename, content_type)
    magic = detect_magic(data)
    if magic == "pdf":
        for claim in known:
            if claim != "pdf":
                raise _mismatch(claim, "a PDF")
        return _extract_pdf(data, limits)
    if magic == "zip":
        for claim in known:
            if claim != "docx":
                raise _mismatch(claim, "a ZIP archive")
        directory = inspect_zip(data, limits)
        if not directory.is_docx:
            if known:
                raise _mismatch("docx", "a ZIP archive without a Word document in it")
            raise UnsupportedDocumentType(
                "The file is a ZIP archive, not a CV. Upload a PDF, DOCX, text or Markdown file."
            )
        return _extract_docx(data, limits, directory.media_files)
    other = unsupported_name(magic)
    if other is not None:
        if known:
            raise _mismatch(known[0], other)
        raise UnsupportedDocumentType(
            f"The file is {other}. Upload the CV as PDF, DOCX, plain text or Markdown."
        )
    binary_claim = next((claim for claim in known if claim in ("pdf", "docx")), None)
    try:
        decoded = decode_text(data)
    except CorruptDocument:
        if binary_claim is not None:
            name = describe_claim(binary_claim)
            raise CorruptDocument(
                f"The file is not a readable {name}: it is damaged or not a {name} at all."
            ) from None
        raise
    if binary_claim is not None:
        raise _mismatch(binary_claim, "plain text")
    return _extract_text_family(decoded, _text_kind(decoded, known), limits)
