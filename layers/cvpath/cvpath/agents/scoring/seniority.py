"""Seniority from a job title, and how far a candidate's level is from the one a job asks."""

from __future__ import annotations

import re

from cvpath.documents import fold_for_matching
from cvpath.models import Seniority

RANK: dict[Seniority, int] = {
    Seniority.INTERN: 0,
    Seniority.JUNIOR: 1,
    Seniority.MID: 2,
    Seniority.SENIOR: 3,
    Seniority.LEAD: 4,
    Seniority.MANAGER: 4,
    Seniority.DIRECTOR: 5,
    Seniority.EXECUTIVE: 6,
}
# Checked from the top: "Senior Engineering Manager" is a manager, "Lead Developer" a lead.
_TITLE_WORDS: tuple[tuple[Seniority, re.Pattern[str]], ...] = (
    (Seniority.EXECUTIVE, re.compile(r"\b(?:chief|c[tefio]o|president|founder|co-founder|partner)\b")),
    (Seniority.DIRECTOR, re.compile(r"\b(?:director|head of|vp|vice president)\b")),
    (Seniority.MANAGER, re.compile(r"\bmanager\b")),
    (Seniority.LEAD, re.compile(r"\b(?:lead|principal|staff|architect)\b")),
    (Seniority.SENIOR, re.compile(r"\b(?:senior|sr\.?)\b")),
    (Seniority.JUNIOR, re.compile(r"\b(?:junior|jr\.?|graduate|entry[- ]level|assistant)\b")),
    (Seniority.INTERN, re.compile(r"\b(?:intern|internship|trainee|apprentice|student)\b")),
)


def seniority_of_title(title: str) -> Seniority | None:
    """The level a title names, or None when it names none ("Software Engineer")."""
    folded = fold_for_matching(title)
    return next((level for level, pattern in _TITLE_WORDS if pattern.search(folded)), None)


def seniority_from_years(years: int) -> Seniority:
    """The corpus labelling rule for titles without a level: <= 1 junior, 2-4 mid, >= 5 senior."""
    if years <= 1:
        return Seniority.JUNIOR
    return Seniority.MID if years <= 4 else Seniority.SENIOR


def seniority_fit(candidate: Seniority, asked: Seniority) -> float:
    """1 at or above the asked level, then halving per level below it (0 from three levels down)."""
    gap = RANK[asked] - RANK[candidate]
    if gap <= 0:
        return 1.0
    return {1: 0.5, 2: 0.25}.get(gap, 0.0)
