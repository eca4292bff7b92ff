"""normalize_text: each artefact class from real CVs, hostile input, and text that must survive untouched."""

from __future__ import annotations

import time

import pytest

from cvpath.documents import normalize_text
from cvpath.documents.normalize import normalize_with_report


class TestSoftHyphens:
    def test_inside_a_word_it_disappears(self) -> None:
        assert normalize_text("infor\u00admation systems") == "information systems"

    def test_at_a_line_end_the_word_is_joined(self) -> None:
        # Given a word hyphenated with a soft hyphen across a line break (LaTeX/Awesome-CV)
        text, report = normalize_with_report("project manage\u00ad\nment and delivery")
        # Then the word is whole on the first line and the rest keeps its own line
        assert text == "project management\nand delivery"
        assert report.hyphenated_breaks_joined == 1


class TestLigatures:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            ("e\ufb03cient", "efficient"),
            ("\ufb01nance", "finance"),
            ("\ufb02ow", "flow"),
            ("o\ufb00er", "offer"),
            ("ba\ufb04e", "baffle"),
            ("\ufb06ack", "stack"),
            ("\ufb05op", "stop"),
        ],
    )
    def test_each_ligature_becomes_its_letters(self, raw: str, expected: str) -> None:
        assert normalize_text(raw) == expected

    def test_the_count_is_reported(self) -> None:
        _, report = normalize_with_report("e\ufb03cient o\ufb03ce certi\ufb01ed")
        assert report.ligatures == 3
        assert "replaced 3 ligature character(s) with their letters" in report.warnings()


class TestIconGlyphs:
    def test_private_use_icons_between_words_leave_the_words_apart(self) -> None:
        # Given rendercv's FontAwesome header, icons mapped to the private-use area
        raw = "\uf3c5 San Francisco, CA \uf0e0 john.doe@email.com \uf0c1 rendercv.com"
        text, report = normalize_with_report(raw)
        assert text == "San Francisco, CA john.doe@email.com rendercv.com"
        assert report.icon_glyphs == 3
        assert "removed 3 private-use icon glyph(s)" in report.warnings()

    def test_an_icon_glued_between_fields_does_not_merge_them(self) -> None:
        assert normalize_text("(555) 123-4567\ue989john@example.org") == "(555) 123-4567 john@example.org"

    def test_a_glyph_inside_a_word_keeps_the_word_whole(self) -> None:
        # An unmapped ligature shaped into the private-use area (HarfBuzz shaping)
        assert normalize_text("e\ue000cient") == "ecient"

    def test_supplementary_private_use_planes_and_cid_codes_go_too(self) -> None:
        text, report = normalize_with_report("(cid:123) Phone \U000f0041 +1 555 \U00100001 (cid:7)(cid:8)")
        assert text == "Phone +1 555"
        assert report.icon_glyphs == 5


class TestControlCharacters:
    def test_nul_and_other_controls_are_removed(self) -> None:
        # Given Reactive Resume's NUL characters and a stray escape and DEL
        text, report = normalize_with_report("Jo\x00hn\x1b Doe\x7f\x85")
        assert text == "John Doe"
        assert report.control_characters == 3

    def test_tabs_become_spaces_and_line_endings_are_unified(self) -> None:
        assert normalize_text("Engineer\tJan 2020\r\nLine two\rLine three\fPage two") == (
            "Engineer Jan 2020\nLine two\nLine three\nPage two"
        )

    def test_lone_surrogates_are_removed_so_the_text_can_be_stored(self) -> None:
        text = normalize_text("abc\ud800def\udfff")
        assert text == "abcdef"
        assert text.encode("utf-8")

    def test_bidi_overrides_cannot_reorder_what_a_reader_sees(self) -> None:
        assert normalize_text("admin\u202e\u2066 txt.exe\u2069") == "admin txt.exe"

    def test_zero_width_space_and_bom_are_removed_but_zwj_is_kept(self) -> None:
        assert (
            normalize_text("\ufeffPy\u200bthon \U0001f469\u200d\U0001f4bb")
            == "Python \U0001f469\u200d\U0001f4bb"
        )

    def test_replacement_characters_are_removed_and_counted(self) -> None:
        text, report = normalize_with_report("Caf\ufffd \ufffd\ufffdbar")
        assert text == "Caf bar"
        assert report.replacement_characters == 3


class TestSpaces:
    @pytest.mark.parametrize("space", ["\u00a0", "\u2002", "\u2009", "\u202f", "\u205f", "\u3000", "\u1680"])
    def test_odd_spaces_become_one_plain_space(self, space: str) -> None:
        assert normalize_text(f"Senior{space}{space}Engineer") == "Senior Engineer"

    def test_lines_are_trimmed_and_blank_runs_become_one_paragraph_break(self) -> None:
        assert normalize_text("  Summary  \n\n\n\n  Text here \n next\n\n") == "Summary\n\nText here\nnext"


class TestHyphenatedLineBreaks:
    @pytest.mark.parametrize(
        ("raw", "expected"),
        [
            # typesetting hyphenation: the hyphen was never part of the word
            ("Imple-\nmented user authentication", "Implemented\nuser authentication"),
            ("the manage-\nment of teams", "the management\nof teams"),
            # compounds wrapped at their hyphen keep it
            ("impactful and user-\nfriendly websites", "impactful and user-friendly\nwebsites"),
            ("improving cross-\ndevice support", "improving cross-device\nsupport"),
            ("a data-\ndriven culture", "a data-driven\nculture"),
            ("Front-\nEnd Developer", "Front-End\nDeveloper"),
            ("e-\nmail", "e-mail"),
            # not words: ranges and codes stay as they were
            ("2019-\n2020", "2019-\n2020"),
            ("COVID-\n19 response", "COVID-\n19 response"),
        ],
    )
    def test_join_or_keep(self, raw: str, expected: str) -> None:
        assert normalize_text(raw) == expected

    def test_the_document_itself_decides_when_it_spells_the_word(self) -> None:
        # Given "fine-tuning" spelled with its hyphen elsewhere in the document
        text = normalize_text("Led fine-\ntuning of models.\nMore fine-tuning later.")
        assert text.startswith("Led fine-tuning\nof models.")
        # And given "database" spelled whole elsewhere
        assert (
            normalize_text("a data-\nbase migration; the database") == "a database\nmigration; the database"
        )

    def test_a_word_alone_on_its_line_does_not_leave_a_paragraph_break(self) -> None:
        assert normalize_text("manage-\nment\nnext line") == "management\nnext line"

    def test_a_dash_after_a_space_is_not_a_hyphenation(self) -> None:
        assert normalize_text("Berlin -\nremote") == "Berlin -\nremote"


class TestTextThatMustSurvive:
    @pytest.mark.parametrize(
        "text",
        [
            "مهندس برمجيات في الرياض",  # Arabic (RTL)
            "מהנדסת תוכנה בתל אביב",  # Hebrew (RTL)
            "ソフトウェアエンジニア、東京",  # Japanese
            "高级软件工程师 — 北京",  # Chinese
            "이력서 요약",  # Korean
            "Team lead 🚀 👩🏽‍💻 🇩🇪",  # emoji with skin tone, ZWJ sequence, flag
            "Grüße aus Zürich — naïve café, ½ m² à 3 €",
        ],
    )
    def test_it_is_returned_unchanged(self, text: str) -> None:
        assert normalize_text(text) == text

    def test_combining_marks_are_composed(self) -> None:
        assert normalize_text("Jose\u0301 Garci\u0301a") == "José García"

    def test_normalising_twice_changes_nothing(self) -> None:
        once = normalize_text("manage-\nment \ufb01t\u00a0\x00 \uf0e0 user-\nfriendly\n\n\n\nend")
        assert normalize_text(once) == once


def test_a_5_mb_hostile_string_is_cleaned_in_linear_time() -> None:
    # Given 5 MB mixing every artefact (and nothing a regex could backtrack on)
    unit = "Exper\u00adience \ufb01x\x00 \uf0e0 (cid:42) data-\nbase\u00a0\u00a0co\ud800de  \u202e\t\n\n\n"
    hostile = unit * (5 * 1024 * 1024 // len(unit))
    started = time.perf_counter()
    text = normalize_text(hostile)
    elapsed = time.perf_counter() - started
    # Then no artefact is left and it took seconds, not minutes
    assert not any(char in text for char in "\u00ad\ufb01\x00\uf0e0\ud800\u202e\t")
    assert "(cid:" not in text
    assert text.startswith("Experience fix data-base\ncode\n\nExperience fix data-base\ncode")
    assert elapsed < 20, f"normalising 5 MB took {elapsed:.1f} s"
