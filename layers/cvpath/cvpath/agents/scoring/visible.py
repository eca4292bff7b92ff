"""What a recruiter sees of a CV: for a tailored CV, only the sections in its ``sectionOrder``."""

from __future__ import annotations

from typing import Any

from cvpath.models import CV, SectionName, TailoredCV


def visible_cv(cv: CV) -> CV:
    """``cv`` with its hidden sections emptied (ids unchanged); a plain CV shows everything."""
    if not isinstance(cv, TailoredCV):
        return cv
    shown = set(cv.section_order)
    update: dict[str, Any] = {
        section.value: []
        for section in SectionName
        if section is not SectionName.SUMMARY and section not in shown
    }
    if SectionName.SUMMARY not in shown and cv.basics is not None:
        update["basics"] = cv.basics.model_copy(update={"summary": None})
    # model_copy does not re-derive ids, so evidence still cites the tailored CV's own ids.
    return cv.model_copy(update=update)
