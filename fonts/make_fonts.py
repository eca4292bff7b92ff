"""Regenerate the ten static EB Garamond TTFs in this folder from the variable fonts.

Run from the repository root with the dev environment: ``.venv/bin/python fonts/make_fonts.py``.

Source: the variable TTFs (roman and italic, ``wght`` 400-800) of the PyPI package
``fontpkg-eb-garamond`` (OFL-1.1). Why not Debian's EB Garamond: it is OTF/CFF,
which ReportLab refuses, and it has no Medium, SemiBold, ExtraBold or BoldItalic.

Each instance gets its own name table. Why: an instance keeps the variable font's
names (every weight is "EBGaramond-Regular"), and ReportLab, which keys embedded
subsets by PostScript name, then silently draws Bold as Regular.

The output is deterministic: the same package version gives byte-identical files
(``head.modified`` is pinned to ``head.created``).
"""

from __future__ import annotations

import argparse
import shutil
from dataclasses import dataclass
from pathlib import Path

import fontpkg_eb_garamond
from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.varLib import instancer

FAMILY = "EB Garamond"
PS_FAMILY = "EBGaramond"
HERE = Path(__file__).resolve().parent

# What the renderer is meant to draw: Latin in all its European forms, Greek and
# Cyrillic (the font draws them well and names in them are common), and the
# punctuation, currency and symbols CVs use. Everything else is dropped to keep
# each file around 200 KB, which also shortens font registration in a cold Lambda.
UNICODE_RANGES: tuple[tuple[int, int], ...] = (
    (0x0020, 0x007E),  # Basic Latin
    (0x00A0, 0x00FF),  # Latin-1 Supplement
    (0x0100, 0x017F),  # Latin Extended-A
    (0x0180, 0x024F),  # Latin Extended-B (Romanian comma-below letters, etc.)
    (0x02B0, 0x02FF),  # Spacing modifier letters (accents on their own)
    (0x0300, 0x036F),  # Combining diacritics
    (0x0370, 0x03FF),  # Greek
    (0x0400, 0x04FF),  # Cyrillic
    (0x1E00, 0x1EFF),  # Latin Extended Additional (Vietnamese, Welsh)
    (0x2000, 0x206F),  # General punctuation: dashes, quotes, bullet, ellipsis
    (0x2070, 0x209F),  # Superscripts and subscripts
    (0x20A0, 0x20CF),  # Currency
    (0x2100, 0x214F),  # Letterlike: numero, trade mark
    (0x2150, 0x218F),  # Number forms: fractions, roman numerals
    (0x2190, 0x21FF),  # Arrows
    (0x2200, 0x22FF),  # Mathematical operators (minus, approx, not-equal)
)


@dataclass(frozen=True)
class Style:
    name: str  # "SemiBold Italic"
    weight: int
    italic: bool

    @property
    def ps_suffix(self) -> str:
        return self.name.replace(" ", "")

    @property
    def is_ribbi(self) -> bool:
        """Regular, Italic, Bold, Bold Italic: the four styles of the legacy family model."""
        return self.weight in (400, 700)


_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("Regular", 400),
    ("Medium", 500),
    ("SemiBold", 600),
    ("Bold", 700),
    ("ExtraBold", 800),
)
STYLES: tuple[Style, ...] = (
    *(Style(weight_name, weight, italic=False) for weight_name, weight in _WEIGHTS),
    *(
        Style("Italic" if weight == 400 else f"{weight_name} Italic", weight, italic=True)
        for weight_name, weight in _WEIGHTS
    ),
)


def _set_names(font: TTFont, style: Style, version: str) -> None:
    name = font["name"]
    ps_name = f"{PS_FAMILY}-{style.ps_suffix}"
    if style.is_ribbi:
        legacy_family = FAMILY
        legacy_sub = {(400, False): "Regular", (400, True): "Italic", (700, False): "Bold"}.get(
            (style.weight, style.italic), "Bold Italic"
        )
    else:
        weight_word = style.name.removesuffix(" Italic")
        legacy_family = f"{FAMILY} {weight_word}"
        legacy_sub = "Italic" if style.italic else "Regular"
    records = {
        1: legacy_family,
        2: legacy_sub,
        3: f"{version};{ps_name}",
        4: f"{FAMILY} {style.name}",
        6: ps_name,
        16: FAMILY,
        17: style.name,
    }
    # Variation-only names (axis and instance names, IDs 25 and up) mean nothing in a static font.
    name.names = [record for record in name.names if record.nameID < 25]
    for name_id, text in records.items():
        name.removeNames(nameID=name_id)
        name.setName(text, name_id, 3, 1, 0x409)  # Windows, Unicode BMP, en-US
        name.setName(text, name_id, 1, 0, 0)  # Macintosh, Roman, English


def _set_style_bits(font: TTFont, style: Style) -> None:
    os2 = font["OS/2"]
    os2.usWeightClass = style.weight
    bold = style.weight == 700
    # fsSelection: bit 0 italic, bit 5 bold, bit 6 regular; keep bits 7-9 (typo metrics etc.).
    selection = os2.fsSelection & ~0b1100001
    if style.italic:
        selection |= 1 << 0
    if bold:
        selection |= 1 << 5
    if not style.italic and not bold:
        selection |= 1 << 6
    os2.fsSelection = selection
    font["head"].macStyle = (1 if bold else 0) | (2 if style.italic else 0)


def _subset(font: TTFont) -> None:
    options = subset.Options()
    # ReportLab lays out text without OpenType shaping (and must: shaping turns "fi"
    # into a ligature glyph that extracts as U+FB01), so layout tables are dead weight.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "STAT", "MVAR", "HVAR", "DSIG"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    unicodes = [code for start, end in UNICODE_RANGES for code in range(start, end + 1)]
    subsetter = subset.Subsetter(options=options)
    subsetter.populate(unicodes=unicodes)
    subsetter.subset(font)


def make_style(source: Path, style: Style, out_dir: Path) -> Path:
    font = TTFont(source)
    version = font["name"].getDebugName(5) or "Version 1.0"
    version_number = version.removeprefix("Version ").strip()
    static = instancer.instantiateVariableFont(font, {"wght": style.weight})
    _set_names(static, style, version_number)
    _set_style_bits(static, style)
    _subset(static)
    static["head"].modified = static["head"].created
    static.recalcTimestamp = False  # otherwise save() stamps the current time
    path = out_dir / f"{PS_FAMILY}-{style.ps_suffix}.ttf"
    static.save(path, reorderTables=True)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE, help="output folder (default: this folder)")
    args = parser.parse_args(argv)
    files = Path(fontpkg_eb_garamond.ROOT) / "files"
    sources = {False: files / "EBGaramond[wght].ttf", True: files / "EBGaramond-Italic[wght].ttf"}
    args.out.mkdir(parents=True, exist_ok=True)
    for style in STYLES:
        path = make_style(sources[style.italic], style, args.out)
        print(f"{path.name:34} {path.stat().st_size / 1024:7.1f} KB  weight {style.weight}")
    shutil.copyfile(Path(fontpkg_eb_garamond.ROOT) / "LICENSE", args.out / "OFL.txt")
    print("OFL.txt copied from the package's licence")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
