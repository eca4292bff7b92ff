"""Look at a ZIP archive's directory before anything unpacks it.

A DOCX is a ZIP archive, and a ZIP archive can be a bomb: a few kilobytes that
inflate to gigabytes. The central directory declares every member's size, and
Python's zipfile never inflates a member past its declared size (it stops there
and then fails the CRC check), so checking the declared sizes, the compression
ratios and the member count up front bounds what python-docx can allocate.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from cvpath.documents.models import ExtractionLimits
from cvpath.errors import CorruptDocument

# Small members compress well for honest reasons (a repeated XML boilerplate);
# the ratio only matters once a member is big enough to hurt.
_RATIO_FLOOR_BYTES = 1024 * 1024


@dataclass(frozen=True)
class ZipDirectory:
    names: frozenset[str]
    uncompressed_bytes: int

    @property
    def is_docx(self) -> bool:
        return "[Content_Types].xml" in self.names and "word/document.xml" in self.names

    @property
    def media_files(self) -> int:
        return sum(1 for name in self.names if name.startswith("word/media/"))


def _refuse_bomb() -> CorruptDocument:
    return CorruptDocument(
        "The file is a compressed archive that would unpack to far more data than any CV "
        "holds, so it was not opened."
    )


def inspect_zip(data: bytes, limits: ExtractionLimits) -> ZipDirectory:
    """The archive's member names, after refusing damaged archives and bombs."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise CorruptDocument(
            "The file is a damaged ZIP archive (a DOCX is one) and cannot be read."
        ) from None
    if len(members) > limits.max_docx_entries:
        raise CorruptDocument(
            f"The archive holds {len(members)} files; a DOCX has a few dozen, so it was not opened.",
            details={"entries": len(members), "max_entries": limits.max_docx_entries},
        )
    total = 0
    for member in members:
        total += member.file_size
        if member.file_size >= _RATIO_FLOOR_BYTES and (
            member.compress_size == 0
            or member.file_size / member.compress_size > limits.max_docx_compression_ratio
        ):
            raise _refuse_bomb()
    if total > limits.max_docx_uncompressed_bytes:
        raise _refuse_bomb()
    return ZipDirectory(names=frozenset(member.filename for member in members), uncompressed_bytes=total)
