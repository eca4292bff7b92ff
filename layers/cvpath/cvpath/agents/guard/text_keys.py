"""Normalised keys for comparing CV facts: case, whitespace, punctuation and dash insensitive."""

from __future__ import annotations

import re

from cvpath.documents import fold_for_matching

_NON_WORD_RE = re.compile(r"[^\w]+")
_SENTENCE_END_RE = re.compile(r"(?<=[.!?])\s+(?=\S)")


def fact_key(text: str | None) -> str:
    """``"Texas A&M University "`` -> ``"texas a m university"``; ``None`` -> ``""``.

    Why drop punctuation entirely: printed CVs differ from their JSON in exactly
    those characters (``Sr.`` vs ``Sr``, ``B.Sc.`` vs ``BSc``... the latter is not
    caught, on purpose: changing a degree's spelling is a change).
    """
    if not text:
        return ""
    folded = fold_for_matching(text).replace("_", " ")
    return " ".join(_NON_WORD_RE.sub(" ", folded).split())


def contains_phrase(haystack_key: str, phrase: str) -> bool:
    """Whether ``phrase`` (normalised here) occurs as whole words in an already normalised text."""
    needle = fact_key(phrase)
    if not needle:
        return True
    return f" {needle} " in f" {haystack_key} "


def split_sentences(text: str) -> list[str]:
    """Sentences of a prose field, whitespace-trimmed; joining them with a space and
    splitting again gives the same list (the guard must be idempotent)."""
    return [part.strip() for part in _SENTENCE_END_RE.split(text.strip()) if part.strip()]
