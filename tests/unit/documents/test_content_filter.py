"""The path-operator filter: faster parsing, and never a different text."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from cvpath.documents import ExtractionLimits, extract_text
from cvpath.documents import pdf_text as pdf_text_module
from cvpath.documents.content_filter import MIN_STREAM_BYTES, strip_path_operators
from tests.unit.documents.corpus import CORPUS

PATHS = b"q 0.5 w 10 20 m 30.5 40 l 1 2 3 4 5 6 c 10 10 100 50 re h S Q\n" * (MIN_STREAM_BYTES // 50)
TEXT_OBJECT = b"BT /F1 10 Tf 72 700 Td (keep 10 20 m and 1 2 l inside) Tj ET\n"


def test_small_streams_are_left_alone() -> None:
    assert strip_path_operators(b"10 20 m 30 40 l S BT (x) Tj ET") is None


def test_paths_are_removed_and_text_objects_kept_byte_for_byte() -> None:
    # Given a large stream: paths, a text object whose string looks like path operators, paths
    lighter = strip_path_operators(PATHS + TEXT_OBJECT + PATHS)
    assert lighter is not None
    # Then every path construction operator is gone, painting and state operators remain
    assert TEXT_OBJECT in lighter
    outside = lighter.replace(TEXT_OBJECT, b"")
    for operator in (b" m ", b" l ", b" c ", b" re ", b" h "):
        assert operator not in outside
    assert outside.count(b" S Q") == 2 * PATHS.count(b" S Q")
    assert len(lighter) < len(PATHS + TEXT_OBJECT + PATHS) // 2


def test_streams_with_inline_images_are_not_touched() -> None:
    assert strip_path_operators(PATHS + b"BI /W 1 /H 1 ID \x00\x01 EI\n" + PATHS) is None


def _drawing_heavy_pdf() -> bytes:
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=1)
    for index in range(1500):
        pdf.line(40 + index % 500, 40, 60 + index % 480, 300 + index % 200)
        pdf.bezier(10, 10, 20, 40, 60, 10, 80, 40 + index % 7)
    pdf.setFont("Helvetica", 11)
    for row, line in enumerate(["Ada Lovelace", "Experience", "Northwind Traders - Staff Engineer"]):
        pdf.drawString(72, 780 - 15 * row, line)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


# The drawing test page has three short lines: too little text for the scan check.
LIMITS = ExtractionLimits(min_chars_per_page=0)


def _without_filter(monkeypatch: pytest.MonkeyPatch, data: bytes) -> str:
    with monkeypatch.context() as patch:
        patch.setattr(pdf_text_module, "strip_path_operators", lambda _data: None)
        return extract_text(data, limits=LIMITS).text


def test_extraction_is_identical_with_and_without_the_filter(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _drawing_heavy_pdf()
    # Given a page whose content stream the filter really changes
    contents = PdfReader(io.BytesIO(data)).pages[0].get_contents()
    assert contents is not None
    assert strip_path_operators(contents.get_data()) is not None
    filtered = extract_text(data, limits=LIMITS).text
    assert filtered == _without_filter(monkeypatch, data)
    assert filtered == "Ada Lovelace\nExperience\nNorthwind Traders - Staff Engineer"


def test_the_corpus_sidebar_cv_reads_the_same_with_and_without_the_filter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The Reactive Resume page is the one the filter was written for (356 KB of paths)
    path = CORPUS / "cvs" / "reactiveresume_pikachu.pdf"
    if not path.is_file():
        pytest.skip(f"corpus CV not found at {path}")
    data = path.read_bytes()
    assert extract_text(data, limits=LIMITS).text == _without_filter(monkeypatch, data)
