"""Test documents built on the fly: PDFs with ReportLab, DOCX with python-docx, ZIPs by hand.

Nothing here is committed as a binary file. The CV content is invented for the
tests; each builder returns bytes. The column layouts are the interesting part:
they draw the same content either column after column (what most generators
do) or line by line across both columns (what table-based HTML printing and
some editors do), which is where plain extraction interleaves the columns.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from typing import Literal

from reportlab.lib.pagesizes import A4
from reportlab.lib.utils import simpleSplit
from reportlab.pdfgen import canvas

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 40.0
LINE = 15.0

NAME = "Ada Lovelace"
HEADLINE = "Principal engineer - ada@example.org - London - github.com/ada"

SIDEBAR: list[tuple[str, list[str]]] = [
    ("Contact", ["ada@example.org", "+44 20 7946 0000", "London, United Kingdom"]),
    ("Skills", ["Python, Rust, SQL", "Distributed systems", "Technical writing", "Kubernetes and Terraform"]),
    ("Languages", ["English (native)", "French (fluent)", "German (basic)"]),
    ("Certifications", ["AWS Solutions Architect", "Certified Kubernetes Administrator"]),
]
MAIN: list[tuple[str, list[str]]] = [
    ("Summary", ["Engineer with ten years building data platforms for logistics and retail companies."]),
    (
        "Experience",
        [
            "Northwind Traders - Staff Engineer",
            "Led the migration of the order pipeline to event streaming, cutting latency by half.",
            "Contoso Ltd - Senior Engineer",
            "Built the pricing service used by every storefront in the group.",
        ],
    ),
    ("Education", ["University of Manchester - BSc Computer Science"]),
    ("Projects", ["Open source contributor to a columnar storage engine."]),
]
SIDEBAR_HEADINGS = [heading for heading, _ in SIDEBAR]
MAIN_HEADINGS = [heading for heading, _ in MAIN]

Styled = tuple[str, float, str] | None  # font, size, text; None is a blank line


def _new_canvas(buffer: io.BytesIO) -> canvas.Canvas:
    # invariant=1: no timestamps or random ids, so the same call gives the same bytes.
    return canvas.Canvas(buffer, pagesize=A4, invariant=1)


def _wrap(blocks: Sequence[tuple[str, Sequence[str]]], width: float) -> list[Styled]:
    lines: list[Styled] = []
    for heading, items in blocks:
        lines.append(("Helvetica-Bold", 13, heading))
        for item in items:
            lines.extend(("Helvetica", 10, part) for part in simpleSplit(item, "Helvetica", 10, width))
        lines.append(None)
    return lines


def _draw(pdf: canvas.Canvas, line: Styled, x: float, y: float) -> None:
    if line is not None:
        pdf.setFont(line[0], line[1])
        pdf.drawString(x, y, line[2])


def _header(pdf: canvas.Canvas) -> float:
    top = float(PAGE_HEIGHT - 60)
    pdf.setFont("Helvetica-Bold", 22)
    pdf.drawString(MARGIN, top, NAME)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(MARGIN, top - 16, HEADLINE)
    return top - 50


def two_column_pdf(
    *,
    interleaved: bool,
    sidebar: Literal["left", "right"] = "left",
    header: bool = True,
    ratio: float = 0.32,
    form_footer: str | None = None,
) -> bytes:
    """A sidebar CV: ``ratio`` of the width for the sidebar, 20 pt gutter, optional full-width header.

    ``form_footer`` is drawn at the bottom inside a form XObject (as some editors
    place headers and footers), which pypdf's layout mode does not see.
    """
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer)
    top = _header(pdf) if header else PAGE_HEIGHT - 60
    usable = PAGE_WIDTH - 2 * MARGIN
    narrow, wide = ratio * usable - 10, (1 - ratio) * usable - 10
    if sidebar == "left":
        left, right = _wrap(SIDEBAR, narrow), _wrap(MAIN, wide)
        right_x = MARGIN + narrow + 20
    else:
        left, right = _wrap(MAIN, wide), _wrap(SIDEBAR, narrow)
        right_x = MARGIN + wide + 20
    if interleaved:
        for row in range(max(len(left), len(right))):
            y = top - LINE * row
            if row < len(left):
                _draw(pdf, left[row], MARGIN, y)
            if row < len(right):
                _draw(pdf, right[row], right_x, y)
    else:
        for row, line in enumerate(left):
            _draw(pdf, line, MARGIN, top - LINE * row)
        for row, line in enumerate(right):
            _draw(pdf, line, right_x, top - LINE * row)
    if form_footer is not None:
        pdf.beginForm("footer")
        _draw(pdf, ("Helvetica", 9, form_footer), MARGIN, MARGIN)
        pdf.endForm()
        pdf.doForm("footer")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


ENTRIES = [
    ("Nexus Analytics, Staff Engineer", "Berlin, Germany", "Jan 2021 - present"),
    ("Globex Corporation, Senior Engineer", "Hamburg, Germany", "Mar 2017 - Dec 2020"),
    ("Initech GmbH, Software Engineer", "Munich, Germany", "Sep 2013 - Feb 2017"),
    ("Hooli Labs, Research Intern", "Zurich, Switzerland", "Jun 2012 - Aug 2012"),
]
BULLET = "Designed and shipped a service that every team in the company relied on for its nightly reports."


def date_column_pdf(side: Literal["left", "right"]) -> bytes:
    """One-column experience list with dates in their own column (rendercv right, moderncv left).

    The date column takes 15% of the width, as moderncv's and rendercv's do.
    """
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer)
    y = _header(pdf)
    usable = PAGE_WIDTH - 2 * MARGIN
    date_width = 0.15 * usable
    main_x = MARGIN if side == "right" else MARGIN + date_width + 15
    date_x = MARGIN + usable - date_width + 15 if side == "right" else MARGIN
    main_width = usable - date_width - 15
    pdf.setFont("Helvetica-Bold", 13)
    pdf.drawString(MARGIN, y, "Experience")
    y -= LINE * 1.5
    for title, place, dates in ENTRIES:
        _draw(pdf, ("Helvetica-Bold", 10, title), main_x, y)
        _draw(pdf, ("Helvetica", 9, dates), date_x, y)
        _draw(pdf, ("Helvetica", 9, place), date_x, y - LINE)
        for part in simpleSplit(BULLET, "Helvetica", 10, main_width):
            y -= LINE
            _draw(pdf, ("Helvetica", 10, part), main_x, y)
        y -= LINE * 1.5
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


SKILL_ROWS = [
    ("Languages:", "Python, Go, TypeScript, SQL"),
    ("Frameworks:", "Django, FastAPI, React"),
    ("Cloud:", "AWS Lambda, Step Functions, DynamoDB"),
    ("Data:", "PostgreSQL, Kafka, Spark"),
    ("Tools:", "Git, Docker, Terraform"),
    ("Practices:", "Code review, incident response"),
    ("Spoken:", "English, Spanish"),
    ("Interests:", "Climbing, chess"),
]


SUMMARY_LINES = simpleSplit(
    "Backend engineer who turns slow, fragile batch jobs into dependable streaming services. "
    "Ten years of Python and Go across payments, logistics and retail, with a habit of writing "
    "things down so that the next person can run them at three in the morning without calling anyone.",
    "Helvetica",
    10,
    PAGE_WIDTH - 2 * MARGIN,
)


def skills_table_pdf() -> bytes:
    """A "label: value" table inside a one-column page: a vertical gap that is not a gutter."""
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer)
    y = _header(pdf)
    _draw(pdf, ("Helvetica-Bold", 13, "Summary"), MARGIN, y)
    for line in SUMMARY_LINES:
        y -= LINE
        _draw(pdf, ("Helvetica", 10, line), MARGIN, y)
    y -= LINE * 2
    _draw(pdf, ("Helvetica-Bold", 13, "Skills"), MARGIN, y)
    for label, value in SKILL_ROWS:
        y -= LINE
        _draw(pdf, ("Helvetica-Bold", 10, label), MARGIN, y)
        _draw(pdf, ("Helvetica", 10, value), MARGIN + 110, y)
    y -= LINE * 2
    _draw(pdf, ("Helvetica-Bold", 13, "Experience"), MARGIN, y)
    for line in SUMMARY_LINES:
        y -= LINE
        _draw(pdf, ("Helvetica", 10, line), MARGIN, y)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def text_pdf(pages: Sequence[Sequence[str]], *, font: str = "Helvetica") -> bytes:
    """One column of lines per page."""
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer)
    for lines in pages:
        pdf.setFont(font, 11)
        for row, line in enumerate(lines):
            pdf.drawString(MARGIN, PAGE_HEIGHT - 60 - LINE * row, line)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


ONE_COLUMN_LINES = [
    NAME,
    HEADLINE,
    "Experience",
    "Northwind Traders - Staff Engineer, 2019 - 2024",
    "Led the migration of the order pipeline to event streaming.",
    "Education",
    "University of Manchester - BSc Computer Science",
    "Skills",
    "Python, Rust, SQL, Kubernetes",
]


def one_column_pdf(pages: int = 1) -> bytes:
    return text_pdf([ONE_COLUMN_LINES] * pages)


def form_xobject_pdf() -> bytes:
    """Text drawn inside a form XObject (layout mode cannot see it, plain mode can)."""
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer)
    pdf.beginForm("body")
    for row, line in enumerate(ONE_COLUMN_LINES):
        pdf.setFont("Helvetica", 11)
        pdf.drawString(MARGIN, PAGE_HEIGHT - 60 - LINE * row, line)
    pdf.endForm()
    pdf.doForm("body")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def image_only_pdf(pages: int = 1) -> bytes:
    """What a scan looks like: each page is one picture (and a frame), no text at all."""
    from PIL import Image

    picture = Image.new("L", (120, 160), color=200)
    buffer = io.BytesIO()
    pdf = _new_canvas(buffer)
    for _ in range(pages):
        pdf.rect(MARGIN, MARGIN, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT - 2 * MARGIN)
        pdf.drawInlineImage(picture, MARGIN, MARGIN, PAGE_WIDTH - 2 * MARGIN, PAGE_HEIGHT - 2 * MARGIN)
        pdf.showPage()
    pdf.save()
    return buffer.getvalue()


def encrypted_pdf(*, user_password: str) -> bytes:
    """One-column CV encrypted with AES-256; an empty ``user_password`` restricts permissions only."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(one_column_pdf())))
    writer.encrypt(user_password=user_password, owner_password="owner-only", algorithm="AES-256")
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def zip_bytes(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, payload in members.items():
            archive.writestr(name, payload)
    return buffer.getvalue()


def zip_bomb_docx(uncompressed_mib: int = 64) -> bytes:
    """A DOCX-shaped ZIP whose document.xml inflates from ~60 KB to ``uncompressed_mib`` MiB."""
    return zip_bytes(
        {
            "[Content_Types].xml": b"<?xml version='1.0'?><Types/>",
            "word/document.xml": b"<w:document>" + b" " * (uncompressed_mib * 1024 * 1024),
        }
    )
