"""The ATS self-check passes good renders and catches deliberately broken ones."""

from __future__ import annotations

import io
import re
from collections.abc import Callable

import pytest
from render_testkit import example_cv, small_cv

from cvpath.errors import AtsCheckFailed
from cvpath_render import render_cv_docx, render_cv_pdf
from cvpath_render.ats_check import bad_characters, check_docx, check_pdf
from cvpath_render.content import build_cv_blocks
from cvpath_render.engine_v1 import V1_SECTION_ORDER, draft_v1
from cvpath_render.flowables import base as flowables_base
from cvpath_render.text_policy import TextPolicy

_BFCHAR = re.compile(rb"<([0-9A-F]{2})> <([0-9A-F]{4})>")


def _rewrite_to_unicode(pdf: bytes, rewrite: Callable[[bytes], bytes | None]) -> bytes:
    """The PDF with every font's ToUnicode CMap passed through ``rewrite`` (None deletes it)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import NameObject

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf)))
    for page in writer.pages:
        for ref in page["/Resources"]["/Font"].values():
            font = ref.get_object()
            if "/ToUnicode" not in font:
                continue
            stream = font["/ToUnicode"].get_object()
            new = rewrite(stream.get_data())
            if new is None:
                del font[NameObject("/ToUnicode")]
            else:
                stream.set_data(new)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_good_render_passes_and_reports_what_it_checked() -> None:
    result = render_cv_pdf(example_cv())
    assert result.ats_report.extractor == "cvpath.documents"  # the pipeline's own reader
    assert result.ats_report.pages == 2
    assert result.ats_report.items_checked > 100


def test_a_pdf_that_lost_a_bullet_fails_naming_the_bullet() -> None:
    cv = small_cv(
        work=[{"name": "Acme", "position": "Engineer", "highlights": ["First thing.", "Second thing."]}]
    )
    expected = list(build_cv_blocks(cv, V1_SECTION_ORDER, TextPolicy(None)).texts())
    without_second = small_cv(work=[{"name": "Acme", "position": "Engineer", "highlights": ["First thing."]}])
    pdf = render_cv_pdf(without_second).pdf
    with pytest.raises(AtsCheckFailed) as caught:
        check_pdf(pdf, expected)
    missing = caught.value.details["missing"]
    assert missing == [{"field": "work.0.highlights.1", "text": "Second thing.", "problem": "missing"}]
    assert "work.0.highlights.1" in caught.value.message


def test_a_layout_bug_that_drops_a_bullet_fails_the_render(monkeypatch: pytest.MonkeyPatch) -> None:
    real = flowables_base.entry_flowables

    def drop_last_bullet(entry, styles, width, *, gap):  # type: ignore[no-untyped-def]
        return real(entry, styles, width, gap=gap)[:-1]

    monkeypatch.setattr("cvpath_render.flowables.sections.entry_flowables", drop_last_bullet)
    with pytest.raises(AtsCheckFailed, match=r"work\.0\.highlights\.0"):
        render_cv_pdf(small_cv())


def test_an_out_of_order_text_layer_is_named_as_such() -> None:
    cv = small_cv()
    expected = list(build_cv_blocks(cv, V1_SECTION_ORDER, TextPolicy(None)).texts())
    swapped = [expected[1], expected[0], *expected[2:]]  # email before name
    with pytest.raises(AtsCheckFailed) as caught:
        check_pdf(render_cv_pdf(cv).pdf, swapped)
    assert caught.value.details["missing"][0]["problem"] == "out of order"


def test_a_tounicode_map_pointing_at_private_use_fails() -> None:
    draft = draft_v1(small_cv())

    def vowels_as_icons(cmap: bytes) -> bytes:
        return re.sub(rb"<([0-9A-F]{2})> <00(61|65|69|6F|75)>", rb"<\1> <E000>", cmap)

    broken = _rewrite_to_unicode(draft.pdf.data, vowels_as_icons)
    with pytest.raises(AtsCheckFailed, match="private-use icon glyph") as caught:
        check_pdf(broken, draft.expected)
    assert caught.value.details["missing"]  # "Ada Example" came back as "d xmpl"


def test_a_tounicode_map_pointing_at_nothing_fails() -> None:
    draft = draft_v1(small_cv())
    broken = _rewrite_to_unicode(draft.pdf.data, lambda cmap: _BFCHAR.sub(rb"<\1> <0000>", cmap))
    with pytest.raises(
        AtsCheckFailed, match="cannot be read back: The PDF has \\(almost\\) no selectable text"
    ):
        check_pdf(broken, draft.expected)


def test_a_ligature_code_point_in_the_text_layer_fails() -> None:
    draft = draft_v1(small_cv())

    def f_as_fi_ligature(cmap: bytes) -> bytes:
        return re.sub(rb"<([0-9A-F]{2})> <0066>", rb"<\1> <FB01>", cmap)

    broken = _rewrite_to_unicode(draft.pdf.data, f_as_fi_ligature)
    with pytest.raises(AtsCheckFailed, match="ligature character"):
        check_pdf(broken, draft.expected)


def test_a_font_without_tounicode_fails() -> None:
    draft = draft_v1(small_cv())
    with pytest.raises(AtsCheckFailed):
        check_pdf(_rewrite_to_unicode(draft.pdf.data, lambda cmap: None), draft.expected)


@pytest.mark.parametrize("garbage", [b"", b"%PDF-1.4 truncated", b"PK\x03\x04 not a pdf"])
def test_an_unreadable_pdf_fails_with_a_named_error(garbage: bytes) -> None:
    with pytest.raises(AtsCheckFailed, match="cannot be read back"):
        check_pdf(garbage, [])


def test_a_docx_that_lost_a_paragraph_fails() -> None:
    from docx import Document

    cv = small_cv()
    expected = list(build_cv_blocks(cv, V1_SECTION_ORDER, TextPolicy(None)).texts())
    document = Document(io.BytesIO(render_cv_docx(cv)))
    bullet = next(p for p in document.paragraphs if p.text.startswith("Shipped"))
    bullet._p.getparent().remove(bullet._p)
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(AtsCheckFailed, match=r"work\.0\.highlights\.0"):
        check_docx(out.getvalue(), expected)


def test_bad_characters_are_described() -> None:
    found = bad_characters("e\ufb03cient \ue001 \ufffd \x00 (cid:42) ok\n\t")
    assert found == {
        "ligature U+FB03": 1,
        "private-use U+E001": 1,
        "replacement character U+FFFD": 1,
        "control character U+0000": 1,
        "unmapped glyph (cid:42)": 1,
    }
