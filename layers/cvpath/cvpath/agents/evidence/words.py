"""Content words: how requirements that name no skill ("Build reusable code") are matched.

Only salient words count: stop words and the boilerplate every posting uses
("experience", "strong", "ability") are dropped, and words are compared by a
crude stem so "libraries" meets "library" and "developing" meets "develop".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache

from cvpath.documents import fold_for_matching

_WORD_RE = re.compile(r"[^\W_][\w+#]*(?:\.[^\W_]+)*")

_STOP_WORD_TEXT = """
a about above across after again against all also an and any are as at be been being both but by can
could did do does doing down during each either etc few for from further had has have having here
how i if in including into is it its itself just least like may me more most must my no nor not of
off on once only or other our out over own per same shall should so some such than that the their
them then there these they this those through to too under until up upon us very via was we were
what when where which while who whom why will with within without would you your yours ability able
advanced applicant applicants basic candidate candidates demonstrated desirable desired excellent
experience experienced expert expertise familiar familiarity good great hands highly ideal ideally
knowledge nice plus preferred preferably proficiency proficient proven related relevant required
requirement requirements role similar skill skilled skills solid strong understanding using well
working year years
"""
_STOP_WORDS = frozenset(_STOP_WORD_TEXT.split())
_MIN_WORD_LENGTH = 3


def _stem(word: str) -> str:
    for suffix, replacement in (("ies", "y"), ("ing", ""), ("ed", ""), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 4:
            return word[: -len(suffix)] + replacement
    return word


def salient_words(text: str) -> list[str]:
    """The stems of ``text``'s content words, each once, in text order."""
    stems: dict[str, None] = {}
    for word in _WORD_RE.findall(fold_for_matching(text)):
        if len(word) >= _MIN_WORD_LENGTH and word not in _STOP_WORDS and not word.isdigit():
            stems[_stem(word)] = None
    return list(stems)


@lru_cache(maxsize=16_384)
def word_positions(text: str) -> Mapping[str, int]:
    """For each stem in ``text``, where its first occurrence starts (positions in ``text`` itself)."""
    positions: dict[str, int] = {}
    for match in _WORD_RE.finditer(text):
        stem = _stem(fold_for_matching(match.group()))
        positions.setdefault(stem, match.start())
    return positions
