"""The ReportLab names the renderer uses, imported in this one module.

Why one module: ReportLab ships no type information. With typeshed's stubs
(``types-reportlab``) these imports are typed; without them mypy sees ``Any``.
The ignore comments below hold in both cases, so the rest of the package needs none.
Importing this module imports ReportLab (~180 ms): only render code does, lazily.
"""

from reportlab.lib.colors import Color, HexColor  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.enums import TA_LEFT, TA_RIGHT  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.fonts import addMapping  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.pagesizes import A4, LETTER  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.styles import ParagraphStyle  # type: ignore[import-untyped, unused-ignore]
from reportlab.lib.units import mm  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.pdfmetrics import registerFont, stringWidth  # type: ignore[import-untyped, unused-ignore]
from reportlab.pdfbase.ttfonts import TTFont  # type: ignore[import-untyped, unused-ignore]
from reportlab.platypus import (  # type: ignore[import-untyped, unused-ignore]
    BaseDocTemplate,
    Flowable,
    Frame,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.doctemplate import (  # type: ignore[import-untyped, unused-ignore]
    LayoutError,
    NullActionFlowable,
)

__all__ = [
    "A4",
    "LETTER",
    "TA_LEFT",
    "TA_RIGHT",
    "BaseDocTemplate",
    "Color",
    "Flowable",
    "Frame",
    "HexColor",
    "LayoutError",
    "NullActionFlowable",
    "PageBreak",
    "PageTemplate",
    "Paragraph",
    "ParagraphStyle",
    "Spacer",
    "TTFont",
    "Table",
    "TableStyle",
    "addMapping",
    "mm",
    "registerFont",
    "stringWidth",
]
