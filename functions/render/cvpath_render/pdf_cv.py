"""CV (and optional cover letter) -> PDF bytes, plus the text the ATS check must find.

Both engines end here; they differ only in which sections they show and in what
order. The ATS check is not run here (``api`` runs it), so the benchmark can
measure the layout alone.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cvpath.models import CV, SectionName
from cvpath_render.blocks import CvBlocks, Text
from cvpath_render.content import build_cv_blocks
from cvpath_render.cover_letter import CoverLetter, build_letter_blocks, letter_story
from cvpath_render.dates import EN_DASH
from cvpath_render.flowables import HeaderFlowable, section_flowable
from cvpath_render.fonts import coverage, register_fonts
from cvpath_render.inputs import PageSize
from cvpath_render.pdf_document import PdfBuild, PdfMetadata, build_pdf
from cvpath_render.reportlab_api import Flowable, PageBreak
from cvpath_render.styles import USED_FONTS, make_styles, page_geometry
from cvpath_render.text_policy import TextPolicy


@dataclass(frozen=True, slots=True)
class PdfDraft:
    """A laid-out PDF that has not been checked yet."""

    pdf: PdfBuild
    expected: tuple[Text, ...]
    warnings: tuple[str, ...]
    blocks: CvBlocks


def pdf_policy(fonts_dir: Path | None = None) -> TextPolicy:
    """A text policy for the PDF fonts (registering them on first use)."""
    register_fonts(USED_FONTS, fonts_dir=fonts_dir)
    return TextPolicy(coverage(USED_FONTS))


def draft_cv_pdf(
    cv: CV,
    order: Sequence[SectionName],
    *,
    page_size: PageSize = PageSize.A4,
    letter: CoverLetter | None = None,
    fonts_dir: Path | None = None,
) -> PdfDraft:
    """Lay out the CV with the sections of ``order``; with ``letter``, the letter follows on a new page."""
    policy = pdf_policy(fonts_dir)
    blocks = build_cv_blocks(cv, order, policy)
    styles = make_styles()
    geometry = page_geometry(page_size)
    story: list[Flowable] = [HeaderFlowable(blocks.header, styles)]
    story += [section_flowable(section, styles, geometry.frame_width) for section in blocks.sections]
    expected = list(blocks.texts())
    if letter is not None:
        letter_blocks = build_letter_blocks(letter, blocks.header, policy)
        story += [PageBreak(), *letter_story(letter_blocks, styles)]
        expected += letter_blocks.texts()
    name = blocks.header.name.value
    label = blocks.header.label.value if blocks.header.label else ""
    meta = PdfMetadata(
        title=f"{name} {EN_DASH} CV" + (" and cover letter" if letter is not None else ""),
        author=name,
        subject=label,
        keywords=tuple(t.value for line in _skill_lines(blocks) for t in line),
    )
    pdf = build_pdf(story, geometry=geometry, meta=meta, styles=styles, footer_name=name)
    return PdfDraft(pdf, tuple(expected), tuple(policy.warnings), blocks)


def _skill_lines(blocks: CvBlocks) -> list[list[Text]]:
    # Skill group names make honest PDF keywords; keywords of every group would be noise.
    return [
        [line.label]
        for s in blocks.sections
        if s.name is SectionName.SKILLS
        for line in s.lines
        if line.label
    ]


@dataclass(frozen=True, slots=True)
class LetterDraft:
    pdf: PdfBuild
    expected: tuple[Text, ...]
    warnings: tuple[str, ...]


def draft_letter_pdf(
    letter: CoverLetter,
    sender: CV | None,
    *,
    page_size: PageSize = PageSize.A4,
    fonts_dir: Path | None = None,
) -> LetterDraft:
    """The letter alone, headed with the sender's name and contacts when ``sender`` is given."""
    policy = pdf_policy(fonts_dir)
    blocks = build_letter_blocks(letter, sender.basics if sender is not None else None, policy)
    styles = make_styles()
    author = blocks.signature.value
    meta = PdfMetadata(title=f"{author} {EN_DASH} cover letter", author=author)
    pdf = build_pdf(
        letter_story(blocks, styles),
        geometry=page_geometry(page_size),
        meta=meta,
        styles=styles,
        footer_name=author,
    )
    return LetterDraft(pdf, tuple(blocks.texts()), tuple(policy.warnings))
