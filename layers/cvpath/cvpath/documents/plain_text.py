"""Bytes that claim to be text: decode them honestly or refuse them.

UTF-8 is the norm. Byte order marks select UTF-8/16/32; UTF-16 without a BOM
is recognised by its NUL pattern; legacy Windows files fall back to
Windows-1252 with a warning. Binary data is refused rather than decoded into
nonsense: real text has essentially no control characters, while random bytes
that happen to decode still carry about 11% of them.
"""

from __future__ import annotations

import codecs
import json
import re
from dataclasses import dataclass, field

from cvpath.errors import CorruptDocument, UnsupportedDocumentType

MAX_NON_TEXT_SHARE = 0.05
_BOMS = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_UTF16_SAMPLE_BYTES = 4096
# Control characters (category Cc) other than tab, newline, form feed and carriage
# return, plus the replacement character a lenient decoder leaves behind.
_NON_TEXT_RE = re.compile("[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f\ufffd]")


@dataclass
class DecodedText:
    text: str
    warnings: list[str] = field(default_factory=list)


def _utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 little or big endian when every other byte is NUL, as in ASCII-range UTF-16."""
    sample = data[:_UTF16_SAMPLE_BYTES]
    pairs = len(sample) // 2
    if pairs < 2:
        return None
    even_nuls = sample[0::2].count(0)
    odd_nuls = sample[1::2].count(0)
    if odd_nuls >= 0.4 * pairs and even_nuls <= 0.05 * pairs:
        return "utf-16-le"
    if even_nuls >= 0.4 * pairs and odd_nuls <= 0.05 * pairs:
        return "utf-16-be"
    return None


def _non_text_share(text: str) -> float:
    if not text:
        return 0.0
    return len(_NON_TEXT_RE.findall(text)) / len(text)


def _refuse_binary() -> CorruptDocument:
    return CorruptDocument(
        "The file claims to be text but contains binary data. Upload the CV as PDF, DOCX, "
        "plain text (UTF-8) or Markdown."
    )


def decode_text(data: bytes) -> DecodedText:
    """The text of ``data``, or CorruptDocument when it is not text."""
    warnings: list[str] = []
    marked = next(((bom, name) for bom, name in _BOMS if data.startswith(bom)), None)
    if marked is not None:
        data = data[len(marked[0]) :]
        encoding: str | None = marked[1]
    else:
        encoding = _utf16_without_bom(data)
    try:
        text = data.decode(encoding or "utf-8")
    except UnicodeDecodeError:
        if encoding is not None:
            raise _refuse_binary() from None
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            raise _refuse_binary() from None
        warnings.append("the file is not UTF-8; it was read as Windows-1252")
    if _non_text_share(text) > MAX_NON_TEXT_SHARE:
        raise _refuse_binary()
    return DecodedText(text=text, warnings=warnings)


def check_json_resume(text: str) -> None:
    """Refuse anything that is not a JSON object; parsing it into a CV happens elsewhere."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as exc:
        # The position and the parser's reason help; the offending text is left out.
        raise CorruptDocument(
            f"The JSON file is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.",
            details={"line": exc.lineno, "column": exc.colno},
        ) from None
    except (ValueError, RecursionError):
        raise CorruptDocument(
            "The JSON file is not valid JSON (it is nested too deeply or malformed)."
        ) from None
    if not isinstance(value, dict):
        raise UnsupportedDocumentType(
            "A JSON upload must be a JSON Resume object ({...}), not a list or a single value."
        )
