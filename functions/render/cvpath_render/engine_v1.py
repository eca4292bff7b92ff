"""V1, the legacy engine: a fixed section order and a fixed layout, byte for byte.

Every non-empty section is shown, always in ``V1_SECTION_ORDER``; a tailored CV's
``sectionOrder`` is ignored. The same input gives the same PDF bytes in every
process (ReportLab's invariant mode, no clock, no hash-order dependence), which
is what regression tests compare against.
"""

from __future__ import annotations

from pathlib import Path

from cvpath.models import CV, SectionName
from cvpath_render.cover_letter import CoverLetter
from cvpath_render.inputs import PageSize
from cvpath_render.pdf_cv import PdfDraft, draft_cv_pdf

V1_SECTION_ORDER: tuple[SectionName, ...] = (
    SectionName.SUMMARY,
    SectionName.WORK,
    SectionName.EDUCATION,
    SectionName.SKILLS,
    SectionName.PROJECTS,
    SectionName.CERTIFICATES,
    SectionName.AWARDS,
    SectionName.PUBLICATIONS,
    SectionName.VOLUNTEER,
    SectionName.LANGUAGES,
    SectionName.INTERESTS,
    SectionName.REFERENCES,
)


def draft_v1(
    cv: CV,
    *,
    page_size: PageSize = PageSize.A4,
    letter: CoverLetter | None = None,
    fonts_dir: Path | None = None,
) -> PdfDraft:
    return draft_cv_pdf(cv, V1_SECTION_ORDER, page_size=page_size, letter=letter, fonts_dir=fonts_dir)
