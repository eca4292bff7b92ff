"""Render a CV or a cover letter to PDF or DOCX; every render is ATS-checked before it is returned.

A render either returns a document whose text layer has been read back and
matched against its input, or raises a named error (``ValidationFailed``,
``UnsupportedText``, ``AtsCheckFailed``, ``RenderFailed``); it never returns an
unchecked file.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cvpath.errors import ValidationFailed
from cvpath.models import CV, SectionName
from cvpath_render.ats_check import AtsReport
from cvpath_render.cover_letter import CoverLetter
from cvpath_render.inputs import Engine, PageSize, parse_option


@dataclass(frozen=True, slots=True)
class RenderResult:
    pdf: bytes
    pages: int
    warnings: tuple[str, ...]
    ats_report: AtsReport


@dataclass(frozen=True, slots=True)
class DocxResult:
    docx: bytes
    warnings: tuple[str, ...]
    ats_report: AtsReport


def render_cv_pdf(
    cv: CV,
    *,
    engine: Engine | str = Engine.V1,
    section_order: Sequence[SectionName | str] | None = None,
    page_size: PageSize | str = PageSize.A4,
    cover_letter: CoverLetter | None = None,
    fonts_dir: Path | None = None,
) -> RenderResult:
    """The CV as an ATS-checked PDF; with ``cover_letter``, the letter follows the CV.

    ``engine="v1"`` has a fixed section order (``section_order`` must be None);
    ``"v2"`` takes the order from ``section_order``, else from a ``TailoredCV``.
    """
    from cvpath_render.ats_check import check_pdf
    from cvpath_render.engine_v1 import draft_v1
    from cvpath_render.engine_v2 import draft_v2

    chosen = parse_option(Engine, engine, field="engine")
    size = parse_option(PageSize, page_size, field="pageSize")
    if chosen is Engine.V1:
        if section_order is not None:
            raise ValidationFailed(
                "engine v1 has a fixed section order; use engine v2 to choose one",
                details={"field": "sectionOrder"},
            )
        draft = draft_v1(cv, page_size=size, letter=cover_letter, fonts_dir=fonts_dir)
    else:
        draft = draft_v2(
            cv, section_order=section_order, page_size=size, letter=cover_letter, fonts_dir=fonts_dir
        )
    report = check_pdf(draft.pdf.data, draft.expected)
    return RenderResult(draft.pdf.data, draft.pdf.pages, draft.warnings, report)


def render_cv_docx_checked(
    cv: CV,
    *,
    section_order: Sequence[SectionName | str] | None = None,
    page_size: PageSize | str = PageSize.A4,
) -> DocxResult:
    """The CV as an ATS-checked DOCX, sections chosen as engine V2 chooses them."""
    from cvpath_render.ats_check import check_docx
    from cvpath_render.content import build_cv_blocks
    from cvpath_render.docx_export import cv_docx
    from cvpath_render.engine_v2 import resolve_order
    from cvpath_render.text_policy import TextPolicy

    size = parse_option(PageSize, page_size, field="pageSize")
    blocks = build_cv_blocks(cv, resolve_order(cv, section_order), TextPolicy(coverage=None))
    data = cv_docx(blocks, page_size=size)
    return DocxResult(data, blocks.warnings, check_docx(data, list(blocks.texts())))


def render_cv_docx(
    cv: CV,
    *,
    section_order: Sequence[SectionName | str] | None = None,
    page_size: PageSize | str = PageSize.A4,
) -> bytes:
    """The CV as DOCX bytes (ATS-checked); see ``render_cv_docx_checked`` for warnings and report."""
    return render_cv_docx_checked(cv, section_order=section_order, page_size=page_size).docx


def render_cover_letter_docx(
    letter: CoverLetter, *, sender: CV | None = None, page_size: PageSize | str = PageSize.A4
) -> DocxResult:
    """The letter as an ATS-checked DOCX, headed with the sender's name and contacts when given."""
    from cvpath_render.ats_check import check_docx
    from cvpath_render.cover_letter import build_letter_blocks
    from cvpath_render.docx_export import letter_docx
    from cvpath_render.text_policy import TextPolicy

    size = parse_option(PageSize, page_size, field="pageSize")
    blocks = build_letter_blocks(letter, sender.basics if sender else None, TextPolicy(coverage=None))
    data = letter_docx(blocks, page_size=size)
    return DocxResult(data, blocks.warnings, check_docx(data, list(blocks.texts())))


def render_cover_letter_pdf(
    letter: CoverLetter,
    *,
    sender: CV | None = None,
    page_size: PageSize | str = PageSize.A4,
    fonts_dir: Path | None = None,
) -> RenderResult:
    """The letter alone as an ATS-checked PDF; ``render_cv_pdf(cover_letter=...)`` puts it after the CV."""
    from cvpath_render.ats_check import check_pdf
    from cvpath_render.pdf_cv import draft_letter_pdf

    size = parse_option(PageSize, page_size, field="pageSize")
    draft = draft_letter_pdf(letter, sender, page_size=size, fonts_dir=fonts_dir)
    report = check_pdf(draft.pdf.data, draft.expected)
    return RenderResult(draft.pdf.data, draft.pdf.pages, draft.warnings, report)
