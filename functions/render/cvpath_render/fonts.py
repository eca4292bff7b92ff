"""EB Garamond for ReportLab: where the TTFs are, and registering them once per process.

Why once: parsing a TTF costs a few milliseconds per style, and ReportLab keeps
registered fonts in process-wide tables anyway. Warm Lambda invocations and a
benchmark's loop reuse what the first render registered.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from enum import StrEnum
from pathlib import Path
from typing import Literal

from cvpath.errors import RenderFailed

_PACKAGE_DIR = Path(__file__).resolve().parent
# In a Lambda package the fonts sit beside the code; in the repository they are
# in <repo>/fonts (functions/render/cvpath_render -> three levels up).
DEFAULT_FONT_DIRS: tuple[Path, ...] = (_PACKAGE_DIR / "fonts", _PACKAGE_DIR.parents[2] / "fonts")
FAMILY = "EBGaramond"


class FontStyle(StrEnum):
    """The ten static styles; the value is the file stem and the registered font name."""

    REGULAR = "EBGaramond-Regular"
    MEDIUM = "EBGaramond-Medium"
    SEMIBOLD = "EBGaramond-SemiBold"
    BOLD = "EBGaramond-Bold"
    EXTRABOLD = "EBGaramond-ExtraBold"
    ITALIC = "EBGaramond-Italic"
    MEDIUM_ITALIC = "EBGaramond-MediumItalic"
    SEMIBOLD_ITALIC = "EBGaramond-SemiBoldItalic"
    BOLD_ITALIC = "EBGaramond-BoldItalic"
    EXTRABOLD_ITALIC = "EBGaramond-ExtraBoldItalic"


ALL_STYLES: tuple[FontStyle, ...] = tuple(FontStyle)
# (bold, italic) -> style, for ReportLab's <b>/<i> markup.
_FAMILY_MAPPING: tuple[tuple[Literal[0, 1], Literal[0, 1], FontStyle], ...] = (
    (0, 0, FontStyle.REGULAR),
    (1, 0, FontStyle.BOLD),
    (0, 1, FontStyle.ITALIC),
    (1, 1, FontStyle.BOLD_ITALIC),
)

_lock = threading.Lock()
_registered: dict[FontStyle, Path] = {}
_coverage: dict[FontStyle, frozenset[int]] = {}


def find_font_dir(fonts_dir: Path | None = None) -> Path:
    """The folder holding the TTFs: ``fonts_dir`` if given, else the first default that exists."""
    candidates = (fonts_dir,) if fonts_dir is not None else DEFAULT_FONT_DIRS
    for candidate in candidates:
        if candidate is not None and (candidate / f"{FontStyle.REGULAR}.ttf").is_file():
            return candidate.resolve()
    searched = ", ".join(str(c) for c in candidates)
    raise RenderFailed(
        f"EB Garamond fonts not found (looked in {searched}); regenerate them with fonts/make_fonts.py",
        details={"searched": [str(c) for c in candidates]},
    )


def register_fonts(styles: Iterable[FontStyle] = ALL_STYLES, *, fonts_dir: Path | None = None) -> Path:
    """Register ``styles`` with ReportLab (idempotent) and return the folder they came from.

    A style registered once stays registered from the folder it was first read
    from; asking for it from another folder later is an error rather than a silent
    mix of two font versions in one process.
    """
    from cvpath_render.reportlab_api import TTFont, addMapping, registerFont

    folder = find_font_dir(fonts_dir)
    with _lock:
        for style in styles:
            known = _registered.get(style)
            if known is not None:
                if known != folder:
                    raise RenderFailed(
                        f"{style} is already registered from {known}, not {folder}",
                        details={"style": str(style)},
                    )
                continue
            path = folder / f"{style}.ttf"
            try:
                font = TTFont(str(style), str(path))
            except Exception as exc:  # ReportLab raises bare Exception/TTFError subclasses
                raise RenderFailed(
                    f"cannot load font {path.name}: {exc}", details={"font": path.name}
                ) from exc
            registerFont(font)
            _registered[style] = folder
            _coverage[style] = frozenset(font.face.charToGlyph)
        # <b>/<i> in Paragraph markup resolve through this mapping.
        for bold, italic, style in _FAMILY_MAPPING:
            if style in _registered:
                addMapping(FAMILY, bold, italic, str(style))
    return folder


def coverage(styles: Iterable[FontStyle]) -> frozenset[int]:
    """The code points every one of ``styles`` can draw (they must be registered)."""
    sets = [_coverage[style] for style in styles]
    if not sets:
        return frozenset()
    return frozenset.intersection(*sets)
