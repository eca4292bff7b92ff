"""Tokens and lookup keys: the one normalisation shared by ``canonical()`` and ``find()``.

A token is a word that may carry the punctuation tech names use: an inner dot or ampersand (``Node.js``,
``ASP.NET``, ``R&D``), a leading dot (``.NET``), a trailing ``+``, ``++`` or ``#`` (``C++``, ``C#``,
``ES6+``). A slash or a free-standing ampersand is a token of its own, so ``CI/CD`` is three tokens and
``HTML/CSS`` can split into two skills. Hyphens and whitespace only separate tokens.

A key is the tokens' folded forms joined with nothing between them, inner dots dropped. So ``Node.js``,
``NodeJS`` and ``node js`` share the key ``nodejs``, while ``C``, ``C++`` and ``C#`` (and ``Java`` and
``JavaScript``) stay apart: no character that tells two skills apart is ever dropped.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_TOKEN_RE = re.compile(
    r"""
    (?:(?<![\w.+\#])\.(?=[^\W_]))?      # leading dot: .NET
    \w+
    (?:[.&](?=\w)\w+)*                  # inner dots and ampersands: Node.js, R&D
    (?:(?:\+\+|\+|\#)(?![^\W\d]|[+\#]))? # trailing C++, C#, ES6+ (C++17 is C++ then 17)
    |[/&]
    """,
    re.VERBOSE,
)

# What may stand between two tokens of one skill name: spaces, one hyphen, one line break (PDF text
# wraps "Machine\nLearning" and hyphenates "Java-\nScript").
_JOINING_GAP_RE = re.compile(r"[ \t\u00a0\r]*(?:[-\u00ad\u2010\u2011][ \t\u00a0\r]*)?(?:\n[ \t\u00a0\r]*)?")
_TRAILING_PARENTHETICAL_RE = re.compile(r"\s*\([^()]*\)\s*$")
# Words that grade or frame a skill rather than name it: "basic SQL", "Machine Learning basics",
# "working knowledge of Excel".
_QUALIFIER_RE = re.compile(
    r"^(?:(?:basic|advanced|intermediate|expert|strong|solid|proficient in|proficiency in|fluent in|"
    r"(?:working |good |strong )?knowledge of|familiarity with|experience (?:with|in))\s+)+"
    r"|\s+(?:basics|fundamentals|skills|skill|proficiency)$",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    key: str


def token_key(token_text: str) -> str:
    folded = unicodedata.normalize("NFKC", token_text).casefold()
    if folded.startswith("."):
        return "." + folded[1:].replace(".", "")
    return folded.replace(".", "")


def tokenize(text: str) -> list[Token]:
    return [Token(m.start(), m.end(), token_key(m.group())) for m in _TOKEN_RE.finditer(text)]


def joins(gap: str) -> bool:
    """Whether two tokens separated by ``gap`` may belong to one skill name."""
    return _JOINING_GAP_RE.fullmatch(gap) is not None


def name_key(name: str) -> str:
    """The lookup key of a skill name written on its own (``" Node.JS "`` -> ``"nodejs"``)."""
    return "".join(token.key for token in tokenize(name))


def name_key_variants(name: str) -> list[str]:
    """Keys to try in order for a free-form skill name: as written, without a trailing parenthetical
    ("JavaScript (ES6+)"), without grading words ("basic SQL", "Machine Learning basics"), then each of
    those without a plural "s" ("REST APIs")."""
    variants = [name_key(name)]
    for stripped in (_TRAILING_PARENTHETICAL_RE.sub("", name), _QUALIFIER_RE.sub("", name)):
        if stripped and stripped != name:
            variants.append(name_key(stripped))
    for key in list(variants):
        if len(key) >= 4 and key.endswith("s") and not key.endswith("ss"):
            variants.append(key[:-1])
    return [key for key in dict.fromkeys(variants) if key]
