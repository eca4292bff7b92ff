"""The CV and the cover letter as DOCX, from the same render blocks as the PDF.

Same blocks, same order: the ATS self-check runs on the DOCX exactly as on the PDF.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from docx.shared import Pt

from cvpath.models import SectionName
from cvpath_render.blocks import CvBlocks, Detail, EntryBlock, LetterBlocks, SectionBlock
from cvpath_render.dates import EN_DASH
from cvpath_render.docx_document import (
    BULLET_STYLE,
    HEADING_STYLE,
    SEPARATOR,
    add_header,
    add_line,
    add_run,
    add_styled,
    new_document,
    to_bytes,
)
from cvpath_render.inputs import PageSize

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.text.paragraph import Paragraph


def cv_docx(blocks: CvBlocks, *, page_size: PageSize = PageSize.A4) -> bytes:
    name = blocks.header.name.value
    label = blocks.header.label.value if blocks.header.label else ""
    document = new_document(page_size, title=f"{name} {EN_DASH} CV", author=name, subject=label)
    add_header(document, blocks.header)
    for section in blocks.sections:
        _add_section(document, section)
    return to_bytes(document)


def letter_docx(blocks: LetterBlocks, *, page_size: PageSize = PageSize.A4) -> bytes:
    author = blocks.signature.value
    document = new_document(page_size, title=f"{author} {EN_DASH} cover letter", author=author)
    if blocks.header is not None:
        add_header(document, blocks.header)
        document.paragraphs[-1].paragraph_format.space_after = Pt(18)
    for index, line in enumerate(blocks.recipient):
        paragraph = document.add_paragraph(line.value)
        if index == len(blocks.recipient) - 1:
            paragraph.paragraph_format.space_after = Pt(14)
    for text in (blocks.greeting, *blocks.paragraphs):
        document.add_paragraph(text.value).paragraph_format.space_after = Pt(8)
    closing = document.add_paragraph(blocks.closing.value)
    closing.paragraph_format.space_before = Pt(8)
    closing.paragraph_format.keep_with_next = True
    signature = document.add_paragraph()
    signature.paragraph_format.space_before = Pt(22)
    add_run(signature, blocks.signature.value, bold=True)
    return to_bytes(document)


def _add_section(document: DocxDocument, section: SectionBlock) -> None:
    add_styled(document, section.heading.value, HEADING_STYLE)
    for text in section.paragraphs:
        document.add_paragraph(text.value)
    for index, entry in enumerate(section.entries):
        _add_entry(document, entry, first=index == 0)
    if section.lines and section.name is SectionName.LANGUAGES:
        paragraph = document.add_paragraph()
        for index, line in enumerate(section.lines):
            if index:
                add_run(paragraph, SEPARATOR)
            _add_detail_runs(paragraph, line)
    else:
        for line in section.lines:
            _add_detail_runs(document.add_paragraph(), line)


def _add_entry(document: DocxDocument, entry: EntryBlock, *, first: bool) -> None:
    heading = ", ".join(t.value for t in entry.heading)
    dates = entry.dates.value if entry.dates else ""
    if heading or entry.byline or dates:
        byline = ", ".join(t.value for t in entry.byline)
        title = add_line(document, heading, dates, bold=True, byline=byline)
        title.paragraph_format.keep_with_next = True
        title.paragraph_format.space_before = Pt(2 if first else 6)
    if entry.subheading:
        sub = add_line(document, SEPARATOR.join(t.value for t in entry.subheading), italic=True)
        sub.paragraph_format.keep_with_next = True
    for text in entry.paragraphs:
        document.add_paragraph(text.value)
    for text in entry.bullets:
        add_styled(document, text.value, BULLET_STYLE)
    for detail in entry.details:
        _add_detail_runs(document.add_paragraph(), detail)


def _add_detail_runs(paragraph: Paragraph, detail: Detail) -> None:
    if detail.label is not None:
        add_run(paragraph, detail.label.value, bold=True)
    if detail.note is not None:
        add_run(paragraph, f" ({detail.note.value})" if detail.label else detail.note.value)
    if detail.values:
        prefix = ": " if detail.label or detail.note else ""
        add_run(paragraph, prefix + ", ".join(t.value for t in detail.values))
