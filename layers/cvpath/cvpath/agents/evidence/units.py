"""The CV as a list of quotable pieces of text, each with the id evidence would cite.

A unit is one bullet, or one text field of an entry (a position, a summary, one
skills keyword). Its text is exactly what ``CV.texts_by_id()`` lets evidence quote
for that id, so a quote cut from a unit is verbatim by construction. The summary
and the headline (``basics``) have no id: they count when looking for keywords,
but cannot be cited.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from cvpath.models import CV, Bullet, Entry

MAX_QUOTE_CHARS = 300

# Fields that are not statements about the candidate's abilities.
_SKIPPED_FIELDS = frozenset({"id", "url", "start_date", "end_date", "date", "release_date", "score"})
# References are someone else's words, not the candidate's evidence.
_EVIDENCE_SECTIONS = (
    "work",
    "volunteer",
    "education",
    "projects",
    "skills",
    "certificates",
    "awards",
    "publications",
    "languages",
    "interests",
)
_SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+|\n+")


@dataclass(frozen=True)
class CVUnit:
    """One quotable text. ``source_id`` is empty for text that cannot be cited (the summary)."""

    source_id: str
    entry_id: str
    section: str
    text: str
    is_bullet: bool
    order: int

    @property
    def citable(self) -> bool:
        return bool(self.source_id)

    @property
    def rank(self) -> int:
        """Preference when choosing evidence: bullets first, then entry fields."""
        return 0 if self.is_bullet else 1


def cv_units(cv: CV) -> tuple[CVUnit, ...]:
    """Every unit of ``cv`` in document order: summary and headline first, then the sections."""
    texts: list[tuple[str, str, str, str, bool]] = []
    if cv.basics is not None:
        for text in (cv.basics.label, cv.basics.summary):
            if text and text.strip():
                texts.append(("", "", "summary", text, False))
    for section in _EVIDENCE_SECTIONS:
        entries: Sequence[Entry] = getattr(cv, section)
        for entry in entries:
            texts.extend((entry.id, entry.id, section, text, False) for text in _field_texts(entry))
            texts.extend((bullet.id, entry.id, section, bullet.text, True) for bullet in entry.bullets())
    return tuple(
        CVUnit(source_id=sid, entry_id=eid, section=section, text=text, is_bullet=is_bullet, order=index)
        for index, (sid, eid, section, text, is_bullet) in enumerate(texts)
    )


def _field_texts(entry: Entry) -> list[str]:
    texts: list[str] = []
    for name in type(entry).model_fields:
        if name in _SKIPPED_FIELDS or name == entry.bullets_field:
            continue
        value = getattr(entry, name)
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list):
            texts.extend(item for item in value if isinstance(item, str) and not isinstance(item, Bullet))
    return [text for text in texts if text.strip()]


def quote_around(text: str, position: int) -> str:
    """A verbatim piece of ``text`` around ``position``: the whole text, or its sentence, at most 300 chars.

    The cut falls on whitespace, so no word is split; the result is stripped and
    is always a substring of ``text``.
    """
    if len(text.strip()) <= MAX_QUOTE_CHARS:
        return text.strip()
    start, end = _sentence_bounds(text, position)
    sentence = text[start:end]
    if len(sentence.strip()) <= MAX_QUOTE_CHARS:
        return sentence.strip()
    # A long sentence: a window that starts a little before the match, cut on spaces.
    window_start = max(start, min(position, end) - MAX_QUOTE_CHARS // 3)
    if window_start > start:
        space = text.find(" ", window_start)
        window_start = space + 1 if 0 <= space < end else window_start
    window = text[window_start : min(end, window_start + MAX_QUOTE_CHARS)]
    if window_start + MAX_QUOTE_CHARS < end:
        cut = window.rfind(" ")
        window = window[:cut] if cut > 0 else window
    return window.strip() or text.strip()[:MAX_QUOTE_CHARS].strip()


def _sentence_bounds(text: str, position: int) -> tuple[int, int]:
    start = 0
    for match in _SENTENCE_END_RE.finditer(text):
        if match.start() >= position:
            return start, match.start()
        start = match.end()
    return start, len(text)
