"""The ``sections`` and ``ats`` dimensions: is the CV complete, and will an applicant tracking system read it?

Neither may penalise extra content: adding a relevant bullet must never lower a
score (the scorer's monotonicity invariant). So over-long bullets are reported
in the explanation but cost nothing, and no check counts lengths.
"""

from __future__ import annotations

from collections.abc import Callable

from cvpath.agents.scoring.weights import Draft
from cvpath.models import CV

LONG_BULLET_CHARS = 400


def _has_contact(cv: CV) -> bool:
    return cv.basics is not None and bool(cv.basics.email or cv.basics.phone)


def _has_summary(cv: CV) -> bool:
    return cv.basics is not None and bool(cv.basics.summary and cv.basics.summary.strip())


_SECTIONS: tuple[tuple[str, Callable[[CV], bool]], ...] = (
    ("contact", _has_contact),
    ("summary", _has_summary),
    ("work", lambda cv: bool(cv.work)),
    ("education", lambda cv: bool(cv.education)),
    ("skills", lambda cv: any(skill.name or skill.keywords for skill in cv.skills)),
)


def sections_draft(cv: CV) -> Draft:
    present = [name for name, check in _SECTIONS if check(cv)]
    absent = [name for name, _ in _SECTIONS if name not in present]
    explanation = f"{len(present)} of {len(_SECTIONS)} core sections shown: {', '.join(present) or 'none'}"
    explanation += f"; missing: {', '.join(absent)}." if absent else "."
    return Draft(
        name="sections", explanation=explanation, value=round(100 * len(present) / len(_SECTIONS), 1)
    )


def _entries_have_content(cv: CV) -> bool:
    return (
        all(work.summary or work.highlights for work in cv.work)
        and all(volunteer.summary or volunteer.highlights for volunteer in cv.volunteer)
        and all(project.description or project.highlights for project in cv.projects)
        and all(edu.institution or edu.study_type or edu.area for edu in cv.education)
        and all(skill.name or skill.keywords for skill in cv.skills)
    )


_ATS_CHECKS: tuple[tuple[str, Callable[[CV], bool]], ...] = (
    ("name", lambda cv: cv.basics is not None and bool(cv.basics.name)),
    ("email", lambda cv: cv.basics is not None and bool(cv.basics.email)),
    ("phone", lambda cv: cv.basics is not None and bool(cv.basics.phone)),
    ("every job has a title and an employer", lambda cv: all(w.position and w.name for w in cv.work)),
    ("every job has a start date", lambda cv: all(w.start_date for w in cv.work)),
    ("no empty entries", _entries_have_content),
)


def ats_draft(cv: CV) -> Draft:
    """Structural checks an ATS relies on; the share passed. Headings are the renderer's standard ones."""
    passed = [name for name, check in _ATS_CHECKS if check(cv)]
    failed = [name for name, _ in _ATS_CHECKS if name not in passed]
    explanation = f"{len(passed)} of {len(_ATS_CHECKS)} ATS checks pass"
    explanation += f"; failing: {', '.join(failed)}." if failed else "."
    long_bullets = sum(len(bullet.text) > LONG_BULLET_CHARS for bullet in cv.bullets())
    if long_bullets:
        explanation += (
            f" Note: {long_bullets} bullet(s) exceed {LONG_BULLET_CHARS} characters; some ATS truncate them "
            "(reported only: extra content never lowers the score)."
        )
    return Draft(name="ats", explanation=explanation, value=round(100 * len(passed) / len(_ATS_CHECKS), 1))
