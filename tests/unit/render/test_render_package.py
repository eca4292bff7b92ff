"""DOCX export, cover letters and the output modes of an application package."""

from __future__ import annotations

import io

import pytest
from render_testkit import example_cv, example_letter, in_order, pypdf_text, small_cv

from cvpath.errors import UnsupportedText, ValidationFailed
from cvpath_render import (
    ArtifactKind,
    OutputMode,
    load_cover_letter,
    render_cover_letter_docx,
    render_cover_letter_pdf,
    render_cv_docx,
    render_cv_docx_checked,
    render_package,
)
from cvpath_render.extraction import extract_docx
from cvpath_render.output import DOCX, PDF


def _letter_pieces() -> list[str]:
    letter = example_letter()
    return [letter.greeting, *letter.paragraphs, letter.closing, letter.signature]


def test_the_docx_export_passes_the_extraction_check() -> None:
    from docx import Document

    result = render_cv_docx_checked(example_cv())
    assert result.ats_report.extractor == "cvpath.documents"
    assert result.ats_report.items_checked > 100
    paragraphs = [p.text for p in Document(io.BytesIO(result.docx)).paragraphs]
    assert "Senior Data Platform Engineer\tMar 2021 \u2013 Present" in paragraphs  # dates after a right tab


def test_the_docx_uses_real_headings_bullets_and_metadata() -> None:
    from docx import Document

    document = Document(io.BytesIO(render_cv_docx(example_cv(), page_size="Letter")))
    headings = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "Heading 1"]
    assert headings[:3] == ["Summary", "Experience", "Volunteering"]
    bullets = [p.text for p in document.paragraphs if p.style is not None and p.style.name == "List Bullet"]
    assert bullets[0].startswith("Replaced a nightly batch warehouse load")
    assert document.core_properties.title == "Helena Marsh \u2013 CV"
    assert document.core_properties.author == "Helena Marsh"
    section = document.sections[0]
    assert section.page_width is not None
    assert round(section.page_width.inches, 2) == 8.5


def test_the_docx_keeps_scripts_the_pdf_fonts_cannot_draw() -> None:
    cv = small_cv(basics={"name": "Lina Haddad لينا حداد"})
    with pytest.raises(UnsupportedText, match=r"basics\.name"):
        render_package(cv)
    assert "لينا حداد" in extract_docx(render_cv_docx(cv)).text


def test_combined_pdf_has_the_letter_text_after_the_cv_text() -> None:
    artifacts = render_package(example_cv(), example_letter(), "combined_pdf", "v1")
    assert [a.kind for a in artifacts] == [ArtifactKind.CV_WITH_COVER_LETTER_PDF]
    combined = artifacts[0]
    assert combined.content_type == PDF
    assert combined.filename.endswith(".pdf")
    assert combined.pages == 3
    text = pypdf_text(combined.data)
    assert in_order(text, ["Experience", "References", *_letter_pieces()]) == []
    assert text.index("Dear Ms Okafor,") > text.index("Pieter de Vries")


def test_separate_gives_the_cv_pdf_and_a_letter_docx_holding_the_letter() -> None:
    cv_pdf, letter_docx = render_package(example_cv(), example_letter(), OutputMode.SEPARATE, "v2")
    assert (cv_pdf.kind, cv_pdf.content_type) == (ArtifactKind.CV_PDF, PDF)
    assert (letter_docx.kind, letter_docx.content_type) == (ArtifactKind.COVER_LETTER_DOCX, DOCX)
    assert "Dear Ms Okafor" not in pypdf_text(cv_pdf.data)
    letter_text = extract_docx(letter_docx.data).text
    assert in_order(letter_text, ["Helena Marsh", "Meridian Freight Systems", *_letter_pieces()]) == []
    assert "Experience" not in letter_text


def test_pdf_only_gives_just_the_cv() -> None:
    artifacts = render_package(example_cv(), example_letter(), "pdf_only")
    assert [a.kind for a in artifacts] == [ArtifactKind.CV_PDF]
    assert "Dear Ms Okafor" not in pypdf_text(artifacts[0].data)


@pytest.mark.parametrize("mode", ["combined_pdf", "separate"])
def test_modes_with_a_letter_need_one(mode: str) -> None:
    with pytest.raises(ValidationFailed, match="needs a cover letter"):
        render_package(small_cv(), None, mode)


def test_an_unknown_output_mode_is_a_named_error() -> None:
    with pytest.raises(ValidationFailed, match="outputMode: unknown value 'zip'"):
        render_package(small_cv(), example_letter(), "zip")


def test_the_letter_alone_as_pdf_and_docx() -> None:
    as_pdf = render_cover_letter_pdf(example_letter(), sender=example_cv())
    assert as_pdf.pages == 1
    assert in_order(pypdf_text(as_pdf.pdf), ["Helena Marsh", *_letter_pieces()]) == []
    as_docx = render_cover_letter_docx(example_letter())  # no sender: no header
    assert extract_docx(as_docx.docx).text.startswith("Ms Adaeze Okafor")


def test_a_letter_without_paragraphs_is_refused_naming_the_field() -> None:
    with pytest.raises(ValidationFailed, match="paragraphs"):
        load_cover_letter(
            {"greeting": "Dear team,", "paragraphs": [], "closing": "Best,", "signature": "Ada"}
        )
