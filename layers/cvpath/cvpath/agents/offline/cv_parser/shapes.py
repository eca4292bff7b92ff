"""What a short piece of text looks like: a name, a title, a sentence, a heading.

These are the layout-free cues the parser leans on when the extracted text has lost
fonts and positions: capitalisation, word count, punctuation and a little vocabulary.
"""

from __future__ import annotations

import re


def word_set(text: str, separator: str | None = None) -> frozenset[str]:
    """A vocabulary written as one string: words split on whitespace (or ``separator``), trimmed."""
    return frozenset(" ".join(w.split()) for w in text.split(separator) if w.strip())


WORD_RE = re.compile(r"[^\W\d_][\w'\u2019.&+#/-]*")
_SMALL_WORDS = word_set(
    "a an and as at by de del der des di du en et for from in into la le of on or the to und van von "
    "with y da dos das e"
)
# Lower-case words that still occur in headers ("present" is a date word, the rest join nouns).
_NAME_PARTICLES = word_set("van von der de del della di da du le la bin ibn al el dos das ten ter")

# The nouns a job title ends with (or contains). Lower-case, matched per word.
TITLE_WORDS = word_set(
    """
    engineer engineers developer developers programmer architect scientist researcher analyst consultant
    designer manager director lead head chief officer president vp intern internship trainee apprentice
    assistant associate specialist technician administrator coordinator teacher tutor instructor lecturer
    professor postdoc fellow student founder co-founder cofounder owner partner principal executive ceo cto
    cfo coo cio cpo staff senior junior sr jr mid graduate volunteer editor writer accountant advisor
    adviser representative supervisor operator officer clerk nurse physician doctor counsel attorney
    lawyer strategist marketer recruiter planner mentor ambassador member chair secretary treasurer
    devops sre full-stack fullstack frontend front-end backend back-end stack software web data
    ingenieur entwickler berater leiter werkstudent praktikant ingenieure développeur developpeur
    stagiaire chef responsable consultor desarrollador ingeniero becario gerente jefe
    """
)


_COMPOUND_ROLE_SUFFIXES = (
    "entwickler", "ingenieur", "berater", "leiter", "manager", "architekt", "assistent", "referent",
    "techniker", "analyst", "designer", "ontwikkelaar", "adviseur",
)  # fmt: skip


def words(text: str) -> list[str]:
    return WORD_RE.findall(text)


def is_all_caps(text: str) -> bool:
    letters = [c for c in text if c.isalpha()]
    return len(letters) >= 2 and all(c.isupper() for c in letters)


def lowercase_content_words(text: str) -> int:
    """Words that start in lower case and are neither small joining words nor title nouns."""
    return sum(
        1
        for word in words(text)
        if word[0].islower() and word.casefold() not in _SMALL_WORDS and word.casefold() not in TITLE_WORDS
    )


def is_sentence_like(text: str) -> bool:
    """Prose rather than a label: ends like a sentence, or has ordinary lower-case words.

    Why this works on headers: employers, titles, degrees and project names are
    capitalised or made of small joining words ("Bachelor of Arts in ..."), while a
    sentence ("Won award at AIHacks") soon has a lower-case content word.
    """
    stripped = text.rstrip()
    if stripped.endswith((".", "!", "?")) and not re.search(r"\b[A-Z][a-z]{0,3}\.$|\b[A-Z]\.$", stripped):
        return len(words(stripped)) >= 3
    count = lowercase_content_words(text)
    total = len(words(text))
    return count >= 2 or (count >= 1 and total >= 4)


def has_title_word(text: str) -> bool:
    return any(word.casefold().strip(".") in TITLE_WORDS for word in words(text))


def title_score(text: str) -> int:
    """How much ``text`` reads like a job title: role nouns count, the last word most."""
    tokens = [word.casefold().strip(".") for word in words(text)]
    if not tokens:
        return 0

    def is_role(token: str) -> bool:
        return token in TITLE_WORDS or any(
            piece in TITLE_WORDS for piece in re.split(r"[/-]", token) if piece
        )

    score = sum(1 for token in tokens if is_role(token))
    if is_role(tokens[-1]):
        score += 2
    return score


def is_name_like(text: str) -> bool:
    """Two to five capitalised words of letters (particles and initials allowed), nothing else."""
    if len(text) > 60 or any(c.isdigit() for c in text) or "@" in text or ":" in text:
        return False
    tokens = text.replace(",", " ").split()
    if not 2 <= len(tokens) <= 5:
        return False
    for token in tokens:
        core = token.strip(".")
        if not core or not all(c.isalpha() or c in "-'\u2019." for c in core):
            return False
        if core.casefold() in _NAME_PARTICLES:
            continue
        if not core[0].isalpha() or core[0].islower():
            return False
    return not has_title_word(text)
