"""Cue phrases in a posting: priority, requirement kind, seniority and years asked.

Every pattern is a plain alternation or a bounded repetition, so matching stays
linear in the line length (no nested quantifiers to backtrack over).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cvpath.models import RequirementKind, Seniority

_NICE_RE = re.compile(
    r"\b(?:preferred|preferably|nice[ -]to[ -]have|good[ -]to[ -]have|bonus|ideally|desirable|"
    r"advantageous|an advantage|(?:a|big|huge|definite|strong|is a)\s+plus|pluses|would be (?:great|nice))\b",
    re.IGNORECASE,
)
_MUST_RE = re.compile(
    r"\b(?:required|requirements?|must|mandatory|essential|minimum|at least|necessary|need to|needs to)\b",
    re.IGNORECASE,
)


def is_nice_cue(text: str) -> bool:
    """The line calls itself optional: preferred, a plus, a bonus, ideally, nice to have."""
    return _NICE_RE.search(text) is not None


def is_must_cue(text: str) -> bool:
    return _MUST_RE.search(text) is not None


_CERTIFICATION_RE = re.compile(
    r"\b(?:certifi(?:ed|cation|cations|cate)|licen[cs]ed?|(?:security|secret|government) clearance|"
    r"accredit\w*|chartered)\b",
    re.IGNORECASE,
)
_EDUCATION_RE = re.compile(
    r"\b(?:degree|bachelor'?s?|master'?s?|ph\.?d|doctorate|diploma|graduate|university|college|"
    r"b\.?sc?|m\.?sc?|b\.a|m\.a|mba|b\.?tech|m\.?tech|b\.e|m\.e|mca|bca|education)\b",
    re.IGNORECASE,
)
_LANGUAGE_RE = re.compile(
    r"\b(?:speak|spoken|fluent|fluency|native|bilingual|proficiency in (?:english|german|french|spanish))\b|"
    r"^(?:english|german|french|spanish|italian|portuguese|dutch|hindi|mandarin|japanese)\b",
    re.IGNORECASE,
)
_EXPERIENCE_RE = re.compile(r"\b(?:experience|years?|track record|background in)\b", re.IGNORECASE)
_YEARS_ASKED_RE = re.compile(r"\b[0-9]{1,2}\s*\+?\s*(?:years?|yrs?)\b|\byears of\b", re.IGNORECASE)


def requirement_kind(text: str, *, has_skills: bool) -> RequirementKind:
    """What a requirement asks for: years asked make it experience, then a named skill outranks
    a passing "experience with"."""
    if _CERTIFICATION_RE.search(text):
        return RequirementKind.CERTIFICATION
    if _EDUCATION_RE.search(text) and not has_skills:
        return RequirementKind.EDUCATION
    if _LANGUAGE_RE.search(text):
        return RequirementKind.LANGUAGE
    if _YEARS_ASKED_RE.search(text):
        return RequirementKind.EXPERIENCE
    if has_skills:
        return RequirementKind.SKILL
    if _EXPERIENCE_RE.search(text):
        return RequirementKind.EXPERIENCE
    return RequirementKind.OTHER


# --- seniority --------------------------------------------------------------------

# Title words in the order they win: "Senior Product Manager" is senior, "Lead
# Technical Program Manager" is lead; "Manager" alone is weighed separately.
_TITLE_LEVELS: tuple[tuple[Seniority, re.Pattern[str]], ...] = (
    (
        Seniority.INTERN,
        re.compile(r"\b(?:intern|internship|trainee|apprentice(?:ship)?|werkstudent)\b", re.I),
    ),
    (
        Seniority.EXECUTIVE,
        re.compile(r"\b(?:vp|svp|evp|vice[ -]president|chief|c[etoif]o)\b", re.I),
    ),
    (Seniority.DIRECTOR, re.compile(r"\b(?:director|head of|head,)\b", re.I)),
    (Seniority.JUNIOR, re.compile(r"\b(?:junior|jr\.?|entry[ -]level|graduate|associate)(?=\W|$)", re.I)),
    (Seniority.SENIOR, re.compile(r"\b(?:senior|sr\.?)(?=\W|$)", re.I)),
    (Seniority.LEAD, re.compile(r"\b(?:lead|principal|staff)\b", re.I)),
)
_MANAGER_RE = re.compile(r"\bmanager\b", re.IGNORECASE)
# A "Manager" title means people management only when the posting says so;
# Product/Content/Program Managers are often individual contributors.
_PEOPLE_MANAGEMENT_RE = re.compile(
    r"\b(?:direct reports|manag(?:e|ing) (?:a |the )?(?:team|staff|people|group)|"
    r"lead (?:a |the )?team|(?:hiring|coaching|counseling|disciplining|appraising)\b.{0,40}\b"
    r"(?:employees|staff|team)|maintains staff|people management|"
    r"supervis(?:e|ing) (?:staff|employees|a team))",
    re.IGNORECASE,
)


def seniority_from_title(title: str) -> Seniority | None:
    for level, pattern in _TITLE_LEVELS:
        if pattern.search(title):
            return level
    return None


def title_level_word(title: str) -> str | None:
    """The level word as the title prints it ("Senior", "Lead"), for ``Job.experience``."""
    for _, pattern in _TITLE_LEVELS:
        match = pattern.search(title)
        if match is not None:
            return match.group(0).strip()
    return None


def seniority_from_years(years: int | None) -> Seniority | None:
    """The labelling convention: up to 1 year junior, 2-4 mid, 5 or more senior."""
    if years is None:
        return None
    if years <= 1:
        return Seniority.JUNIOR
    return Seniority.MID if years <= 4 else Seniority.SENIOR


def job_seniority(title: str, body: str, min_years: int | None) -> Seniority | None:
    """By title words; a bare "Manager" is a manager if people are managed (or nothing else tells)."""
    level = seniority_from_title(title)
    if level is not None:
        return level
    if _MANAGER_RE.search(title) and (_PEOPLE_MANAGEMENT_RE.search(body) or min_years is None):
        return Seniority.MANAGER
    return seniority_from_years(min_years)


# --- years of experience -------------------------------------------------------------

# Shared with cvpath.agents.evidence.years: one reading of "five years" everywhere.
NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}
_NUM = r"(?:[0-9]{1,2}|" + "|".join(NUMBER_WORDS) + r")"
_YEARS_RE = re.compile(
    rf"(?P<upto>\bup to\s+)?\b(?P<low>{_NUM})(?:\s*\+)?(?:\s*(?:-|\u2013|to)\s*{_NUM})?(?:\s*\+)?"
    rf"\s*(?:\(\s*{_NUM}\s*\)\s*)?(?:years?|yrs?)\b",
    re.IGNORECASE,
)
_EXPERIENCE_CONTEXT_RE = re.compile(
    r"\b(?:experience|exp|work|industry|background|track record|professional|as an?|"
    r"required|preferred|minimum|at least)\b|:",
    re.IGNORECASE,
)
_NOT_EXPERIENCE_RE = re.compile(
    r"\b(?:years? old|of age|aged?|warranty|guarantee|contract length|years? contract)\b", re.IGNORECASE
)
_MAX_YEARS = 40


@dataclass(frozen=True)
class YearsMention:
    years: int
    preferred: bool


def number_value(text: str) -> int:
    """A count written as digits or as a word ("5", "five")."""
    return int(text) if text.isdigit() else NUMBER_WORDS[text.lower()]


def years_mentions(text: str, *, preferred: bool) -> list[YearsMention]:
    """Minimum years asked in one line ("3+ years", "5-7 years" -> 5, "at least five years").

    "Up to N years" is a ceiling, not a minimum, and years of age or of a
    contract are not experience.
    """
    if _NOT_EXPERIENCE_RE.search(text) or not _EXPERIENCE_CONTEXT_RE.search(text):
        return []
    line_preferred = preferred or is_nice_cue(text)
    mentions: list[YearsMention] = []
    for match in _YEARS_RE.finditer(text):
        if match.group("upto"):
            continue
        years = number_value(match.group("low"))
        if 0 < years <= _MAX_YEARS:
            mentions.append(YearsMention(years, line_preferred))
    return mentions


def binding_min_years(mentions: list[YearsMention]) -> int | None:
    """The largest required minimum; preferred values count only when nothing is required."""
    required = [mention.years for mention in mentions if not mention.preferred]
    pool = required or [mention.years for mention in mentions]
    return max(pool) if pool else None
