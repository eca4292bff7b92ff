"""The ten EB Garamond styles: generated with their own names, registered once, really embedded."""

from __future__ import annotations

import importlib.util
import io
import sys
from pathlib import Path
from types import ModuleType

import pytest
from fontTools.ttLib import TTFont
from render_testkit import REPO, example_cv

from cvpath.errors import RenderFailed
from cvpath_render import render_cv_pdf
from cvpath_render.fonts import ALL_STYLES, DEFAULT_FONT_DIRS, FontStyle, find_font_dir, register_fonts
from cvpath_render.styles import USED_FONTS

FONTS = REPO / "fonts"
EXPECTED_NAMES = {
    # file stem: (family ID 1, subfamily ID 2, typographic subfamily ID 17, weight)
    "EBGaramond-Regular": ("EB Garamond", "Regular", "Regular", 400),
    "EBGaramond-Medium": ("EB Garamond Medium", "Regular", "Medium", 500),
    "EBGaramond-SemiBold": ("EB Garamond SemiBold", "Regular", "SemiBold", 600),
    "EBGaramond-Bold": ("EB Garamond", "Bold", "Bold", 700),
    "EBGaramond-ExtraBold": ("EB Garamond ExtraBold", "Regular", "ExtraBold", 800),
    "EBGaramond-Italic": ("EB Garamond", "Italic", "Italic", 400),
    "EBGaramond-MediumItalic": ("EB Garamond Medium", "Italic", "Medium Italic", 500),
    "EBGaramond-SemiBoldItalic": ("EB Garamond SemiBold", "Italic", "SemiBold Italic", 600),
    "EBGaramond-BoldItalic": ("EB Garamond", "Bold Italic", "Bold Italic", 700),
    "EBGaramond-ExtraBoldItalic": ("EB Garamond ExtraBold", "Italic", "ExtraBold Italic", 800),
}


def _base_fonts(pdf: bytes) -> set[str]:
    """The BaseFont of every font a page uses, without the subset tag ("ABCDEF+")."""
    from pypdf import PdfReader

    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        fonts = page["/Resources"]["/Font"]
        for ref in fonts.values():
            base = str(ref.get_object()["/BaseFont"]).lstrip("/")
            names.add(base.split("+", 1)[-1])
    return names


def _make_fonts_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("make_fonts", FONTS / "make_fonts.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    # Dataclasses resolve their annotations through sys.modules.
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("stem", sorted(EXPECTED_NAMES))
def test_each_static_style_carries_its_own_names(stem: str) -> None:
    font = TTFont(FONTS / f"{stem}.ttf")
    name = font["name"]
    family, subfamily, typographic_subfamily, weight = EXPECTED_NAMES[stem]
    assert name.getDebugName(6) == stem  # the PostScript name ReportLab keys subsets by
    assert name.getDebugName(1) == family
    assert name.getDebugName(2) == subfamily
    assert name.getDebugName(4) == f"EB Garamond {typographic_subfamily}"
    assert name.getDebugName(16) == "EB Garamond"
    assert name.getDebugName(17) == typographic_subfamily
    assert font["OS/2"].usWeightClass == weight
    assert "fvar" not in font  # a static instance, not the variable font
    assert (FONTS / f"{stem}.ttf").stat().st_size < 250_000


def test_the_licence_ships_with_the_fonts() -> None:
    assert "SIL OPEN FONT LICENSE" in (FONTS / "OFL.txt").read_text(encoding="utf-8").upper()


def test_make_fonts_reproduces_the_committed_files(tmp_path: Path) -> None:
    make_fonts = _make_fonts_module()
    style = next(s for s in make_fonts.STYLES if s.name == "SemiBold Italic")
    source = Path(make_fonts.fontpkg_eb_garamond.ROOT) / "files" / "EBGaramond-Italic[wght].ttf"
    made = make_fonts.make_style(source, style, tmp_path)
    assert made.read_bytes() == (FONTS / made.name).read_bytes()


def test_all_ten_styles_are_embedded_under_their_own_names() -> None:
    from reportlab.pdfgen.canvas import Canvas

    register_fonts(ALL_STYLES)
    buffer = io.BytesIO()
    canvas = Canvas(buffer, invariant=1, initialFontName=FontStyle.REGULAR.value)
    for index, style in enumerate(ALL_STYLES):
        canvas.setFont(style.value, 14)
        canvas.drawString(72, 760 - 24 * index, f"{style.value}: efficient office, certified fjord")
    canvas.save()
    assert _base_fonts(buffer.getvalue()) == {style.value for style in ALL_STYLES}


def test_weights_really_differ() -> None:
    from reportlab.pdfbase.pdfmetrics import stringWidth

    register_fonts(ALL_STYLES)
    widths = [stringWidth("Helena Marsh, efficient office", style.value, 12) for style in ALL_STYLES]
    assert len(set(widths)) == len(widths)  # no style silently drawn as another


def test_the_cv_embeds_exactly_the_styles_its_layout_uses() -> None:
    assert _base_fonts(render_cv_pdf(example_cv()).pdf) == {style.value for style in USED_FONTS}


def test_registering_twice_is_harmless() -> None:
    first = register_fonts([FontStyle.REGULAR])
    assert register_fonts([FontStyle.REGULAR]) == first


def test_fonts_are_looked_for_beside_the_code_first_then_in_the_repository() -> None:
    package = REPO / "functions" / "render" / "cvpath_render"
    assert (package / "fonts", FONTS) == DEFAULT_FONT_DIRS
    assert find_font_dir() == FONTS.resolve()


def test_a_folder_without_the_fonts_is_a_named_error(tmp_path: Path) -> None:
    with pytest.raises(RenderFailed, match="EB Garamond fonts not found"):
        find_font_dir(tmp_path)


def test_a_style_cannot_come_from_two_folders(tmp_path: Path) -> None:
    register_fonts([FontStyle.REGULAR])
    (tmp_path / "EBGaramond-Regular.ttf").write_bytes((FONTS / "EBGaramond-Regular.ttf").read_bytes())
    with pytest.raises(RenderFailed, match="already registered"):
        register_fonts([FontStyle.REGULAR], fonts_dir=tmp_path)
