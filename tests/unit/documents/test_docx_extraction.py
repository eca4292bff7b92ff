"""DOCX extraction: document order, tables, headers, bullets, text boxes; zip bombs and damaged files."""

from __future__ import annotations

import io
import time
import zipfile

import docx
import pytest
from docx.oxml import parse_xml

from cvpath.documents import ExtractionLimits, extract_text
from cvpath.documents import extract as extract_module
from cvpath.errors import CorruptDocument, EmptyDocument, ScannedDocument
from tests.unit.documents import pdf_factory as factory

DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _save(document: object) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)  # type: ignore[attr-defined]
    return buffer.getvalue()


def _cv_docx() -> bytes:
    document = docx.Document()
    document.sections[0].header.paragraphs[0].text = "Ada Lovelace - ada@example.org"
    document.add_heading("Experience", level=1)
    document.add_paragraph("Northwind Traders - Staff Engineer\t2019 - 2024")
    document.add_paragraph("Led the migration of the order pipeline.", style="List Bullet")
    document.add_paragraph("Mentored four engineers.", style="List Bullet")
    table = document.add_table(rows=1, cols=2)
    table.cell(0, 0).text = "Languages"
    table.cell(0, 1).text = "Python, Go"
    document.add_heading("Education", level=1)
    document.add_paragraph("University of Manchester\u00a0- BSc Computer Science")
    return _save(document)


class TestReading:
    def test_document_order_with_header_bullets_and_table(self) -> None:
        result = extract_text(_cv_docx(), filename="cv.docx", content_type=DOCX_TYPE)
        assert result.kind == "docx"
        assert result.text == (
            "Ada Lovelace - ada@example.org\n"
            "Experience\n"
            "Northwind Traders - Staff Engineer 2019 - 2024\n"
            "• Led the migration of the order pipeline.\n"
            "• Mentored four engineers.\n"
            "Languages\n"
            "Python, Go\n"
            "Education\n"
            "University of Manchester - BSc Computer Science"
        )
        assert result.characters == len(result.text)
        assert result.pages == 1
        assert not result.columns_detected

    def test_a_layout_table_reads_left_column_then_right(self) -> None:
        # Given the common Word CV: a two-cell table, sidebar on the left, main on the right
        document = docx.Document()
        table = document.add_table(rows=1, cols=2)
        left, right = table.cell(0, 0), table.cell(0, 1)
        left.text = "Contact"
        for line in ("ada@example.org", "London", "Skills", "Python"):
            left.add_paragraph(line)
        right.text = "Experience"
        for line in ("Northwind Traders", "Staff Engineer", "Education", "Manchester"):
            right.add_paragraph(line)
        result = extract_text(_save(document))
        assert result.text.split("\n") == [
            "Contact", "ada@example.org", "London", "Skills", "Python",
            "Experience", "Northwind Traders", "Staff Engineer", "Education", "Manchester",
        ]  # fmt: skip
        assert result.columns_detected

    def test_merged_cells_are_read_once(self) -> None:
        document = docx.Document()
        table = document.add_table(rows=2, cols=3)
        merged = table.cell(0, 0).merge(table.cell(0, 2))
        merged.text = "Northwind Traders"
        table.cell(1, 0).text = "2019"
        document.add_paragraph("x" * 20)
        assert extract_text(_save(document)).text.count("Northwind Traders") == 1

    def test_a_text_box_is_read_once(self) -> None:
        # Given a paragraph anchoring a text box, written as Word does: a DrawingML
        # version and a VML fallback of the same box
        document = docx.Document()
        paragraph = document.add_paragraph("Summary")
        box = (
            '<w:txbxContent xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:p><w:r><w:t>Boxed contact line</w:t></w:r></w:p></w:txbxContent>"
        )
        paragraph._p.append(
            parse_xml(
                '<w:r xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" '
                'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006">'
                f"<mc:AlternateContent><mc:Choice Requires='wps'>{box}</mc:Choice>"
                f"<mc:Fallback>{box}</mc:Fallback></mc:AlternateContent></w:r>"
            )
        )
        assert extract_text(_save(document)).text == "Summary\nBoxed contact line"


class TestRefusals:
    def test_a_zip_bomb_is_refused_before_python_docx_opens_it(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # Given a DOCX-shaped archive whose document.xml inflates ~1000:1 to 64 MB
        bomb = factory.zip_bomb_docx(64)
        assert len(bomb) < 200_000

        def must_not_open(_data: bytes) -> None:
            raise AssertionError("python-docx was asked to open a zip bomb")

        monkeypatch.setattr(extract_module, "read_docx", must_not_open)
        started = time.perf_counter()
        with pytest.raises(CorruptDocument, match="unpack to far more data"):
            extract_text(bomb, filename="cv.docx", content_type=DOCX_TYPE)
        assert time.perf_counter() - started < 1.0

    def test_a_bomb_below_the_ratio_but_over_the_total_size(self) -> None:
        # Stored (uncompressed) members: no ratio to see, but the total is still too big
        archive = factory.zip_bytes(
            {
                "[Content_Types].xml": b"<Types/>",
                "word/document.xml": b"<w:document/>",
                "word/media/a.bin": b"1" * 5000,
            },
            compression=zipfile.ZIP_STORED,
        )
        with pytest.raises(CorruptDocument, match="unpack"):
            extract_text(archive, limits=ExtractionLimits(max_docx_uncompressed_bytes=4000))

    def test_too_many_entries(self) -> None:
        members = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
        members.update({f"word/media/{index}.xml": b"" for index in range(1200)})
        with pytest.raises(CorruptDocument, match="1202 files"):
            extract_text(factory.zip_bytes(members), filename="cv.docx")

    def test_a_damaged_docx(self) -> None:
        archive = factory.zip_bytes({"[Content_Types].xml": b"<Types", "word/document.xml": b"<not xml"})
        with pytest.raises(CorruptDocument, match="damaged"):
            extract_text(archive, filename="cv.docx")

    def test_a_truncated_docx(self) -> None:
        data = _cv_docx()
        with pytest.raises(CorruptDocument):
            extract_text(data[: len(data) // 2], filename="cv.docx")

    def test_an_empty_docx(self) -> None:
        with pytest.raises(EmptyDocument):
            extract_text(_save(docx.Document()), filename="cv.docx")

    def test_a_docx_that_is_only_a_picture(self) -> None:
        from PIL import Image

        picture = io.BytesIO()
        Image.new("L", (40, 60), color=128).save(picture, format="PNG")
        document = docx.Document()
        document.add_picture(io.BytesIO(picture.getvalue()))
        with pytest.raises(ScannedDocument, match="only images"):
            extract_text(_save(document), filename="cv.docx")
