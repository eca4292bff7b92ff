"""The two value types the taxonomy hands out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SkillInfo:
    """One canonical skill: its display name, the other names it goes by, its family and its domain.

    ``family`` groups skills that can stand in for one another when matching (React and Vue.js are both
    "frontend"); ``domain`` is the broad field ("tech", "data", "business", "health", "education",
    "trades", "language", ...).
    """

    canonical: str
    aliases: tuple[str, ...]
    family: str
    domain: str


@dataclass(frozen=True, slots=True)
class SkillMention:
    """A skill found in a text: ``text[start:end] == surface``."""

    canonical: str
    surface: str
    start: int
    end: int
