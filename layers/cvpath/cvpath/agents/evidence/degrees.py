"""Degree levels: what an education requirement asks for and what the CV's education shows."""

from __future__ import annotations

import re

from cvpath.agents.evidence.words import salient_words
from cvpath.documents import fold_for_matching
from cvpath.models import Education

DEGREE_NAMES = {
    1: "associate degree or diploma",
    2: "bachelor's degree",
    3: "master's degree",
    4: "doctorate",
}

_LEVEL_PATTERNS: tuple[tuple[int, re.Pattern[str]], ...] = (
    (4, re.compile(r"\b(?:ph\.? ?d|doctorate|doctoral|d\.? ?phil|doctor of)\b")),
    (
        3,
        re.compile(
            r"\b(?:master'?s?|m\.? ?sc|mba|m\.? ?eng|m\.? ?tech|m\.? ?phil|m\.? ?s\.|m\.? ?a\.|ma|llm|"
            r"postgraduate)\b"
        ),
    ),
    (
        2,
        re.compile(
            r"\b(?:bachelor'?s?|b\.? ?sc|b\.? ?eng|b\.? ?tech|b\.? ?s\.|b\.? ?a\.|bs|ba|undergraduate|"
            r"licenciatura|(?<!associate )(?<!associate's )(?<!associates )degree|graduate of)\b"
        ),
    ),
    (1, re.compile(r"\b(?:associate'?s? degree|diploma|hnd)\b")),
)
# Words that say how a field is named, not which field it is.
_FIELD_FILLER = frozenset(
    {"related", "field", "equivalent", "relevant", "discipline", "area", "study", "studies", "similar"}
)


def degree_level(text: str) -> int | None:
    """The highest degree level ``text`` names (1 associate, 2 bachelor, 3 master, 4 doctorate), or None."""
    folded = fold_for_matching(text)
    return next((level for level, pattern in _LEVEL_PATTERNS if pattern.search(folded)), None)


def level_asked(text: str) -> int | None:
    """The lowest degree level a requirement accepts: "Bachelor's or Master's" asks for a bachelor's."""
    folded = fold_for_matching(text)
    levels = [level for level, pattern in _LEVEL_PATTERNS if pattern.search(folded)]
    return min(levels, default=None)


def field_words(text: str) -> list[str]:
    """The words naming the field of study a requirement asks for ("computer", "science")."""
    degree_free = fold_for_matching(text)
    for _, pattern in _LEVEL_PATTERNS:
        degree_free = pattern.sub(" ", degree_free)
    return [word for word in salient_words(degree_free) if word not in _FIELD_FILLER and word != "degree"]


def education_level(entry: Education) -> int | None:
    texts = [text for text in (entry.study_type, entry.area) if text]
    levels = [level for text in texts if (level := degree_level(text)) is not None]
    return max(levels, default=None)


def education_matches_field(entry: Education, words: list[str]) -> bool:
    if not words:
        return True
    entry_words = set(salient_words(" ".join(text for text in (entry.area, entry.study_type) if text)))
    return any(word in entry_words for word in words)
