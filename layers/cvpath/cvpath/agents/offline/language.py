"""Which language a CV is written in, by its function words (and a few CV words per language).

A stopword profile is enough for CVs: even noun-heavy bullet lists carry
"and", "in", "with", "for" in their own language. Detection declines (``None``)
rather than guesses when the text is short or two languages score alike.
"""

from __future__ import annotations

import re
from collections import Counter


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_PROFILES: dict[str, frozenset[str]] = {
    "en": _words(
        "the and of to in for with on at by from as is are was were this that which an be have has "
        "experience education skills languages work university present developed managed team"
    ),
    "de": _words(
        "und der die das den dem des mit für von zu im bei auf ist sind wurde als eine einer eines ein "
        "nicht auch sowie über berufserfahrung ausbildung kenntnisse sprachen studium heute seit bis "
        "verantwortlich entwicklung projekte"
    ),
    "fr": _words(
        "le la les des du et en pour avec dans sur au aux une un est sont par chez "
        "expérience formation compétences langues projets développement gestion actuellement depuis "
        "stage école université"
    ),
    "es": _words(
        "el la los las del y en para con por una un es son al como desde hasta actualmente "
        "experiencia formación habilidades idiomas proyectos desarrollo gestión universidad empresa"
    ),
    "it": _words(
        "il lo la gli le dei delle del della e di per con su una un è sono da al nel nella presso "
        "esperienza formazione competenze lingue progetti sviluppo gestione università attuale"
    ),
    "pt": _words(
        "o a os as dos das do da e em para com por uma um é são no na ao como desde até atual "
        "experiência formação competências idiomas projetos desenvolvimento gestão universidade"
    ),
    "nl": _words(
        "de het een en van in voor met op bij aan als is zijn werd door tot naar "
        "werkervaring opleiding vaardigheden talen projecten ontwikkeling heden sinds"
    ),
}
_WORD_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

MIN_WORDS = 12
MIN_HITS = 4
MIN_SHARE = 0.06
# The winner must beat the runner-up clearly: Spanish, Portuguese and Italian share many words.
MIN_LEAD = 1.25


def language_scores(text: str) -> dict[str, int]:
    """Hits of each profile's words in ``text`` (each occurrence counts)."""
    words = Counter(word.casefold() for word in _WORD_RE.findall(text))
    return {
        lang: sum(count for word, count in words.items() if word in profile)
        for lang, profile in _PROFILES.items()
    }


def detect_language(text: str) -> str | None:
    """ISO 639-1 code (en, de, fr, es, it, pt, nl) of ``text``; ``None`` when unsure.

    Unsure means fewer than ``MIN_WORDS`` words, fewer than ``MIN_HITS`` profile
    hits, under ``MIN_SHARE`` of the words, or no clear lead over the runner-up.
    """
    total = len(_WORD_RE.findall(text[:200_000]))
    if total < MIN_WORDS:
        return None
    scores = language_scores(text[:200_000])
    ranked = sorted(scores.items(), key=lambda item: (-item[1], item[0]))
    (best, best_hits), (_, second_hits) = ranked[0], ranked[1]
    if best_hits < MIN_HITS or best_hits / total < MIN_SHARE or best_hits < MIN_LEAD * second_hits:
        return None
    return best
