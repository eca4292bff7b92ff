"""PDF extraction: reading order (one and two columns) and the quality gate's refusals."""

from __future__ import annotations

import io
import random
from typing import Any, Literal

import pytest
from pypdf import PageObject, PdfReader, PdfWriter
from pypdf.errors import PdfReadError

from cvpath.documents import ExtractionLimits, extract_text, find_in_order, pdf_text
from cvpath.errors import (
    CorruptDocument,
    DocumentTooLarge,
    EmptyDocument,
    EncryptedDocument,
    ScannedDocument,
    TooManyPages,
)
from tests.unit.documents import pdf_factory as factory


def _must_not_run(_rows: object) -> None:
    raise AssertionError("this page should not need the layout pass")


def _plain_pypdf(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


class TestOneColumn:
    def test_lines_come_back_in_order_with_stats(self) -> None:
        result = extract_text(factory.one_column_pdf(), filename="cv.pdf", content_type="application/pdf")
        assert result.kind == "pdf"
        assert result.text == "\n".join(factory.ONE_COLUMN_LINES)
        assert (result.pages, result.characters) == (1, len(result.text))
        assert not result.columns_detected
        assert result.warnings == []

    def test_pages_are_separated_by_a_paragraph_break(self) -> None:
        result = extract_text(factory.text_pdf([["Page one line", "x" * 120], ["Page two line", "y" * 120]]))
        assert result.pages == 2
        assert f"{'x' * 120}\n\nPage two line" in result.text

    def test_text_inside_a_form_xobject_is_read(self) -> None:
        assert extract_text(factory.form_xobject_pdf()).text == "\n".join(factory.ONE_COLUMN_LINES)

    def test_a_soft_hyphen_drawn_inside_a_line_reads_as_a_hyphen(self) -> None:
        # Given TeX-style output where the visible hyphen is U+00AD, and a real hyphenation point
        data = factory.text_pdf([["Front\u00adEnd developer, team manage\u00ad", "ment and " + "z" * 100]])
        assert extract_text(data).text.startswith("Front-End developer, team management\nand zzz")


# Headings in reading order: the full-width header, then the left column, then the right one.
LEFT_SIDEBAR_ORDER = [factory.NAME, *factory.SIDEBAR_HEADINGS, *factory.MAIN_HEADINGS]
RIGHT_SIDEBAR_ORDER = [factory.NAME, *factory.MAIN_HEADINGS, *factory.SIDEBAR_HEADINGS]


class TestTwoColumns:
    @pytest.mark.parametrize(
        ("sidebar", "header", "ratio"),
        [("left", True, 0.32), ("left", False, 0.32), ("right", True, 0.32), ("left", True, 0.5)],
    )
    def test_columns_drawn_line_by_line_are_read_column_by_column(
        self, sidebar: Literal["left", "right"], header: bool, ratio: float
    ) -> None:
        # Given two columns drawn row by row across the page (plain pypdf interleaves them)
        data = factory.two_column_pdf(interleaved=True, sidebar=sidebar, header=header, ratio=ratio)
        expected = LEFT_SIDEBAR_ORDER if sidebar == "left" else RIGHT_SIDEBAR_ORDER
        if not header:
            expected = expected[1:]
        assert not find_in_order(_plain_pypdf(data), expected).in_order
        # When extracted
        result = extract_text(data)
        # Then every heading comes back, left column first
        assert find_in_order(result.text, expected).in_order
        assert result.columns_detected
        assert "read page(s) 1 column by column" in result.warnings
        # And each column's lines stay together
        assert "Contact\nada@example.org\n+44 20 7946 0000\nLondon, United Kingdom" in result.text

    def test_columns_drawn_one_after_the_other_keep_the_stream_order_without_a_layout_pass(
        self, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Given a sidebar layout drawn column after column (most generators)
        monkeypatch.setattr(pdf_text, "split_columns", _must_not_run)
        result = extract_text(factory.two_column_pdf(interleaved=False))
        # Then the plain text already reads left column then right, and is reported as columns
        assert find_in_order(result.text, LEFT_SIDEBAR_ORDER).in_order
        assert result.columns_detected

    def test_text_layout_mode_cannot_see_keeps_the_drawing_order(self) -> None:
        # Given interleaved columns plus a footer inside a form XObject (invisible to layout mode)
        data = factory.two_column_pdf(interleaved=True, form_footer="References available on request")
        result = extract_text(data)
        # Then no text is lost: the plain text is kept, with a warning instead of a re-order
        assert "References available on request" in result.text
        assert not result.columns_detected
        assert any("may mix the columns" in warning for warning in result.warnings)

    def test_a_layout_mode_failure_keeps_the_drawing_order(self, monkeypatch: pytest.MonkeyPatch) -> None:
        # Given pypdf's layout mode failing on a page that plain mode reads fine
        original = PageObject.extract_text

        def layout_fails(page: PageObject, *args: Any, extraction_mode: str = "plain", **kwargs: Any) -> str:
            if extraction_mode == "layout":
                raise PdfReadError("layout mode cannot handle this font")
            return original(page, *args, extraction_mode=extraction_mode, **kwargs)

        monkeypatch.setattr(PageObject, "extract_text", layout_fails)
        result = extract_text(factory.two_column_pdf(interleaved=True))
        # Then the document is still read, with every line, and the caller is told
        assert all(heading in result.text for heading in LEFT_SIDEBAR_ORDER)
        assert not result.columns_detected
        assert any("may mix the columns" in warning for warning in result.warnings)


class TestNotColumns:
    @pytest.mark.parametrize("side", ["left", "right"])
    def test_a_date_column_stays_beside_its_entries(
        self, side: Literal["left", "right"], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # Given one column of jobs with dates and places in their own column (moderncv, rendercv)
        monkeypatch.setattr(pdf_text, "split_columns", _must_not_run)
        result = extract_text(factory.date_column_pdf(side))
        assert not result.columns_detected
        # Then each job is followed by its own dates before the next job starts
        sequence = [part for title, place, dates in factory.ENTRIES for part in (title, dates, place)]
        assert find_in_order(result.text, sequence).in_order

    def test_a_skills_table_keeps_labels_beside_their_values(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(pdf_text, "split_columns", _must_not_run)
        result = extract_text(factory.skills_table_pdf())
        assert not result.columns_detected
        assert find_in_order(result.text, [part for row in factory.SKILL_ROWS for part in row]).in_order


class TestRefusals:
    def test_an_empty_file(self) -> None:
        with pytest.raises(EmptyDocument):
            extract_text(b"", filename="cv.pdf")

    def test_a_pdf_without_pages(self) -> None:
        buffer = io.BytesIO()
        PdfWriter().write(buffer)
        with pytest.raises(EmptyDocument, match="no pages"):
            extract_text(buffer.getvalue())

    def test_an_oversized_file_is_refused_before_parsing(self) -> None:
        # Given 11 MB that start like a PDF but would never parse: only the size check can answer
        data = b"%PDF-1.7\n" + b"\0" * (11 * 1024 * 1024)
        with pytest.raises(DocumentTooLarge) as refused:
            extract_text(data, filename="cv.pdf")
        assert refused.value.details["max_bytes"] == 10 * 1024 * 1024
        assert "10.0 MB" in refused.value.message

    def test_the_size_limit_can_be_tightened(self) -> None:
        data = factory.one_column_pdf()
        with pytest.raises(DocumentTooLarge):
            extract_text(data, limits=ExtractionLimits(max_bytes=len(data) - 1))

    def test_eleven_pages(self) -> None:
        data = factory.one_column_pdf(pages=11)
        with pytest.raises(TooManyPages) as refused:
            extract_text(data)
        assert refused.value.details == {"pages": 11, "max_pages": 10}
        assert extract_text(data, limits=ExtractionLimits(max_pages=11)).pages == 11

    def test_a_password_protected_pdf(self) -> None:
        with pytest.raises(EncryptedDocument, match="password-protected"):
            extract_text(factory.encrypted_pdf(user_password="open-sesame"))

    def test_an_owner_password_only_pdf_is_read_with_a_warning(self) -> None:
        # Given a PDF that any viewer opens (only permissions are restricted)
        result = extract_text(factory.encrypted_pdf(user_password=""))
        assert result.text == "\n".join(factory.ONE_COLUMN_LINES)
        assert any("owner password" in warning for warning in result.warnings)

    @pytest.mark.parametrize("pages", [1, 3])
    def test_an_image_only_pdf(self, pages: int) -> None:
        with pytest.raises(ScannedDocument, match="scanned"):
            extract_text(factory.image_only_pdf(pages))

    def test_a_pdf_that_is_mostly_scanned_pages(self) -> None:
        # Given one page of text followed by two image-only pages
        writer = PdfWriter()
        for data in (
            factory.text_pdf([[f"line {n} " + "text " * 20 for n in range(6)]]),
            factory.image_only_pdf(2),
        ):
            writer.append(PdfReader(io.BytesIO(data)))
        buffer = io.BytesIO()
        writer.write(buffer)
        with pytest.raises(ScannedDocument):
            extract_text(buffer.getvalue())

    def test_a_thin_last_page_is_only_a_warning(self) -> None:
        data = factory.text_pdf([factory.ONE_COLUMN_LINES * 2, ["References on request"]])
        result = extract_text(data)
        assert result.pages == 2
        assert "page 2 has little text (19 characters); it may be an image" in result.warnings

    @pytest.mark.parametrize("keep", [0.3, 0.6, 0.95])
    def test_a_truncated_pdf(self, keep: float) -> None:
        data = factory.one_column_pdf()
        with pytest.raises(CorruptDocument, match="incomplete"):
            extract_text(data[: int(len(data) * keep)], filename="cv.pdf")

    def test_garbage_named_pdf(self) -> None:
        garbage = random.Random(7).randbytes(50_000)
        with pytest.raises(CorruptDocument, match="not a readable PDF"):
            extract_text(garbage, filename="cv.pdf")

    def test_garbage_behind_a_pdf_header(self) -> None:
        garbage = b"%PDF-1.7\n" + random.Random(11).randbytes(50_000) + b"\n%%EOF\n"
        with pytest.raises(CorruptDocument, match="damaged"):
            extract_text(garbage, filename="cv.pdf", content_type="application/pdf")
