"""The character policy: what is kept, removed with a warning, or refused with UnsupportedText."""

from __future__ import annotations

import pytest

from cvpath.errors import UnsupportedText
from cvpath_render.fonts import coverage
from cvpath_render.pdf_cv import pdf_policy
from cvpath_render.styles import USED_FONTS
from cvpath_render.text_policy import TextPolicy, script_of


@pytest.fixture
def policy() -> TextPolicy:
    return pdf_policy()


def test_latin_greek_cyrillic_and_typography_are_kept(policy: TextPolicy) -> None:
    text = "Zoë Ærøskøbing — Łódź, Ελλάδα, Москва: “quoted” 50 € ½ № 3"
    assert policy.clean(text, "basics.name") == text
    assert policy.warnings == []


def test_the_pdf_policy_covers_what_the_fonts_draw() -> None:
    covered = coverage(USED_FONTS)
    assert {ord(c) for c in "AZaz09€\u2013\u2014“”•·é"} <= covered
    assert 0x0627 not in covered  # Arabic alef
    assert 0xFB01 not in covered  # the "fi" ligature code point is not even in the fonts


def test_control_characters_are_removed_with_a_warning(policy: TextPolicy) -> None:
    assert policy.clean("Led\x00 the\x07 team\x1b", "work.0.highlights.1") == "Led the team"
    assert policy.warnings == ["work.0.highlights.1: removed 3 control characters (U+0000, U+0007, U+001B)"]


def test_tabs_and_newlines_become_spaces_unless_multiline(policy: TextPolicy) -> None:
    assert policy.clean("a\tb\nc", "f") == "a b c"
    assert policy.clean("first\n\n second ", "f", multiline=True) == "first\n\nsecond"


def test_invisible_format_characters_are_removed(policy: TextPolicy) -> None:
    # soft hyphen, zero-width space, right-to-left mark, byte-order mark
    assert policy.clean("Ma\u00adnage\u200bment\u200f\ufeff", "f") == "Management"
    assert "invisible formatting characters" in policy.warnings[0]


def test_ligature_code_points_are_spelt_out(policy: TextPolicy) -> None:
    assert policy.clean("\ufb01nance o\ufb03ce \ufb00", "f") == "finance office ff"
    assert policy.warnings == []


def test_emoji_are_removed_with_a_warning_naming_the_field(policy: TextPolicy) -> None:
    cleaned = policy.clean("Shipped 🚀 the release ✨ with 👩🏽‍💻 pride ❤️", "work.0.highlights.0")
    assert cleaned == "Shipped the release with pride"
    assert len(policy.warnings) == 1
    assert policy.warnings[0].startswith("work.0.highlights.0: removed")
    assert "emoji or symbols the font cannot draw" in policy.warnings[0]


def test_private_use_icon_glyphs_are_removed(policy: TextPolicy) -> None:
    assert policy.clean("\uf0e0 ada@example.com", "basics.email") == "ada@example.com"
    assert "private-use" in policy.warnings[0]


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("شركة البرمجيات", "Arabic"),
        ("חברת תוכנה", "Hebrew"),
        ("软件工程师", "CJK"),
        ("ソフトウェア", "Katakana"),
        ("소프트웨어", "Hangul"),
        ("सॉफ्टवेयर", "Devanagari"),
    ],
)
def test_scripts_the_font_lacks_are_refused_naming_field_and_script(
    policy: TextPolicy, text: str, script: str
) -> None:
    with pytest.raises(UnsupportedText) as caught:
        policy.clean(f"Engineer at {text}", "work.2.name")
    error = caught.value
    assert error.details["field"] == "work.2.name"
    assert script in error.details["scripts"]
    assert "work.2.name" in error.message
    assert script in error.message
    assert error.asl_name == "UnsupportedText"


def test_the_docx_policy_keeps_every_printable_script() -> None:
    policy = TextPolicy(coverage=None)
    assert policy.clean("Ahmed — شركة, 软件 🚀", "f") == "Ahmed — شركة, 软件 🚀"
    assert policy.clean("a\x00b", "f") == "ab"  # XML cannot carry it either


def test_script_names_are_readable() -> None:
    assert [script_of(c) for c in "ش中あa"] == ["Arabic", "CJK", "Hiragana", "Latin"]
