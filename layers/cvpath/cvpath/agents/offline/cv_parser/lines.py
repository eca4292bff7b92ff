"""The CV's text as a list of cleaned lines with their layout cues (bullet glyph, length).

Extracted text keeps one printed line per line. Cleaning here is the only place that
knows about glyphs and page furniture: bullets are recognised and stripped, page
footers ("1/2", "Page 2 of 3", "John Doe - 1/2") are dropped, and a date range that the
layout wrapped ("June 2022 -" / "Present") is put back on one line.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# Why a cap: parsing is linear, but a CV is at most a few pages (about 40,000
# characters for ten dense ones); anything past this is not CV content.
MAX_CV_CHARS = 200_000
# Lines longer than this are prose (or junk): they never hold headings, contacts or dates.
MAX_LAYOUT_LINE = 400

_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u200c\u200d\u2060\ufeff"), None)
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_SPACES_RE = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BULLET_RE = re.compile(
    r"^(?:[\u2022\u2023\u2043\u2219\u25aa\u25ab\u25cf\u25cb\u25e6\u25a0\u25a1\u25b8\u25ba\u25b6\u27a2\u2794"
    r"\u2713\u2714\u2717\u00b7\u2666\u2756\u2605\u2606\uf0b7\uf0a7*>]+\s*"
    r"|[-\u2013\u2014]\s+)"
)
_NUMBERED_RE = re.compile(r"^(?:[0-9]{1,2}[.)]|\([0-9]{1,2}\))\s+(?=\S)")
_FOOTER_RE = re.compile(
    r"^(?:(?:page|seite|p\.)\s*)?[0-9]{1,3}\s*(?:/|of|von|sur|de)\s*[0-9]{1,3}$"
    r"|^(?:page|seite)\s*[0-9]{1,3}$"
    r"|^.{1,60}\s[-\u2013\u2014|]\s(?:page\s)?[0-9]{1,3}\s*/\s*[0-9]{1,3}$",
    re.IGNORECASE,
)
_TRAILING_DASH_RE = re.compile(r"[-\u2013\u2014]\s*$")


@dataclass(frozen=True)
class Line:
    """One printed line: ``text`` without its bullet glyph; ``bullet`` says it had one."""

    text: str
    bullet: bool = False
    numbered: bool = False

    @property
    def long(self) -> bool:
        return len(self.text) > MAX_LAYOUT_LINE


def clean_text(text: str) -> str:
    """NFC text without soft hyphens, zero-width or control characters, capped in length."""
    text = unicodedata.normalize("NFC", text[:MAX_CV_CHARS].replace("\r\n", "\n").replace("\r", "\n"))
    return _CONTROL_RE.sub(" ", text.translate(_INVISIBLE))


def _make_line(raw: str) -> Line | None:
    text = _SPACES_RE.sub(" ", raw).strip()
    if not text or (_FOOTER_RE.match(text[:MAX_LAYOUT_LINE]) and len(text) <= 80):
        return None
    bullet = _BULLET_RE.match(text)
    if bullet is not None:
        rest = text[bullet.end() :].strip()
        return Line(rest, bullet=True) if rest else None
    numbered = _NUMBERED_RE.match(text)
    if numbered is not None:
        return Line(text[numbered.end() :].strip(), bullet=True, numbered=True)
    return Line(text)


def split_lines(text: str) -> list[Line]:
    """The non-blank lines of ``text``, cleaned, with wrapped date ranges re-joined."""
    # Deferred import: dates imports nothing from here, but keeping the module graph
    # one-way (lines <- dates) would be broken by a top-level import the other way.
    from cvpath.agents.offline.cv_parser.dates import find_date_ranges, is_date_only

    lines = [line for raw in clean_text(text).split("\n") if (line := _make_line(raw)) is not None]
    joined: list[Line] = []
    for line in lines:
        previous = joined[-1] if joined else None
        if (
            previous is not None
            and not previous.long
            and len(line.text) <= 40
            and _TRAILING_DASH_RE.search(previous.text)
            and find_date_ranges(previous.text)
            and is_date_only(line.text, allow_present=True)
        ):
            joined[-1] = Line(f"{previous.text} {line.text}", previous.bullet, previous.numbered)
            continue
        joined.append(line)
    return joined


def typical_width(lines: list[Line]) -> int:
    """The length of a full printed line (95th percentile, so one odd line does not set it)."""
    lengths = sorted(len(line.text) for line in lines if 20 <= len(line.text) <= MAX_LAYOUT_LINE)
    if not lengths:
        return 80
    # Why a floor: in a CV of short lines only, every line would look "full".
    return max(60, lengths[(len(lengths) - 1) * 95 // 100])


def wraps_into(previous: str, following: str, width: int) -> bool:
    """Whether ``previous`` was cut by the margin: the next line's first word would not have fit.

    The classic reflow test. Why it beats a length threshold: a short bullet that
    happens to be long-ish is not wrapped if the next word would still have fitted.
    """
    first = following.split(" ", 1)[0]
    return len(previous) + 1 + len(first) > 0.95 * width
