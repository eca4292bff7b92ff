"""Make ``examples/sample_cv.pdf`` from ``sample_cv.txt``: the demo's PDF input.

Why a plain layout: it stands for a CV exported from a word processor, the most
common upload, so the demo exercises text extraction (the ExtractText state) on
a document the renderer did not make. Run it again after editing the text:
``.venv/bin/python examples/make_sample_cv_pdf.py``.
"""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

HERE = Path(__file__).resolve().parent
BODY = ParagraphStyle("body", fontName="Helvetica", fontSize=9.5, leading=12)
BULLET = ParagraphStyle("bullet", parent=BODY, leftIndent=10, bulletIndent=0)
HEADING = ParagraphStyle("heading", fontName="Helvetica-Bold", fontSize=12, leading=16, spaceBefore=6)
NAME = ParagraphStyle("name", fontName="Helvetica-Bold", fontSize=18, leading=22)


def main() -> None:
    lines = (HERE / "sample_cv.txt").read_text(encoding="utf-8").splitlines()
    story = []
    for number, line in enumerate(lines):
        text = escape(line.strip())
        if not text:
            story.append(Spacer(1, 4))
        elif number == 0:
            story.append(Paragraph(text, NAME))
        elif text.isupper():
            story.append(Paragraph(text, HEADING))
        elif text.startswith("- "):
            story.append(Paragraph(text[2:], BULLET, bulletText="\u2022"))
        else:
            story.append(Paragraph(text, BODY))
    document = SimpleDocTemplate(
        str(HERE / "sample_cv.pdf"),
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=12 * mm,
        bottomMargin=12 * mm,
        title="Maya Lindqvist - CV",
        author="Maya Lindqvist",
        invariant=True,
    )
    document.build(story)


if __name__ == "__main__":
    main()
