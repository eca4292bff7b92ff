"""Find expected strings in extracted text, in order, the way a person would compare them.

Used by the corpus tests, the extraction benchmark and the renderer's ATS
self-check: "does every name, employer and heading come back, in order?". Both
sides are folded first (the corpus's LABELLING.md rules): case, whitespace, soft
hyphens, dash and quote variants and ligatures do not count as differences.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

_DASHES = dict.fromkeys(map(ord, "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"), "-")
_QUOTES = {
    **dict.fromkeys(map(ord, "\u2018\u2019\u201a\u201b\u2032\u00b4\u0060"), "'"),
    **dict.fromkeys(map(ord, "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"), '"'),
}
_WHITESPACE_RE = re.compile(r"\s+")


def fold_for_matching(text: str) -> str:
    """Lower-case, compatibility-decomposed text with one spelling per dash, quote and space.

    Not for display: NFKC also flattens superscripts and full-width forms.
    """
    text = unicodedata.normalize("NFKC", text.replace("\u00ad", ""))
    text = text.translate(_DASHES).translate(_QUOTES).casefold()
    return _WHITESPACE_RE.sub(" ", text).strip()


@dataclass(frozen=True)
class InOrderResult:
    """Which needles were found anywhere, and whether all of them occur in the given order."""

    found: tuple[bool, ...]
    in_order: bool

    @property
    def hits(self) -> int:
        return sum(self.found)

    @property
    def total(self) -> int:
        return len(self.found)


def find_in_order(text: str, needles: Sequence[str]) -> InOrderResult:
    """Look for each needle after the end of the previous one.

    Taking the earliest occurrence each time is optimal: if any ordered placement
    exists, the greedy one finds it. A needle that is missing from its place but
    present earlier still counts as found, and breaks the order.
    """
    haystack = fold_for_matching(text)
    position = 0
    in_order = True
    found: list[bool] = []
    for needle in needles:
        folded = fold_for_matching(needle)
        index = haystack.find(folded, position)
        if index < 0:
            in_order = False
            found.append(haystack.find(folded) >= 0)
        else:
            found.append(True)
            position = index + len(folded)
    return InOrderResult(found=tuple(found), in_order=in_order)
