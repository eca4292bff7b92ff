"""What happens to each character of the text a renderer is handed.

The policy, in one place (the README and the render errors describe the same):

- Control characters (NUL, escape, ...) and invisible format characters (soft
  hyphens, zero-width spaces, direction marks, byte-order marks) are removed, with
  a warning naming the field.
- Ligature code points (U+FB00-FB06) are spelt out ("ﬁ" -> "fi") so the text layer
  carries plain letters, which is what ATS parsers search for.
- Letters, digits and marks of a script the font cannot draw (Arabic, Hebrew, CJK,
  Devanagari, ...) make the render fail with ``UnsupportedText`` naming the field
  and the script. Why refuse rather than drop: they are usually a name, an employer
  or a title, and a CV that silently loses them is worse than no CV.
- Emoji, pictographs and other symbols the font cannot draw are removed, with a
  warning naming the field: they carry no content an employer needs, and leaving
  them would draw empty boxes ("tofu").
- Private-use code points (icon fonts) are removed with a warning.

With ``coverage=None`` (DOCX: the reader's word processor picks the fonts) every
printable character is kept; only control, format and private-use characters go.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cvpath.errors import UnsupportedText

_LIGATURES = {code: unicodedata.normalize("NFKC", chr(code)) for code in range(0xFB00, 0xFB07)}
# Pieces of emoji sequences that are not symbols themselves: variation selectors,
# the zero-width joiner and the tag characters of flag sequences.
_EMOJI_GLUE = frozenset(
    [*range(0xFE00, 0xFE10), *range(0xE0100, 0xE01F0), 0x200D, 0x20E3, *range(0xE0020, 0xE0080)]
)
_SPACES_RE = re.compile(r"[ \t]{2,}")
_SPACE_BEFORE_PUNCT_RE = re.compile(r" +([.,;:!?)])")
_MAX_SAMPLES = 5


def script_of(char: str) -> str:
    """A readable script name for a character: 'Arabic', 'Hebrew', 'CJK', 'Hangul', ..."""
    name = unicodedata.name(char, "")
    if not name:
        return f"U+{ord(char):04X}"
    first = name.split(" ", 1)[0]
    return "CJK" if first in {"CJK", "IDEOGRAPHIC"} else first.capitalize()


class TextPolicy:
    """Cleans field text for one render and collects the warnings it produced.

    One instance per render: the warnings belong to that document.
    """

    def __init__(self, coverage: frozenset[int] | None) -> None:
        self._coverage = coverage
        self.warnings: list[str] = []

    def clean(self, text: str | None, field: str, *, multiline: bool = False) -> str:
        """The text as it will be drawn ("" when nothing drawable is left).

        Raises ``UnsupportedText`` for letters the font cannot draw (see the module doc).
        """
        if not text:
            return ""
        text = unicodedata.normalize("NFC", text.translate(_LIGATURES))
        kept: list[str] = []
        removed: dict[str, list[str]] = {}
        unsupported: dict[str, list[str]] = {}
        for char in text:
            outcome = self._judge(char, multiline=multiline)
            if outcome is None:
                kept.append(char)
            elif outcome == " ":
                kept.append(" ")
            elif outcome.startswith("unsupported:"):
                unsupported.setdefault(outcome.removeprefix("unsupported:"), []).append(char)
            else:
                removed.setdefault(outcome, []).append(char)
        if unsupported:
            raise _unsupported(field, unsupported)
        for reason, chars in removed.items():
            self.warnings.append(f"{field}: removed {len(chars)} {reason} ({_samples(chars)})")
        cleaned = _tidy("".join(kept), multiline=multiline)
        # "Launched 🚀." must not become "Launched ." once the emoji is gone.
        return _SPACE_BEFORE_PUNCT_RE.sub(r"\1", cleaned) if removed else cleaned

    def _judge(self, char: str, *, multiline: bool) -> str | None:
        """None to keep the character, " " to turn it into a space, else why it goes."""
        code = ord(char)
        if char == "\n":
            return None if multiline else " "
        if char in "\t\r":
            return " "
        category = unicodedata.category(char)
        if category == "Cc":
            return "control characters"
        if code in _EMOJI_GLUE:
            return None if self._coverage is None else "emoji or symbols the font cannot draw"
        if category in {"Cf", "Zl", "Zp"}:
            return "invisible formatting characters"
        if category == "Co":
            return "private-use characters (icon fonts)"
        if category in {"Cs", "Cn"}:
            return "unassigned or broken characters"
        if self._coverage is None or code in self._coverage:
            return None
        if category.startswith("Z"):
            return " "
        if category[0] in "LNM":
            return f"unsupported:{script_of(char)}"
        return "emoji or symbols the font cannot draw"


def _tidy(text: str, *, multiline: bool) -> str:
    lines = text.split("\n") if multiline else [text]
    tidied = [_SPACES_RE.sub(" ", line).strip() for line in lines]
    return "\n".join(tidied).strip()


def _samples(chars: Iterable[str]) -> str:
    unique = list(dict.fromkeys(chars))
    shown = ", ".join(f"U+{ord(c):04X}" for c in unique[:_MAX_SAMPLES])
    return shown + (", ..." if len(unique) > _MAX_SAMPLES else "")


def _unsupported(field: str, by_script: dict[str, list[str]]) -> UnsupportedText:
    scripts = sorted(by_script)
    chars = [c for script in scripts for c in by_script[script]]
    return UnsupportedText(
        f"{field} contains {' and '.join(scripts)} text, which the bundled EB Garamond fonts cannot draw "
        f"({_samples(chars)}); the PDF engines cover Latin, Greek and Cyrillic. "
        "Transliterate the text or export the CV as DOCX.",
        details={"field": field, "scripts": scripts, "characters": list(dict.fromkeys(chars))[:20]},
    )
