"""Plain text, Markdown and JSON Resume uploads: decoding, conversion and refusals."""

from __future__ import annotations

import random

import pytest

from cvpath.documents import ExtractionLimits, extract_text
from cvpath.documents.markdown import markdown_to_text
from cvpath.errors import CorruptDocument, DocumentTooLarge, EmptyDocument, UnsupportedDocumentType

CV_TEXT = "Ada Lovelace\nPrincipal engineer\n\nExperience\nNorthwind Traders — Staff Engineer, Zürich"


class TestPlainText:
    def test_utf8_text(self) -> None:
        result = extract_text(CV_TEXT.encode(), filename="cv.txt", content_type="text/plain; charset=utf-8")
        assert (result.kind, result.text, result.pages, result.characters) == (
            "text",
            CV_TEXT,
            1,
            len(CV_TEXT),
        )
        assert result.warnings == []

    @pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "utf-32", "utf-16-le", "utf-16-be"])
    def test_byte_order_marks_and_utf16_without_one(self, encoding: str) -> None:
        assert extract_text(CV_TEXT.encode(encoding), filename="cv.txt").text == CV_TEXT

    def test_windows_1252_is_read_with_a_warning(self) -> None:
        result = extract_text("Café “Zürich” \u2013 5 €".encode("cp1252"))
        assert result.text == "Café “Zürich” \u2013 5 €"
        assert "the file is not UTF-8; it was read as Windows-1252" in result.warnings

    def test_a_few_nul_characters_are_removed_with_a_warning(self) -> None:
        result = extract_text(b"Ada\x00 Lovelace\n" + b"Engineer " * 20)
        assert result.text.startswith("Ada Lovelace\nEngineer")
        assert any("control" in warning for warning in result.warnings)

    @pytest.mark.parametrize("filename", ["cv.txt", "cv.md", None])
    def test_binary_garbage_claimed_as_text_is_refused(self, filename: str | None) -> None:
        garbage = random.Random(3).randbytes(20_000)
        with pytest.raises(CorruptDocument, match="binary data"):
            extract_text(garbage, filename=filename)

    def test_mostly_nul_text_is_refused(self) -> None:
        with pytest.raises(CorruptDocument):
            extract_text(b"Ada Lovelace " + b"\x00" * 400, filename="cv.txt")

    def test_whitespace_only(self) -> None:
        with pytest.raises(EmptyDocument):
            extract_text(b" \n\t\r\n \xc2\xa0 ", filename="cv.txt")

    def test_more_text_than_any_cv(self) -> None:
        with pytest.raises(DocumentTooLarge, match="characters"):
            extract_text(b"word " * 1000, limits=ExtractionLimits(max_characters=2000))


MARKDOWN = """# Ada Lovelace
**Principal engineer** · [ada.dev](https://ada.dev) · <ada@example.org>

## Experience
### Northwind Traders — *Staff Engineer*
- Led the `order-pipeline` migration to ~~batch~~ streaming
* Cut latency by 50%\\* (see \\_notes\\_)

| Skill | Level |
|-------|:-----:|
| Python | Expert |

> Available from March &amp; remote

```
code fence content stays
```
---
![photo of Ada](ada.png)<br>snake_case_name stays
"""


class TestMarkdown:
    def test_markup_goes_and_every_visible_word_stays(self) -> None:
        assert markdown_to_text(MARKDOWN).split("\n") == [
            "Ada Lovelace",
            "Principal engineer · ada.dev (https://ada.dev) · ada@example.org",
            "",
            "Experience",
            "Northwind Traders — Staff Engineer",
            "• Led the order-pipeline migration to batch streaming",
            "• Cut latency by 50%* (see _notes_)",
            "",
            "Skill | Level",
            "Python | Expert",
            "",
            "Available from March & remote",
            "",
            "code fence content stays",
            "photo of Ada",
            "snake_case_name stays",
            "",
        ]

    def test_a_markdown_file_by_name(self) -> None:
        result = extract_text(MARKDOWN.encode(), filename="README.md")
        assert result.kind == "markdown"
        assert result.text.startswith("Ada Lovelace\nPrincipal engineer · ada.dev (https://ada.dev)")

    def test_markdown_is_recognised_without_a_claim(self) -> None:
        assert extract_text(MARKDOWN.encode()).kind == "markdown"
        assert extract_text(CV_TEXT.encode()).kind == "text"


class TestJsonResume:
    def test_an_object_passes_through_unchanged(self) -> None:
        raw = '{\n  "basics": {"name": "Ada  Lovelace", "summary": "manage-\\nment"}\n}'
        result = extract_text(raw.encode(), filename="resume.json")
        assert (result.kind, result.text) == ("json_resume", raw)

    def test_recognised_without_a_claim(self) -> None:
        assert extract_text(b' {"basics": {}}').kind == "json_resume"
        assert extract_text(b"{not json at all, just braces}").kind == "text"

    def test_invalid_json_says_where_but_not_what(self) -> None:
        with pytest.raises(CorruptDocument) as refused:
            extract_text(b'{"basics": {"name": "Secret Person",}}', content_type="application/json")
        assert "line 1, column" in refused.value.message
        assert "Secret" not in refused.value.message
        assert refused.value.details["line"] == 1

    @pytest.mark.parametrize("payload", [b"[1, 2]", b'"a string"', b"42"])
    def test_json_that_is_not_an_object(self, payload: bytes) -> None:
        with pytest.raises(UnsupportedDocumentType, match="JSON Resume object"):
            extract_text(payload, filename="resume.json")

    def test_absurd_nesting_is_refused_not_crashed(self) -> None:
        with pytest.raises(CorruptDocument):
            extract_text(b"[" * 100_000 + b"]" * 100_000, filename="resume.json")
