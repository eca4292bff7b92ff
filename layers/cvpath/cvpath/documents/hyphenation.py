"""Words split by a hyphen at the end of a line: join the word, keep real compounds.

A line that ends in "manage-" followed by "ment" is typesetting (LaTeX, Word
hyphenation): the hyphen was never part of the word. A line that ends in "user-"
followed by "friendly" is usually a compound the renderer wrapped at its hyphen
(browsers do that), and the hyphen belongs to the text. Without a dictionary the
two look the same, so the decision uses, in order:

1. a soft hyphen (U+00AD) marks a hyphenation point by definition: join;
2. digits, a capital after the break or a one-letter head ("e-mail") mean a
   compound or a code: keep the hyphen;
3. the document itself: if it spells the joined word elsewhere, join; if it
   spells the hyphenated compound elsewhere, keep the hyphen;
4. a short list of heads and tails that form compounds in CV prose
   ("cross-", "self-", "-based", "-driven"): keep the hyphen;
5. otherwise join, as typesetting hyphenation is the common case.

Either way the word moves to the first line and the rest of the second line
keeps its own line, so line structure survives.
"""

from __future__ import annotations

import re

# head, the hyphen (or soft hyphen), the newline, the rest of the broken word with
# any punctuation glued to it, and the one separator after it.
_BREAK_RE = re.compile("(\\w+)([-\u00ad])\n(\\w\\S*)(?: |\n)?")
_WORD_RE = re.compile(r"\w+")
_COMPOUND_RE = re.compile(r"\w+-\w+")


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


COMPOUND_HEADS = _words(
    """
    back best client cloud cost cross customer cutting data detail end fast first front full
    hands high long low mission one open part real results self senior short small state team
    third time top two user well world
    """
)
COMPOUND_TAILS = _words(
    """
    aware based call centric critical day depth driven edge effective end facing first focused
    free friendly house level like making month native on oriented out ready related scale side
    solving source specific stack term time up week wide year years
    """
)


class _Evidence:
    """Words and hyphenated compounds the document spells on a single line (built once, lazily)."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._words: set[str] | None = None
        self._compounds: set[str] | None = None

    def has_word(self, word: str) -> bool:
        if self._words is None:
            self._words = {found.lower() for found in _WORD_RE.findall(self._text)}
        return word.lower() in self._words

    def has_compound(self, compound: str) -> bool:
        if self._compounds is None:
            self._compounds = {found.lower() for found in _COMPOUND_RE.findall(self._text)}
        return compound.lower() in self._compounds


def _keeps_hyphen(head: str, tail: str, evidence: _Evidence) -> bool:
    if any(ch.isdigit() for ch in head + tail) or tail[0].isupper() or len(head) == 1:
        return True
    if evidence.has_word(head + tail):
        return False
    if evidence.has_compound(f"{head}-{tail}"):
        return True
    return head.lower() in COMPOUND_HEADS or tail.lower() in COMPOUND_TAILS


def join_hyphenated_breaks(text: str) -> tuple[str, int]:
    """Join words hyphenated across a line break; return the text and how many were joined."""
    if "-\n" not in text and "\u00ad\n" not in text:
        return text, 0
    evidence = _Evidence(text)
    joined = 0

    def join(match: re.Match[str]) -> str:
        nonlocal joined
        head, mark, rest = match.groups()
        tail = _WORD_RE.match(rest)
        # Only letters on both sides make a word break ("2019-\n2020" is a range).
        if tail is None or not (head[-1].isalpha() and rest[0].isalpha()):
            return match.group(0)
        joined += 1
        keep = mark == "-" and _keeps_hyphen(head, tail.group(0), evidence)
        # The separator after the word was consumed, so exactly one newline goes back.
        return f"{head}{'-' if keep else ''}{rest}\n"

    return _BREAK_RE.sub(join, text), joined
