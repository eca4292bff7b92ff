"""The ATS self-check: read back the file just produced and compare it with its input.

It passes when

- every piece of text the document was meant to show (name, contact details,
  headings, employers, titles, dates, degrees, skills, bullets, letter paragraphs)
  comes back, in the order it was laid out; and
- the extracted text holds no ligature code points, private-use characters,
  replacement characters, control characters or ``(cid:N)`` markers: the signs
  of a text layer an ATS would misread.

Matching ignores whitespace and hyphens and compares NFKC forms. Why: line
wrapping (a long word split across lines, rejoined by the extractor without its
hyphen), spacing and the choice between two code points that share a glyph (NBSP
and space) are not defects; a missing or reordered word is.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from cvpath.errors import AtsCheckFailed
from cvpath_render.blocks import Text
from cvpath_render.extraction import ExtractedDocument, extract_docx, extract_pdf

_CID_RE = re.compile(r"\(cid:\d+\)")
_IGNORED_RE = re.compile("[\\s\u00ad\u2010\u2011-]+")
_ALLOWED_CONTROLS = frozenset("\n\r\t\f")
_MAX_LISTED = 10


@dataclass(frozen=True, slots=True)
class AtsReport:
    """What a passed check saw."""

    extractor: str
    items_checked: int
    characters: int
    pages: int
    # What the extractor remarked that is not a defect (e.g. column detection).
    notes: tuple[str, ...] = ()


def _squash(text: str) -> str:
    return _IGNORED_RE.sub("", unicodedata.normalize("NFKC", text))


def bad_characters(text: str) -> dict[str, int]:
    """Counts of characters an ATS would misread, keyed by a readable description."""
    found: dict[str, int] = {}

    def count(kind: str, char: str) -> None:
        key = f"{kind} U+{ord(char):04X}"
        found[key] = found.get(key, 0) + 1

    for char in text:
        code = ord(char)
        if 0xFB00 <= code <= 0xFB4F:
            count("ligature", char)
        elif 0xE000 <= code <= 0xF8FF or code >= 0xF0000:
            count("private-use", char)
        elif code == 0xFFFD:
            count("replacement character", char)
        elif unicodedata.category(char) == "Cc" and char not in _ALLOWED_CONTROLS:
            count("control character", char)
    for marker in _CID_RE.findall(text):
        found[f"unmapped glyph {marker}"] = found.get(f"unmapped glyph {marker}", 0) + 1
    return found


def check_extracted(document: ExtractedDocument, expected: Sequence[Text]) -> AtsReport:
    """Raise ``AtsCheckFailed`` naming what is missing, out of order or unreadable."""
    defects = [f"{kind} x{count}" for kind, count in bad_characters(document.text).items()]
    defects += document.defects
    haystack = _squash(document.text)
    missing: list[dict[str, str]] = []
    cursor = 0
    for item in expected:
        needle = _squash(item.value)
        if not needle:
            continue
        found = haystack.find(needle, cursor)
        if found < 0:
            where = "out of order" if needle in haystack else "missing"
            missing.append({"field": item.path, "text": item.value[:80], "problem": where})
            continue
        cursor = found + len(needle)
    if defects or missing:
        raise _failure(document.extractor, defects, missing)
    return AtsReport(document.extractor, len(expected), len(document.text), document.pages, document.notes)


def _failure(extractor: str, defects: list[str], missing: list[dict[str, str]]) -> AtsCheckFailed:
    problems: list[str] = []
    if missing:
        listed = "; ".join(
            f"{m['field']} ({m['problem']}: {m['text'][:40]!r})" for m in missing[:_MAX_LISTED]
        )
        more = f" and {len(missing) - _MAX_LISTED} more" if len(missing) > _MAX_LISTED else ""
        problems.append(f"{len(missing)} piece(s) of text did not come back in order: {listed}{more}")
    if defects:
        problems.append(f"the text layer is not clean: {', '.join(defects)}")
    return AtsCheckFailed(
        f"ATS self-check failed ({extractor}): " + ". ".join(problems),
        details={"extractor": extractor, "missing": missing[:50], "defects": defects},
    )


def check_pdf(data: bytes, expected: Sequence[Text]) -> AtsReport:
    return check_extracted(extract_pdf(data), expected)


def check_docx(data: bytes, expected: Sequence[Text]) -> AtsReport:
    return check_extracted(extract_docx(data), expected)
