"""Skill terms: which skills a requirement asks for, and where a text mentions one.

A term is a canonical skill name when the taxonomy knows it (so "postgres",
"PostgreSQL" and "Postgres DB" are one term), otherwise the keyword as written,
matched literally on word boundaries.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cvpath.agents.taxonomy import SkillMention, get_taxonomy
from cvpath.documents import fold_for_matching
from cvpath.models import Requirement


@dataclass(frozen=True)
class Term:
    """A skill looked for. ``family`` is set for a generic skill named like a family
    ("Version Control", "Programming Languages"): any skill of that family shows it (Git shows
    version control).
    """

    key: str
    label: str
    known: bool
    family: str | None = None


def term_for(name: str) -> Term:
    info = get_taxonomy().info(name)
    if info is not None:
        family = _families_by_name().get(_squash(info.canonical))
        return Term(key=fold_for_matching(info.canonical), label=info.canonical, known=True, family=family)
    label = " ".join(name.split())
    return Term(key=fold_for_matching(label), label=label, known=False)


def _squash(name: str) -> str:
    squashed = "".join(char for char in fold_for_matching(name) if char.isalnum())
    # Plural-insensitive: "Programming Language" names the family "programming languages".
    return squashed.removesuffix("s")


@lru_cache(maxsize=1)
def _families_by_name() -> dict[str, str]:
    return {_squash(family): family for family in get_taxonomy().families()}


def requirement_terms(requirement: Requirement) -> list[Term]:
    """The requirement's keywords, then the skills its text names; each once, in that order."""
    names = [*requirement.keywords, *(mention.canonical for mention in _mentions(requirement.text))]
    return unique_terms(term_for(name) for name in names if name.strip())


def unique_terms(terms: Iterable[Term]) -> list[Term]:
    seen: set[str] = set()
    unique: list[Term] = []
    for term in terms:
        if term.key and term.key not in seen:
            seen.add(term.key)
            unique.append(term)
    return unique


def skills_in(text: str) -> tuple[tuple[str, int], ...]:
    """The canonical skills ``text`` mentions, with the position of each mention, in text order.

    A text that is a skill name as a whole (a skills-list item such as "Go")
    counts even when the taxonomy would not match that name inside prose.
    """
    return _skills_in(text)


@lru_cache(maxsize=16_384)
def _skills_in(text: str) -> tuple[tuple[str, int], ...]:
    found = [(mention.canonical, mention.start) for mention in _mentions(text)]
    whole = get_taxonomy().canonical(text.strip())
    if whole is not None and all(name != whole for name, _ in found):
        found.insert(0, (whole, len(text) - len(text.lstrip())))
    return tuple(found)


@lru_cache(maxsize=16_384)
def _mentions(text: str) -> tuple[SkillMention, ...]:
    return tuple(get_taxonomy().find(text))


def locate(term: Term, text: str) -> int | None:
    """Where ``text`` first mentions ``term`` (by canonical name or alias), or None."""
    if term.family is not None:
        tax = get_taxonomy()
        return next((start for name, start in skills_in(text) if tax.family(name) == term.family), None)
    if term.known:
        return next((start for name, start in skills_in(text) if fold_for_matching(name) == term.key), None)
    match = _literal_re(term.label).search(text)
    return match.start() if match else None


@lru_cache(maxsize=4_096)
def _literal_re(label: str) -> re.Pattern[str]:
    words = [re.escape(word) for word in label.split()]
    return re.compile(r"(?<![\w])" + r"[\s\-]+".join(words) + r"(?![\w])", re.IGNORECASE)


def same_family(term: Term, canonical: str) -> bool:
    """True when ``canonical`` is a different skill of the same family as ``term`` (React vs Vue.js)."""
    if not term.known or term.family is not None or fold_for_matching(canonical) == term.key:
        return False
    return get_taxonomy().same_family(term.label, canonical)


def family_of(term: Term) -> str | None:
    return get_taxonomy().family(term.label) if term.known else None
