"""Text normalisation: turn what extractors hand back into clean, honest text.

Every step removes or re-spells characters; none adds words. The artefacts come
from real CVs (see FIELD-NOTES): soft hyphens inside words, icon fonts that map to
private-use code points or ``(cid:N)``, NUL characters, ligature code points,
non-breaking and other odd spaces, and words hyphenated across line breaks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from cvpath.documents.hyphenation import join_hyphenated_breaks

_LIGATURES = str.maketrans(
    {
        "\ufb00": "ff",
        "\ufb01": "fi",
        "\ufb02": "fl",
        "\ufb03": "ffi",
        "\ufb04": "ffl",
        # U+FB05 is the long-s + t ligature; its letters read "st" today.
        "\ufb05": "st",
        "\ufb06": "st",
    }
)
_LIGATURE_RE = re.compile("[\ufb00-\ufb06]")

# Line and paragraph separators of every flavour become "\n" (a paragraph break is
# a blank line). Form feed and vertical tab end a line in the documents we see.
_NEWLINES_RE = re.compile("\r\n|[\r\v\f\x85\u2028]")

# Icon-font glyphs: the Basic Multilingual Plane's private-use area, the two
# supplementary private-use planes, and pdfminer's spelling of unmapped glyphs.
_CID_RE = re.compile(r"\(cid:\d+\)")
_ICON_RE = re.compile("(?:[\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd]|\\(cid:\\d+\\))+")

# Control characters (C0 except tab and newline, DEL, C1), lone surrogates (they
# cannot be encoded, so one would break storage later), noncharacters, and invisible
# format characters that only hide or reorder text: zero-width space, word joiner,
# BOM, and the bidi embeddings/overrides/isolates ("Trojan source" reordering).
# ZWJ/ZWNJ stay: emoji sequences and several scripts need them.
_CONTROL_RE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
    "\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]+"
)
_REPLACEMENT_RE = re.compile("\ufffd+")

# Spaces that are not " ": no-break, Ogham, the en/em/thin family, narrow no-break,
# medium mathematical and ideographic space. Tabs become spaces too, so a DOCX
# "Title<TAB>Dates" reads like the same line extracted from a PDF.
_SPACES_RE = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_SPACE_RUN_RE = re.compile(" {2,}")
_LINE_EDGES_RE = re.compile(" *\n *")
_BLANK_LINES_RE = re.compile("\n{3,}")


@dataclass
class NormalizationReport:
    """How many characters each step touched, for the warnings a caller shows."""

    icon_glyphs: int = 0
    control_characters: int = 0
    replacement_characters: int = 0
    ligatures: int = 0
    soft_hyphens: int = 0
    hyphenated_breaks_joined: int = 0

    def warnings(self) -> list[str]:
        notes = [
            (self.icon_glyphs, "removed {} private-use icon glyph(s)"),
            (self.control_characters, "removed {} control or invisible character(s) (such as NUL)"),
            (self.replacement_characters, "removed {} unreadable character(s) (U+FFFD)"),
            (self.ligatures, "replaced {} ligature character(s) with their letters"),
            (self.soft_hyphens, "removed {} soft hyphen(s)"),
            (self.hyphenated_breaks_joined, "joined {} word(s) hyphenated across line breaks"),
        ]
        return [template.format(count) for count, template in notes if count]


def _drop_icons(text: str, report: NormalizationReport) -> str:
    def replace(match: re.Match[str]) -> str:
        glyphs = match.group(0)
        report.icon_glyphs += glyphs.count("(cid:") + len(_CID_RE.sub("", glyphs))
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        # Between two letters the glyph was most likely an unmapped ligature inside
        # a word: keep the word whole. Elsewhere it was an icon used as a separator
        # ("CA<icon>john@..."): keep the words apart.
        return "" if before.isalpha() and after.isalpha() else " "

    return _ICON_RE.sub(replace, text)


def _remove(pattern: re.Pattern[str], text: str) -> tuple[str, int]:
    removed = 0

    def count(match: re.Match[str]) -> str:
        nonlocal removed
        removed += len(match.group(0))
        return ""

    return pattern.sub(count, text), removed


def normalize_with_report(text: str) -> tuple[str, NormalizationReport]:
    """``normalize_text`` plus the counts behind its warnings."""
    report = NormalizationReport()
    text = _NEWLINES_RE.sub("\n", text).replace("\u2029", "\n\n")
    text, report.control_characters = _remove(_CONTROL_RE, text)
    text, report.replacement_characters = _remove(_REPLACEMENT_RE, text)
    text = _drop_icons(text, report)
    report.ligatures = len(_LIGATURE_RE.findall(text))
    text = text.translate(_LIGATURES)
    text = _SPACES_RE.sub(" ", text)
    text = _SPACE_RUN_RE.sub(" ", text)
    text = _LINE_EDGES_RE.sub("\n", text)
    text, report.hyphenated_breaks_joined = join_hyphenated_breaks(text)
    report.soft_hyphens = text.count("\u00ad")
    text = text.replace("\u00ad", "")
    text = _BLANK_LINES_RE.sub("\n\n", text).strip()
    # NFC only composes (e + combining acute -> é); unlike NFKC it keeps meaning
    # such as "m²" and full-width CJK punctuation.
    return unicodedata.normalize("NFC", text), report


def normalize_text(text: str) -> str:
    """Clean extracted text without inventing any of it.

    Soft hyphens and ligature code points (U+FB00-FB06) become plain letters;
    private-use icon glyphs and ``(cid:N)`` are dropped; NUL and other control or
    invisible characters are removed; non-breaking and other odd spaces become a
    plain space; words hyphenated across a line break are joined ("manage-\\nment"
    -> "management") while real compounds keep their hyphen ("user-\\nfriendly" ->
    "user-friendly"). Line breaks stay, blank-line runs shrink to one paragraph
    break, and each line loses its surrounding spaces. RTL, CJK and emoji text is
    kept as it is.
    """
    return normalize_with_report(text)[0]
