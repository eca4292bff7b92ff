"""The offline CV_VALIDATOR: check a parsed CV and repair only what is safe to repair.

Safe repairs lose no fact and invent none: dropping empty entries, dropping
exact duplicates (entries, and bullets within an entry) and sorting a dated
section newest first. Everything else (a missing email, a missing date, an
overlap) is reported as an issue and left as it is; nothing is ever filled in.

Quality gate: a parse with no name, no entries and fewer than
``MIN_CV_TEXT_CHARS`` visible characters of its own text raises ``UnparseableCV``.
A CV with only a name passes (with issues): it is a thin parse, not an empty one.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from cvpath.agents.offline.cv_dates import (
    DATED_SECTIONS,
    Dated,
    missing_and_future,
    newest_first_order,
    overlaps,
)
from cvpath.agents.offline.cv_repairs import drop_duplicates_and_empties, strip_ids
from cvpath.agents.offline.language import detect_language
from cvpath.errors import UnparseableCV
from cvpath.models import CV, Severity, ValidationIssue, ValidationReport

MIN_CV_TEXT_CHARS = 40

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_MAIN_SECTIONS = ("work", "education", "volunteer", "projects")


def _issue(code: str, severity: Severity, path: str, message: str) -> ValidationIssue:
    return ValidationIssue(code=code, severity=severity, path=path, message=message)


def cv_own_text(cv: CV) -> str:
    """All the text the parse produced: basics and every entry's quotable text."""
    parts: list[str] = []
    if cv.basics is not None:
        parts.extend(value for value in (cv.basics.name, cv.basics.label, cv.basics.summary) if value)
    for entry in cv.entries():
        parts.extend(entry.quotable_texts())
    return "\n".join(parts)


def _has_name(cv: CV) -> bool:
    return cv.basics is not None and bool((cv.basics.name or "").strip())


def _gate(cv: CV, text: str | None) -> None:
    own_chars = sum(1 for ch in cv_own_text(cv) if not ch.isspace())
    entries = sum(1 for _ in cv.entries())
    if _has_name(cv) or entries or own_chars >= MIN_CV_TEXT_CHARS:
        return
    raise UnparseableCV(
        "The CV could not be read: no name, no entries and almost no text were found. "
        "Upload a text-based PDF, a DOCX or plain text.",
        details={
            "reason": "nothing_parsed",
            "has_name": False,
            "entries": 0,
            "text_chars": own_chars,
            "min_text_chars": MIN_CV_TEXT_CHARS,
            "source_chars": None if text is None else sum(1 for ch in text if not ch.isspace()),
        },
    )


def _contact_issues(cv: CV, text: str | None) -> list[ValidationIssue]:
    basics = cv.basics
    issues: list[ValidationIssue] = []
    if not _has_name(cv):
        issues.append(_issue("missing_name", Severity.ERROR, "basics.name", "No name was found."))
    if basics is None or not basics.email:
        issues.append(
            _issue("missing_email", Severity.WARNING, "basics.email", "No email address was found.")
        )
        if text and _EMAIL_RE.search(text):
            issues.append(
                _issue(
                    "email_not_parsed",
                    Severity.INFO,
                    "basics.email",
                    "The source text contains an email address that the parse did not pick up.",
                )
            )
    if basics is None or not basics.phone:
        issues.append(_issue("missing_phone", Severity.INFO, "basics.phone", "No phone number was found."))
    return issues


def _section_issues(cv: CV) -> list[ValidationIssue]:
    if not any(getattr(cv, section) for section in _MAIN_SECTIONS):
        return [
            _issue("no_entries", Severity.WARNING, "", "No work, education, volunteer or project entries.")
        ]
    issues: list[ValidationIssue] = []
    for section in ("work", "education"):
        if not getattr(cv, section):
            issues.append(
                _issue(f"no_{section}", Severity.INFO, section, f"The CV has no {section} entries.")
            )
    for index, work in enumerate(cv.work):
        if not work.name:
            issues.append(_issue("missing_employer", Severity.WARNING, f"work.{index}.name", "No employer."))
        if not work.position:
            issues.append(
                _issue("missing_position", Severity.WARNING, f"work.{index}.position", "No job title.")
            )
    for index, education in enumerate(cv.education):
        if not education.institution:
            issues.append(
                _issue(
                    "missing_institution",
                    Severity.WARNING,
                    f"education.{index}.institution",
                    "No institution.",
                )
            )
    return issues


def _dated(entry: Any) -> Dated:
    return Dated(start=entry.start_date, end=entry.end_date)


def _sort_sections(data: dict[str, Any], cv: CV, today: date, repairs: list[str]) -> list[ValidationIssue]:
    issues: list[ValidationIssue] = []
    for section in DATED_SECTIONS:
        dated = [_dated(entry) for entry in getattr(cv, section)]
        order = newest_first_order(dated, today)
        if order is not None:
            data[section] = [data[section][index] for index in order]
            repairs.append(f"{section}: entries sorted newest first (they were out of order)")
        elif _out_of_order_but_undated(dated, today):
            issues.append(
                _issue(
                    "entries_out_of_order",
                    Severity.INFO,
                    section,
                    f"{section} entries are not newest first; some have no dates, so none were moved.",
                )
            )
    return issues


def _out_of_order_but_undated(dated: list[Dated], today: date) -> bool:
    with_dates = [entry for entry in dated if entry.has_dates]
    return len(with_dates) < len(dated) and newest_first_order(with_dates, today) is not None


def validate_cv(cv: CV, text: str | None = None, *, today: date | None = None) -> ValidationReport:
    """Check ``cv`` (parsed from ``text``, if given) and apply only the safe repairs.

    ``today`` (default: the current date) is what "future" and "ongoing" mean.
    Raises ``UnparseableCV`` when the parse holds nothing (see the module docstring).
    """
    _gate(cv, text)
    today = today or date.today()
    repairs: list[str] = []
    data = strip_ids(cv.model_dump(mode="json"))
    issues = drop_duplicates_and_empties(data, repairs)
    issues += _sort_sections(data, cv.model_validate(data), today, repairs)
    repaired = CV.model_validate(data) if repairs else cv
    issues += _contact_issues(repaired, text)
    issues += _section_issues(repaired)
    for section in DATED_SECTIONS:
        dated = [_dated(entry) for entry in getattr(repaired, section)]
        issues += missing_and_future(section, dated, today)
        issues += overlaps(section, dated, today)
    language = detect_language(text) if text else None
    return ValidationReport(
        cv=repaired,
        issues=issues,
        language=language or detect_language(cv_own_text(repaired)),
        repairs=repairs,
    )
