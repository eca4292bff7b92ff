"""Drop vector path construction from a page's content stream before text extraction.

Why: pypdf parses content streams in pure Python, and browser-printed CVs draw
icons, rules and photos as thousands of path segments. The Reactive Resume page
in the corpus has 356 KB of content, mostly ``c``/``l``/``m`` operators; parsing
them costs half the extraction time and contributes no text. Path construction
operators (m, l, c, v, y, re, h) only build the current path: they change no
text state, so removing them cannot change the extracted text.

The filter is deliberately narrow:
* it only touches stretches outside text objects (BT ... ET), where strings
  cannot occur in a valid stream, so it cannot eat text;
* it skips streams with inline images, whose binary data could look like
  anything;
* it only removes a number run followed by one of those operators, delimited by
  whitespace, so operands of other operators stay with them.
"""

from __future__ import annotations

import re

# Worth it only for large streams; small ones parse quickly anyway.
MIN_STREAM_BYTES = 32 * 1024

_NUMBER = rb"[-+]?(?:\d+\.?\d*|\.\d+)"
_PATH_RE = re.compile(rb"(?<=\s)(?:(?:" + _NUMBER + rb"\s+){2,6}(?:m|l|c|v|y|re)|h)(?=\s)")
_TEXT_OBJECT_RE = re.compile(rb"(?<![^\s\]>)])BT(?=\s).*?(?<=\s)ET(?![^\s\[<(/])", re.DOTALL)
_INLINE_IMAGE_RE = re.compile(rb"(?<![^\s])BI(?=\s)")


def strip_path_operators(data: bytes) -> bytes | None:
    """The stream without path construction, or None when it is not worth it or not safe."""
    if len(data) < MIN_STREAM_BYTES or _INLINE_IMAGE_RE.search(data):
        return None
    pieces: list[bytes] = []
    position = 0
    removed = 0
    for text_object in _TEXT_OBJECT_RE.finditer(data):
        gap, count = _PATH_RE.subn(b"", data[position : text_object.start()])
        pieces.append(gap)
        pieces.append(text_object.group(0))
        removed += count
        position = text_object.end()
    gap, count = _PATH_RE.subn(b"", data[position:])
    pieces.append(gap)
    removed += count
    return b"".join(pieces) if removed else None
