"""Bad input: each case renders correctly or fails with a named error; none crashes."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from render_testkit import in_order, pypdf_text, small_cv

from cvpath.errors import UnsupportedText, ValidationFailed
from cvpath_render import load_cv, render_cv_docx, render_cv_pdf
from cvpath_render.extraction import extract_docx

_WORDS = [
    "efficient",
    "office",
    "certified",
    "affluent",
    "fjord",
    "pipeline",
    "migration",
    "latency",
    "throughput",
]


def _long_text(characters: int) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < characters:
        words.append(_WORDS[len(words) % len(_WORDS)])
    return " ".join(words)[:characters].strip()


def test_a_5000_character_bullet_wraps_across_lines_and_pages() -> None:
    bullet = _long_text(5000)
    before = [f"Short bullet {n} before the long one." for n in range(35)]
    highlights = [*before, bullet, "After the long one."]
    cv = small_cv(work=[{"name": "Acme", "position": "Engineer", "highlights": highlights}])
    result = render_cv_pdf(cv, engine="v2")
    assert result.pages == 2  # the long bullet starts on page 1 and ends on page 2
    assert in_order(pypdf_text(result.pdf), highlights) == []
    page_one, page_two = (
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(result.pdf)).pages
    )
    assert bullet[:100] in page_one
    assert bullet[-100:] in page_two


def test_a_bullet_that_is_one_unbroken_word_is_split_not_overflowed() -> None:
    word = "x" * 600
    result = render_cv_pdf(small_cv(work=[{"name": "Acme", "highlights": [word]}]))
    assert in_order(pypdf_text(result.pdf), [word]) == []


def test_200_bullets_run_over_several_pages_in_order() -> None:
    bullets = [f"Bullet number {n:03d} about an efficient office." for n in range(200)]
    cv = small_cv(work=[{"name": "Acme", "position": "Engineer", "startDate": "2020", "highlights": bullets}])
    result = render_cv_pdf(cv, engine="v2")
    assert result.pages >= 4
    assert in_order(pypdf_text(result.pdf), bullets) == []


def test_empty_sections_are_left_out_without_an_orphan_heading() -> None:
    cv = small_cv(skills=[], education=[{}], awards=[{"title": "  "}], languages=[{"fluency": "Native"}])
    result = render_cv_pdf(cv, engine="v2")
    lines = {line.strip() for line in pypdf_text(result.pdf).splitlines()}
    assert {"Skills", "Education", "Awards", "Languages"}.isdisjoint(lines)
    assert "Experience" in lines
    assert "education.0: nothing to show, left out" in result.warnings


@pytest.mark.parametrize(
    ("field", "value", "script"),
    [
        ("name", "Ahmed Al-Sayed أحمد السيد", "Arabic"),
        ("position", "מהנדס תוכנה", "Hebrew"),
        ("name", "北京软件有限公司", "CJK"),
    ],
)
def test_rtl_and_cjk_text_is_refused_naming_the_field(field: str, value: str, script: str) -> None:
    cv = small_cv(work=[{"name": "Acme", "position": "Engineer", field: value}])
    with pytest.raises(UnsupportedText) as caught:
        render_cv_pdf(cv)
    assert caught.value.details["field"] == f"work.0.{field}"
    assert script in caught.value.message


def test_emoji_are_dropped_with_a_warning_and_the_rest_renders() -> None:
    cv = small_cv(work=[{"name": "Acme", "highlights": ["Shipped 🚀 the launch ✨ on time"]}])
    result = render_cv_pdf(cv)
    assert "Shipped the launch on time" in pypdf_text(result.pdf)
    assert any(w.startswith("work.0.highlights.0: removed") for w in result.warnings)


def test_control_characters_are_stripped_with_a_warning() -> None:
    cv = small_cv(basics={"name": "Ada\x00 Example\x1b", "label": "Engi\x07neer"})
    result = render_cv_pdf(cv)
    text = pypdf_text(result.pdf)
    assert text.startswith("Ada Example\nEngineer")
    assert [w.split(":")[0] for w in result.warnings] == ["basics.name", "basics.label"]
    assert "Ada Example" in extract_docx(render_cv_docx(cv)).text


@pytest.mark.parametrize("basics", [None, {}, {"name": "   "}, {"name": "\x00\x01"}, {"name": "🚀"}])
def test_a_missing_name_is_a_validation_error_naming_it(basics: dict[str, str] | None) -> None:
    cv = small_cv() if basics is None else small_cv(basics=basics)
    if basics is None:
        cv = cv.model_copy(update={"basics": None})
    with pytest.raises(ValidationFailed) as caught:
        render_cv_pdf(cv)
    assert caught.value.details["field"] == "basics.name"
    assert caught.value.http_status == 422


def test_markup_in_text_is_drawn_literally() -> None:
    bullets = ["Wrote <b>bold</b> & <i>brave</i> code", "Fixed a <para> tag & an &amp; entity <br/>"]
    cv = small_cv(work=[{"name": "R&D <Lab>", "position": "A&B", "highlights": bullets}])
    text = pypdf_text(render_cv_pdf(cv).pdf)
    assert in_order(text, ["A&B", "R&D <Lab>", *bullets]) == []


def test_leading_bullet_markers_are_not_doubled() -> None:
    cv = small_cv(work=[{"name": "Acme", "highlights": ["• Already bulleted", "- Dashed", "-40% cost"]}])
    text = pypdf_text(render_cv_pdf(cv).pdf)
    assert "• •" not in text
    assert in_order(text, ["Already bulleted", "Dashed", "-40% cost"]) == []


def test_invalid_json_resume_is_a_validation_error_naming_the_field() -> None:
    with pytest.raises(ValidationFailed) as caught:
        load_cv({"basics": {"name": "Ada", "email": "not-an-email"}, "work": [{"startDate": "2020-13"}]})
    fields = [error["field"] for error in caught.value.details["errors"]]
    assert "basics.email" in fields
    assert "work.0.startDate" in fields


def test_a_tailored_cv_document_is_accepted() -> None:
    document = small_cv().model_dump()
    for entry in document["work"]:
        entry["highlights"] = [{"text": b["text"], "sourceBulletIds": [b["id"]]} for b in entry["highlights"]]
    document["sectionOrder"] = ["work"]
    assert render_cv_pdf(load_cv(document), engine="v2").pages == 1
