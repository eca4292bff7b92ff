"""The application package: which files a render produces for each output mode.

- ``combined_pdf``: one PDF, the CV then the cover letter on a new page;
- ``separate``: the CV as PDF and the cover letter as DOCX (to edit before sending);
- ``pdf_only``: the CV as PDF; a cover letter, if given, is not rendered.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from cvpath.errors import ValidationFailed
from cvpath.models import CV, SectionName
from cvpath_render.api import render_cover_letter_docx, render_cv_pdf
from cvpath_render.ats_check import AtsReport
from cvpath_render.cover_letter import CoverLetter
from cvpath_render.inputs import Engine, PageSize, parse_option

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


class OutputMode(StrEnum):
    COMBINED_PDF = "combined_pdf"
    SEPARATE = "separate"
    PDF_ONLY = "pdf_only"


class ArtifactKind(StrEnum):
    CV_PDF = "cv_pdf"
    CV_DOCX = "cv_docx"
    CV_WITH_COVER_LETTER_PDF = "cv_with_cover_letter_pdf"
    COVER_LETTER_DOCX = "cover_letter_docx"


@dataclass(frozen=True, slots=True)
class Artifact:
    kind: ArtifactKind
    filename: str
    content_type: str
    data: bytes
    pages: int | None
    warnings: tuple[str, ...]
    ats_report: AtsReport


def render_package(
    cv: CV,
    cover_letter: CoverLetter | None = None,
    output_mode: OutputMode | str = OutputMode.PDF_ONLY,
    engine: Engine | str = Engine.V2,
    *,
    section_order: Sequence[SectionName | str] | None = None,
    page_size: PageSize | str = PageSize.A4,
    fonts_dir: Path | None = None,
) -> list[Artifact]:
    """Every file of the package, each already ATS-checked.

    ``combined_pdf`` and ``separate`` need a cover letter (``ValidationFailed`` otherwise).
    """
    mode = parse_option(OutputMode, output_mode, field="outputMode")
    if mode is not OutputMode.PDF_ONLY and cover_letter is None:
        raise ValidationFailed(
            f"outputMode {mode.value} needs a cover letter", details={"field": "coverLetter"}
        )
    letter_in_pdf = cover_letter if mode is OutputMode.COMBINED_PDF else None
    result = render_cv_pdf(
        cv,
        engine=engine,
        section_order=section_order,
        page_size=page_size,
        cover_letter=letter_in_pdf,
        fonts_dir=fonts_dir,
    )
    if mode is OutputMode.COMBINED_PDF:
        return [
            Artifact(
                ArtifactKind.CV_WITH_COVER_LETTER_PDF,
                "cv_and_cover_letter.pdf",
                PDF,
                result.pdf,
                result.pages,
                result.warnings,
                result.ats_report,
            )
        ]
    artifacts = [
        Artifact(
            ArtifactKind.CV_PDF, "cv.pdf", PDF, result.pdf, result.pages, result.warnings, result.ats_report
        )
    ]
    if mode is OutputMode.SEPARATE and cover_letter is not None:
        letter = render_cover_letter_docx(cover_letter, sender=cv, page_size=page_size)
        artifacts.append(
            Artifact(
                ArtifactKind.COVER_LETTER_DOCX,
                "cover_letter.docx",
                DOCX,
                letter.docx,
                None,
                letter.warnings,
                letter.ats_report,
            )
        )
    return artifacts
