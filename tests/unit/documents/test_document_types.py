"""Files that are not what they claim, and formats we do not read."""

from __future__ import annotations

import pytest

from cvpath.documents import extract_text
from cvpath.errors import DocumentTypeMismatch, UnsupportedDocumentType
from tests.unit.documents import pdf_factory as factory

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 200
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 200
ZIP = factory.zip_bytes({"photos/me.txt": b"hello"})
TEXT = b"Ada Lovelace\nPrincipal engineer\n"


@pytest.mark.parametrize(
    ("data", "filename", "content_type", "claimed"),
    [
        (ZIP, "Jane_Doe_CV.pdf", None, "PDF"),
        (factory.one_column_pdf(), None, DOCX_TYPE, "DOCX"),
        (factory.one_column_pdf(), "cv.docx", None, "DOCX"),
        (factory.one_column_pdf(), "cv.txt", None, "plain text"),
        (factory.one_column_pdf(), "cv.pdf", "text/markdown", "Markdown"),
        (TEXT, "cv.pdf", None, "PDF"),
        (TEXT, None, DOCX_TYPE, "DOCX"),
        (PNG, "cv.pdf", None, "PDF"),
        (ZIP, "cv.docx", None, "DOCX"),
    ],
)
def test_a_file_that_is_not_what_it_claims(
    data: bytes, filename: str | None, content_type: str | None, claimed: str
) -> None:
    with pytest.raises(DocumentTypeMismatch) as refused:
        extract_text(data, filename=filename, content_type=content_type)
    assert f"claims to be {claimed}" in refused.value.message
    # The file name may carry the person's name: it never appears in the error
    assert "Jane" not in refused.value.message
    assert refused.value.http_status == 415


@pytest.mark.parametrize(
    ("data", "what"),
    [(PNG, "an image"), (OLE, "legacy Word"), (b"{\\rtf1\\ansi Hello}", "RTF"), (ZIP, "ZIP archive")],
)
def test_formats_we_do_not_read(data: bytes, what: str) -> None:
    with pytest.raises(UnsupportedDocumentType, match=what):
        extract_text(data)


@pytest.mark.parametrize(
    ("filename", "content_type"),
    [
        ("CV.PDF", None),
        (None, "application/pdf; charset=binary"),
        ("cv.pdf", "application/octet-stream"),
        ("upload.bin", "application/x-download"),
        (None, None),
    ],
)
def test_generic_or_matching_claims_accept_a_real_pdf(filename: str | None, content_type: str | None) -> None:
    assert extract_text(factory.one_column_pdf(), filename=filename, content_type=content_type).kind == "pdf"


def test_text_claims_are_interchangeable() -> None:
    # A JSON Resume saved as .txt is still text; it is read as the claim says
    result = extract_text(b'{"basics": {"name": "Ada"}}', filename="resume.txt")
    assert result.kind == "text"
