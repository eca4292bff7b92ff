"""Finding skill names in running text.

Rules, in order:

1. Text is cut into tokens (see ``keys``); a skill name may span several tokens joined by spaces, one
   hyphen or one line break, never by other punctuation. So "SQL (Postgres)" gives SQL and PostgreSQL,
   "HTML/CSS" gives HTML and CSS, "CI/CD" stays one skill because "CI/CD" is itself a name.
2. At each token the longest name that starts there wins, and matching resumes after it ("Spring Boot"
   beats "Spring", "React Native" beats "React").
3. Matching ignores case, except for the data file's ``case_sensitive`` forms, which count only as written
   there or in all capitals ("Excel" but not "excel at"; "ML" but not "5 ml").
4. ``guarded`` forms are names that are also everyday words or letters ("Go", "R", "C", "Swift", "Rust",
   "Spring", "Make", "Chef", "Puppet", ...). Besides the case rule they count only when they are
   (a) a list item - a separator ``, ; | / & ( ) [ ] •``, a colon, a dash, a line break or "and"/"or" on
   each side - next to another accepted skill with only separators, "and"/"or" or a level ("(native)",
   "- fluent", "(5 years)") between them ("Python, Go", "C/C++", "R and SAS", "English (C2), Polish"), or
   (b) right after "in", "with" or "using" and followed by a separator, a line end or a sentence end
   ("written in Go."). "I will go to the store", "a Swift response", "a C grade", "Grade: C" and
   "Chef, The Grand Hotel" match nothing; a lone "Skills: R" does not either (no neighbour), the price
   of never reading a grade or a job title as a skill.
5. Nothing inside a URL or an e-mail address counts ("github.com/jake" is a link, not a skill claim).
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from cvpath.agents.taxonomy.data import Surface
from cvpath.agents.taxonomy.keys import Token, joins, tokenize
from cvpath.agents.taxonomy.model import SkillMention

_SEPARATORS = ",;|/&()[]•·▪●◦"
_ITEM_LEFT = _SEPARATORS + ":*-\u2013\u2014\n\r"
_ITEM_RIGHT = _SEPARATORS + ":-\u2013\u2014\n\r"
_SPACES = " \t\u00a0"
_LIST_WORDS = frozenset({"and", "or"})
_LANGUAGE_CONTEXT_WORDS = frozenset({"in", "with", "using"})
# What may stand between two items of one list: separators, "and"/"or", a line break, and a level such
# as "(native)", "- fluent" or "(5 years)" after an item ("English (C2), Polish (native)").
_LIST_GAP_RE = re.compile(
    r"[ \t\u00a0]*(?:(?:[,;|/&\[\]•·▪●◦\n*:\u2013-]|\band\b|\bor\b|\([^()\n]{0,30}\)|"
    r"\b(?:native|fluent|bilingual|proficient|advanced|intermediate|basic|beginner|conversational|"
    r"elementary|expert|[abc][12])\b)[ \t\u00a0\r]*)+",
    re.IGNORECASE,
)
_BLOCKED_RE = re.compile(
    r"(?:https?://|www\.)\S+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:com|org|net|io|dev|edu|gov|me|co|uk|de|fr|ca|in|ai|app|info)/\S*"
)
_WORD_BREAK_RE = re.compile(r"[\s\-\u00ad\u2010\u2011]+")
_WORD_BEFORE_RE = re.compile(r"(\w+)[ \t\u00a0]*$")
_WORD_AFTER_RE = re.compile(r"[ \t\u00a0]*(\w+)")


class SkillMatcher:
    def __init__(self, surfaces: Mapping[str, Surface]) -> None:
        self._surfaces = dict(surfaces)
        self._max_tokens = max((surface.token_count for surface in surfaces.values()), default=1)
        prefixes: set[str] = set()
        for surface in self._surfaces.values():
            # Token-level prefixes of every multi-token name, so extension stops as soon as no name fits.
            prefixes.update(_token_prefixes(surface))
        self._prefixes = frozenset(prefixes)

    def find(self, text: str) -> list[SkillMention]:
        tokens = tokenize(text)
        blocked = [(m.start(), m.end()) for m in _BLOCKED_RE.finditer(text)]
        hits: list[tuple[Surface, int, int]] = []
        index = 0
        while index < len(tokens):
            hit = self._longest_at(text, tokens, index)
            if hit is None:
                index += 1
                continue
            surface, after = hit
            start, end = tokens[index].start, tokens[after - 1].end
            if not any(b_start < end and start < b_end for b_start, b_end in blocked):
                hits.append((surface, start, end))
            index = after
        accepted = _accept_guarded(text, hits)
        return [
            SkillMention(canonical=surface.canonical, surface=text[start:end], start=start, end=end)
            for (surface, start, end), keep in zip(hits, accepted, strict=True)
            if keep
        ]

    def _longest_at(self, text: str, tokens: list[Token], index: int) -> tuple[Surface, int] | None:
        key = ""
        candidates: list[tuple[Surface, int]] = []
        for position in range(index, min(len(tokens), index + self._max_tokens)):
            if position > index and not joins(text[tokens[position - 1].end : tokens[position].start]):
                break
            key += tokens[position].key
            surface = self._surfaces.get(key)
            if surface is not None:
                candidates.append((surface, position + 1))
            if key not in self._prefixes:
                break
        for surface, after in reversed(candidates):
            if not surface.case_sensitive or _same_case(
                text[tokens[index].start : tokens[after - 1].end], surface.forms
            ):
                return surface, after
        return None


def _token_prefixes(surface: Surface) -> list[str]:
    prefixes: list[str] = []
    for form in surface.forms:
        token_keys = [token.key for token in tokenize(form)]
        prefixes.extend("".join(token_keys[:count]) for count in range(1, len(token_keys)))
    return prefixes


def _same_case(written: str, forms: tuple[str, ...]) -> bool:
    """Whether ``written`` is one of ``forms`` letter for letter, or one of them in capitals.

    Word breaks count ("data flow" is not "Dataflow"); only the kind of break does not.
    """
    spelled = _WORD_BREAK_RE.sub(" ", written)
    return any(
        spelled in (wanted, wanted.upper()) for wanted in (_WORD_BREAK_RE.sub(" ", form) for form in forms)
    )


def _accept_guarded(text: str, hits: list[tuple[Surface, int, int]]) -> list[bool]:
    """Which hits stand: every unguarded one, and guarded ones that pass rule 4 of the module docstring."""
    accepted = [not surface.guarded for surface, _, _ in hits]
    pending: list[int] = []
    for position, (surface, start, end) in enumerate(hits):
        if not surface.guarded or not _ends_item(text, end):
            continue
        if _after_language_word(text, start):
            accepted[position] = True
        elif _starts_item(text, start):
            pending.append(position)
    changed = True
    while changed:
        changed = False
        for position in pending:
            if accepted[position]:
                continue
            if _listed_next_to(text, hits, accepted, position, position - 1) or _listed_next_to(
                text, hits, accepted, position, position + 1
            ):
                accepted[position] = True
                changed = True
    return accepted


def _listed_next_to(
    text: str, hits: list[tuple[Surface, int, int]], accepted: list[bool], position: int, neighbour: int
) -> bool:
    if not 0 <= neighbour < len(hits) or not accepted[neighbour]:
        return False
    first, second = sorted((position, neighbour))
    gap = text[hits[first][2] : hits[second][1]]
    return _LIST_GAP_RE.fullmatch(gap) is not None


def _starts_item(text: str, start: int) -> bool:
    before = text[max(0, start - 40) : start].rstrip(_SPACES)
    if not before or before[-1] in _ITEM_LEFT:
        return True
    word = _WORD_BEFORE_RE.search(before)
    return word is not None and word.group(1).casefold() in _LIST_WORDS


def _ends_item(text: str, end: int) -> bool:
    after = text[end : end + 40].lstrip(_SPACES)
    if not after or after[0] in _ITEM_RIGHT:
        return True
    if after[0] in ".!?" and (len(after) == 1 or after[1].isspace()):
        return True
    word = _WORD_AFTER_RE.match(after)
    return word is not None and word.group(1).casefold() in _LIST_WORDS


def _after_language_word(text: str, start: int) -> bool:
    word = _WORD_BEFORE_RE.search(text[max(0, start - 20) : start])
    return word is not None and word.group(1).casefold() in _LANGUAGE_CONTEXT_WORDS
