"""V2, the dynamic engine: the input decides which sections are shown and in what order.

The order comes from, first to last: an explicit ``section_order`` argument, a
``TailoredCV``'s ``sectionOrder`` (which CV_TAILOR sets), or the model's default
order. Sections not listed are hidden; listed sections with no content are left
out, so no heading is ever drawn over nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cvpath.errors import ValidationFailed
from cvpath.models import CV, DEFAULT_SECTION_ORDER, SectionName, TailoredCV
from cvpath_render.cover_letter import CoverLetter
from cvpath_render.inputs import PageSize
from cvpath_render.pdf_cv import PdfDraft, draft_cv_pdf


def resolve_order(
    cv: CV, section_order: Sequence[SectionName | str] | None = None
) -> tuple[SectionName, ...]:
    """The sections to show, in order; ``ValidationFailed`` for an unknown or repeated name."""
    if section_order is None:
        return tuple(cv.section_order) if isinstance(cv, TailoredCV) else DEFAULT_SECTION_ORDER
    resolved: list[SectionName] = []
    for index, name in enumerate(section_order):
        try:
            section = SectionName(name)
        except ValueError:
            known = ", ".join(s.value for s in SectionName)
            raise ValidationFailed(
                f"sectionOrder.{index}: unknown section {name!r} (known: {known})",
                details={"field": f"sectionOrder.{index}"},
            ) from None
        if section in resolved:
            raise ValidationFailed(
                f"sectionOrder.{index}: section {section.value!r} is listed twice",
                details={"field": f"sectionOrder.{index}"},
            )
        resolved.append(section)
    return tuple(resolved)


def draft_v2(
    cv: CV,
    *,
    section_order: Sequence[SectionName | str] | None = None,
    page_size: PageSize = PageSize.A4,
    letter: CoverLetter | None = None,
    fonts_dir: Path | None = None,
) -> PdfDraft:
    order = resolve_order(cv, section_order)
    return draft_cv_pdf(cv, order, page_size=page_size, letter=letter, fonts_dir=fonts_dir)
