"""A job posting's text as logical lines: bullets stripped, wrapped lines joined.

Postings arrive as text pasted from a web page (one item per line, often no
bullet marks) or extracted from a PDF (items wrapped over several lines, words
hyphenated at the margin). Everything downstream works on logical lines, so the
joining rules live here and nowhere else.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Why a cap: the agent input is already bounded, but the function is public and
# every later pass is linear in the text, so a bound here bounds them all.
MAX_JOB_TEXT_CHARS = 100_000

_BULLET_RE = re.compile(
    r"^(?:[\u2022\u00b7\u25aa\u25cf\u25e6\u2023\u2043\u27a2\u2713\u2714*>]+\s*"
    r"|[-\u2013\u2014]+\s+|\(?[0-9]{1,2}[.)]\s+|\([a-zA-Z]\)\s+|[a-z][.)]\s+)"
)
_PAGE_NUMBER_RE = re.compile(r"^(?:page\s*)?[0-9]{1,3}(?:\s*(?:/|of)\s*[0-9]{1,3})?$", re.IGNORECASE)
_FIELD_LINE_RE = re.compile(r"^[A-Za-z][A-Za-z /&'()-]{0,40}:\s+\S")
_HYPHEN_BREAK_RE = re.compile(r"[A-Za-z]-$")
# Lines ending in these words continue on the next line (the PDF wrapped a phrase).
_DANGLING_WORDS = frozenset(
    {"of", "and", "or", "the", "to", "in", "with", "for", "a", "an", "as", "on", "at", "by"}
)
_LAST_WORD_RE = re.compile(r"([A-Za-z]+)$")


@dataclass(frozen=True)
class JobLine:
    """One logical line: ``text`` without its bullet mark; ``bullet`` if it had one."""

    text: str
    bullet: bool


def clean_text(text: str) -> str:
    """NFC-normalised, capped text with unified newlines and no control characters."""
    text = unicodedata.normalize("NFC", text[:MAX_JOB_TEXT_CHARS])
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00ad", "")
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")


def _strip_bullet(line: str) -> tuple[str, bool]:
    match = _BULLET_RE.match(line)
    if match is None or match.end() == len(line):
        return line, False
    return line[match.end() :].strip(), True


def _continues(current: str, following: str, following_bullet: bool) -> bool:
    """Whether ``following`` is the wrapped rest of ``current``."""
    if following_bullet or not following or current.endswith((":", ".", ";", "!", "?")):
        return False
    if current.count("(") > current.count(")"):
        return True
    if _FIELD_LINE_RE.match(following):
        return False
    if current.endswith(",") or _HYPHEN_BREAK_RE.search(current):
        return following[0].isalnum()
    last = _LAST_WORD_RE.search(current)
    if last is not None and last.group(1).lower() in _DANGLING_WORDS:
        return True
    return following[0].islower()


def _join(current: str, following: str) -> str:
    if _HYPHEN_BREAK_RE.search(current) and following[0].islower():
        return current[:-1] + following
    return f"{current} {following}"


def job_lines(text: str) -> list[JobLine]:
    """The posting's logical lines, in order; blank, punctuation-only and page-number lines dropped."""
    lines: list[JobLine] = []
    previous_blank = True
    for raw in clean_text(text).split("\n"):
        stripped = " ".join(raw.split())
        if not any(ch.isalnum() for ch in stripped) or _PAGE_NUMBER_RE.match(stripped):
            previous_blank = True
            continue
        content, bullet = _strip_bullet(stripped)
        if lines and not previous_blank and _continues(lines[-1].text, content, bullet):
            lines[-1] = JobLine(_join(lines[-1].text, content), lines[-1].bullet)
        else:
            lines.append(JobLine(content, bullet))
        previous_blank = False
    return lines
