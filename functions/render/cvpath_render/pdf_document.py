"""The PDF document around the flowables: page template, footer, metadata, determinism."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from cvpath.errors import RenderFailed
from cvpath_render.reportlab_api import BaseDocTemplate, Flowable, Frame, LayoutError, PageTemplate
from cvpath_render.styles import PageGeometry, Styles

# What a reader's "Document properties" shows as the producing tool; no paths, no versions.
PRODUCER = "CVPath"


@dataclass(frozen=True, slots=True)
class PdfMetadata:
    title: str
    author: str
    subject: str = ""
    keywords: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class PdfBuild:
    data: bytes
    pages: int


class _Document(BaseDocTemplate):  # type: ignore[misc, unused-ignore]
    """One frame per page; from page 2 on, a quiet footer with the name and page number."""

    def __init__(self, buffer: io.BytesIO, geometry: PageGeometry, meta: PdfMetadata, **kw: Any) -> None:
        self._footer_name: str = kw.pop("footer_name")
        self._styles: Styles = kw.pop("styles")
        super().__init__(
            buffer,
            pagesize=(geometry.width, geometry.height),
            leftMargin=geometry.left,
            rightMargin=geometry.right,
            topMargin=geometry.top,
            bottomMargin=geometry.bottom,
            title=meta.title,
            author=meta.author,
            subject=meta.subject,
            keywords=list(meta.keywords),
            creator=PRODUCER,
            producer=PRODUCER,
            # Why invariant: fixed dates and document id, so the same input gives
            # the same bytes (V1's regression guarantee; cacheable for V2).
            invariant=1,
            pageCompression=1,
            displayDocTitle=1,
            # Otherwise every page references Helvetica, which the CV never draws with.
            initialFontName=self._styles.body.fontName,
        )
        frame = Frame(
            geometry.left,
            geometry.bottom,
            geometry.frame_width,
            geometry.frame_height,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
            id="body",
        )
        self._bottom = geometry.bottom
        self._right = geometry.width - geometry.right
        self.addPageTemplates([PageTemplate(id="page", frames=[frame], onPageEnd=self._footer)])

    def _footer(self, canvas: Any, doc: Any) -> None:
        # Drawn after the page body, so extractors read it last on the page.
        page = canvas.getPageNumber()
        if page < 2:
            return
        style = self._styles.footer
        canvas.saveState()
        canvas.setFont(style.fontName, style.fontSize)
        canvas.setFillColor(style.textColor)
        canvas.drawRightString(
            self._right, self._bottom - 2.2 * style.fontSize, f"{self._footer_name} · {page}"
        )
        canvas.restoreState()


def build_pdf(
    story: list[Flowable], *, geometry: PageGeometry, meta: PdfMetadata, styles: Styles, footer_name: str
) -> PdfBuild:
    """Lay out ``story`` and return the PDF bytes and the page count.

    A layout ReportLab cannot place (say, an unbreakable object taller than a page)
    becomes ``RenderFailed`` instead of an exception from deep inside ReportLab.
    """
    buffer = io.BytesIO()
    document = _Document(buffer, geometry, meta, footer_name=footer_name, styles=styles)
    try:
        document.build(story)
    except LayoutError as exc:
        raise RenderFailed(f"the content cannot be laid out on the page: {str(exc)[:300]}") from exc
    return PdfBuild(buffer.getvalue(), document.page)
