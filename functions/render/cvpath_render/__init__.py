"""CVPath rendering: CVs and cover letters to ATS-checked PDF (engines V1, V2) and DOCX.

    from cvpath_render import load_cv, render_cv_pdf, render_package
    result = render_cv_pdf(load_cv(json_resume), engine="v2")   # RenderResult
    files = render_package(cv, letter, "separate", "v2")         # [Artifact, ...]

Every render is read back and matched against its input (``ats_check``) before it
is returned; a failure raises ``AtsCheckFailed``. Text the EB Garamond fonts cannot
draw is handled by one policy (``text_policy``): other scripts (Arabic, Hebrew,
CJK, ...) raise ``UnsupportedText`` naming the field; emoji and symbols, control
and invisible characters are removed with a warning in the result.

Importing this package is cheap: ReportLab, pypdf and python-docx are imported on
the first render, not here, and nothing on the render path imports boto3.
"""

from cvpath_render.api import (
    DocxResult,
    RenderResult,
    render_cover_letter_docx,
    render_cover_letter_pdf,
    render_cv_docx,
    render_cv_docx_checked,
    render_cv_pdf,
)
from cvpath_render.ats_check import AtsReport
from cvpath_render.cover_letter import CoverLetter
from cvpath_render.inputs import Engine, PageSize, load_cover_letter, load_cv
from cvpath_render.output import Artifact, ArtifactKind, OutputMode, render_package

__all__ = [
    "Artifact",
    "ArtifactKind",
    "AtsReport",
    "CoverLetter",
    "DocxResult",
    "Engine",
    "OutputMode",
    "PageSize",
    "RenderResult",
    "load_cover_letter",
    "load_cv",
    "render_cover_letter_docx",
    "render_cover_letter_pdf",
    "render_cv_docx",
    "render_cv_docx_checked",
    "render_cv_pdf",
    "render_package",
]
