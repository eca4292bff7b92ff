"""What a file is (by its bytes) and what it claims to be (by its name and content type).

The bytes decide. A claim only matters to catch a file that is not what it says:
a ``.pdf`` that is a ZIP archive, a DOCX content type on PDF bytes. A missing,
generic or unknown claim (``application/octet-stream``) claims nothing.
"""

from __future__ import annotations

import posixpath
from typing import Literal

from cvpath.documents.models import DocumentKind

# What the bytes look like. "zip" is refined into "docx" by the DOCX reader,
# which has to open the archive's directory anyway.
Magic = Literal["pdf", "zip", "legacy_office", "rtf", "image", "text_or_binary"]

# How far into the file a PDF header may start: the spec allows junk before it
# and readers (Acrobat included) look in the first 1,024 bytes.
_PDF_HEADER_WINDOW = 1024

_EXTENSIONS: dict[str, DocumentKind] = {
    ".pdf": "pdf",
    ".docx": "docx",
    ".txt": "text",
    ".text": "text",
    ".md": "markdown",
    ".markdown": "markdown",
    ".json": "json_resume",
}
_CONTENT_TYPES: dict[str, DocumentKind] = {
    "application/pdf": "pdf",
    "application/x-pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
    "text/plain": "text",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/json": "json_resume",
    "text/json": "json_resume",
}

# Friendly names for formats we recognise but do not read.
_UNSUPPORTED_NAMES: dict[Magic, str] = {
    "legacy_office": "a legacy Word/Office (.doc) file",
    "rtf": "an RTF file",
    "image": "an image",
}


def detect_magic(data: bytes) -> Magic:
    """Classify by signature; anything without one is text or unknown binary."""
    head = data[:16]
    if b"%PDF-" in data[:_PDF_HEADER_WINDOW]:
        return "pdf"
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "zip"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "legacy_office"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    is_webp = head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if is_webp or head.startswith((b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"II*\x00", b"MM\x00*")):
        return "image"
    return "text_or_binary"


def _claim_from_name(filename: str | None) -> DocumentKind | None:
    if not filename:
        return None
    return _EXTENSIONS.get(posixpath.splitext(filename.strip().lower())[1])


def _claim_from_content_type(content_type: str | None) -> DocumentKind | None:
    if content_type is None:
        return None
    return _CONTENT_TYPES.get(content_type.split(";", 1)[0].strip().lower())


def claimed_kinds(filename: str | None, content_type: str | None) -> list[DocumentKind]:
    """The kinds the upload claims through its name and its content type.

    Only claims of kinds we read count. A generic or unknown one
    (``application/octet-stream``, ``application/x-download``, ``.bin``) claims
    nothing: browsers and HTTP clients send those for any file, and when the bytes
    are a readable PDF there is nothing dishonest to catch.
    """
    claims = [_claim_from_name(filename), _claim_from_content_type(content_type)]
    return [claim for claim in claims if claim is not None]


def unsupported_name(magic: Magic) -> str | None:
    return _UNSUPPORTED_NAMES.get(magic)


_KIND_NAMES: dict[DocumentKind, str] = {
    "pdf": "PDF",
    "docx": "DOCX",
    "text": "plain text",
    "markdown": "Markdown",
    "json_resume": "JSON",
}


def describe_claim(claim: DocumentKind) -> str:
    """How a kind reads in an error message (never the file's name: it may hold the person's name)."""
    return _KIND_NAMES[claim]
